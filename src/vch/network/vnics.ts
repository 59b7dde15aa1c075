/**
 * Container VMs' own vNICs on container networks (VIC's `--container-network`): a running container
 * on a container network gets a vmxnet3 vNIC on the port group (Backend.reconfigureVM addNics —
 * a hot-add, since the VM is powered on by then) and its address there; `network connect` of a
 * running container hot-adds one, `network disconnect` removes it. The vNIC stays on the VM across
 * stop and start (as a VM's configuration does), so a DHCP lease, a function of its MAC, comes back.
 * Changes of one container run one after another.
 */
import type { Backend } from '../../backend/backend.js';
import type { NetworkId, VmId } from '../../sim/ids.js';
import type { ExternalChange } from './external.js';
import type { NetworkRegistry } from './registry.js';

/** The container VM of a container id, and whether it runs; undefined for a container that is gone. */
export type ContainerVmLookup = (containerId: string) => { readonly vm: VmId; readonly running: boolean } | undefined;

/** Keeps container VMs' vNICs in step with their container networks. */
export class ContainerVnics {
  readonly #queues = new Map<string, Promise<void>>();

  constructor(
    readonly backend: Backend,
    readonly registry: NetworkRegistry,
    readonly lookup: ContainerVmLookup,
  ) {}

  /**
   * Gives running container `containerId` (VM `vm`) a vNIC on each container network it has no
   * address on yet, then its address there. Queued behind the container's earlier vNIC changes.
   * O(its networks) backend calls; rejects with the backend's or the allocation's error.
   */
  attach(containerId: string, vm: VmId): Promise<void> {
    return this.#enqueue(containerId, () => this.#attach(containerId, vm));
  }

  /** Reacts to `network connect`/`disconnect` (the registry's `onExternalChange`); failures are dropped (the endpoint stays without an address). */
  onChange(change: ExternalChange): void {
    const target = this.lookup(change.containerId);
    if (!target) return;
    if (change.change === 'connect' && target.running) void this.attach(change.containerId, target.vm).catch(() => undefined);
    if (change.change === 'disconnect' && change.mac !== undefined) void this.#enqueue(change.containerId, () => this.#detach(target.vm, change.mac!)).catch(() => undefined);
  }

  /** Resolves once the container's queued vNIC changes (or every container's, without an id) are done. */
  async settled(containerId?: string): Promise<void> {
    const pending = containerId === undefined ? [...this.#queues.values()] : [this.#queues.get(containerId) ?? Promise.resolve()];
    await Promise.all(pending.map((p) => p.catch(() => undefined)));
  }

  #enqueue(containerId: string, work: () => Promise<void>): Promise<void> {
    const next = (this.#queues.get(containerId) ?? Promise.resolve()).catch(() => undefined).then(work);
    this.#queues.set(containerId, next);
    void next.finally(() => {
      if (this.#queues.get(containerId) === next) this.#queues.delete(containerId);
    }).catch(() => undefined);
    return next;
  }

  async #attach(containerId: string, vm: VmId): Promise<void> {
    const waiting = this.registry.externalAttachments(containerId).filter((a) => a.ip === '');
    if (waiting.length === 0) return;
    const before = await this.backend.vm(vm);
    const present = new Set(before.nics.map((n) => n.macAddress));
    const missing = waiting.filter((a) => a.mac === undefined || !present.has(a.mac));
    const macs = new Map(waiting.flatMap((a) => (a.mac !== undefined && present.has(a.mac) ? [[a.networkId, a.mac] as const] : [])));
    if (missing.length > 0) {
      await (await this.backend.reconfigureVM(vm, { addNics: missing.map((a) => ({ network: a.portGroupId as NetworkId })) })).wait();
      const added = (await this.backend.vm(vm)).nics.filter((n) => !present.has(n.macAddress));
      for (const a of missing) {
        const nic = added.find((n) => n.network === a.portGroupId);
        if (!nic) continue;
        added.splice(added.indexOf(nic), 1);
        macs.set(a.networkId, nic.macAddress);
      }
    }
    for (const a of waiting) {
      const mac = macs.get(a.networkId);
      if (mac !== undefined) this.registry.bindNic(containerId, a.networkId, mac);
    }
  }

  async #detach(vm: VmId, mac: string): Promise<void> {
    const nic = (await this.backend.vm(vm)).nics.find((n) => n.macAddress === mac);
    if (nic) await (await this.backend.reconfigureVM(vm, { removeNics: [nic.key] })).wait();
  }
}

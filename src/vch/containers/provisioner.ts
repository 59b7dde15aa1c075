/**
 * Container VMs over the Backend, in the VCH's provisioning mode (ARCHITECTURE.md decision 7):
 * - `instant`: fork a frozen template running on the chosen host (one per host and VM size, booted
 *   from the bootstrap ISO on first use, kept on its host by a DRS VM override so that DRS never
 *   moves it away from the forks made there); the fork is born running with its guest parked until
 *   `start`, and gets the container's RW delta disk hot-added on the image's top layer;
 * - `linked`: linked clone of a per-size template's snapshot, powered off until start;
 * - `full`: full clone of the per-size template;
 * - `boot`: CreateVM with the bootstrap ISO (VIC 1.x).
 * A VM that was stopped boots again on the next start (a fork's memory state is gone once it is off).
 * The guest's own boot (the ISO, or the kernel after a clone) is simulated time on the VCH's clock
 * after PowerOnVM returns, from the calibration table.
 */
import type { Backend, HostInfo, ReconfigureVmSpec, VmInfo } from '../../backend/backend.js';
import type { LatencyCalibration } from '../../sim/calibration.js';
import type { Clock } from '../../sim/clock.js';
import { InsufficientResourcesError } from '../../sim/errors.js';
import type { ClusterId, DatastoreId, HostId, ResourcePoolId, VmId } from '../../sim/ids.js';
import type { VmSize } from './spec.js';

/** How container VMs are made. */
export type ProvisionMode = 'instant' | 'linked' | 'full' | 'boot';

/** Where a VCH's VMs go. */
export interface ProvisionTarget {
  readonly cluster: ClusterId;
  readonly pool: ResourcePoolId;
  readonly datastore: DatastoreId;
  /** Datastore path of the bootstrap ISO. */
  readonly bootIso: string;
  /** Prefix of template VM names, unique per VCH. */
  readonly templatePrefix: string;
}

/** What a container VM needs. */
export interface ContainerVmSpec {
  /** The VM's display name (`{name}-{shortid}`). */
  readonly name: string;
  /**
   * The VM's folder on the datastore (VIC: the container id, `[ds] <id>/<id>.vmx`): the VM is made
   * under this name, so vSphere names its folder and files after it, then renamed to `name`.
   */
  readonly folder: string;
  readonly size: VmSize;
  /** Datastore path of the image's top layer: the RW delta's parent. */
  readonly imageTopLayer: string;
  readonly extraConfig: Readonly<Record<string, string>>;
  readonly annotation: string;
}

/** Makes, starts, stops and destroys container VMs. */
export class Provisioner {
  readonly #templates = new Map<string, Promise<VmId>>();

  constructor(
    readonly backend: Backend,
    readonly clock: Clock,
    readonly target: ProvisionTarget,
    readonly mode: ProvisionMode,
    readonly latency: LatencyCalibration,
  ) {}

  /**
   * Creates the container VM. Instant: forked and running (guest parked). Others: powered off.
   * Nothing is left behind on failure.
   */
  async create(spec: ContainerVmSpec): Promise<VmId> {
    const disks = [{ parent: spec.imageTopLayer }];
    if (this.mode === 'boot') {
      const task = await this.backend.createVM({
        name: spec.folder,
        pool: this.target.pool,
        datastore: this.target.datastore,
        numCpu: spec.size.numCpu,
        memoryMB: spec.size.memoryMB,
        guestId: 'other3xLinux64Guest',
        annotation: spec.annotation,
        extraConfig: spec.extraConfig,
        disks,
        cdromIso: this.target.bootIso,
        serialLog: true,
      });
      return this.#named(await task.wait(), { name: spec.name });
    }
    const host = this.mode === 'instant' ? await this.pickHost(spec.size) : undefined;
    const template = await this.#template(spec.size, host);
    const clone = await this.backend.cloneVM(template, { name: spec.folder, mode: this.mode, pool: this.target.pool, host, powerOn: false });
    return this.#named(await clone.wait(), { name: spec.name, addDisks: disks, extraConfig: spec.extraConfig, annotation: spec.annotation });
  }

  /** Renames a new VM to its display name (with the rest of `change`); destroys it if that fails. */
  async #named(vm: VmId, change: ReconfigureVmSpec & { readonly name: string }): Promise<VmId> {
    try {
      await (await this.backend.reconfigureVM(vm, change)).wait();
    } catch (e) {
      await this.destroy(vm).catch(() => undefined);
      throw e;
    }
    return vm;
  }

  /** Powers the VM on unless it already runs (a parked fork), then waits out the guest's boot. */
  async start(vm: VmId): Promise<void> {
    if ((await this.backend.vmPowerState(vm)) === 'poweredOn') return;
    await (await this.backend.powerOnVM(vm)).wait();
    await this.#sleep(this.mode === 'boot' || this.mode === 'instant' ? this.latency.isoBootMs : this.latency.kernelBootMs);
  }

  /** Powers the VM off if it is on or suspended. */
  async stop(vm: VmId): Promise<void> {
    if ((await this.backend.vmPowerState(vm)) !== 'poweredOff') await (await this.backend.powerOffVM(vm)).wait();
  }

  /** Suspends a running VM (docker pause). */
  async suspend(vm: VmId): Promise<void> {
    await (await this.backend.suspendVM(vm)).wait();
  }

  /** Resumes a suspended VM (docker unpause). */
  async resume(vm: VmId): Promise<void> {
    await (await this.backend.powerOnVM(vm)).wait();
  }

  /** Powers off and destroys the VM (its RW delta goes with it; attached volumes stay). */
  async destroy(vm: VmId): Promise<void> {
    await this.stop(vm);
    await (await this.backend.destroyVM(vm)).wait();
  }

  /**
   * The host for a new fork, as VIC ranked hosts without DRS (0.7 × unconsumed + 0.3 × inactive
   * memory): the Backend reports no inactive memory, so both terms are the host's free memory and
   * the ranking is by free memory, ties by id.
   */
  async pickHost(size: VmSize): Promise<HostId> {
    const hosts = (await this.backend.hosts({ cluster: this.target.cluster })).filter((h) => h.state === 'connected');
    const ranked = hosts.map((h) => ({ h, score: freeMB(h) })).filter((r) => r.score >= size.memoryMB);
    ranked.sort((a, b) => b.score - a.score || a.h.id.localeCompare(b.h.id));
    const best = ranked[0];
    if (!best) throw new InsufficientResourcesError(`no connected host in ${this.target.cluster} has ${size.memoryMB} MB free for a container VM`, 'memory', size.memoryMB, Math.max(0, ...hosts.map(freeMB)), 'MB');
    return best.h.id;
  }

  /** The running (instant) or snapshotted (linked, full) template for a size, made on first use. */
  #template(size: VmSize, host: HostId | undefined): Promise<VmId> {
    const key = `${size.numCpu}x${size.memoryMB}${host === undefined ? '' : `-${host}`}`;
    let made = this.#templates.get(key);
    if (!made) {
      made = this.#makeTemplate(`${this.target.templatePrefix}-${key}`, size, host);
      made.catch(() => this.#templates.delete(key));
      this.#templates.set(key, made);
    }
    return made;
  }

  async #makeTemplate(name: string, size: VmSize, host: HostId | undefined): Promise<VmId> {
    const existing = await this.backend.findVm(name);
    const vm = existing?.id ?? (await this.#createTemplateVm(name, size, host));
    const info = await this.backend.vm(vm);
    if (this.mode === 'instant') {
      await this.#keepOnItsHost(vm);
      if (info.powerState !== 'poweredOn') {
        await (await this.backend.powerOnVM(vm)).wait();
        await this.#sleep(this.latency.isoBootMs);
      }
    } else if (info.snapshots.length === 0) {
      await (await this.backend.createSnapshot(vm, 'vicsim-template', 'container template')).wait();
    }
    return vm;
  }

  /**
   * Adds a DRS VM override (DRS disabled, manual) for template `vm` unless it has one: an instant
   * clone is made on its template's host, so DRS must not move the template. One cluster read, and a
   * reconfiguration the first time.
   */
  async #keepOnItsHost(vm: VmId): Promise<void> {
    const { cluster } = this.target;
    if ((await this.backend.clusterConfig(cluster)).drsVmOverrides.some((o) => o.vm === vm)) return;
    await (await this.backend.reconfigureCluster(cluster, { drsVmOverrides: [{ operation: 'add', override: { vm, enabled: false, behavior: 'manual' } }] })).wait();
  }

  async #createTemplateVm(name: string, size: VmSize, host: HostId | undefined): Promise<VmId> {
    const task = await this.backend.createVM({
      name,
      pool: this.target.pool,
      host,
      datastore: this.target.datastore,
      numCpu: size.numCpu,
      memoryMB: size.memoryMB,
      guestId: 'other3xLinux64Guest',
      annotation: 'vicsim container template (bootstrap ISO, tether parked)',
      cdromIso: this.target.bootIso,
      serialLog: true,
    });
    return task.wait();
  }

  /**
   * Makes the templates new containers of `size` will need (instant: one per connected host;
   * linked and full: one), so the first `docker run` does not pay a template's boot.
   */
  async warm(size: VmSize): Promise<void> {
    if (this.mode === 'boot') return;
    if (this.mode !== 'instant') {
      await this.#template(size, undefined);
      return;
    }
    const hosts = (await this.backend.hosts({ cluster: this.target.cluster })).filter((h) => h.state === 'connected' && freeMB(h) >= size.memoryMB);
    await Promise.all(hosts.map((h) => this.#template(size, h.id)));
  }

  /** Template VMs of this VCH (for deletion). */
  async templates(): Promise<VmInfo[]> {
    return (await this.backend.vms({ pool: this.target.pool })).filter((v) => v.name.startsWith(`${this.target.templatePrefix}-`));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.schedule(ms, resolve, { label: 'guest boot' }));
  }
}

function freeMB(h: HostInfo): number {
  return h.memory?.freeMB ?? h.memoryMB;
}

/**
 * Provisioning and removing one container VM in the VCH's mode, as chains of model tasks on
 * simulated time: instant = clone of the host's frozen template (born running); linked and full =
 * clone of the image, powered on; boot = CreateVM then power on (VIC 1.x). A guest that boots
 * touches its working set; an instant clone shares its template's. The latency a container sees
 * is the tasks' simulated time plus the guest's boot (kernel for linked and full clones, the ISO
 * for boot), as bench/density.bench.ts measures it.
 */
import { InsufficientResourcesError, VicsimError } from '../../sim/errors.js';
import type { ClusterId, HostId, VmId } from '../../sim/ids.js';
import { MiB } from '../../sim/units.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import { placeVm } from '../../hypervisor/placement.js';
import { cloneVM } from '../../hypervisor/vm-clone.js';
import { destroyVM } from '../../hypervisor/vm-config.js';
import { createVM } from '../../hypervisor/vm-create.js';
import { powerVM } from '../../hypervisor/vm-power.js';
import { buildConfig, type VmConfigSpec } from '../../hypervisor/vm-spec.js';
import type { WorkloadProfile } from '../scenario/types.js';
import type { VchRuntime } from './inventory.js';
import { configKey, profileVmConfig, touchedMB } from './profile-config.js';
import { refusalOf, type Refusal } from './refusals.js';
import { CONTAINER_DISK_BYTES, ProvisioningSources } from './sources.js';
import { TaskContinuations, type TaskOutcome } from './tasks.js';

/** How a request ended: a running container, or a refusal. */
export type ProvisionOutcome =
  | { readonly ok: true; readonly vm: VmId; readonly host: HostId; readonly latencyMs: number }
  | ({ readonly ok: false } & Refusal);

/** Provisions and removes container VMs on one model. */
export class Provisioner {
  readonly tasks: TaskContinuations;
  readonly #sources: ProvisioningSources;
  readonly #configs = new Map<WorkloadProfile, { readonly config: VmConfigSpec; readonly key: string }>();

  constructor(
    readonly model: VSphereModel,
    sources?: (tasks: TaskContinuations) => ProvisioningSources,
  ) {
    this.tasks = new TaskContinuations(model);
    this.#sources = sources ? sources(this.tasks) : new ProvisioningSources(model, this.tasks);
  }

  /** A provisioner for a copy of this model (same ids) that reuses the templates and images made so far. */
  forModel(copy: VSphereModel): Provisioner {
    return new Provisioner(copy, (tasks) => this.#sources.forModel(copy, tasks));
  }

  /**
   * Starts provisioning container `name` of `profile` in `vch`; `done` runs (inside a clock event)
   * when it runs or was refused. Preconditions: `name` unique in the model.
   * @throws the model's error when it is not a refusal (a bug, not a capacity limit).
   */
  provision(vch: VchRuntime, profile: WorkloadProfile, name: string, done: (o: ProvisionOutcome) => void): void {
    const model = this.model;
    const requestedAt = model.clock.now();
    const { config, key } = this.#configOf(profile);
    const touch = touchedMB(profile);
    const mode = vch.spec.provisioning;
    const l = model.calibration.latency;
    const finish = (o: TaskOutcome, bootMs: number, writeMB: number): void => {
      if (!o.ok) return done(this.#refusal(o.error, vch));
      const vm = o.result as VmId;
      const host = model.registry.get('VirtualMachine', vm).host;
      if (writeMB > 0) model.memoryOf(host).write(vm, 0, writeMB * MiB);
      done({ ok: true, vm, host, latencyMs: model.clock.now() - requestedAt + bootMs });
    };
    if (mode === 'boot') {
      return this.tasks.after(createVM(model, { ...config, name, pool: vch.pool, disks: [{ capacityBytes: CONTAINER_DISK_BYTES }] }), (c) => {
        if (!c.ok) return finish(c, 0, 0);
        this.tasks.after(powerVM(model, c.result as VmId, 'powerOn'), (p) => {
          if (!p.ok) destroyVM(model, c.result as VmId);
          finish(p, l.isoBootMs, touch);
        });
      });
    }
    let host: HostId | undefined;
    if (mode === 'instant') {
      host = placeVm(model, vch.cluster, buildConfig(name, config, { numCpu: config.numCpu!, memoryMB: config.memoryMB! }));
      if (host === undefined) return done(this.#refusal(noHostError(model, vch.cluster, name, config.memoryMB!), vch));
    }
    this.#sources.withSource(vch, mode, config, key, touch, host, (s) => {
      if (!s.ok) return done(this.#refusal(s.error, vch));
      const clone = cloneVM(model, s.vm, { name, mode, pool: vch.pool, powerOn: mode !== 'instant' });
      this.tasks.after(clone, (o) => (mode === 'instant' ? finish(o, 0, 0) : finish(o, l.kernelBootMs, touch)));
    });
  }

  /** The VM configuration of `profile`'s containers and its key, made once per profile (its containers share the records). */
  #configOf(profile: WorkloadProfile): { readonly config: VmConfigSpec; readonly key: string } {
    let made = this.#configs.get(profile);
    if (made === undefined) {
      const config = profileVmConfig(profile, this.model.calibration);
      this.#configs.set(profile, (made = { config, key: configKey(config) }));
    }
    return made;
  }

  /** Powers a container off (if running) and destroys it; `done` runs when it is gone. */
  remove(vm: VmId, done: () => void = () => {}): void {
    const destroy = (): void => this.tasks.after(destroyVM(this.model, vm), () => done());
    if (this.model.registry.get('VirtualMachine', vm).powerState === 'poweredOff') return destroy();
    this.tasks.after(powerVM(this.model, vm, 'powerOff'), destroy);
  }

  #refusal(error: VicsimError, vch: VchRuntime): ProvisionOutcome {
    const refusal = refusalOf(error, vch.pool);
    if (!refusal) throw error;
    return { ok: false, ...refusal };
  }
}

/**
 * Why no host of `cluster` admits container `name`: every connected host runs ESXi's maximum of
 * VMs, or (otherwise) memory. O(hosts in the cluster).
 */
function noHostError(model: VSphereModel, cluster: ClusterId, name: string, memoryMB: number): InsufficientResourcesError {
  const max = model.calibration.vm.maxVmsPerHost;
  const connected = model.hostsOf(cluster).filter((h) => h.state === 'connected');
  if (connected.length > 0 && connected.every((h) => model.accounting.hostVms(h.id) >= max)) {
    return new InsufficientResourcesError(`cluster ${cluster}: every connected host runs ESXi's maximum of ${max} VMs`, 'vms', 1, 0, 'VMs');
  }
  return new InsufficientResourcesError(`cluster ${cluster}: no connected host admits ${name}`, 'memory', memoryMB, 0, 'MB');
}

/**
 * Where containers are provisioned from, per VCH and VM configuration, made on first use as VIC
 * does (the first request of an image waits for them):
 * - instant: a template VM per host, powered on, its working set touched, then frozen — the
 *   per-host template pool instant clones fork from;
 * - linked: a powered-off image VM holding the image data, with a snapshot to branch from;
 * - full: the same image VM without the snapshot (a full clone copies its data).
 * Booting (VIC 1.x) needs no source. Sources live in the cluster's root pool, outside the VCH pool.
 */
import type { VicsimError } from '../../sim/errors.js';
import type { HostId, VmId } from '../../sim/ids.js';
import { GiB, MiB } from '../../sim/units.js';
import { writeDisk } from '../../hypervisor/disks.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import { createSnapshot } from '../../hypervisor/snapshots.js';
import { freezeVM } from '../../hypervisor/vm-clone.js';
import { destroyVM } from '../../hypervisor/vm-config.js';
import { createVM } from '../../hypervisor/vm-create.js';
import { powerVM } from '../../hypervisor/vm-power.js';
import type { VmConfigSpec } from '../../hypervisor/vm-spec.js';
import type { ProvisioningMode } from '../scenario/types.js';
import type { VchRuntime } from './inventory.js';
import type { TaskContinuations } from './tasks.js';

/** Capacity of a container VM's disk, bytes (hypervisor presets DEFAULT_DISK_BYTES). */
export const CONTAINER_DISK_BYTES = 8 * GiB;
/** Data an image holds, MB: what a full clone copies (estimate, as bench/density.bench.ts). */
export const IMAGE_DATA_MB = 512;

/** A source ready to clone from, or the error that stopped it being made. */
export type SourceOutcome = { readonly ok: true; readonly vm: VmId } | { readonly ok: false; readonly error: VicsimError };

interface SourceEntry {
  vm: VmId | undefined;
  readonly waiters: ((outcome: SourceOutcome) => void)[];
}

/** The provisioning sources of one model. */
export class ProvisioningSources {
  readonly #entries = new Map<string, SourceEntry>();
  #made = 0;

  constructor(
    private readonly model: VSphereModel,
    private readonly tasks: TaskContinuations,
  ) {}

  /** The sources made so far, for a copy of the model (same ids): the copy clones from them too. O(sources). */
  forModel(model: VSphereModel, tasks: TaskContinuations): ProvisioningSources {
    const copy = new ProvisioningSources(model, tasks);
    for (const [id, e] of this.#entries) if (e.vm !== undefined) copy.#entries.set(id, { vm: e.vm, waiters: [] });
    copy.#made = this.#made;
    return copy;
  }

  /**
   * Calls `ready` with the source for containers of `config` in `vch` (on `host` for instant
   * clones) once it exists, making it first if needed. A template whose host failed is replaced.
   * O(1) when the source exists.
   */
  withSource(vch: VchRuntime, mode: Exclude<ProvisioningMode, 'boot'>, config: VmConfigSpec, key: string, touchMB: number, host: HostId | undefined, ready: (o: SourceOutcome) => void): void {
    const id = `${vch.spec.name}|${mode}|${key}|${host ?? ''}`;
    const entry = this.#entries.get(id);
    if (entry?.vm !== undefined && this.#usable(entry.vm, mode)) return ready({ ok: true, vm: entry.vm });
    if (entry && entry.vm === undefined) return void entry.waiters.push(ready);
    if (entry?.vm !== undefined) this.#discard(entry.vm);
    const fresh: SourceEntry = { vm: undefined, waiters: [ready] };
    this.#entries.set(id, fresh);
    const finish = (o: SourceOutcome): void => {
      if (o.ok) fresh.vm = o.vm;
      else this.#entries.delete(id);
      for (const w of fresh.waiters.splice(0)) w(o);
    };
    this.#make(vch, mode, config, touchMB, host, finish);
  }

  #usable(vm: VmId, mode: Exclude<ProvisioningMode, 'boot'>): boolean {
    const rec = this.model.registry.find(vm);
    if (rec?.kind !== 'VirtualMachine') return false;
    return mode !== 'instant' || rec.powerState === 'poweredOn';
  }

  /** Destroys a source that can no longer serve (a template whose host failed or that could not start). */
  #discard(vm: VmId): void {
    if (this.model.registry.find(vm)?.kind === 'VirtualMachine') destroyVM(this.model, vm);
  }

  #make(vch: VchRuntime, mode: Exclude<ProvisioningMode, 'boot'>, config: VmConfigSpec, touchMB: number, host: HostId | undefined, done: (o: SourceOutcome) => void): void {
    const name = `${mode === 'instant' ? 'template' : 'image'}-${vch.spec.name}-${this.#made++}`;
    const create = createVM(this.model, { ...config, name, pool: vch.rootPool, ...(host ? { host } : {}), disks: [{ capacityBytes: CONTAINER_DISK_BYTES }] });
    this.tasks.after(create, (o) => {
      if (!o.ok) return done(o);
      const vm = o.result as VmId;
      const disk = this.model.registry.get('VirtualMachine', vm).config.devices.find((d) => d.type === 'disk');
      if (disk?.type === 'disk') writeDisk(this.model, disk.fileName, 0, IMAGE_DATA_MB * MiB, 1);
      if (mode === 'full') return done({ ok: true, vm });
      if (mode === 'linked') return this.tasks.after(createSnapshot(this.model, vm, 'image'), (s) => done(s.ok ? { ok: true, vm } : s));
      this.tasks.after(powerVM(this.model, vm, 'powerOn'), (p) => {
        if (!p.ok) {
          this.#discard(vm);
          return done(p);
        }
        const rec = this.model.registry.get('VirtualMachine', vm);
        if (touchMB > 0) this.model.memoryOf(rec.host).write(vm, 0, touchMB * MiB);
        freezeVM(this.model, vm);
        done({ ok: true, vm });
      });
    });
  }
}

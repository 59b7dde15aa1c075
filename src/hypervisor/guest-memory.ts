/**
 * Guest memory of running VMs, held in each host's {@link HostMemory}: a booted VM touches its boot
 * footprint, an instant clone forks its source's memory, a vMotion moves resident memory to the new
 * host, and stopping frees it. Guests with a workload profile — extraConfig keys
 * `vicsim.workload.workingSet` (a size), `vicsim.workload.dirtyRate` (4 KiB pages per second),
 * `vicsim.workload.locality` and `vicsim.workload.zeroShare` (0..1) — write their memory on a
 * background tick of simulated time, so shared pages turn private at the pace they write.
 * A booted VM's boot footprint holds its guest OS's pages (content named by guestId), which inter-VM
 * transparent page sharing can merge; the same tick runs each host's page scanner while it has work.
 * Memory contents are not part of a saved model: a restored running VM comes back with its boot footprint.
 */
import { InvalidArgumentError } from '../sim/errors.js';
import type { HostId, VmId } from '../sim/ids.js';
import { parseBytes } from '../sim/units.js';
import type { GuestWorkload } from '../instantclone/workload.js';
import type { HostMemory } from '../instantclone/host-memory.js';
import type { VSphereModel } from './model.js';
import type { VirtualMachine } from './types.js';

const KEY = 'vicsim.workload.';

/**
 * Parsed workloads by extraConfig record (records are replaced, never changed, on reconfigure, and
 * clones of one configuration share theirs), with the memory size they were parsed for: the guest
 * tick and DRS ask once per VM per step, and parsing builds strings.
 */
const parsedWorkloads = new WeakMap<Readonly<Record<string, string>>, { readonly memoryMB: number; readonly workload: GuestWorkload | undefined }>();

/**
 * The workload profile a VM's extraConfig describes, or undefined when it has none. O(1) after the
 * first call for its extraConfig record and memory size (a cache lookup).
 * @throws InvalidArgumentError as {@link parseWorkload} for a value out of range (not cached).
 */
export function workloadOf(vm: VirtualMachine): GuestWorkload | undefined {
  const { extraConfig, memoryMB } = vm.config;
  const cached = parsedWorkloads.get(extraConfig);
  if (cached !== undefined && cached.memoryMB === memoryMB) return cached.workload;
  const workload = parseWorkload(vm.name, extraConfig, memoryMB);
  parsedWorkloads.set(extraConfig, { memoryMB, workload });
  return workload;
}

/**
 * The workload profile in `vicsim.workload.*` extraConfig keys, or undefined when there is none.
 * @throws InvalidArgumentError naming the key for a value out of range (create and reconfigure check this).
 */
export function parseWorkload(name: string, x: Readonly<Record<string, string>>, memoryMB: number): GuestWorkload | undefined {
  if (x[`${KEY}workingSet`] === undefined && x[`${KEY}dirtyRate`] === undefined) return undefined;
  const num = (k: string, fallback: number, max = Infinity): number => {
    const raw = x[`${KEY}${k}`];
    const v = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(v) || v < 0 || v > max) throw new InvalidArgumentError('extraConfig', `VM '${name}': ${KEY}${k} must be a number from 0 to ${max}, got '${raw}'`);
    return v;
  };
  const ws = x[`${KEY}workingSet`];
  const workingSetBytes = Math.min(ws === undefined ? memoryMB * 2 ** 20 : parseBytes(ws), memoryMB * 2 ** 20);
  if (workingSetBytes <= 0) throw new InvalidArgumentError('extraConfig', `VM '${name}': ${KEY}workingSet must be > 0, got '${ws}'`);
  return { workingSetBytes, dirtyPagesPerSec: num('dirtyRate', 0), locality: num('locality', 0.9, 0.999), zeroShare: num('zeroShare', 0, 1) };
}

/** Boots a VM's memory on its host (its boot footprint), or forks `forkOf`'s memory for an instant clone. */
export function startMemory(model: VSphereModel, vm: VirtualMachine, forkOf?: VmId): void {
  const mem = model.memoryOf(vm.host);
  if (forkOf !== undefined) mem.fork(forkOf, vm.id, model.overheadOf(vm));
  else mem.powerOn(vm.id, vm.config.memoryMB, model.overheadOf(vm), model.calibration.memory.bootTouchedMB, `guest-os:${vm.config.guestId}`);
  if (workloadOf(vm) || mem.sharing.scanning) ensureGuestTicker(model);
}

/**
 * Sets a host's ESXi advanced option Mem.ShareForceSalting: 0 shares identical pages between VMs
 * (inter-VM TPS); 1 and 2 (the default since 2014) salt pages per VM, so only a VM's own pages merge.
 * @throws InvalidArgumentError for another value; NotFoundError for an unknown host.
 */
export function setShareForceSalting(model: VSphereModel, host: HostId, value: number): void {
  if (value !== 0 && value !== 1 && value !== 2) throw new InvalidArgumentError('Mem.ShareForceSalting', `Mem.ShareForceSalting must be 0, 1 or 2, got ${value}`);
  model.memoryOf(host).setInterVmSharing(value === 0);
  if (value === 0) ensureGuestTicker(model);
}

/** Frees a VM's memory on its host (power off, suspend, failure). */
export function stopMemory(model: VSphereModel, vm: VirtualMachine): void {
  const mem = model.memoryOf(vm.host);
  if (mem.has(vm.id)) mem.release(vm.id);
}

/** Moves a running VM's resident memory from `from` to its (new) host: private there, freed here. */
export function moveMemory(model: VSphereModel, vm: VirtualMachine, from: HostId): void {
  const source = model.memoryOf(from);
  if (!source.has(vm.id) || from === vm.host) return;
  const s = source.vmStats(vm.id);
  model.memoryOf(vm.host).adopt(vm.id, vm.config.memoryMB, model.overheadOf(vm), s.privateMB + s.sharedMB, s.activeMB);
  source.release(vm.id);
}

/** A running VM's workload may have changed (a reconfigure): its guest writes again on the next tick. */
export function wakeGuest(model: VSphereModel, vm: VirtualMachine): void {
  model.memoryOf(vm.host).wake(vm.id);
  ensureGuestTicker(model);
}

/** Starts the background tick that runs guest workloads and page scanners, once per model (no-op while it runs). */
export function ensureGuestTicker(model: VSphereModel): void {
  if (model.guestTicker) return;
  const tick = model.calibration.memory.guestTickMs;
  const rng = model.rng.fork('guest-workloads');
  const run = (): void => {
    let running = 0;
    for (const h of model.registry.all('Host')) {
      const mem = model.memoryOf(h.id);
      running += runGuests(model, mem, rng, tick) + (mem.scan(tick, h.cpuCores * h.cpuMhzPerCore) ? 1 : 0);
    }
    model.guestTicker = running > 0 ? model.clock.schedule(tick, run, { background: true, label: 'guest workloads' }) : undefined;
  };
  model.guestTicker = model.clock.schedule(tick, run, { background: true, label: 'guest workloads' });
}

/**
 * Lets every guest on one host whose writes may still change a count write for `ms` (the host's
 * writers: a guest without a workload rests until woken); returns how many ran. O(writers).
 */
function runGuests(model: VSphereModel, mem: HostMemory, rng: ReturnType<VSphereModel['rng']['fork']>, ms: number): number {
  return mem.runWorkloads(
    (id) => {
      const vm = model.registry.find(id);
      return vm?.kind === 'VirtualMachine' ? workloadOf(vm) : undefined;
    },
    rng,
    ms,
  );
}

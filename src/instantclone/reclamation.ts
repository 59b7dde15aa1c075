/**
 * Memory reclamation in ESXi's order, at the level of amounts per VM. Only idle private guest memory
 * (private pages beyond the VM's active working set) is taken: pages shared by fork would free nothing.
 * - soft: balloon (up to 65% of a VM's memory);
 * - hard: balloon, then compression (a cache of 10% of a VM's memory, pages compressed 2:1), then swap;
 * - low: compression and swap (ballooning is too slow).
 * Each technique takes from VMs in proportion to what each can give, and only idle memory: the model
 * reclaims at once rather than at a rate, so a host whose active working sets alone do not fit stays
 * in the low state (and refuses power-ons) instead of swapping active pages without end. When memory
 * is plentiful again the host gives memory back: swap first, then compression, then the balloon deflates.
 */
import type { Calibration } from '../sim/calibration.js';

/** What reclamation took from one VM (MB of guest memory). */
export interface Reclaimed {
  balloonMB: number;
  compressedMB: number;
  swappedMB: number;
}

/** What reclamation needs to know of a VM. */
export interface ReclaimTarget {
  readonly configuredMB: number;
  readonly activeMB: number;
  readonly reclaimed: Reclaimed;
}

/** The sum of what reclamation took from `vms`. O(VMs). */
export function sumReclaimed(vms: Iterable<{ readonly reclaimed: Reclaimed }>): Reclaimed {
  const out = { balloonMB: 0, compressedMB: 0, swappedMB: 0 };
  for (const { reclaimed } of vms) {
    out.balloonMB += reclaimed.balloonMB;
    out.compressedMB += reclaimed.compressedMB;
    out.swappedMB += reclaimed.swappedMB;
  }
  return out;
}

/** Share of compressed memory that stays resident (2:1 compression; estimate). */
export const COMPRESSION_KEEP = 0.5;

type Technique = 'balloon' | 'compress' | 'swap';

const ORDER: Record<'soft' | 'hard' | 'low', Technique[]> = {
  soft: ['balloon'],
  hard: ['balloon', 'compress', 'swap'],
  low: ['compress', 'swap'],
};

/**
 * Takes up to `deficitMB` of consumed memory back from `vms` with the techniques `state` allows.
 * `privateOf` gives a VM's private guest memory in MB. Returns the MB freed. O(VMs × techniques).
 */
export function reclaim<T extends ReclaimTarget>(vms: readonly T[], deficitMB: number, state: 'soft' | 'hard' | 'low', privateOf: (vm: T) => number, calibration: Calibration): number {
  let left = deficitMB;
  for (const technique of ORDER[state]) {
    if (left <= 0) break;
    const room = vms.map((vm) => roomFor(vm, technique, privateOf(vm), calibration));
    const total = room.reduce((a, b) => a + b, 0);
    if (total <= 0) continue;
    const gainPerMB = technique === 'compress' ? 1 - COMPRESSION_KEEP : 1;
    const take = Math.min(1, left / (total * gainPerMB));
    vms.forEach((vm, i) => {
      const mb = room[i]! * take;
      if (technique === 'balloon') vm.reclaimed.balloonMB += mb;
      else if (technique === 'compress') vm.reclaimed.compressedMB += mb;
      else vm.reclaimed.swappedMB += mb;
    });
    left -= total * take * gainPerMB;
  }
  return deficitMB - left;
}

/** Gives back up to `surplusMB` of reclaimed memory: swap, then compression, then balloon. */
export function release<T extends ReclaimTarget>(vms: readonly T[], surplusMB: number): void {
  let left = surplusMB;
  for (const key of ['swappedMB', 'compressedMB', 'balloonMB'] as const) {
    if (left <= 0) return;
    const gainPerMB = key === 'compressedMB' ? 1 - COMPRESSION_KEEP : 1;
    const total = vms.reduce((s, vm) => s + vm.reclaimed[key], 0);
    if (total <= 0) continue;
    const share = Math.min(1, left / (total * gainPerMB));
    for (const vm of vms) vm.reclaimed[key] -= vm.reclaimed[key] * share;
    left -= total * share * gainPerMB;
  }
}

/** How much more `technique` can take from a VM. */
function roomFor(vm: ReclaimTarget, technique: Technique, privateMB: number, calibration: Calibration): number {
  const r = vm.reclaimed;
  const taken = r.balloonMB + r.compressedMB + r.swappedMB;
  const idle = Math.max(0, privateMB - vm.activeMB - taken);
  if (technique === 'balloon') return Math.min(idle, Math.max(0, calibration.memory.balloonMaxFraction * vm.configuredMB - r.balloonMB));
  if (technique === 'compress') return Math.min(idle, Math.max(0, calibration.memory.compressionCacheFraction * vm.configuredMB - r.compressedMB));
  return idle;
}

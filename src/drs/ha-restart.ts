/**
 * HA restart planning after host failures (calibration.md, HA admission control): the VMs of the
 * failed hosts restart on the surviving connected hosts in restart-priority order. A restart
 * ignores the admission-control reserve and host load; it needs only the VM's reservations
 * (and overhead) to fit the host's unreserved capacity, and it keeps mandatory rules (VM-VM
 * and `must` VM-Host; `should` rules are kept only where that costs nothing). A VM that cannot
 * restart is reported with the reason, never dropped.
 */
import type { HostId, VmId } from '../sim/ids.js';
import { HostLedger } from './ledger.js';
import { drsPlacement, type HostRejection, type PlacementStrategy } from './placement.js';
import { RuleIndex } from './rules.js';
import type { ClusterSnapshot, CpuMem, RestartPriority, VmSnapshot } from './snapshot.js';

/** Options of {@link planHaRestarts}. */
export interface HaRestartOptions {
  /** Hosts to treat as failed besides those whose state is already `failed` (failure injection). */
  readonly failedHosts?: readonly HostId[];
  /** Placement strategy for each restart (default DRS placement over reservations). */
  readonly strategy?: PlacementStrategy;
}

/** A planned restart. */
export interface HaRestart {
  readonly vm: VmId;
  readonly from: HostId;
  readonly to: HostId;
  readonly priority: RestartPriority;
}

/** A VM HA cannot restart, and why. */
export interface HaUnrestarted {
  readonly vm: VmId;
  readonly from: HostId;
  readonly reason: 'restart-disabled' | 'no-host';
  /** Each surviving host's refusal (reason `no-host`). */
  readonly rejections: readonly HostRejection[];
}

/** The restart plan: restarts in the order HA issues them, and the VMs left down. */
export interface HaRestartPlan {
  readonly restarts: readonly HaRestart[];
  readonly unrestarted: readonly HaUnrestarted[];
}

/** Restart order, highest first. */
const PRIORITY_RANK: Readonly<Record<RestartPriority, number>> = { highest: 0, high: 1, medium: 2, low: 3, lowest: 4, disabled: 5 };

/**
 * Plans the restart of every VM on a failed host. Deterministic: priority order, then snapshot
 * order. O(F · H · r) for F VMs to restart, H hosts and r members of their rules.
 * Preconditions: as {@link HostLedger.fromSnapshot}; `failedHosts` name hosts of the snapshot.
 */
export function planHaRestarts(snapshot: ClusterSnapshot, options: HaRestartOptions = {}): HaRestartPlan {
  const injected = new Set(options.failedHosts ?? []);
  const hosts = snapshot.hosts.map((h) => (injected.has(h.id) ? { ...h, state: 'failed' as const } : h));
  const ledger = reservationLedger({ ...snapshot, hosts });
  const context = { ledger, rules: new RuleIndex(snapshot.rules), loadCap: Infinity };
  const strategy = options.strategy ?? drsPlacement;
  const down = snapshot.vms
    .map((vm, order) => ({ vm, order }))
    .filter(({ vm }) => ledger.stateOf(ledger.hostOf(vm.host)) === 'failed')
    .sort((a, b) => PRIORITY_RANK[a.vm.restartPriority] - PRIORITY_RANK[b.vm.restartPriority] || a.order - b.order);
  const restarts: HaRestart[] = [];
  const unrestarted: HaUnrestarted[] = [];
  for (const { vm } of down) {
    if (vm.restartPriority === 'disabled') {
      unrestarted.push({ vm: vm.id, from: vm.host, reason: 'restart-disabled', rejections: [] });
      continue;
    }
    const result = strategy(context, { vm: reservationOnly(vm) });
    if (!result.ok) {
      unrestarted.push({ vm: vm.id, from: vm.host, reason: 'no-host', rejections: result.rejections });
      continue;
    }
    ledger.move(ledger.vmIndex.get(vm.id)!, ledger.hostOf(result.host));
    restarts.push({ vm: vm.id, from: vm.host, to: result.host, priority: vm.restartPriority });
  }
  return { restarts, unrestarted };
}

/** A ledger whose "entitlements" are the reservations, so placement spreads reservations. */
function reservationLedger(snapshot: ClusterSnapshot): HostLedger {
  const vms = new Map<VmId, CpuMem>(snapshot.vms.map((vm) => [vm.id, reservationOf(vm)]));
  return HostLedger.fromSnapshot(snapshot, { vms, pools: new Map() });
}

function reservationOf(vm: VmSnapshot): CpuMem {
  return { cpuMHz: vm.cpu.reservation, memoryMB: vm.memory.reservation + vm.overheadMB };
}

/** The VM as HA sees it: no demand beyond its reservations, so its expected load is its reservation. */
function reservationOnly(vm: VmSnapshot): VmSnapshot {
  return { ...vm, demand: { cpuRunMHz: 0, cpuReadyMHz: 0, memActiveMB: 0, memConsumedMB: 0 } };
}

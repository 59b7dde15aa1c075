/**
 * Distributed Power Management (issue 5 item 7; calibration.md, DRS: "power management" is the last
 * step of a pass). Per cluster, each running host's utilisation is its VMs' demand over its
 * capacity, the larger of CPU's and memory's. When a host is above the band (81%) over the
 * power-on window (5 min), standby hosts are woken, largest first, until the cluster's projected
 * utilisation is back at the band's centre. When no host is above it, no evacuation is under way,
 * the power-off window (40 min) is full and some host is below the band (45%), one host goes to
 * standby: the one whose VMs cost least to evacuate (MB to copy) among those whose every VM finds a
 * destination that keeps its reservations and mandatory rules with no receiver above the band in
 * either window (so the move does not undo itself: hysteresis), that leaves at least the minimum
 * number of hosts on and HA's failover capacity intact, and that has been up long enough.
 * Every recommendation and every refused candidate says why. Pure: same input, same result.
 */
import { InvalidArgumentError } from '../sim/errors.js';
import type { HostId, VmId } from '../sim/ids.js';
import { vmDemand } from './demand.js';
import { DPM_DEFAULTS, dpmPriority } from './dpm-window.js';
import { percentagePolicy, slotPolicy, type PercentagePolicy, type SlotPolicyOptions } from './ha-admission.js';
import { checkThreshold } from './imbalance.js';
import { HostLedger } from './ledger.js';
import { bestDestination } from './moves.js';
import { RuleIndex } from './rules.js';
import type { ClusterSnapshot, CpuMem, HostSnapshot } from './snapshot.js';

/** The HA admission DPM must keep: the slot policy tolerating `hostFailures`, or the percentage policy. */
export type DpmHaConstraint = ({ readonly policy: 'slot'; readonly hostFailures: number } & SlotPolicyOptions) | ({ readonly policy: 'percentage' } & PercentagePolicy);

/** Options; defaults in {@link DPM_DEFAULTS}. Preconditions: 0 < low < high ≤ 1, threshold 1..5, minHostsOn ≥ 1. */
export interface DpmOptions {
  readonly lowUtilization?: number;
  readonly highUtilization?: number;
  readonly threshold?: number;
  readonly minHostsOn?: number;
  readonly priorityStep?: number;
  readonly hostMinUptimeSec?: number;
  /** HA admission to keep (default none). */
  readonly ha?: DpmHaConstraint;
}

/** A VM's demand over the two windows. */
export interface VmDemandWindows {
  readonly powerOn: CpuMem;
  readonly powerOff: CpuMem;
}

/** What DPM decides from. */
export interface DpmInput {
  readonly snapshot: ClusterSnapshot;
  /** Per running VM, its windowed demand; a VM absent uses its snapshot demand for both. */
  readonly demand?: ReadonlyMap<VmId, VmDemandWindows>;
  /** Whether the demand history covers the whole power-off window (default true); no standby before it does. */
  readonly powerOffWindowFull?: boolean;
  /** Seconds since a host left standby; hosts absent have been up long enough. */
  readonly uptimeSec?: ReadonlyMap<HostId, number>;
}

/** A host's utilisation (demand ÷ capacity, the larger of CPU's and memory's) in each window; 0 unless it runs VMs. */
export interface HostUtilization {
  readonly host: HostId;
  readonly state: HostSnapshot['state'];
  readonly powerOn: number;
  readonly powerOff: number;
}

/** A migration of an evacuation plan. */
export interface EvacuationMove {
  readonly vm: VmId;
  readonly to: HostId;
}

/** A power recommendation; `priority` 1 (mandatory) … 5, applied when ≤ the threshold. */
export type DpmRecommendation =
  | { readonly kind: 'powerOn'; readonly host: HostId; readonly priority: number; readonly reason: 'demand' | 'ha' | 'min-hosts'; readonly explanation: string }
  | { readonly kind: 'standby'; readonly host: HostId; readonly priority: number; readonly evacuation: readonly EvacuationMove[]; readonly evacuationMB: number; readonly explanation: string };

/** A host considered for standby and refused. */
export interface DpmRejection {
  readonly host: HostId;
  readonly reason: 'uptime' | 'min-hosts' | 'ha' | 'evacuation';
  readonly explanation: string;
}

/** The outcome of one DPM evaluation. */
export interface DpmResult {
  readonly utilization: readonly HostUtilization[];
  /** Σ demand ÷ Σ capacity over the connected hosts (larger of CPU and memory), per window. */
  readonly clusterUtilization: { readonly powerOn: number; readonly powerOff: number };
  /** Every recommendation, whatever its priority. */
  readonly recommendations: readonly DpmRecommendation[];
  /** Those of priority ≤ threshold. */
  readonly applicable: readonly DpmRecommendation[];
  readonly rejected: readonly DpmRejection[];
  /** One sentence: what DPM decided and why. */
  readonly summary: string;
}

/** DPM options with every default filled in. */
export type DpmSettingsResolved = Required<Omit<DpmOptions, 'ha'>> & { readonly ha?: DpmHaConstraint };
type Settings = DpmSettingsResolved;

/**
 * One DPM evaluation of `input.snapshot`. Preconditions: as {@link dpmSettings}; the demand
 * windows ≥ 0. O(H + V) for utilisation and power-ons; per standby
 * candidate tried (cheapest first, stopping at the first that qualifies) O(H + V) for its ledger
 * and HA check plus O(V_h × H × r) to evacuate its V_h VMs.
 */
export function planPowerManagement(input: DpmInput, options: DpmOptions = {}): DpmResult {
  const s = dpmSettings(options);
  const { snapshot } = input;
  const windows = snapshot.vms.map((vm) => input.demand?.get(vm.id) ?? sameBoth(vmDemand(vm)));
  const utilization = hostUtilization(snapshot, windows);
  const clusterUtilization = { powerOn: clusterUse(snapshot, windows, 'powerOn'), powerOff: clusterUse(snapshot, windows, 'powerOff') };
  const powerOns = planPowerOns(snapshot, windows, utilization, s);
  const rejected: DpmRejection[] = [];
  let recommendations: DpmRecommendation[] = powerOns.recommendations;
  let summary = powerOns.summary;
  if (recommendations.length === 0 && !powerOns.blocksStandby) {
    const standby = planStandby(input, windows, utilization, clusterUtilization.powerOff, s, rejected);
    recommendations = standby.recommendation ? [standby.recommendation] : [];
    summary = standby.summary;
  }
  return { utilization, clusterUtilization, recommendations, applicable: recommendations.filter((r) => r.priority <= s.threshold), rejected, summary };
}

/**
 * The options with their defaults. O(1).
 * @throws InvalidArgumentError for a band not within (0, 1], a threshold outside 1..5, fewer than
 * one host on, a step ≤ 0 or a negative uptime.
 */
export function dpmSettings(options: DpmOptions = {}): Settings {
  const s: Settings = { ...DPM_DEFAULTS, ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<Settings>) };
  if (!(s.lowUtilization > 0 && s.lowUtilization < s.highUtilization && s.highUtilization <= 1)) {
    throw new InvalidArgumentError('utilization', `DPM band must satisfy 0 < low < high ≤ 1, got ${s.lowUtilization}–${s.highUtilization}`);
  }
  checkThreshold(s.threshold);
  if (!Number.isInteger(s.minHostsOn) || s.minHostsOn < 1) throw new InvalidArgumentError('minHostsOn', `DPM keeps at least one host on, got ${s.minHostsOn}`);
  if (!(s.priorityStep > 0)) throw new InvalidArgumentError('priorityStep', `priority step must be > 0, got ${s.priorityStep}`);
  if (!(s.hostMinUptimeSec >= 0)) throw new InvalidArgumentError('hostMinUptimeSec', `minimum uptime must be ≥ 0 s, got ${s.hostMinUptimeSec}`);
  return s;
}

function sameBoth(d: CpuMem): VmDemandWindows {
  return { powerOn: d, powerOff: d };
}

/** Per host, Σ windowed demand ÷ capacity, the larger of CPU and memory. O(H + V). */
function hostUtilization(snapshot: ClusterSnapshot, windows: readonly VmDemandWindows[]): HostUtilization[] {
  const index = new Map(snapshot.hosts.map((h, i) => [h.id, i]));
  const sums = snapshot.hosts.map(() => ({ onC: 0, onM: 0, offC: 0, offM: 0 }));
  snapshot.vms.forEach((vm, v) => {
    const sum = sums[index.get(vm.host) ?? -1];
    if (!sum) return;
    const w = windows[v]!;
    sum.onC += w.powerOn.cpuMHz;
    sum.onM += w.powerOn.memoryMB;
    sum.offC += w.powerOff.cpuMHz;
    sum.offM += w.powerOff.memoryMB;
  });
  return snapshot.hosts.map((h, i) => {
    const u = sums[i]!;
    const runs = h.state === 'connected' || h.state === 'maintenance';
    return {
      host: h.id,
      state: h.state,
      powerOn: runs ? Math.max(u.onC / h.cpuMHz, u.onM / h.memoryMB) : 0,
      powerOff: runs ? Math.max(u.offC / h.cpuMHz, u.offM / h.memoryMB) : 0,
    };
  });
}

/** Σ demand ÷ Σ capacity of the connected hosts (plus `extra` capacity), the larger of CPU and memory. O(H + V). */
function clusterUse(snapshot: ClusterSnapshot, windows: readonly VmDemandWindows[], window: keyof VmDemandWindows, extra: CpuMem = { cpuMHz: 0, memoryMB: 0 }): number {
  let cap = { ...extra };
  for (const h of snapshot.hosts) if (h.state === 'connected') cap = { cpuMHz: cap.cpuMHz + h.cpuMHz, memoryMB: cap.memoryMB + h.memoryMB };
  let cpu = 0;
  let mem = 0;
  for (const w of windows) {
    cpu += w[window].cpuMHz;
    mem += w[window].memoryMB;
  }
  if (cap.cpuMHz <= 0 || cap.memoryMB <= 0) return cpu + mem > 0 ? Infinity : 0;
  return Math.max(cpu / cap.cpuMHz, mem / cap.memoryMB);
}

/** Whether `snapshot` keeps HA's admission policy (true without one). O(H log H + V). */
export function keepsHaAdmission(snapshot: ClusterSnapshot, ha: DpmHaConstraint | undefined): boolean {
  if (!ha) return true;
  if (ha.policy === 'percentage') return percentagePolicy(snapshot, ha).compliant;
  return slotPolicy(snapshot, ha).failoverCapacity >= ha.hostFailures;
}

function withState(snapshot: ClusterSnapshot, host: HostId, state: HostSnapshot['state']): ClusterSnapshot {
  return { ...snapshot, hosts: snapshot.hosts.map((h) => (h.id === host ? { ...h, state } : h)) };
}

/** Mandatory power-ons (too few hosts on, HA broken), then power-ons for demand above the band. */
function planPowerOns(snapshot: ClusterSnapshot, windows: readonly VmDemandWindows[], utilization: readonly HostUtilization[], s: Settings) {
  const standby = snapshot.hosts.filter((h) => h.state === 'standby').sort((a, b) => b.memoryMB - a.memoryMB || b.cpuMHz - a.cpuMHz);
  const recommendations: DpmRecommendation[] = [];
  let current = snapshot;
  const on = () => current.hosts.filter((h) => h.state === 'connected').length;
  const wake = (h: HostSnapshot, priority: number, reason: 'demand' | 'ha' | 'min-hosts', explanation: string) => {
    recommendations.push({ kind: 'powerOn', host: h.id, priority, reason, explanation: `priority ${priority}: power on ${h.id} because ${explanation}` });
    current = withState(current, h.id, 'connected');
  };
  for (const h of standby) {
    if (on() < s.minHostsOn) wake(h, 1, 'min-hosts', `only ${on()} host(s) are on, fewer than the minimum ${s.minHostsOn}`);
    else if (!keepsHaAdmission(current, s.ha)) wake(h, 1, 'ha', `HA admission control (${s.ha!.policy} policy) is not met with ${on()} host(s) on`);
  }
  const hot = utilization.filter((u) => u.state === 'connected' && u.powerOn > s.highUtilization);
  const blocksStandby = hot.length > 0 || snapshot.hosts.some((h) => h.state === 'maintenance');
  if (hot.length === 0) return { recommendations, blocksStandby, summary: recommendations.length > 0 ? recommendations.map((r) => r.explanation).join('; ') : '' };
  const worst = hot.reduce((a, b) => (b.powerOn > a.powerOn ? b : a));
  const priority = Math.min(3, dpmPriority(worst.powerOn - s.highUtilization, s.priorityStep));
  const centre = (s.lowUtilization + s.highUtilization) / 2;
  const before = clusterUse(snapshot, windows, 'powerOn');
  for (const h of standby) {
    if (current.hosts.find((x) => x.id === h.id)!.state === 'connected') continue;
    const projected = clusterUse(current, windows, 'powerOn');
    if (recommendations.some((r) => r.kind === 'powerOn' && r.reason === 'demand') && projected <= centre) break;
    const after = clusterUse(withState(current, h.id, 'connected'), windows, 'powerOn');
    wake(h, priority, 'demand', `${worst.host} is at ${pct(worst.powerOn)} of its capacity over the power-on window, above the band's ${pct(s.highUtilization)}; cluster utilisation ${pct(before)} → ${pct(after)} (target ${pct(centre)})`);
  }
  const summary = recommendations.length > 0 ? recommendations.map((r) => r.explanation).join('; ') : `${worst.host} is at ${pct(worst.powerOn)}, above the band, but no host is in standby`;
  return { recommendations, blocksStandby, summary };
}

/** The cheapest host to put in standby, or why none qualifies. */
function planStandby(input: DpmInput, windows: readonly VmDemandWindows[], utilization: readonly HostUtilization[], clusterOff: number, s: Settings, rejected: DpmRejection[]): { recommendation?: DpmRecommendation; summary: string } {
  const { snapshot } = input;
  if (input.powerOffWindowFull === false) return { summary: 'no standby: the demand history does not cover the power-off window yet' };
  const cold = utilization.filter((u) => u.state === 'connected' && u.powerOff < s.lowUtilization);
  if (cold.length === 0) return { summary: `no power change: every host is within the band ${pct(s.lowUtilization)}–${pct(s.highUtilization)}` };
  const connected = snapshot.hosts.filter((h) => h.state === 'connected').length;
  for (const c of standbyCandidates(snapshot, utilization)) {
    const refuse = (reason: DpmRejection['reason'], why: string) => rejected.push({ host: c.host.id, reason, explanation: `${c.host.id} stays on: ${why}` });
    const uptime = input.uptimeSec?.get(c.host.id);
    if (uptime !== undefined && uptime < s.hostMinUptimeSec) refuse('uptime', `it left standby ${uptime} s ago, less than ${s.hostMinUptimeSec} s`);
    else if (connected - 1 < s.minHostsOn) refuse('min-hosts', `${connected - 1} host(s) would stay on, fewer than the minimum ${s.minHostsOn}`);
    else if (!keepsHaAdmission(withState(snapshot, c.host.id, 'standby'), s.ha)) refuse('ha', `HA admission control (${s.ha!.policy} policy) would no longer be met`);
    else {
      const plan = evacuationPlan(snapshot, windows, c.host.id, s.highUtilization);
      if (typeof plan === 'string') refuse('evacuation', plan);
      else {
        const priority = dpmPriority(s.lowUtilization - clusterOff, s.priorityStep);
        const explanation = `priority ${priority}: put ${c.host.id} in standby because it is at ${pct(c.use)} over the power-off window, below the band's ${pct(s.lowUtilization)} (cluster ${pct(clusterOff)}); its ${plan.length} VM(s) (${Math.round(c.costMB)} MB) move to hosts that stay within ${pct(s.highUtilization)}`;
        return { recommendation: { kind: 'standby', host: c.host.id, priority, evacuation: plan, evacuationMB: c.costMB, explanation }, summary: explanation };
      }
    }
  }
  return { summary: `no standby: ${cold.length} host(s) below the band, but no host can be evacuated within the constraints` };
}

/** Connected hosts by evacuation cost (MB of memory its running VMs' vMotions copy), then utilisation, then listed order. O(H log H + V). */
function standbyCandidates(snapshot: ClusterSnapshot, utilization: readonly HostUtilization[]) {
  const cost = new Map<HostId, number>();
  for (const vm of snapshot.vms) cost.set(vm.host, (cost.get(vm.host) ?? 0) + vm.demand.memConsumedMB);
  return snapshot.hosts
    .map((host, i) => ({ host, i, costMB: cost.get(host.id) ?? 0, use: utilization[i]!.powerOff }))
    .filter((c) => c.host.state === 'connected')
    .sort((a, b) => a.costMB - b.costMB || a.use - b.use || a.i - b.i);
}

/**
 * Where each VM running on `host` would go, on a ledger whose loads are the larger of the two
 * windows' demand: every VM must find a connected host admitting its reservations and keeping its
 * mandatory rules, with the receiver staying within `cap` utilisation. A string says why not.
 * O(H + V + V_h × H × r).
 */
export function evacuationPlan(snapshot: ClusterSnapshot, windows: readonly VmDemandWindows[], host: HostId, cap: number): EvacuationMove[] | string {
  const hosts = snapshot.hosts.map((h) => (h.id === host ? { ...h, state: 'maintenance' as const } : h));
  const ledger = new HostLedger(hosts);
  snapshot.vms.forEach((vm, v) => {
    const w = windows[v]!;
    const load = { cpuMHz: Math.max(w.powerOn.cpuMHz, w.powerOff.cpuMHz), memoryMB: Math.max(w.powerOn.memoryMB, w.powerOff.memoryMB) };
    ledger.add(vm.id, ledger.hostOf(vm.host), load, { cpuMHz: vm.cpu.reservation, memoryMB: vm.memory.reservation + vm.overheadMB });
  });
  ledger.recount();
  const rules = new RuleIndex(snapshot.rules);
  const moves: EvacuationMove[] = [];
  const from = ledger.hostOf(host);
  for (let v = 0; v < ledger.vmIds.length; v++) {
    if (ledger.vmHost[v] !== from) continue;
    const dest = bestDestination(ledger, rules, v, cap);
    if (Array.isArray(dest)) return `${ledger.vmIds[v]} has nowhere to go (${dest.filter((r) => r.reason !== 'host-state' && r.reason !== 'same-host').map((r) => `${r.host}: ${r.detail}`).join('; ') || 'no other host is on'})`;
    ledger.move(v, dest.host);
    moves.push({ vm: ledger.vmIds[v]!, to: ledger.hosts[dest.host]!.id });
  }
  return moves;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

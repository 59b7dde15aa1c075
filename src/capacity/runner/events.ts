/**
 * Arrivals, departures and injected events as clock events of a run: a container is requested at
 * its arrival time, runs until its sampled lifetime ends (power off, destroy), and is lost when its
 * host fails (no HA restart is driven: see cluster-services.ts).
 */
import { VicsimError } from '../../sim/errors.js';
import type { HostId } from '../../sim/ids.js';
import { changeHost, failHost, recoverHost } from '../../hypervisor/hosts.js';
import { updatePool } from '../../hypervisor/pools.js';
import type { Arrival } from '../trace/arrivals.js';
import type { InjectedEvent, Scenario } from '../scenario/types.js';
import { hostOf, type Container, type RunState } from './state.js';
import { haRestarting } from './cluster-services.js';
import { cpuProbe, sharesCpuProbe } from './cpu-probes.js';

/** Schedules `arrival` on the run's clock. Precondition: arrival.atMs ≥ the clock's time. O(log events). */
export function scheduleArrival(state: RunState, arrival: Arrival): void {
  state.inventory.model.clock.scheduleAt(arrival.atMs, () => arrive(state, arrival), { label: `arrival ${arrival.id}` });
}

function arrive(state: RunState, a: Arrival): void {
  const { model } = state.inventory;
  const vch = state.inventory.vchs.get(a.vch)!;
  if (vch.spec.maxContainers !== null && vch.active >= vch.spec.maxContainers) {
    state.interval.refused.containerLimit++;
    return;
  }
  vch.active++;
  state.provisioner.provision(vch, a.profile, `c${state.requests++}`, (o) => {
    if (!o.ok) {
      vch.active--;
      state.interval.refused[o.reason]++;
      return;
    }
    const now = model.clock.now();
    const hostSlot = state.hostSlots.get(model.registry.get('VirtualMachine', o.vm).host)!;
    const c: Container = { vm: o.vm, vch, profile: a.profile, startedAtMs: now, cpuAt: cpuProbe(state.cpuProbes, a.profile, now), hostSlot, departure: undefined };
    state.containers.set(o.vm, c);
    state.loads.add(c, sharesCpuProbe(a.profile));
    state.interval.placed++;
    state.provisioning.push({ tMs: now, profile: a.profile.name, mode: vch.spec.provisioning, latencyMs: o.latencyMs });
    if (a.lifetimeMs !== null) c.departure = model.clock.schedule(a.lifetimeMs, () => depart(state, c), { label: `departure ${a.id}` });
  });
}

function depart(state: RunState, c: Container): void {
  state.containers.delete(c.vm);
  state.loads.remove(c);
  c.vch.active--;
  state.provisioner.remove(c.vm);
}

/** Schedules the scenario's injected events that fall within the run. O(events log events). */
export function scheduleInjectedEvents(state: RunState, scenario: Scenario): void {
  for (const e of scenario.events) {
    if (e.atMs > scenario.durationMs) continue;
    state.inventory.model.clock.scheduleAt(e.atMs, () => inject(state, scenario, e), { label: `injected ${e.kind}` });
  }
}

function inject(state: RunState, scenario: Scenario, e: InjectedEvent): void {
  const { model } = state.inventory;
  const target = 'host' in e ? e.host : e.vch;
  const record = (detail: string): void => void state.timeline.push({ tMs: model.clock.now(), kind: e.kind, target, detail });
  try {
    if (e.kind === 'poolLimit') return record(changePoolLimit(state, e));
    const host = state.inventory.hosts.find((h) => h.name === e.host)!;
    const rec = model.registry.get('Host', host.id);
    if (e.kind === 'hostFailure') {
      failHost(model, host.id);
      if (!scenario.clusters.find((c) => c.name === host.cluster)!.ha.enabled) return record(`host failed: ${loseContainers(state, host.id)} container(s) stopped; HA is off`);
      // HA plans its restarts at this instant, after failHost: look once it has.
      model.clock.schedule(0, () => record(`host failed: HA restarts ${restarting(state)} container(s); ${loseStopped(state)} could not be restarted`), { label: 'HA outcome' });
      return;
    }
    if (e.kind === 'recover' && rec.state === 'failed') {
      recoverHost(model, host.id);
      return record('host recovered (connected, empty)');
    }
    const op = e.kind === 'maintenance' ? 'enterMaintenance' : 'exitMaintenance';
    state.provisioner.tasks.after(changeHost(model, host.id, op), (o) => {
      record(o.ok ? (op === 'enterMaintenance' ? 'entered maintenance mode' : 'left maintenance mode') : `not applied: ${o.error.message}`);
    });
  } catch (err) {
    if (!(err instanceof VicsimError)) throw err;
    record(`not applied: ${err.message}`);
  }
}

/** Containers on a failed host stop; they are forgotten and their VMs destroyed. Returns how many. */
function loseContainers(state: RunState, host: HostId): number {
  let lost = 0;
  for (const c of [...state.containers.values()]) {
    if (hostOf(state, c) !== host) continue;
    if (c.departure) state.inventory.model.clock.cancel(c.departure);
    depart(state, c);
    lost++;
  }
  return lost;
}

/** Containers HA is restarting now. */
function restarting(state: RunState): number {
  return [...state.containers.values()].filter((c) => haRestarting(state.inventory.model, c.vm)).length;
}

/**
 * Retires the containers whose VMs are stopped and not being restarted by HA (HA found no host, or
 * their restart failed). Returns how many. O(containers) when a VM stopped since the last call or
 * HA was still restarting one then (state.mayHaveStopped), else O(1).
 */
export function loseStopped(state: RunState): number {
  if (!state.mayHaveStopped) return 0;
  const model = state.inventory.model;
  const stopped: Container[] = [];
  let restarting = false;
  for (const c of state.containers.values()) {
    if (model.registry.get('VirtualMachine', c.vm).powerState === 'poweredOn') continue;
    if (haRestarting(model, c.vm)) restarting = true;
    else stopped.push(c);
  }
  state.mayHaveStopped = restarting;
  for (const c of stopped) {
    if (c.departure) model.clock.cancel(c.departure);
    depart(state, c);
  }
  return stopped.length;
}

function changePoolLimit(state: RunState, e: Extract<InjectedEvent, { kind: 'poolLimit' }>): string {
  const vch = state.inventory.vchs.get(e.vch)!;
  updatePool(state.inventory.model, vch.pool, {
    ...(e.cpuLimitMHz !== undefined ? { cpu: { limit: e.cpuLimitMHz } } : {}),
    ...(e.memoryLimitMB !== undefined ? { memory: { limit: e.memoryLimitMB } } : {}),
  });
  const parts = [e.cpuLimitMHz !== undefined && `CPU limit ${e.cpuLimitMHz === -1 ? 'unlimited' : `${e.cpuLimitMHz} MHz`}`, e.memoryLimitMB !== undefined && `memory limit ${e.memoryLimitMB === -1 ? 'unlimited' : `${e.memoryLimitMB} MB`}`];
  return `pool limits set: ${parts.filter(Boolean).join(', ') || 'unchanged'}`;
}

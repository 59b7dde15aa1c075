/**
 * The capacity runner: builds the scenario's inventory, drives its arrivals, departures and
 * injected events on the model's fast clock (simulated time jumps from event to event), samples
 * at every interval, and ends with the totals, headroom and failover capacity. Deterministic per
 * seed: the same scenario gives the same result, byte for byte once serialised.
 */
import { calibrate, type Calibration } from '../../sim/calibration.js';
import { InvalidArgumentError } from '../../sim/errors.js';
import { formatDuration } from '../../sim/units.js';
import { scenarioAssumptions } from '../report/assumptions.js';
import type { CapacityRunResult, CapacitySample, Headroom } from '../report/result.js';
import { deriveTotals } from '../report/totals.js';
import type { Scenario } from '../scenario/types.js';
import { scenarioArrivals } from '../trace/arrivals.js';
import { startClusterServices } from './cluster-services.js';
import { loseStopped, scheduleArrival, scheduleInjectedEvents } from './events.js';
import { failoverCapacity } from './failover.js';
import { headroomTrial } from './headroom.js';
import { buildInventory, type CapacityInventory } from './inventory.js';
import { Provisioner } from './provisioner.js';
import { takeSample } from './sampler.js';
import { newRunState, type RunState } from './state.js';

/** Where a run is, reported after every sample. */
export interface RunProgress {
  /** Simulated time reached, ms. */
  readonly simulatedMs: number;
  /** Simulated time the run will reach, ms. */
  readonly durationMs: number;
  /** Containers running now. */
  readonly running: number;
}

/** Options of {@link runScenario}. */
export interface RunOptions {
  /** Called after every sample (and so at most once per sampling interval of simulated time). */
  readonly onProgress?: (progress: RunProgress) => void;
  /** Aborting stops the run at the next sample: the result is partial (completed: false). */
  readonly signal?: AbortSignal;
  /**
   * Run only this much of the scenario, ms (> 0; the scenario's duration when larger or absent).
   * The result's scenario states the shortened duration.
   */
  readonly durationMs?: number;
  /**
   * Simulated time between guest-memory steps, ms (default {@link CAPACITY_GUEST_TICK_MS}); a
   * scenario that sets calibration memory.guestTickMs keeps its own.
   */
  readonly guestTickMs?: number;
  /**
   * Called once with the run's inventory (its model) when it is built, before any simulated time
   * passes: for benchmarks and tools that measure the model; the run does not expect it changed.
   */
  readonly onInventory?: (inventory: CapacityInventory) => void;
}

/**
 * Guest-memory step of capacity runs, ms. Capacity runs write guests' memory as the expectation of
 * their workloads (calibration memory.guestWrites 'expected', O(1) per VM and step), which is exact
 * for the mean at any step length, so guests step every five minutes, the default sampling interval.
 */
export const CAPACITY_GUEST_TICK_MS = 300_000;

/**
 * Runs `scenario` to its end (or until `signal` aborts) and returns the whole result. Yields to
 * the event loop after every sample, so an abort from a signal handler is seen. Cost: the model's
 * operations per arrival and departure, plus O(hosts + containers) per sample and, at the end,
 * one provisioning per container of headroom.
 * @throws the model's errors other than refusals (bugs), and trace reading errors.
 */
export async function runScenario(input: Scenario, options: RunOptions = {}): Promise<CapacityRunResult> {
  const scenario = shortened(input, options.durationMs);
  const calibration = runCalibration(scenario, options.guestTickMs);
  const inventory = buildInventory(scenario, calibration);
  const { model } = inventory;
  options.onInventory?.(inventory);
  const state = newRunState(inventory, new Provisioner(model), scenario.hostSampleIntervalMs, scenario.durationMs);
  const disconnect = connect(state);
  const assumptions = [...scenarioAssumptions(scenario), ...startClusterServices(scenario, model), ...RUNNER_ASSUMPTIONS, ...calibrationAssumptions(calibration)];
  scheduleInjectedEvents(state, scenario);
  const samples: CapacitySample[] = [takeSample(state, 0)];
  const arrivals = scenarioArrivals(scenario);
  let next = await arrivals.next();
  let completed = true;
  try {
    for (let t = 0; t < scenario.durationMs; ) {
      if (options.signal?.aborted) {
        completed = false;
        break;
      }
      t = Math.min(t + scenario.sampleIntervalMs, scenario.durationMs);
      for (; !next.done && next.value.atMs <= t; next = await arrivals.next()) scheduleArrival(state, next.value);
      model.clock.runUntil(t);
      loseStopped(state);
      samples.push(takeSample(state, t));
      options.onProgress?.({ simulatedMs: t, durationMs: scenario.durationMs, running: state.containers.size });
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    disconnect();
    await arrivals.return(undefined);
  }
  const simulatedMs = samples[samples.length - 1]!.tMs;
  let headroom: Headroom[] = [];
  if (completed) headroom = headroomTrial(state.provisioner, scenario, inventory.vchs);
  else assumptions.push(`The run was interrupted at ${formatDuration(simulatedMs)} of simulated time: the samples stop there and headroom was not computed.`);
  const hosts = inventory.hosts.map(({ id: _id, ...info }) => info);
  const records = { samples, haRestarts: [], provisioning: state.provisioning };
  return {
    version: 2,
    scenario,
    completed,
    simulatedMs,
    hosts,
    samples,
    hostSeries: state.hostSeries.finish(),
    timeline: state.timeline,
    haRestarts: [],
    provisioning: state.provisioning,
    totals: deriveTotals(records, { headroom, failover: failoverCapacity(model, scenario, inventory) }),
    assumptions,
  };
}

/** What the runner itself assumes, beyond the scenario. */
const RUNNER_ASSUMPTIONS: readonly string[] = [
  'Instant clones fork a frozen template made on first use on each host (its working set touched); linked and full clones copy an image VM holding 512 MB of data (an estimate); booted and cloned guests touch their working set when they start.',
  'Headroom is a trial on a saved and restored copy of the model at the end of the run: containers are added one at a time, as the run adds them, until the first refusal; guest memory is rebuilt from the real hosts and guests do not run during the trial.',
  'Failover capacity (N+k): how many of the largest hosts of a cluster can fail with the reservations of its powered-on VMs still fitting in the capacity left (the aggregate test of the percentage policy).',
  'A container on a failed host stops and is removed; its request is not retried.',
  "DRS, HA and DPM measure a container's CPU as its profile gives it at that moment (its constant or its curve); memory as its host's memory accounting holds it.",
];

/**
 * Connects the run's state to its model: DRS, HA and DPM measure a container's CPU by its profile
 * (model.guestCpuDemand, left in place after the run for tools that inspect the model); a VM
 * leaving the powered-on state flags the state for loseStopped; a container's VM changing host
 * moves its host slot. Returns the disconnect of the latter two.
 */
function connect(state: RunState): () => void {
  const model = state.inventory.model;
  model.guestCpuDemand = (vm) => state.containers.get(vm.id)?.cpuAt;
  const unlisten = model.registry.listen((c) => {
    if (c.op !== 'update' || c.object.kind !== 'VirtualMachine') return;
    if (c.object.powerState !== 'poweredOn') state.mayHaveStopped = true;
    const container = c.previous.kind !== 'VirtualMachine' || c.object.host === c.previous.host ? undefined : state.containers.get(c.object.id);
    if (container) state.loads.move(container, state.hostSlots.get(c.object.host)!);
  });
  return unlisten;
}

/** What the run's calibration assumes, in words: how guests write their memory, and the VMs a host runs at most. */
function calibrationAssumptions(calibration: Calibration): string[] {
  const step = formatDuration(calibration.memory.guestTickMs);
  const writes =
    calibration.memory.guestWrites === 'sampled'
      ? `Guests write their dirty pages as sampled runs of pages (seeded), in steps of ${step} (calibration memory.guestTickMs).`
      : `Guests write their dirty pages as the expectation of their workload (calibration memory.guestWrites: expected): the mean share of the working set that runs of writes starting at random reach, in steps of ${step} (calibration memory.guestTickMs).`;
  return [writes, `A host runs at most ${calibration.vm.maxVmsPerHost} powered-on VMs, frozen templates included (calibration vm.maxVmsPerHost: ESXi's configuration maximum).`];
}

/** The scenario's calibration with the capacity defaults of guest writes where the scenario sets none. */
function runCalibration(scenario: Scenario, guestTickMs = CAPACITY_GUEST_TICK_MS): Calibration {
  const memory = scenario.calibrationOverrides.memory;
  return calibrate(
    { memory: { ...(memory?.guestTickMs === undefined ? { guestTickMs } : {}), ...(memory?.guestWrites === undefined ? { guestWrites: 'expected' as const } : {}) } },
    scenario.calibration,
  );
}

function shortened(scenario: Scenario, durationMs: number | undefined): Scenario {
  if (durationMs === undefined || durationMs >= scenario.durationMs) return scenario;
  if (!(durationMs > 0)) throw new InvalidArgumentError('durationMs', `durationMs must be > 0, got ${durationMs}`);
  return { ...scenario, durationMs, sampleIntervalMs: Math.min(scenario.sampleIntervalMs, durationMs) };
}

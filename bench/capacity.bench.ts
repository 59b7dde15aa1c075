/**
 * Capacity-run benchmarks (issue 9):
 * - simulation speed of the capacity runner in VM-steps per second (running containers summed over
 *   the sampling steps) on a generated scenario of N long-lived containers with a mix of four
 *   profiles, instant clones and DRS on, 5-minute samples (target ≥ 3,000,000 VM-steps/s at
 *   10,000 containers × 30 days; the size measured here is set by CAPACITY_BENCH_CONTAINERS and
 *   CAPACITY_BENCH_DAYS, default the target's 10,000 × 30 days (a few minutes here), and is named in every row: nothing is extrapolated);
 * - heap per container beyond its memory image (target ≤ 1 KB): after the run, with the model and
 *   the result still held and collection settled (bench/heap.ts settledHeapUsed), the heap is read; then every VM's guest memory is released
 *   on its host (clones first, then templates) and, after another full GC, read again; then the
 *   model and the result are dropped and a last full GC gives the floor. What the second reading
 *   holds above the floor — the model's records (VMs, disks, datastore files, tasks, events), the
 *   runner's state and the result — is divided by the containers placed; the difference between
 *   the two readings is reported as the memory images. (A floor taken after the run, not before it,
 *   keeps what earlier suites in the same process leave behind out of the figure.)
 * - the shipped sweep example (examples/scenarios/sweeps/clone-density-by-arrival-rate.yaml, 8
 *   points of a fraction of a second) and a sweep of 4 points that run for seconds (seeds of the
 *   generated scenario at 1,500 containers × 2 days), each on 1 and on 2 worker threads: wall
 *   seconds and the speed-up. Worker threads start without the TypeScript loader, whose start-up
 *   would otherwise outweigh the points.
 * Runs and sweeps use the compiled package (bench/compiled.ts), as `vicsim plan` and `vicsim sweep` do.
 */
import { resolve } from 'node:path';
import type { CapacityInventory } from '../src/capacity/runner/index.js';
import { parseScenario, type Scenario } from '../src/capacity/scenario/index.js';
import { loadSweepFile } from '../src/capacity/sweep/index.js';
import type { BenchResult } from './report.js';
import { compiledUrl } from './compiled.js';
import { settledHeapUsed } from './heap.js';

/** Containers per host the generated scenario sizes its clusters for (about 60% of host memory configured). */
const CONTAINERS_PER_HOST = 100;
/** Hosts per cluster (each cluster gets its own VCH and share of the arrivals). */
const HOSTS_PER_CLUSTER = 32;

/** The profile mix: name, share of containers, and the profile's scenario fields. */
const PROFILES: readonly (readonly [string, number, Record<string, unknown>])[] = [
  ['web', 0.5, { memory: '1g', cpus: 1, workingSet: '256m', dirtyRate: '32k/s', cpu: { clock: 'scenario', period: '24h', curve: [{ at: '0h', demand: '80MHz' }, { at: '9h', demand: '250MHz' }, { at: '14h', demand: '400MHz' }, { at: '20h', demand: '150MHz' }] } }],
  ['api', 0.3, { memory: '2g', cpus: 2, workingSet: '512m', dirtyRate: '128k/s', cpu: { clock: 'scenario', period: '24h', curve: [{ at: '0h', demand: '150MHz' }, { at: '8h', demand: '300MHz' }, { at: '14h', demand: '1.2GHz' }, { at: '20h', demand: '400MHz' }] } }],
  ['worker', 0.15, { memory: '4g', cpus: 2, workingSet: '512m', dirtyRate: '256k/s', cpu: '800MHz' }],
  ['cache', 0.05, { memory: '8g', cpus: 4, workingSet: '1g', dirtyRate: '64k/s', cpu: '500MHz' }],
];

/**
 * A scenario of `containers` long-lived containers (lifetime forever) over `days` of simulated
 * time, 5-minute samples: clusters of up to 32 hosts of 64 cores × 2.6 GHz and 768 GB, one per
 * 3,200 containers, each with DRS (threshold 3, every 5 minutes) and an instant-clone VCH; each
 * cluster's containers arrive in 12 batches over the first hour, split over the four profiles
 * (50% web 1 GB / 256 MB working set, 30% api 2 GB / 512 MB, 15% worker 4 GB / 512 MB, 5% cache 8 GB / 1 GB). Precondition: containers ≥ 1, days > 0.
 */
export function benchScenario(containers: number, days: number, seed = 9): Scenario {
  const hosts = Math.ceil(containers / CONTAINERS_PER_HOST);
  const clusterCount = Math.ceil(hosts / HOSTS_PER_CLUSTER);
  const clusters = Array.from({ length: clusterCount }, (_, i) => ({
    name: `C${i}`,
    preset: 'cluster',
    hosts: Math.ceil(hosts / clusterCount),
    host: { cores: 64, coreSpeed: '2.6GHz', memory: '768g' },
  }));
  const arrivals: Record<string, unknown>[] = [];
  for (let c = 0; c < clusterCount; c++) {
    const inCluster = Math.floor(containers / clusterCount) + (c < containers % clusterCount ? 1 : 0);
    for (const [profile, share] of PROFILES) {
      const count = Math.round(inCluster * share);
      const batches = Array.from({ length: 12 }, (_, b) => ({ at: `${b * 5}m`, count: Math.floor(count / 12) + (b < count % 12 ? 1 : 0) })).filter((b) => b.count > 0);
      if (batches.length > 0) arrivals.push({ kind: 'schedule', profile, vch: `vch${c}`, batches });
    }
  }
  return parseScenario(
    JSON.stringify({
      name: `capacity-bench-${containers}x${days}d`,
      seed,
      duration: `${days * 24}h`,
      sampleInterval: '5m',
      drs: { enabled: true, migrationThreshold: 3, interval: '5m' },
      clusters,
      vchs: clusters.map((c, i) => ({ name: `vch${i}`, cluster: c.name, provisioning: 'instant' })),
      profiles: PROFILES.map(([name, , fields]) => ({ name, ...fields, lifetime: 'forever' })),
      arrivals,
    }),
    { format: 'json' },
  );
}

/** What one measured run gave. */
export interface CapacityRunFigures {
  /** Wall seconds from the start of the run to its last sample (the simulation). */
  readonly simulateSeconds: number;
  /** Wall seconds of the whole runScenario call (simulation plus headroom and failover at the end). */
  readonly totalSeconds: number;
  /** Running containers summed over the samples after the first. */
  readonly vmSteps: number;
  readonly placed: number;
  /** Heap above the floor with the model and result held, after a full GC, bytes. */
  readonly heldBytes: number;
  /** The same after every guest memory image was released, bytes. */
  readonly withoutImagesBytes: number;
  /** The same after the result (its per-step samples above all) was dropped too: the model and what the runner left in it, bytes. */
  readonly modelOnlyBytes: number;
}

/** Runs `scenario` once and measures it (heap figures need node --expose-gc). */
export async function measureRun(scenario: Scenario): Promise<CapacityRunFigures> {
  const { held, withoutImages, modelOnly, ...figures } = await runHeld(scenario);
  const floor = await settledHeapUsed();
  return { ...figures, heldBytes: held - floor, withoutImagesBytes: withoutImages - floor, modelOnlyBytes: modelOnly - floor };
}

type HeldFigures = Omit<CapacityRunFigures, 'heldBytes' | 'withoutImagesBytes' | 'modelOnlyBytes'> & { held: number; withoutImages: number };

/**
 * Runs `scenario` and reads the heap with its model and result held (`held`), again with the guest
 * memory released (`withoutImages`), then — the result gone with the frame of the function that
 * ran it (a suspended async frame may keep what it awaited) — with the model alone (`modelOnly`).
 */
async function runHeld(scenario: Scenario): Promise<HeldFigures & { modelOnly: number }> {
  const { inventory, figures } = await runAndRead(scenario);
  const modelOnly = await settledHeapUsed();
  // The model is used after the reading, so it stays reachable while the heap is read.
  if (inventory.hosts.length === 0) throw new Error('the run built no hosts');
  return { ...figures, modelOnly };
}

/** The run itself and the two readings with its result held; returns the model and the figures, not the result. */
async function runAndRead(scenario: Scenario): Promise<{ inventory: CapacityInventory; figures: HeldFigures }> {
  let inventory: CapacityInventory | undefined;
  let lastSampleAt = 0;
  const { runScenario } = (await import(compiledUrl('capacity/runner/index.js'))) as typeof import('../src/capacity/runner/index.js');
  const t0 = performance.now();
  const result = await runScenario(scenario, {
    onInventory: (i) => void (inventory = i),
    onProgress: (p) => void (p.simulatedMs === p.durationMs && (lastSampleAt = performance.now())),
  });
  const totalSeconds = (performance.now() - t0) / 1000;
  const held = await settledHeapUsed();
  releaseGuestMemory(inventory!);
  const withoutImages = await settledHeapUsed();
  const vmSteps = result.samples.slice(1).reduce((a, s) => a + s.running, 0);
  const figures = { simulateSeconds: (lastSampleAt - t0) / 1000, totalSeconds, vmSteps, placed: result.totals.placed, held, withoutImages };
  return { inventory: inventory!, figures };
}

/** Releases every VM's guest memory on every host of the run: clones first, then the frozen templates they forked from. */
function releaseGuestMemory(inventory: CapacityInventory): void {
  for (const h of inventory.hosts) {
    const mem = inventory.model.memoryOf(h.id);
    const vms = [...mem.vms()];
    for (const vm of vms) if (!mem.isFrozen(vm)) mem.release(vm);
    for (const vm of vms) if (mem.has(vm)) mem.release(vm);
  }
}

/** Wall seconds of running every point of the sweep example on `workers` worker threads. */
async function sweepSeconds(scenarios: readonly Scenario[], workers: number): Promise<number> {
  const { runPoints } = (await import(compiledUrl('capacity/sweep/index.js'))) as typeof import('../src/capacity/sweep/index.js');
  const t0 = performance.now();
  const outcomes = await runPoints(scenarios, { workers });
  const failed = outcomes.find((o) => o.status !== 'done');
  if (failed) throw new Error(`sweep point ${failed.index} ${failed.status}`);
  return (performance.now() - t0) / 1000;
}

/** One measured row of the suite (a single run: no samples or margin to speak of). */
function capacityRow(name: string, value: number, unit: string, target = '—'): BenchResult {
  return { suite: 'capacity', name, value, unit, target, samples: 1, margin: 0 };
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Runs the suite; returns its results for the report. */
export async function capacityBench(): Promise<BenchResult[]> {
  const containers = Number(process.env['CAPACITY_BENCH_CONTAINERS'] ?? 10_000);
  const days = Number(process.env['CAPACITY_BENCH_DAYS'] ?? 30);
  const size = `${containers.toLocaleString('en-US')} containers × ${days} d, 5-min samples, DRS`;
  const f = await measureRun(benchScenario(containers, days));
  const images = f.heldBytes - f.withoutImagesBytes;
  const results = [
    capacityRow(`run, ${size}`, round(f.simulateSeconds, 2), `wall s to the last sample (${round(f.totalSeconds, 2)} s with headroom; ${f.placed} placed)`),
    capacityRow(`simulation speed, ${size}`, Math.round(f.vmSteps / f.simulateSeconds), 'VM-steps/s', '≥ 3,000,000 (10,000 × 30 d)'),
    capacityRow(`heap per container beyond its memory image, ${size}`, Math.round(f.withoutImagesBytes / f.placed), `B (images ${Math.round(images / f.placed)} B/container)`, '≤ 1,024'),
    capacityRow(`of which the model and runner state (the result and its per-step samples dropped), ${size}`, Math.round(f.modelOnlyBytes / f.placed), 'B per container'),
  ];
  const sweep = await loadSweepFile(resolve(import.meta.dirname, '../examples/scenarios/sweeps/clone-density-by-arrival-rate.yaml'));
  results.push(...(await sweepRows(`sweep clone-density-by-arrival-rate (${sweep.points.length} points)`, sweep.points.map((p) => p.scenario))));
  const long = LONG_SWEEP_SEEDS.map((seed) => benchScenario(LONG_SWEEP_CONTAINERS, LONG_SWEEP_DAYS, seed));
  results.push(...(await sweepRows(`sweep of ${long.length} points of ${LONG_SWEEP_CONTAINERS.toLocaleString('en-US')} containers × ${LONG_SWEEP_DAYS} d (seeds)`, long)));
  return results;
}

/** A sweep whose points run for seconds, not a fraction of one: 4 seeds of the bench scenario at 1,500 containers × 2 days. */
const LONG_SWEEP_SEEDS = [1, 2, 3, 4];
const LONG_SWEEP_CONTAINERS = 1500;
const LONG_SWEEP_DAYS = 2;

/** Rows of one sweep on 1 and on 2 worker threads: wall seconds and the speed-up. */
async function sweepRows(name: string, scenarios: readonly Scenario[]): Promise<BenchResult[]> {
  const one = await sweepSeconds(scenarios, 1);
  const two = await sweepSeconds(scenarios, 2);
  return [capacityRow(`${name}, 1 worker`, round(one, 2), 'wall s'), capacityRow(`${name}, 2 workers`, round(two, 2), `wall s (speed-up ${round(one / two, 2)}×)`)];
}

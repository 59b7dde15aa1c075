/**
 * A VCH over the model for the container lifecycle tests: `clusterPreset({hosts: 2})`, a ModelBackend
 * driven by a RealtimeDriver at scale 1 over a {@link FakeWallClock}, so simulated time moves only when
 * a test drives it — `run(p)` jumps from one due event to the next until `p` settles (like the fast
 * driver, but letting promise continuations and real I/O run between events), and `advance(ms)` moves
 * a fixed span. Images come from the offline catalog.
 */
import { expect } from 'vitest';
import { ModelBackend } from '../../../src/backend/model/index.js';
import { clusterPreset } from '../../../src/hypervisor/presets.js';
import type { Clock } from '../../../src/sim/clock.js';
import { RealtimeDriver } from '../../../src/sim/drivers.js';
import { Rng } from '../../../src/sim/rng.js';
import type { ProvisionMode } from '../../../src/vch/containers/provisioner.js';
import type { ContainerCreateRequest } from '../../../src/vch/engine/docker-types.js';
import type { AttachedStreams, OutputChunk } from '../../../src/vch/engine/engine.js';
import type { Vch } from '../../../src/vch/vch.js';
import { createVch } from '../../../src/vch/vch-setup.js';
import type { VchSpec } from '../../../src/vch/vch-spec.js';
import { FakeWallClock } from '../../sim/fake-wall-clock.js';

/** A VCH and the handles a test drives it with. */
export interface VchWorld {
  readonly backend: ModelBackend;
  readonly vch: Vch;
  readonly clock: Clock;
  readonly wall: FakeWallClock;
  /** Drives simulated time event by event until `p` settles; fails after `limitMs` of simulated time. */
  run<T>(p: Promise<T>, limitMs?: number): Promise<T>;
  /** Moves simulated time `ms` on, running every event due on the way. */
  advance(ms: number): Promise<void>;
  /** Creates a container from the request (Image defaults to busybox) and returns its id. */
  create(req: Partial<ContainerCreateRequest>, name?: string): Promise<string>;
  /** Creates and starts; returns the id. */
  runContainer(req: Partial<ContainerCreateRequest>, name?: string): Promise<string>;
}

/** One real event-loop turn (real I/O such as port listeners completes on these). */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How a world is built. */
export interface WorldOptions {
  readonly mode?: ProvisionMode;
  readonly seed?: number;
  readonly spec?: Partial<VchSpec>;
  readonly images?: readonly string[];
  /**
   * Scale 0 over the real wall clock, as `vicsim serve --time-scale 0` runs: every simulated
   * latency completes at once; `run` and `advance` then only let real time pass.
   */
  readonly instant?: boolean;
}

/** `docker save` tars of the images pulled so far in this test file, by name. */
const savedImages = new Map<string, Uint8Array>();

/**
 * Gives the VCH an image: the first time it is pulled (the offline catalog answers once the
 * registry lookup fails), later it is loaded from that pull's saved tar, so a test file looks
 * the registry up once per image rather than once per world.
 */
async function loadImage(vch: Vch, image: string): Promise<void> {
  const saved = savedImages.get(image);
  if (saved) {
    await vch.loadImages(saved);
    return;
  }
  await vch.pullImage(image, 'latest', { onProgress: () => {} });
  savedImages.set(image, await vch.saveImages([`${image}:latest`]));
}

/** Builds a VCH named `vch1` (mode `instant` unless given) with busybox pulled (or loaded from an earlier pull's tar). */
export async function vchWorld(opts: WorldOptions = {}): Promise<VchWorld> {
  const preset = clusterPreset({ hosts: 2 });
  const clock = preset.model.clock;
  const wall = new FakeWallClock(0);
  const realWall = { now: () => performance.now(), setTimer: setTimeout, clearTimer: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };
  const driver = opts.instant ? new RealtimeDriver(clock, { scale: 0, wall: realWall }) : new RealtimeDriver(clock, { scale: 1, wall });
  driver.start();
  const backend = new ModelBackend(preset.model, driver);

  /**
   * Turns the event loop until the next due timer and the clock's queue stay the same for a few
   * turns, so continuations of the work under way have scheduled their next events before time jumps.
   */
  async function quiet(): Promise<void> {
    let same = 0;
    let last = '';
    while (same < 4) {
      await turn();
      const now = `${wall.pending[0]?.due}:${clock.pendingWork}:${clock.nextTime()}`;
      same = now === last ? same + 1 : 0;
      last = now;
    }
  }

  async function advance(ms: number): Promise<void> {
    if (opts.instant) return new Promise((resolve) => setTimeout(resolve, 5));
    const target = wall.now() + ms;
    for (;;) {
      await quiet();
      const next = wall.pending[0];
      if (next === undefined || next.due > target) break;
      wall.advance(Math.max(0, next.due - wall.now()));
    }
    wall.advance(Math.max(0, target - wall.now()));
    await turn();
  }

  async function run<T>(p: Promise<T>, limitMs = 3_600_000): Promise<T> {
    if (opts.instant) return p;
    let settled = false;
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    const deadline = wall.now() + limitMs;
    let idleTurns = 0;
    while (!settled) {
      await quiet();
      if (settled) break;
      const next = wall.pending[0];
      if (next === undefined || next.due > deadline) {
        // Nothing simulated is due: real I/O (a registry lookup, a port listener) may still be under way.
        if (++idleTurns > 1000) throw new Error(`still pending after ${limitMs} ms of simulated time with nothing left to run (clock: ${clock.pendingWork} work events, next at ${clock.nextTime()}, now ${clock.now()}; wall timers: ${wall.pending.length})`);
        await new Promise((resolve) => setTimeout(resolve, 10));
        continue;
      }
      idleTurns = 0;
      wall.advance(Math.max(0, next.due - wall.now()));
    }
    return p;
  }

  const vch = await run(createVch({ backend, clock, rng: Rng.seeded(opts.seed ?? 11), endpointAddress: '127.0.0.1' }, { name: 'vch1', provisioning: opts.mode ?? 'instant', ...opts.spec }));
  for (const image of opts.images ?? ['busybox']) await run(loadImage(vch, image));
  const create = async (req: Partial<ContainerCreateRequest>, name?: string): Promise<string> => (await run(vch.createContainer(name, { Image: 'busybox', ...req }))).Id;
  const runContainer = async (req: Partial<ContainerCreateRequest>, name?: string): Promise<string> => {
    const id = await create(req, name);
    await run(vch.startContainer(id));
    return id;
  };
  return { backend, vch, clock, wall, run, advance, create, runContainer };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.unreachable('the operation succeeded'),
    (error: unknown) => error as Error,
  );
}

/** Collects an attached stream's output as text per stream, until it ends. */
export async function collect(streams: AttachedStreams | AsyncIterable<OutputChunk>): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const source = 'output' in streams ? streams.output : streams;
  for await (const chunk of source) out[chunk.stream] += Buffer.from(chunk.data).toString();
  return out;
}

/** A command that runs until signalled: sh sleeping for an hour of simulated time. */
export const LONG_SLEEP = ['sh', '-c', 'sleep 3600'];

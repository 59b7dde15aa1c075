/**
 * `--state-dir`: the served model and its VCHs saved to `DIR/state.json` (ARCHITECTURE.md decision
 * 10). Writes are atomic — a temp file written and fsynced, renamed over the old one, the directory
 * fsynced — so a crash leaves the last complete state. Saves are batched: requests that arrive while
 * one is being written share the next write. Every docker call that changes something resolves only
 * after a save that includes its effect, so nothing acknowledged is lost to a kill -9.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { SavedModel } from '../hypervisor/persist.js';
import { RestoreError } from '../sim/errors.js';
import type { ContainerEngine } from '../vch/engine/engine.js';
import type { SavedVch } from '../vch/vch-state.js';

/** Format tag and version of a state file. */
export const SERVE_STATE_FORMAT = 'vicsim-serve';
/** Bumped whenever the saved shape changes incompatibly. */
export const SERVE_STATE_VERSION = 1;

/** One served VCH in a state file: where it listened and its saved form. */
export interface SavedServedVch {
  readonly dockerPort: number;
  readonly socket: string | undefined;
  readonly vch: SavedVch;
}

/** What `state.json` holds. */
export interface ServeState {
  readonly format: typeof SERVE_STATE_FORMAT;
  readonly version: number;
  readonly seed: number;
  /** How many times serve restarted from this state (each restart forks fresh random streams). */
  readonly restarts: number;
  readonly model: SavedModel;
  readonly vchs: readonly SavedServedVch[];
}

const STATE_FILE = 'state.json';

/**
 * The state saved in `dir`, or undefined when there is none yet.
 * @throws RestoreError for a file that is not a vicsim state of a supported version.
 */
export function readState(dir: string): ServeState | undefined {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return undefined;
  let state: ServeState;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as ServeState;
  } catch (e) {
    throw new RestoreError(`${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (state?.format !== SERVE_STATE_FORMAT) throw new RestoreError(`${path} is not a vicsim state file`);
  if (state.version !== SERVE_STATE_VERSION) throw new RestoreError(`${path} has state version ${state.version}; this vicsim reads ${SERVE_STATE_VERSION}`);
  return state;
}

/** Writes `state` to `dir/state.json` atomically (temp file, fsync, rename, fsync of the directory). */
export function writeStateAtomically(dir: string, state: ServeState): void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, STATE_FILE);
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** Batches saves: a request made while a write runs is served by the next one. */
export class StateSaver {
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    readonly snapshot: () => Promise<ServeState>,
  ) {}

  /** Resolves once a save that began after this call has completed. */
  save(): Promise<void> {
    if (!this.#running) return (this.#running = this.#write());
    this.#next ??= this.#running.then(
      () => this.#write(),
      () => this.#write(),
    );
    return this.#next;
  }

  async #write(): Promise<void> {
    try {
      writeStateAtomically(this.dir, await this.snapshot());
    } finally {
      this.#running = this.#next;
      this.#next = undefined;
    }
  }
}

/** Engine calls that change the VCH or the model; everything else only reads. */
const MUTATING = new Set<keyof ContainerEngine>([
  'createContainer', 'startContainer', 'stopContainer', 'restartContainer', 'killContainer', 'removeContainer', 'renameContainer',
  'pauseContainer', 'unpauseContainer', 'putArchive', 'pruneContainers', 'createExec', 'pullImage', 'tagImage', 'removeImage',
  'loadImages', 'pruneImages', 'createNetwork', 'removeNetwork', 'connectNetwork', 'disconnectNetwork', 'pruneNetworks',
  'createVolume', 'removeVolume', 'pruneVolumes',
]);

/**
 * `engine` with a save after each changing call: the call's promise resolves (and the client gets
 * its answer) only once the state including its effect is on disk. A failed call saves too, since
 * it may have changed something before failing.
 */
export function persistingEngine(engine: ContainerEngine, saver: StateSaver): ContainerEngine {
  return new Proxy(engine, {
    get(target, key, receiver) {
      const member: unknown = Reflect.get(target, key, receiver);
      if (typeof member !== 'function') return member;
      const fn = (member as (...args: unknown[]) => unknown).bind(target);
      if (!MUTATING.has(key as keyof ContainerEngine)) return fn;
      return async (...args: unknown[]) => {
        try {
          return await fn(...args);
        } finally {
          await saver.save();
        }
      };
    },
  });
}

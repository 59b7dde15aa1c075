/**
 * A pool of worker threads that runs a sweep's points, one point per worker at a time, the next
 * point going to whichever worker finishes first. Results come back in point order whatever the
 * scheduling, and each equals a run of that point alone: every worker runs the same deterministic
 * runner on its own copy of the point's scenario, and a run shares no state with the runs before it.
 *
 * Where the worker code lives: next to this module. Built (dist/capacity/sweep/pool.js) the entry is
 * worker.js and runs as is. From the TypeScript sources (vitest, tsx) this module's URL ends in .ts:
 * a worker thread inherits neither vitest's transform nor tsx's hooks (and `--import tsx` in a
 * worker's execArgv does not reach its entry on Node 20), so the worker evaluates a one-line
 * bootstrap that loads worker.ts with tsx's `tsImport` (tsx resolved from this package's dependencies).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { InvalidArgumentError } from '../../sim/errors.js';
import type { Scenario } from '../scenario/types.js';
import type { PointResult, RunPointReply, RunPointRequest } from './protocol.js';

/** How one point ended. */
export type PointOutcome =
  | { readonly index: number; readonly status: 'done'; readonly result: PointResult }
  /** Its run threw (a trace that cannot be read, a bug); `message` says what. */
  | { readonly index: number; readonly status: 'failed'; readonly message: string }
  /** The sweep was interrupted before the point finished (or started). */
  | { readonly index: number; readonly status: 'interrupted' };

/** Options of {@link runPoints}. */
export interface PoolOptions {
  /** Worker threads, ≥ 1 (default {@link defaultWorkerCount}); never more than there are points. */
  readonly workers?: number;
  /** Aborting stops every worker at once: finished points keep their results, the rest are 'interrupted'. */
  readonly signal?: AbortSignal;
  /** Called as each point finishes or fails, in completion order. */
  readonly onOutcome?: (outcome: PointOutcome) => void;
}

/** One worker per core the process may use (os.availableParallelism). */
export function defaultWorkerCount(): number {
  return availableParallelism();
}

/**
 * How to start a worker: worker.js next to this module when built; from the sources (this module's
 * URL ends in .ts) a small evaluated bootstrap that imports worker.ts through tsx's `tsImport`.
 */
export function workerEntry(moduleUrl: string = import.meta.url): { readonly source: URL | string; readonly options: WorkerOptions } {
  if (!moduleUrl.endsWith('.ts')) return { source: new URL('./worker.js', moduleUrl), options: {} };
  const tsxApi = esmExport(moduleUrl, 'tsx', './esm/api');
  const entry = new URL('./worker.ts', moduleUrl).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(moduleUrl)}))`;
  return { source: bootstrap, options: { eval: true } };
}

/**
 * The file URL of an ESM export of `pkg` as seen from `fromUrl`, read from the package's
 * `exports` (createRequire would pick its CommonJS build).
 */
function esmExport(fromUrl: string, pkg: string, subpath: string): string {
  const manifestPath = createRequire(fromUrl).resolve(`${pkg}/package.json`);
  const exported = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports[subpath];
  if (exported === undefined) throw new InvalidArgumentError('package', `${pkg} exports no ${subpath}`);
  return new URL(exported.import.default, pathToFileURL(manifestPath)).href;
}

/**
 * Runs `scenarios[i]` as point i on a pool of worker threads and resolves with every point's
 * outcome, in point order. Rejects only if a worker thread itself fails (cannot start, crashes).
 * Precondition: `workers`, when given, is a whole number ≥ 1.
 */
export function runPoints(scenarios: readonly Scenario[], options: PoolOptions = {}): Promise<PointOutcome[]> {
  const wanted = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(wanted) || wanted < 1) throw new InvalidArgumentError('workers', `workers must be a whole number ≥ 1, got ${wanted}`);
  const outcomes: (PointOutcome | undefined)[] = new Array(scenarios.length).fill(undefined);
  if (scenarios.length === 0 || options.signal?.aborted) return Promise.resolve(outcomes.map((o, index) => o ?? { index, status: 'interrupted' }));
  return new Promise((resolve, reject) => {
    const entry = workerEntry();
    const workers: Worker[] = [];
    let nextPoint = 0;
    let idle = 0;
    let settled = false;
    const stop = (): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
    };
    const finish = (): void => {
      stop();
      resolve(outcomes.map((o, index) => o ?? { index, status: 'interrupted' }));
    };
    const onAbort = (): void => finish();
    const dispatch = (worker: Worker): void => {
      if (settled) return;
      if (nextPoint >= scenarios.length) {
        if (++idle === workers.length) finish();
        return;
      }
      const request: RunPointRequest = { index: nextPoint, scenario: scenarios[nextPoint]! };
      nextPoint++;
      worker.postMessage(request);
    };
    const record = (reply: RunPointReply): void => {
      const outcome: PointOutcome = reply.kind === 'done' ? { index: reply.index, status: 'done', result: stripKind(reply) } : { index: reply.index, status: 'failed', message: reply.message };
      outcomes[reply.index] = outcome;
      options.onOutcome?.(outcome);
    };
    options.signal?.addEventListener('abort', onAbort);
    for (let i = 0; i < Math.min(wanted, scenarios.length); i++) {
      const worker = new Worker(entry.source, entry.options);
      workers.push(worker);
      worker.on('message', (reply: RunPointReply) => {
        if (settled) return;
        record(reply);
        dispatch(worker);
      });
      worker.on('error', (err) => {
        if (settled) return;
        stop();
        reject(err);
      });
      worker.on('exit', (code) => {
        if (settled) return;
        stop();
        reject(new Error(`a sweep worker exited with code ${code} before the sweep finished`));
      });
      dispatch(worker);
    }
  });
}

function stripKind(reply: Extract<RunPointReply, { kind: 'done' }>): PointResult {
  const { kind: _kind, ...result } = reply;
  return result;
}

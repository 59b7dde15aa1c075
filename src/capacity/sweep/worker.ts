/**
 * The entry of a sweep worker thread (started by pool.ts): runs each point it is sent with the same
 * deterministic runner as `vicsim plan`, one at a time, and replies with its totals. A run's error
 * is a reply, not a crash, so the sweep reports the point as failed and goes on.
 */
import { parentPort } from 'node:worker_threads';
import { runScenario } from '../runner/run.js';
import type { RunPointReply, RunPointRequest } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('src/capacity/sweep/worker is a worker_threads entry; start it with new Worker()');

port.on('message', (request: RunPointRequest) => {
  const started = performance.now();
  runScenario(request.scenario).then(
    (result) => {
      const reply: RunPointReply = { kind: 'done', index: request.index, completed: result.completed, simulatedMs: result.simulatedMs, totals: result.totals, wallMs: performance.now() - started };
      port.postMessage(reply);
    },
    (err: unknown) => {
      const reply: RunPointReply = { kind: 'failed', index: request.index, message: err instanceof Error ? err.message : String(err) };
      port.postMessage(reply);
    },
  );
});

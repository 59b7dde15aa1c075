/**
 * `vicsim plan SCENARIO --out DIR`: runs a capacity scenario and writes report.json, report.md and
 * report.html into DIR, then prints a short summary. Ctrl-C stops the run and writes the partial
 * report. When stderr is a terminal and the run takes more than a second, a progress line shows
 * simulated time and an ETA.
 */
import { formatIssue, ScenarioError } from '../capacity/errors.js';
import { writeReports } from '../capacity/report/write.js';
import { formatSimTime } from '../capacity/report/summary.js';
import type { CapacityRunResult } from '../capacity/report/result.js';
import { runScenario, type RunProgress } from '../capacity/runner/index.js';
import { loadScenarioFile } from '../capacity/scenario/load.js';

/** Where `vicsim plan` writes and prints. */
export interface PlanIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
}

/**
 * Runs `vicsim plan`. Returns the exit code: 0 on success (also for an interrupted run, whose
 * partial report is written), 2 when the scenario file cannot be read or is invalid.
 * Precondition: `scenarioPath` and `outDir` are paths; `outDir` is created if missing.
 */
export async function runPlan(scenarioPath: string, outDir: string, io: PlanIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let scenario;
  try {
    scenario = await loadScenarioFile(scenarioPath);
  } catch (e) {
    if (e instanceof ScenarioError) io.stderr.write(`vicsim plan: invalid scenario ${scenarioPath}:\n${e.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}\n`);
    else io.stderr.write(`vicsim plan: cannot read ${scenarioPath}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const abort = new AbortController();
  const onInterrupt = (): void => abort.abort();
  process.once('SIGINT', onInterrupt);
  const progress = progressLine(io.stderr);
  let result: CapacityRunResult;
  try {
    result = await runScenario(scenario, { signal: abort.signal, onProgress: progress.update });
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.done();
  }
  const files = await writeReports(result, outDir);
  io.stdout.write(`${summary(result)}\nReports: ${files.json}, ${files.markdown}, ${files.html}\n`);
  return 0;
}

/** A few lines: what ran, what was placed and refused, the peak, headroom and failover capacity. */
export function summary(r: CapacityRunResult): string {
  const t = r.totals;
  const refused = Object.entries(t.refused).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
  const lines = [
    `${r.scenario.name}: ${r.completed ? 'completed' : 'INTERRUPTED'} at ${formatSimTime(r.simulatedMs)} of simulated time`,
    `  placed ${t.placed}, refused ${refused}; peak ${t.peakRunning} running (${t.atPeak.containersPerHost.toFixed(1)} per host, vCPU:pCPU ${t.atPeak.vcpuPerPcpu.toFixed(2)})`,
    `  provisioning latency p50 ${t.provisioningLatencyMs.p50} ms, p95 ${t.provisioningLatencyMs.p95} ms`,
    ...t.headroom.map((h) => `  headroom ${h.vch}/${h.profile}: ${h.additional} more (limited by ${h.limitedBy})`),
    ...t.failover.map((f) => `  failover ${f.cluster}: N+${f.hostFailures}`),
  ];
  return lines.join('\n');
}

/** A one-line progress display on a terminal, after the run has taken a second of wall time. */
function progressLine(stream: PlanIo['stderr']): { update: (p: RunProgress) => void; done: () => void } {
  const started = performance.now();
  let shown = false;
  return {
    update: (p) => {
      const elapsedMs = performance.now() - started;
      if (!stream.isTTY || elapsedMs < 1000) return;
      const fraction = p.simulatedMs / p.durationMs;
      const etaS = fraction > 0 ? Math.round((elapsedMs / fraction - elapsedMs) / 1000) : 0;
      stream.write(`\r  simulated ${formatSimTime(p.simulatedMs)} of ${formatSimTime(p.durationMs)} (${Math.floor(fraction * 100)}%), ${p.running} running, ETA ${etaS} s   `);
      shown = true;
    },
    done: () => {
      if (shown) stream.write('\n');
    },
  };
}

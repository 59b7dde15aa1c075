/**
 * Run by streaming-memory.test.ts in a child process with --expose-gc: reads every arrival of a
 * scenario replaying the trace file argv[2] (format argv[3]) and prints, as JSON, the number of
 * arrivals and the heap in use after a full collection at the start and every 10,000 arrivals.
 */
import { parseScenario } from '../../../src/capacity/scenario/load.js';
import { scenarioArrivals } from '../../../src/capacity/trace/arrivals.js';

const [path, format] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc || !path || !format) throw new Error('usage: node --expose-gc --import tsx heap-probe.ts FILE FORMAT');

const scenario = parseScenario(`duration: 3650d
clusters: [{ hosts: [{}] }]
profiles: [{ name: vm }]
arrivals: [{ kind: trace, profile: vm, file: '${path}', format: ${format} }]
`);

function heapMB(): number {
  gc!();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const readings = [heapMB()];
let arrivals = 0;
let lastAt = -1;
for await (const a of scenarioArrivals(scenario)) {
  if (a.atMs < lastAt) throw new Error('arrivals out of order');
  lastAt = a.atMs;
  if (++arrivals % 10_000 === 0) readings.push(heapMB());
}
readings.push(heapMB());
process.stdout.write(JSON.stringify({ arrivals, readings }));

/**
 * Per-VM overhead memory: the vSphere 6.5/6.7 Resource Management guide's table, interpolated.
 *
 * The table is sparse. The 1-vCPU column has four rows, so overhead is piecewise linear in
 * configured memory along it (extrapolated linearly beyond the ends). Each extra vCPU adds an
 * increment that the guide's 2- and 8-vCPU cells fix at 1 GB, 4 GB and 16 GB (≈ 4.0–4.1 MB),
 * itself interpolated in memory. The result reproduces every cell of the table exactly, and
 * 2 GB / 2 vCPU comes out at 37.5 MB as the calibration page says.
 */
import { InvalidArgumentError } from './errors.js';

/** The guide's cells: configured memory MB → overhead MB by vCPU count. */
export const OVERHEAD_TABLE: readonly { memoryMB: number; byCpus: Readonly<Record<number, number>> }[] = [
  { memoryMB: 256, byCpus: { 1: 20.29 } },
  { memoryMB: 1024, byCpus: { 1: 25.9, 2: 29.91 } },
  { memoryMB: 4096, byCpus: { 1: 48.64, 2: 52.72 } },
  { memoryMB: 16384, byCpus: { 1: 139.62, 8: 168.6 } },
];

const ONE_CPU: [number, number][] = OVERHEAD_TABLE.map((r) => [r.memoryMB, r.byCpus[1]!]);
const PER_EXTRA_CPU: [number, number][] = OVERHEAD_TABLE.flatMap((r) => {
  const entry = Object.entries(r.byCpus).find(([c]) => Number(c) > 1);
  if (!entry) return [];
  const cpus = Number(entry[0]);
  return [[r.memoryMB, (entry[1] - r.byCpus[1]!) / (cpus - 1)] as [number, number]];
});

/**
 * Overhead memory in MB of a powered-on VM.
 * @param memoryMB configured memory, > 0
 * @param cpus vCPUs, ≥ 1
 */
export function overheadMB(memoryMB: number, cpus: number): number {
  if (!(memoryMB > 0) || !Number.isFinite(memoryMB)) throw new InvalidArgumentError('memoryMB', `memory must be > 0 MB, got ${memoryMB}`);
  if (!Number.isInteger(cpus) || cpus < 1) throw new InvalidArgumentError('cpus', `vCPUs must be an integer ≥ 1, got ${cpus}`);
  return interpolate(ONE_CPU, memoryMB) + (cpus - 1) * interpolate(PER_EXTRA_CPU, memoryMB);
}

/** Piecewise-linear interpolation over sorted points, extrapolating the end segments. */
function interpolate(points: readonly [number, number][], x: number): number {
  if (points.length === 1) return points[0]![1];
  let i = 1;
  while (i < points.length - 1 && x > points[i]![0]) i++;
  const [x0, y0] = points[i - 1]!;
  const [x1, y1] = points[i]!;
  return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
}

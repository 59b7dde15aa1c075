/**
 * The workload of a simulated service (a program that is neither busybox nor a script): what the VCH
 * feeds to the memory and DRS models and which ports it opens. Read from image or container labels.
 */
import { InvalidArgumentError, VicsimError } from '../../sim/errors.js';
import { MiB, parseBytes, parseDuration, parseMHz } from '../../sim/units.js';

/** A listening port of a service. */
export interface ListenPort {
  readonly port: number;
  readonly protocol: 'http' | 'tcp';
}

/** What a simulated service does while it runs. */
export interface ServiceProfile {
  /** CPU demand in MHz. */
  readonly cpuMhz: number;
  /** Memory the service keeps touched, bytes. */
  readonly activeMemoryBytes: number;
  /** 4 KiB pages written per second (the hypervisor's `vicsim.workload.dirtyRate`). */
  readonly dirtyPagesPerSec: number;
  readonly listen: readonly ListenPort[];
  /** The service exits by itself after this many simulated ms (undefined: runs until signalled). */
  readonly exitAfterMs?: number;
  /** Its exit status then (default 0). */
  readonly exitCode?: number;
}

/**
 * The profile of a service without labels: a small idle daemon (estimate — no calibration.md entry;
 * belongs in src/sim/calibration.ts). Callers may pass their own defaults.
 */
export const DEFAULT_SERVICE_PROFILE: ServiceProfile = { cpuMhz: 50, activeMemoryBytes: 64 * MiB, dirtyPagesPerSec: 0, listen: [] };

/** The label prefix. */
export const WORKLOAD_LABEL_PREFIX = 'vicsim.workload.';

function invalid(label: string, value: string, why: string): InvalidArgumentError {
  return new InvalidArgumentError(label, `invalid label ${label}=${JSON.stringify(value)}: ${why}`);
}

function parseLabel<T>(labels: Readonly<Record<string, string>>, key: string, parse: (v: string) => T): T | undefined {
  const label = WORKLOAD_LABEL_PREFIX + key;
  const value = labels[label];
  if (value === undefined) return undefined;
  try {
    return parse(value);
  } catch (e) {
    if (e instanceof VicsimError) throw invalid(label, value, e.message);
    throw e;
  }
}

function nonNegative(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('number', 'not a non-negative number');
  return n;
}

function parseListen(v: string): ListenPort[] {
  return v.split(',').map((item) => {
    const m = /^\s*(\d+)(?:\/(http|tcp))?\s*$/.exec(item);
    const port = Number(m?.[1]);
    if (!m || port < 1 || port > 65535) throw new InvalidArgumentError('listen', `'${item}' is not PORT[/http|/tcp]`);
    return { port, protocol: (m[2] ?? 'tcp') as 'http' | 'tcp' };
  });
}

function parseExitCode(v: string): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) > 255) throw new InvalidArgumentError('exitCode', 'not an exit status from 0 to 255');
  return Number(v);
}

/**
 * Reads `vicsim.workload.{cpuMhz,activeMemory,dirtyRate,listen,exitAfter,exitCode}` over `defaults`.
 * cpuMhz: "800" or "2.4GHz"; activeMemory: a size ("64m"); dirtyRate: pages/s; listen: "80/http,6379/tcp";
 * exitAfter: a duration ("30s"); exitCode: 0–255.
 * @throws InvalidArgumentError whose `argument` is the offending label.
 */
export function serviceProfileFromLabels(labels: Readonly<Record<string, string>>, defaults: ServiceProfile = DEFAULT_SERVICE_PROFILE): ServiceProfile {
  const exitAfterMs = parseLabel(labels, 'exitAfter', parseDuration) ?? defaults.exitAfterMs;
  const exitCode = parseLabel(labels, 'exitCode', parseExitCode) ?? defaults.exitCode;
  return {
    cpuMhz: parseLabel(labels, 'cpuMhz', parseMHz) ?? defaults.cpuMhz,
    activeMemoryBytes: parseLabel(labels, 'activeMemory', (v) => parseBytes(v)) ?? defaults.activeMemoryBytes,
    dirtyPagesPerSec: parseLabel(labels, 'dirtyRate', nonNegative) ?? defaults.dirtyPagesPerSec,
    listen: parseLabel(labels, 'listen', parseListen) ?? defaults.listen,
    ...(exitAfterMs !== undefined ? { exitAfterMs } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}),
  };
}

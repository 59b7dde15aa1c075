/**
 * From a docker create request to what the VCH provisions: the container VM's size (VIC's defaults,
 * minimum and rounding), the process to run (entrypoint + command merged with the image's config),
 * the environment, working directory and restart policy. Validation errors are docker's 400s.
 */
import { DEFAULT_CALIBRATION, type VmSizing } from '../../sim/calibration.js';
import { BadParameterError } from '../engine/errors.js';
import type { ContainerConfig, ContainerCreateRequest, RestartPolicy } from '../engine/docker-types.js';

/** The most vCPUs a container VM may have (vSphere 6.7's VM maximum). */
const MAX_CPUS = 128;

/** The container VM's size. */
export interface VmSize {
  readonly numCpu: number;
  readonly memoryMB: number;
}

/**
 * Memory and vCPUs from HostConfig: `Memory` bytes rounded up to 128 MB (minimum 512 MB), vCPUs from
 * `NanoCpus` (rounded up), or `CpusetCpus` — where a bare number N meant N vCPUs in VIC, and a list
 * or range counts its CPUs.
 */
export function vmSize(req: ContainerCreateRequest, sizing: VmSizing = DEFAULT_CALIBRATION.vm): VmSize {
  const host = req.HostConfig ?? {};
  let memoryMB = sizing.defaultMemoryMB;
  if (host.Memory !== undefined && host.Memory !== 0) {
    if (!Number.isFinite(host.Memory) || host.Memory < 0) throw new BadParameterError(`invalid memory size ${host.Memory}`);
    const mb = Math.ceil(host.Memory / 2 ** 20);
    memoryMB = Math.max(sizing.minMemoryMB, Math.ceil(mb / sizing.memoryGranularityMB) * sizing.memoryGranularityMB);
  }
  let numCpu = sizing.defaultCpus;
  if (host.NanoCpus !== undefined && host.NanoCpus !== 0) {
    if (!Number.isFinite(host.NanoCpus) || host.NanoCpus < 0) throw new BadParameterError(`invalid NanoCPUs ${host.NanoCpus}`);
    numCpu = Math.ceil(host.NanoCpus / 1e9);
  } else if (host.CpusetCpus) {
    numCpu = cpusetCount(host.CpusetCpus);
  }
  if (numCpu > MAX_CPUS) throw new BadParameterError(`a container VM can have at most ${MAX_CPUS} vCPUs, asked for ${numCpu}`);
  return { numCpu, memoryMB };
}

function cpusetCount(set: string): number {
  if (/^\d+$/.test(set)) {
    const n = Number(set);
    if (n < 1) throw new BadParameterError(`Invalid value ${set} for cpuset cpus`);
    return n;
  }
  let count = 0;
  for (const part of set.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new BadParameterError(`Invalid value ${set} for cpuset cpus`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new BadParameterError(`Invalid value ${set} for cpuset cpus`);
    count += hi - lo + 1;
  }
  return count;
}

/** What the guest runs for the container's main process. */
export interface ProcessPlan {
  /** Path (argv[0]) and arguments. */
  readonly path: string;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly workingDir: string;
  readonly user: string;
}

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Merges the request with the image config as docker does: an Entrypoint in the request replaces
 * the image's (and drops the image's Cmd); Cmd from the request replaces the image's Cmd; Env is the
 * image's with the request's entries overriding by key.
 * @throws BadParameterError "No command specified" when neither gives anything to run.
 */
export function processPlan(req: ContainerCreateRequest, image: ContainerConfig): ProcessPlan {
  const entrypoint = req.Entrypoint !== undefined && req.Entrypoint !== null ? req.Entrypoint : (image.Entrypoint ?? []);
  const entrypointOverridden = req.Entrypoint !== undefined && req.Entrypoint !== null;
  const cmd = req.Cmd !== undefined && req.Cmd !== null && req.Cmd.length > 0 ? req.Cmd : entrypointOverridden ? [] : (image.Cmd ?? []);
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0 || argv[0] === '') throw new BadParameterError('No command specified');
  return {
    path: argv[0]!,
    args: argv.slice(1),
    env: mergeEnv(image.Env ?? [DEFAULT_PATH], req.Env ?? []),
    workingDir: req.WorkingDir || image.WorkingDir || '/',
    user: req.User || image.User || '',
  };
}

/** Environment entries of `base` overridden (by key) and extended by `overrides`. */
export function mergeEnv(base: readonly string[], overrides: readonly string[]): string[] {
  const out = new Map<string, string>();
  for (const e of [...base, ...overrides]) {
    if (typeof e !== 'string') throw new BadParameterError(`invalid environment entry ${JSON.stringify(e)}`);
    const eq = e.indexOf('=');
    out.set(eq < 0 ? e : e.slice(0, eq), e);
  }
  if (![...out.keys()].includes('PATH')) out.set('PATH', DEFAULT_PATH);
  return [...out.values()];
}

/** A validated restart policy. */
export interface RestartRule {
  readonly name: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  readonly maxRetries: number;
}

/** Checks the restart policy; docker refuses a retry count on anything but on-failure, and with AutoRemove. */
export function restartRule(policy: RestartPolicy | undefined, autoRemove: boolean): RestartRule {
  const name = policy?.Name === '' || policy?.Name === undefined ? 'no' : policy.Name;
  if (!['no', 'always', 'unless-stopped', 'on-failure'].includes(name)) throw new BadParameterError(`invalid restart policy '${String(name)}'`);
  const maxRetries = policy?.MaximumRetryCount ?? 0;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) throw new BadParameterError('invalid restart policy: maximum retry count cannot be negative');
  if (maxRetries > 0 && name !== 'on-failure') throw new BadParameterError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  if (autoRemove && name !== 'no') throw new BadParameterError('conflicting options: cannot specify both --restart and --rm');
  return { name, maxRetries };
}

const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Checks a container name and returns it without the leading slash. */
export function checkContainerName(name: string): string {
  if (!NAME_RE.test(name)) throw new BadParameterError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  return name.startsWith('/') ? name.slice(1) : name;
}

/**
 * Shaping a docker create request into what a container keeps: HostConfig with dockerd's defaults,
 * Config without the host parts, the workload labels the guest and the memory model read, docker's
 * generated names, and `docker ps` filters.
 */
import type { ContainerConfig, ContainerCreateRequest, HostConfig } from '../engine/docker-types.js';
import type { Filters } from '../engine/engine.js';
import { BadParameterError } from '../engine/errors.js';
import { serviceProfileFromLabels } from '../guest/profile.js';
import type { Container } from './container.js';

/**
 * docker's generated name (adjective_scientist, from the id's first bytes); `taken` says whether a
 * name is in use. When it is, a suffix from the id's next bytes; when that is taken too, the short
 * id, as dockerd falls back to after its retries; the full id as the last resort.
 */
export function generatedName(id: string, taken: (name: string) => boolean): string {
  const adjectives = ['admiring', 'brave', 'clever', 'dreamy', 'eager', 'focused', 'gallant', 'happy', 'jolly', 'keen', 'lucid', 'modest', 'nifty', 'quirky', 'serene', 'vibrant'];
  const scientists = ['babbage', 'curie', 'dijkstra', 'euler', 'feynman', 'gauss', 'hopper', 'knuth', 'lovelace', 'noether', 'pascal', 'ritchie', 'shannon', 'thompson', 'turing', 'wozniak'];
  const a = adjectives[parseInt(id.slice(0, 2), 16) % adjectives.length]!;
  const s = scientists[parseInt(id.slice(2, 4), 16) % scientists.length]!;
  const base = `${a}_${s}`;
  return [base, `${base}_${id.slice(4, 8)}`, id.slice(0, 12)].find((name) => !taken(name)) ?? id;
}

/**
 * HostConfig as inspect echoes it: as sent, with the defaults dockerd fills in where the client left
 * them out (clients such as the Python SDK read LogConfig.Type).
 */
export function hostConfigWithDefaults(sent: HostConfig | undefined): HostConfig {
  const host: HostConfig = { ...(sent ?? {}) };
  const log = host['LogConfig'] as { Type?: string; Config?: Record<string, string> } | undefined;
  host['LogConfig'] = { Type: log?.Type || 'json-file', Config: log?.Config ?? {} };
  host.NetworkMode = host.NetworkMode || 'default';
  host.RestartPolicy = host.RestartPolicy ?? { Name: 'no', MaximumRetryCount: 0 };
  return host;
}

/** Copies the request without the parts that are not Config. */
export function stripHostParts(req: ContainerCreateRequest): ContainerConfig {
  const { HostConfig: _h, NetworkingConfig: _n, ...config } = req;
  return config;
}

/** Refuses `vicsim.workload.*` labels the guest could not run with (a 400 naming the label). */
export function checkWorkloadLabels(labels: Record<string, string>): void {
  try {
    serviceProfileFromLabels(labels);
  } catch (e) {
    throw new BadParameterError(e instanceof Error ? e.message : String(e));
  }
}

/** The `vicsim.workload.*` labels, passed to the VM's extraConfig for the memory model. */
export function workloadConfig(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['workingSet', 'dirtyRate', 'locality', 'zeroShare']) {
    const v = labels[`vicsim.workload.${k}`];
    if (v !== undefined) out[`vicsim.workload.${k}`] = v;
  }
  return out;
}

/** docker ps filters: id, name, status, label, exited, ancestor. */
export function matchesFilters(c: Container, filters: Filters): boolean {
  const any = (key: string, test: (v: string) => boolean): boolean => {
    const values = filters[key];
    return values === undefined || values.length === 0 || values.some(test);
  };
  const labels = c.def.config.Labels ?? {};
  return (
    any('id', (v) => c.id.startsWith(v)) &&
    any('name', (v) => c.name.includes(v.replace(/^\//, ''))) &&
    any('status', (v) => c.status === v) &&
    any('exited', (v) => c.status === 'exited' && String(c.exitCode) === v) &&
    any('ancestor', (v) => c.def.config.Image === v || c.def.imageId.startsWith(v) || c.def.imageId === `sha256:${v}`) &&
    any('label', (v) => {
      const [k, val] = v.split('=', 2) as [string, string | undefined];
      return val === undefined ? k in labels : labels[k] === val;
    })
  );
}

/**
 * Containers in docker's JSON: `docker inspect` and the rows of `docker ps`.
 */
import type { ContainerInspect, ContainerSummary, EndpointSettings, MountPoint, PortBinding } from '../engine/docker-types.js';
import type { Container } from './container.js';
import { statusText } from './state.js';

/** A published port while running: container port/proto → host binding. */
export interface PublishedPort {
  readonly containerPort: number;
  readonly protocol: string;
  readonly hostIp: string;
  readonly hostPort: number;
}

/** What the encoder needs besides the container. */
export interface InspectContext {
  /** Simulated now, ms since the epoch. */
  readonly nowMs: number;
  /** Ports published right now (empty when not running). */
  readonly ports: readonly PublishedPort[];
  readonly mounts: readonly MountPoint[];
  /** Network name → endpoint settings (addresses only while running). */
  readonly networks: Record<string, EndpointSettings>;
  /** Image reference as the user gave it. */
  readonly imageName: string;
  readonly datastorePath: string;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

function iso(ms: number | undefined): string {
  return ms === undefined ? ZERO_TIME : new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

function portMap(c: Container, ports: readonly PublishedPort[]): Record<string, PortBinding[] | null> {
  const out: Record<string, PortBinding[] | null> = {};
  for (const key of Object.keys(c.def.config.ExposedPorts ?? {})) out[key] = null;
  for (const p of ports) {
    const key = `${p.containerPort}/${p.protocol}`;
    (out[key] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
  }
  return out;
}

/** `GET /containers/{id}/json`. */
export function inspectContainer(c: Container, ctx: InspectContext): ContainerInspect {
  const nets = ctx.networks;
  const primary = Object.values(nets)[0];
  return {
    Id: c.id,
    Created: iso(c.def.createdMs),
    Path: c.def.plan.path,
    Args: [...c.def.plan.args],
    State: {
      Status: c.status,
      Running: c.status === 'running' || c.status === 'paused',
      Paused: c.status === 'paused',
      Restarting: c.status === 'restarting',
      OOMKilled: false,
      Dead: c.status === 'dead',
      Pid: c.running ? c.pid : 0,
      ExitCode: c.exitCode,
      Error: c.error,
      StartedAt: iso(c.startedMs),
      FinishedAt: iso(c.finishedMs),
    },
    Image: c.def.imageId,
    ResolvConfPath: '',
    HostnamePath: '',
    HostsPath: '',
    LogPath: c.def.logPath,
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'vsphere',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: c.execIds.size > 0 ? [...c.execIds] : null,
    HostConfig: c.def.hostConfig,
    GraphDriver: { Name: 'vsphere', Data: { vm: c.def.vm, vmName: c.def.vmName, disk: ctx.datastorePath } },
    Mounts: [...ctx.mounts],
    Config: c.def.config,
    NetworkSettings: {
      Bridge: '',
      SandboxID: c.def.vm,
      Ports: portMap(c, ctx.ports),
      SandboxKey: '',
      IPAddress: primary?.IPAddress ?? '',
      IPPrefixLen: primary?.IPPrefixLen ?? 0,
      Gateway: primary?.Gateway ?? '',
      MacAddress: primary?.MacAddress ?? '',
      Networks: nets,
    },
  };
}

/** Command column of `docker ps`: path and args joined, as docker shows it. */
function commandLine(c: Container): string {
  return [c.def.plan.path, ...c.def.plan.args].join(' ');
}

/** One row of `GET /containers/json`. */
export function summarizeContainer(c: Container, ctx: InspectContext): ContainerSummary {
  const since = c.status === 'running' || c.status === 'paused' ? (c.startedMs ?? 0) : (c.finishedMs ?? c.def.createdMs);
  return {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: ctx.imageName,
    ImageID: c.def.imageId,
    Command: commandLine(c),
    Created: Math.floor(c.def.createdMs / 1000),
    Ports: ctx.ports.map((p) => ({ IP: p.hostIp || '0.0.0.0', PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.protocol })),
    Labels: c.def.config.Labels ?? {},
    State: c.status,
    Status: statusText(c.status, c.exitCode, ctx.nowMs - since),
    HostConfig: { NetworkMode: c.def.hostConfig.NetworkMode ?? 'default' },
    NetworkSettings: { Networks: ctx.networks },
    Mounts: [...ctx.mounts],
  };
}

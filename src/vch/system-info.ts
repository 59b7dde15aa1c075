/**
 * `docker info` and `docker version` for a VCH, as VIC answered them: the resource pool's capacity
 * and limits (VIC put the pool's MHz in the CPUs field), the VCH's usage, the hosts behind it, its
 * volume stores and the `vsphere` volume driver, its provisioning mode.
 */
import type { ClusterConfigInfo } from '../backend/cluster.js';
import type { Backend, ResourcePoolInfo } from '../backend/backend.js';
import type { ClusterId } from '../sim/ids.js';
import type { ProvisionMode } from './containers/provisioner.js';
import type { SystemInfo } from './engine/engine.js';

/** The vicsim version the VCH reports (package.json's). */
export const VICSIM_VERSION = '0.1.0';
/** API versions the Docker endpoint speaks (docker-wire.md). */
export const API_VERSION = '1.47';
/** When this version was cut (shown by docker version). */
const BUILD_TIME = '2026-11-23T00:00:00.000000000+00:00';
/** Oldest API version accepted. */
export const MIN_API_VERSION = '1.24';

/** What `info` counts. */
export interface VchUsage {
  readonly name: string;
  readonly id: string;
  readonly cluster: ClusterId;
  readonly pool: ResourcePoolInfo;
  readonly mode: ProvisionMode;
  readonly containers: { readonly total: number; readonly running: number; readonly paused: number; readonly stopped: number };
  readonly images: number;
  readonly volumeStores: readonly string[];
  readonly containersLimit: number | undefined;
  readonly endpoint: string;
  readonly insecureRegistries: readonly string[];
  /** Registries pulls are limited to; undefined = no whitelist. */
  readonly whitelistRegistries: readonly string[] | undefined;
  /** The VCH's (simulated) time. */
  readonly now: Date;
}

/** The cluster's DRS, HA and DPM as `docker info` lines. O(1). */
function clusterStatus(c: ClusterConfigInfo): [string, string][] {
  const drsBehavior = { manual: 'manual', partiallyAutomated: 'partially automated', fullyAutomated: 'fully automated' }[c.drs.defaultVmBehavior];
  const policy = c.ha.admissionControlPolicy;
  const reserve = policy.type === 'failoverLevel' ? `${policy.failoverLevel} host failure(s) tolerated` : `${policy.cpuFailoverPercent}% CPU and ${policy.memoryFailoverPercent}% memory reserved`;
  return [
    ['DRS', c.drs.enabled ? `${drsBehavior}, migration threshold ${c.drs.migrationThreshold}` : 'disabled'],
    ['HA', c.ha.enabled ? `enabled, admission control ${c.ha.admissionControlEnabled ? reserve : 'disabled'}` : 'disabled'],
    ['DPM', c.dpm.enabled ? `${c.dpm.defaultDpmBehavior}, host power action rate ${c.dpm.hostPowerActionRate}` : 'disabled'],
  ];
}

/** `GET /info`. */
export async function vchInfo(backend: Backend, u: VchUsage): Promise<SystemInfo> {
  const hosts = await backend.hosts({ cluster: u.cluster });
  const about = await backend.about();
  const cluster = await backend.clusterConfig(u.cluster);
  const up = hosts.filter((h) => h.state === 'connected');
  const clusterMHz = up.reduce((s, h) => s + h.cpuCores * h.cpuMhzPerCore, 0);
  const clusterMB = up.reduce((s, h) => s + h.memoryMB, 0);
  const cpuMHz = u.pool.cpu.limit >= 0 ? u.pool.cpu.limit : clusterMHz;
  const memMB = u.pool.memory.limit >= 0 ? u.pool.memory.limit : clusterMB;
  const status: [string, string][] = [
    ['VCH', u.name],
    ['Provisioning mode', u.mode],
    ['VCH CPU limit', u.pool.cpu.limit >= 0 ? `${u.pool.cpu.limit} MHz` : 'Unlimited'],
    ['VCH memory limit', u.pool.memory.limit >= 0 ? `${u.pool.memory.limit} MiB` : 'Unlimited'],
    ['VCH CPU shares', `${u.pool.cpu.shares.shares} (${u.pool.cpu.shares.level})`],
    ['VCH memory shares', `${u.pool.memory.shares.shares} (${u.pool.memory.shares.level})`],
    ['VCH container limit', u.containersLimit === undefined ? 'Unlimited' : String(u.containersLimit)],
    ['VMware Product', about.fullName],
    ['VMware OS', about.name],
    ['VMware OS version', about.apiVersion],
    ['Registry Whitelist Mode', u.whitelistRegistries === undefined ? 'disabled' : `enabled (${u.whitelistRegistries.join(', ')})`],
    ['Insecure Registries', u.insecureRegistries.join(', ') || 'none'],
    ...clusterStatus(cluster),
    ['Hosts', String(hosts.length)],
    ...hosts.map((h): [string, string] => [` ${h.name}`, `${h.state}, ${h.cpuCores}×${h.cpuMhzPerCore} MHz, ${h.memoryMB} MiB`]),
  ];
  return {
    ID: u.id,
    Containers: u.containers.total,
    ContainersRunning: u.containers.running,
    ContainersPaused: u.containers.paused,
    ContainersStopped: u.containers.stopped,
    Images: u.images,
    Driver: `vSphere Integrated Containers (vicsim) Backend Engine`,
    DriverStatus: status,
    Plugins: { Volume: ['vsphere'], Network: ['bridge'], Authorization: null, Log: ['json-file'] },
    MemoryLimit: true,
    SwapLimit: false,
    CpuCfsPeriod: false,
    CpuCfsQuota: false,
    CPUShares: true,
    CPUSet: false,
    PidsLimit: false,
    IPv4Forwarding: true,
    Debug: false,
    NFd: 0,
    NGoroutines: 0,
    SystemTime: u.now.toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: 'none',
    NEventsListener: 0,
    KernelVersion: '4.19.0-vicsim',
    OperatingSystem: `VMware ${about.name} (vicsim)`,
    OSVersion: about.apiVersion,
    OSType: 'linux',
    Architecture: 'x86_64',
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: { InsecureRegistryCIDRs: [], IndexConfigs: {}, Mirrors: [] },
    NCPU: cpuMHz,
    MemTotal: memMB * 2 ** 20,
    DockerRootDir: '',
    Name: u.name,
    Labels: [`vicsim.volume-stores=${u.volumeStores.join(',')}`],
    ExperimentalBuild: false,
    ServerVersion: VICSIM_VERSION,
    Runtimes: {},
    DefaultRuntime: 'vsphere',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: '',
    SecurityOptions: [],
    Warnings: u.endpoint.startsWith('tcp://127.') ? [] : ['WARNING: API is accessible on an address other than loopback without encryption.'],
  };
}

/** `GET /version`. */
export function vchVersion(kernel = '4.19.0-vicsim'): SystemInfo {
  const components = [{ Name: 'Engine', Version: VICSIM_VERSION, Details: { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, GitCommit: 'vicsim', GoVersion: `node${process.versions.node}`, Os: 'linux', Arch: 'amd64', KernelVersion: kernel, BuildTime: BUILD_TIME, Experimental: 'false' } }];
  return {
    Platform: { Name: 'vSphere Integrated Containers (vicsim)' },
    Components: components,
    Version: VICSIM_VERSION,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: 'vicsim',
    GoVersion: `node${process.versions.node}`,
    Os: 'linux',
    Arch: 'amd64',
    KernelVersion: kernel,
    BuildTime: BUILD_TIME,
  };
}

/**
 * Docker Engine API shapes (API 1.47, ../shared/reference/docker-engine-api-v1.47.yaml) that the VCH
 * takes and returns. The VCH speaks docker's own types, as VIC's personality implemented moby's
 * backend interfaces with moby's types: the Docker API layer only decodes, validates and encodes.
 * Only the fields the VCH reads or fills are typed; requests keep unknown fields (inspect echoes
 * Config and HostConfig back as sent).
 */

/** `Config` of a container create request (ContainerConfig). */
export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  ExposedPorts?: Record<string, object> | null;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Entrypoint?: string[] | null;
  Image?: string;
  Volumes?: Record<string, object> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  StopTimeout?: number | null;
  [field: string]: unknown;
}

/** One host port binding. */
export interface PortBinding {
  HostIp?: string;
  HostPort?: string;
}

/** A `--mount`. */
export interface MountSpec {
  Type?: 'bind' | 'volume' | 'tmpfs' | 'npipe' | 'cluster';
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  [field: string]: unknown;
}

/** Restart policy. */
export interface RestartPolicy {
  Name?: '' | 'no' | 'always' | 'unless-stopped' | 'on-failure';
  MaximumRetryCount?: number;
}

/** `HostConfig` of a container create request. */
export interface HostConfig {
  Binds?: string[] | null;
  NetworkMode?: string;
  PortBindings?: Record<string, PortBinding[] | null> | null;
  PublishAllPorts?: boolean;
  RestartPolicy?: RestartPolicy;
  AutoRemove?: boolean;
  Mounts?: MountSpec[] | null;
  Memory?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpusetCpus?: string;
  ConsoleSize?: [number, number] | null;
  Privileged?: boolean;
  ReadonlyRootfs?: boolean;
  [field: string]: unknown;
}

/** One network attachment of a create request or `network connect`. */
export interface EndpointSettings {
  IPAMConfig?: { IPv4Address?: string } | null;
  Aliases?: string[] | null;
  NetworkID?: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  MacAddress?: string;
  DNSNames?: string[] | null;
  [field: string]: unknown;
}

/** `POST /containers/create` body. */
export interface ContainerCreateRequest extends ContainerConfig {
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, EndpointSettings> | null } | null;
}

/** `GET /containers/json` element. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Command: string;
  Created: number;
  Ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
  SizeRw?: number;
  SizeRootFs?: number;
  Labels: Record<string, string>;
  State: string;
  Status: string;
  HostConfig: { NetworkMode: string };
  NetworkSettings: { Networks: Record<string, EndpointSettings> };
  Mounts: MountPoint[];
}

/** A mount as inspect and ps show it. */
export interface MountPoint {
  Type: string;
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

/** `State` of container inspect. */
export interface ContainerState {
  Status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
}

/** `GET /containers/{id}/json`. */
export interface ContainerInspect {
  Id: string;
  Created: string;
  Path: string;
  Args: string[];
  State: ContainerState;
  Image: string;
  ResolvConfPath: string;
  HostnamePath: string;
  HostsPath: string;
  LogPath: string;
  Name: string;
  RestartCount: number;
  Driver: string;
  Platform: string;
  MountLabel: string;
  ProcessLabel: string;
  AppArmorProfile: string;
  ExecIDs: string[] | null;
  HostConfig: HostConfig;
  GraphDriver: { Name: string; Data: Record<string, string> };
  SizeRw?: number;
  SizeRootFs?: number;
  Mounts: MountPoint[];
  Config: ContainerConfig;
  NetworkSettings: {
    Bridge: string;
    SandboxID: string;
    Ports: Record<string, PortBinding[] | null>;
    SandboxKey: string;
    IPAddress: string;
    IPPrefixLen: number;
    Gateway: string;
    MacAddress: string;
    Networks: Record<string, EndpointSettings>;
  };
}

/** `GET /images/json` element. */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[];
  RepoDigests: string[];
  Created: number;
  Size: number;
  SharedSize: number;
  VirtualSize?: number;
  Labels: Record<string, string>;
  Containers: number;
}

/** `GET /images/{name}/json`. */
export interface ImageInspect {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Comment: string;
  Created: string;
  DockerVersion: string;
  Author: string;
  Config: ContainerConfig;
  Architecture: string;
  Os: string;
  Size: number;
  VirtualSize?: number;
  GraphDriver: { Name: string; Data: Record<string, string> };
  RootFS: { Type: string; Layers: string[] };
  Metadata: { LastTagTime: string };
}

/** One row of `GET /images/{name}/history`. */
export interface ImageHistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[];
  Size: number;
  Comment: string;
}

/** `GET /networks/{id}` and list elements. */
export interface NetworkResource {
  Name: string;
  Id: string;
  Created: string;
  Scope: string;
  Driver: string;
  EnableIPv6: boolean;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: { Subnet?: string; Gateway?: string; IPRange?: string }[] };
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  Containers: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

/** `POST /networks/create` body. */
export interface NetworkCreateRequest {
  Name: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  IPAM?: { Driver?: string; Config?: { Subnet?: string; Gateway?: string; IPRange?: string }[] | null; Options?: Record<string, string> | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
  [field: string]: unknown;
}

/** A volume (`GET /volumes/{name}`). */
export interface VolumeResource {
  Name: string;
  Driver: string;
  Mountpoint: string;
  CreatedAt: string;
  Labels: Record<string, string>;
  Options: Record<string, string>;
  Scope: 'local' | 'global';
  Status?: Record<string, unknown>;
  UsageData?: { Size: number; RefCount: number } | null;
}

/** `POST /volumes/create` body. */
export interface VolumeCreateRequest {
  Name?: string;
  Driver?: string;
  DriverOpts?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** One event of `GET /events`. */
export interface EventMessage {
  Type: 'container' | 'image' | 'network' | 'volume' | 'daemon';
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
  /** Legacy fields of container and image events. */
  status?: string;
  id?: string;
  from?: string;
}

/** `GET /containers/{id}/stats` (one sample). */
export interface StatsSample {
  read: string;
  preread: string;
  name: string;
  id: string;
  num_procs: number;
  pids_stats: { current: number };
  cpu_stats: CpuStats;
  precpu_stats: CpuStats;
  memory_stats: { usage: number; limit: number; stats: Record<string, number> };
  networks: Record<string, { rx_bytes: number; tx_bytes: number; rx_packets: number; tx_packets: number; rx_errors: number; tx_errors: number; rx_dropped: number; tx_dropped: number }>;
  blkio_stats: { io_service_bytes_recursive: { major: number; minor: number; op: string; value: number }[] };
  storage_stats: Record<string, never>;
}

/** CPU figures of a stats sample (nanoseconds). */
export interface CpuStats {
  cpu_usage: { total_usage: number; percpu_usage: number[]; usage_in_kernelmode: number; usage_in_usermode: number };
  system_cpu_usage: number;
  online_cpus: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

/** `GET /exec/{id}/json`. */
export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig: { tty: boolean; entrypoint: string; arguments: string[]; privileged: boolean; user?: string };
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  CanRemove: boolean;
  ContainerID: string;
  DetachKeys: string;
  Pid: number;
}

/** `POST /containers/{id}/exec` body. */
export interface ExecCreateRequest {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
  Env?: string[] | null;
  Cmd: string[];
  User?: string;
  WorkingDir?: string;
  Privileged?: boolean;
  DetachKeys?: string;
}

/** One entry of `GET /containers/{id}/changes`: Kind 0 modified, 1 added, 2 deleted. */
export interface FilesystemChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** `X-Docker-Container-Path-Stat` content. */
export interface PathStat {
  name: string;
  size: number;
  /** A Go FileMode: permission bits, with 2147483648 set for a directory and 134217728 for a symlink. */
  mode: number;
  mtime: string;
  linkTarget: string;
}

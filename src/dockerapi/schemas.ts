/**
 * Validation of JSON request bodies: the fields the VCH reads must have docker's types; unknown
 * fields pass through (inspect echoes Config and HostConfig as sent). A wrong type answers 400
 * naming the field, e.g. `invalid request body: HostConfig.Memory: expected number, received string`.
 */
import { z } from 'zod';
import type {
  ContainerCreateRequest,
  EndpointSettings,
  ExecCreateRequest,
  NetworkCreateRequest,
  VolumeCreateRequest,
} from '../vch/engine/docker-types.js';
import type { RegistryAuth } from '../vch/engine/engine.js';
import { BadParameterError } from '../vch/engine/errors.js';

const str = z.string().optional();
const bool = z.boolean().optional();
const num = z.number().optional();
const strList = z.array(z.string()).nullable().optional();
const strMap = z.record(z.string(), z.string()).nullable().optional();
const objMap = z.record(z.string(), z.unknown()).nullable().optional();
/** docker's StrSlice: a string or a list of strings (a string becomes a one-element list). */
const strSlice = z
  .union([z.string(), z.array(z.string())])
  .nullable()
  .optional()
  .transform((v) => (typeof v === 'string' ? [v] : v));
const consoleSize = z.tuple([z.number(), z.number()]).nullable().optional();

const endpointSettings = z.looseObject({
  IPAMConfig: z.looseObject({ IPv4Address: str }).nullable().optional(),
  Aliases: strList,
  MacAddress: str,
});

const hostConfig = z.looseObject({
  Binds: strList,
  NetworkMode: str,
  PortBindings: z.record(z.string(), z.array(z.looseObject({ HostIp: str, HostPort: str })).nullable()).nullable().optional(),
  PublishAllPorts: bool,
  RestartPolicy: z.looseObject({ Name: z.enum(['', 'no', 'always', 'unless-stopped', 'on-failure']).optional(), MaximumRetryCount: num }).optional(),
  AutoRemove: bool,
  Mounts: z.array(z.looseObject({ Type: z.enum(['bind', 'volume', 'tmpfs', 'npipe', 'cluster']).optional(), Source: str, Target: str, ReadOnly: bool })).nullable().optional(),
  Memory: num,
  NanoCpus: num,
  CpuShares: num,
  CpusetCpus: str,
  ConsoleSize: consoleSize,
  Privileged: bool,
  ReadonlyRootfs: bool,
});

const containerCreate = z.looseObject({
  Hostname: str,
  Domainname: str,
  User: str,
  AttachStdin: bool,
  AttachStdout: bool,
  AttachStderr: bool,
  ExposedPorts: objMap,
  Tty: bool,
  OpenStdin: bool,
  StdinOnce: bool,
  Env: strList,
  Cmd: strSlice,
  Entrypoint: strSlice,
  Image: str,
  Volumes: objMap,
  WorkingDir: str,
  Labels: strMap,
  StopSignal: str,
  StopTimeout: z.number().nullable().optional(),
  HostConfig: hostConfig.optional(),
  NetworkingConfig: z.looseObject({ EndpointsConfig: z.record(z.string(), endpointSettings).nullable().optional() }).nullable().optional(),
});

const execCreate = z.looseObject({
  AttachStdin: bool,
  AttachStdout: bool,
  AttachStderr: bool,
  Tty: bool,
  ConsoleSize: consoleSize,
  Env: strList,
  Cmd: z.array(z.string()).min(1, 'No exec command specified'),
  User: str,
  WorkingDir: str,
  Privileged: bool,
  DetachKeys: str,
});

const execStart = z.looseObject({ Detach: bool, Tty: bool, ConsoleSize: consoleSize });

const networkCreate = z.looseObject({
  Name: z.string().min(1, 'network name is required'),
  Driver: str,
  Internal: bool,
  Attachable: bool,
  IPAM: z.looseObject({ Driver: str, Config: z.array(z.looseObject({ Subnet: str, Gateway: str, IPRange: str })).nullable().optional(), Options: strMap }).nullable().optional(),
  Options: strMap,
  Labels: strMap,
});

const networkConnect = z.looseObject({ Container: z.string().min(1, 'container is required'), EndpointConfig: endpointSettings.nullable().optional() });
const networkDisconnect = z.looseObject({ Container: z.string().min(1, 'container is required'), Force: bool });
const volumeCreate = z.looseObject({ Name: str, Driver: str, DriverOpts: strMap, Labels: strMap });
const auth = z.looseObject({ username: str, password: str, identitytoken: str, registrytoken: str, serveraddress: str, email: str });

function decode<T>(schema: z.ZodType, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data as T;
  const issue = result.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new BadParameterError(`invalid request body: ${where}${issue.message}`);
}

/** Validates a `POST /containers/create` body (Cmd and Entrypoint strings become lists). */
export const decodeContainerCreate = (v: unknown): ContainerCreateRequest => decode(containerCreate, v);
/** Validates a `POST /containers/{id}/exec` body. */
export const decodeExecCreate = (v: unknown): ExecCreateRequest => decode(execCreate, v);
/** Validates a `POST /exec/{id}/start` body. */
export const decodeExecStart = (v: unknown): { Detach?: boolean; Tty?: boolean } => decode(execStart, v);
/** Validates a `POST /networks/create` body. */
export const decodeNetworkCreate = (v: unknown): NetworkCreateRequest => decode(networkCreate, v);
/** Validates a `POST /networks/{id}/connect` body. */
export const decodeNetworkConnect = (v: unknown): { Container: string; EndpointConfig?: EndpointSettings | null } => decode(networkConnect, v);
/** Validates a `POST /networks/{id}/disconnect` body. */
export const decodeNetworkDisconnect = (v: unknown): { Container: string; Force?: boolean } => decode(networkDisconnect, v);
/** Validates a `POST /volumes/create` body. */
export const decodeVolumeCreate = (v: unknown): VolumeCreateRequest => decode(volumeCreate, v);
/** Validates a `POST /auth` body. */
export const decodeAuth = (v: unknown): RegistryAuth => decode(auth, v);

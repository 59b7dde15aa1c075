/**
 * `ContainerEngine`: what the Docker API asks of a VCH, in docker's own types (docker-types.ts) —
 * the shape of moby's router backends, which VIC's personality implemented. The Docker API layer
 * decodes and validates the wire, calls one method, and encodes the answer; the VCH (vch.ts) holds
 * every rule. Methods throw the typed errors of engine/errors.ts (NoSuchContainer, NameConflict,
 * NotModified, …), each carrying the HTTP status and docker's message, mapped in one place.
 *
 * Ids: methods taking a container `ref` accept a full id, a unique id prefix, or a name with or
 * without the leading `/`. Image refs accept `name[:tag]`, `name@digest`, an id or id prefix.
 */
import type {
  ContainerCreateRequest,
  ContainerInspect,
  ContainerSummary,
  EndpointSettings,
  EventMessage,
  ExecCreateRequest,
  ExecInspect,
  FilesystemChange,
  ImageHistoryItem,
  ImageInspect,
  ImageSummary,
  NetworkCreateRequest,
  NetworkResource,
  PathStat,
  StatsSample,
  VolumeCreateRequest,
  VolumeResource,
} from './docker-types.js';

/** Parsed `filters`: each key with its values (the API layer accepts both of docker's encodings). */
export type Filters = Readonly<Record<string, readonly string[]>>;

/** Output of a process: which stream, and the bytes. */
export interface OutputChunk {
  readonly stream: 'stdout' | 'stderr';
  readonly data: Uint8Array;
}

/** A log record: a chunk with its time (ns since the epoch, simulated clock). */
export interface LogRecord extends OutputChunk {
  readonly timeNano: bigint;
}

/**
 * Streams attached to a container's (or exec's) main process. Output ends when the process exits
 * (after its last bytes) or on `detach()`. Input written before the process starts is buffered.
 */
export interface AttachedStreams {
  /** Whether the process has a TTY (output is then one raw stream, `stream` always stdout). */
  readonly tty: boolean;
  /** Output chunks, in order. */
  readonly output: AsyncIterable<OutputChunk>;
  /** Sends bytes to the process's stdin (ignored when it was not attached). */
  write(data: Uint8Array): void;
  /** The client half-closed stdin: with StdinOnce (or for an exec) the process sees EOF. */
  endInput(): void;
  /** Stops streaming to this client; the process runs on. */
  detach(): void;
}

/** What to attach. */
export interface AttachOptions {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  /** Replay the log before streaming (`logs=1`). */
  readonly logs: boolean;
  /** Keep streaming live output (`stream=1`). */
  readonly stream: boolean;
}

/** `docker logs` options; times are unix seconds (fractions allowed). */
export interface LogsOptions {
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly follow: boolean;
  readonly since?: number;
  readonly until?: number;
  /** Last N lines; undefined = all. */
  readonly tail?: number;
  readonly signal?: AbortSignal;
}

/** Conditions of `POST /containers/{id}/wait`. */
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** Credentials a client sent (X-Registry-Auth or /auth body). */
export interface RegistryAuth {
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
  readonly serveraddress?: string;
}

/** One line of a pull's progress stream, as docker writes it. */
export interface PullProgressLine {
  readonly status?: string;
  readonly id?: string;
  readonly progress?: string;
  readonly progressDetail?: { readonly current?: number; readonly total?: number };
}

/** The engine's answer to `GET /info`, `GET /version` and `GET /system/df` (docker's JSON). */
export type SystemInfo = Record<string, unknown>;

/** What a prune reports. */
export interface PruneReport {
  readonly deleted: readonly string[];
  readonly spaceReclaimed: number;
}

/** The VCH's containers, as docker sees them. */
export interface ContainerApi {
  createContainer(name: string | undefined, body: ContainerCreateRequest): Promise<{ Id: string; Warnings: string[] }>;
  listContainers(opts: { readonly all: boolean; readonly limit?: number; readonly size: boolean; readonly filters: Filters }): Promise<ContainerSummary[]>;
  inspectContainer(ref: string, opts?: { readonly size?: boolean }): Promise<ContainerInspect>;
  /** Throws NotModified when it is already running. */
  startContainer(ref: string): Promise<void>;
  /** Throws NotModified when it is not running. `timeoutSec` undefined = the container's StopTimeout or 10. */
  stopContainer(ref: string, opts: { readonly timeoutSec?: number; readonly signal?: string }): Promise<void>;
  restartContainer(ref: string, opts: { readonly timeoutSec?: number; readonly signal?: string }): Promise<void>;
  /** Throws Conflict when it is not running. */
  killContainer(ref: string, signal?: string): Promise<void>;
  removeContainer(ref: string, opts: { readonly force: boolean; readonly volumes: boolean }): Promise<void>;
  renameContainer(ref: string, newName: string): Promise<void>;
  pauseContainer(ref: string): Promise<void>;
  unpauseContainer(ref: string): Promise<void>;
  /**
   * Resolves when the condition holds. Checks the container exists (and the condition is valid)
   * before returning the promise's inner wait, so callers can send headers at once: the outer
   * promise resolves to a function awaiting the exit.
   */
  waitContainer(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<() => Promise<{ StatusCode: number; Error: { Message: string } | null }>>;
  attachContainer(ref: string, opts: AttachOptions): Promise<AttachedStreams>;
  resizeContainer(ref: string, height: number, width: number): Promise<void>;
  containerLogs(ref: string, opts: LogsOptions): Promise<{ readonly tty: boolean; readonly records: AsyncIterable<LogRecord> }>;
  containerTop(ref: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }>;
  /** One stats sample (the API layer repeats it every second for a stream). */
  containerStats(ref: string): Promise<StatsSample>;
  containerChanges(ref: string): Promise<FilesystemChange[]>;
  /** A tar of the container's whole filesystem. */
  exportContainer(ref: string): Promise<Uint8Array>;
  /** Stat of a path in the container (HEAD archive). Throws NoSuchPath (404). */
  statPath(ref: string, path: string): Promise<PathStat>;
  /** A tar of `path` (GET archive) and its stat. */
  getArchive(ref: string, path: string): Promise<{ readonly stat: PathStat; readonly tar: Uint8Array }>;
  /** Extracts a tar into directory `path` (PUT archive). Rejects a bad tar or traversal with BadParameter. */
  putArchive(ref: string, path: string, tar: Uint8Array, opts: { readonly noOverwriteDirNonDir: boolean; readonly copyUIDGID: boolean }): Promise<void>;
  pruneContainers(filters: Filters): Promise<PruneReport>;
}

/** Exec sessions. */
export interface ExecApi {
  createExec(ref: string, body: ExecCreateRequest): Promise<{ Id: string }>;
  /** Starts it; `detach` runs it without streams (resolves once started). */
  startExec(id: string, opts: { readonly detach: boolean; readonly tty?: boolean }): Promise<AttachedStreams | undefined>;
  inspectExec(id: string): Promise<ExecInspect>;
  resizeExec(id: string, height: number, width: number): Promise<void>;
}

/** Images. */
export interface ImageApi {
  /** Pulls `fromImage[:tag]`; progress lines go to `onProgress`. Rejects before the first line for a bad reference. */
  pullImage(fromImage: string, tag: string | undefined, opts: { readonly auth?: RegistryAuth; readonly onProgress: (line: PullProgressLine) => void; readonly signal?: AbortSignal }): Promise<void>;
  listImages(opts: { readonly all: boolean; readonly filters: Filters; readonly digests: boolean }): Promise<ImageSummary[]>;
  inspectImage(ref: string): Promise<ImageInspect>;
  imageHistory(ref: string): Promise<ImageHistoryItem[]>;
  tagImage(ref: string, repo: string, tag: string | undefined): Promise<void>;
  removeImage(ref: string, opts: { readonly force: boolean; readonly noprune: boolean }): Promise<({ Untagged: string } | { Deleted: string })[]>;
  /** A docker-archive tar of the named images. */
  saveImages(refs: readonly string[]): Promise<Uint8Array>;
  /** Loads a docker-archive tar; returns the "Loaded image: …" lines. */
  loadImages(tar: Uint8Array): Promise<string[]>;
  pruneImages(filters: Filters): Promise<{ ImagesDeleted: ({ Untagged: string } | { Deleted: string })[]; SpaceReclaimed: number }>;
  /** Checks credentials against a registry (POST /auth). Throws Unauthorized. */
  login(auth: RegistryAuth): Promise<{ Status: string; IdentityToken?: string }>;
}

/** Networks. */
export interface NetworkApi {
  createNetwork(body: NetworkCreateRequest): Promise<{ Id: string; Warning: string }>;
  listNetworks(filters: Filters): Promise<NetworkResource[]>;
  inspectNetwork(ref: string): Promise<NetworkResource>;
  removeNetwork(ref: string): Promise<void>;
  connectNetwork(ref: string, container: string, endpoint: EndpointSettings | undefined): Promise<void>;
  disconnectNetwork(ref: string, container: string, force: boolean): Promise<void>;
  pruneNetworks(filters: Filters): Promise<PruneReport>;
}

/** Volumes. */
export interface VolumeApi {
  createVolume(body: VolumeCreateRequest): Promise<VolumeResource>;
  listVolumes(filters: Filters): Promise<{ Volumes: VolumeResource[]; Warnings: string[] }>;
  inspectVolume(name: string): Promise<VolumeResource>;
  removeVolume(name: string, force: boolean): Promise<void>;
  pruneVolumes(filters: Filters): Promise<PruneReport>;
}

/** The engine as a whole. */
export interface SystemApi {
  info(): Promise<SystemInfo>;
  version(): Promise<SystemInfo>;
  diskUsage(): Promise<SystemInfo>;
  /** Past events from `since` and then live ones until `until` (unix seconds) or the signal aborts. */
  events(opts: { readonly since?: number; readonly until?: number; readonly filters: Filters; readonly signal?: AbortSignal }): AsyncIterable<EventMessage>;
}

/** Everything the Docker API calls. */
export interface ContainerEngine extends ContainerApi, ExecApi, ImageApi, NetworkApi, VolumeApi, SystemApi {}

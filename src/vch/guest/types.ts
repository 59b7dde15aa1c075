/**
 * The contract between the guest (a container VM's processes) and the VCH that hosts it: what a
 * process is started with, what it may ask of the outside world, and what the caller gets back.
 */
import type { GuestFs } from '../fs/types.js';
import type { ServiceProfile } from './profile.js';

/** A pull source of bytes: `read()` resolves with the next chunk, or null at end of input. */
export interface InputSource {
  read(): Promise<Uint8Array | null>;
}

/** How a process ended: its exit code and, when a signal ended it, the signal's name (e.g. "TERM"). */
export interface ExitStatus {
  readonly code: number;
  readonly signal?: string;
}

/** A network interface of the guest (for ifconfig / ip addr). */
export interface InterfaceInfo {
  readonly name: string;
  readonly address: string;
  readonly prefixLen: number;
}

/** The guest's memory, in KiB (for free / top). */
export interface MemoryInfo {
  readonly totalKB: number;
  readonly usedKB: number;
  readonly freeKB: number;
  readonly sharedKB: number;
}

/** One mounted filesystem (a row of df), sizes in KiB. */
export interface DiskInfo {
  readonly filesystem: string;
  readonly sizeKB: number;
  readonly usedKB: number;
  readonly availableKB: number;
  readonly mountedOn: string;
}

/** One process of the guest (a row of ps / top). */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly user: string;
  /** CPU time consumed, in ms. */
  readonly cpuTimeMs: number;
  /** Virtual size in KiB. */
  readonly vszKB: number;
  /** The command line, arguments joined with spaces. */
  readonly command: string;
}

/**
 * What the guest needs from the VCH. Every method is synchronous and cheap except `sleep`.
 * The caller implements time on its simulated clock; the guest never reads a wall clock.
 */
export interface GuestServices {
  /** Simulated time, ms since the epoch. */
  now(): number;
  /**
   * Resolves after `ms` simulated milliseconds, or as soon as `signal` aborts (it may then resolve or
   * reject; the guest treats both as "interrupted").
   */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** The IPv4 address of a name on the container's networks (VCH DNS), or undefined. */
  resolveHost(name: string): string | undefined;
  /** The guest's network interfaces, loopback included if the caller wants it shown. */
  interfaces(): InterfaceInfo[];
  memory(): MemoryInfo;
  disks(): DiskInfo[];
  /** The guest's process table. */
  processes(): ProcessInfo[];
  /**
   * Delivers a signal (canonical name without "SIG", e.g. "TERM") to a guest process;
   * false when no process has that pid.
   */
  signalProcess(pid: number, signal: string): boolean;
  /** A fresh pid for a new guest process; pids are unique within the guest. */
  allocatePid(): number;
}

/** Everything needed to start a guest process. */
export interface ProcessSpec {
  /** The final argv (entrypoint + cmd); argv[0] is resolved through PATH unless it has a slash. */
  readonly argv: readonly string[];
  /** KEY=VALUE strings. */
  readonly env: readonly string[];
  /** Working directory, absolute. */
  readonly cwd: string;
  /** A user name, uid, or user:group ("" means root). */
  readonly user: string;
  readonly hostname: string;
  /** Whether stdin/stdout form a terminal: stderr is merged into stdout, a line discipline runs. */
  readonly tty: boolean;
  readonly fs: GuestFs;
  readonly stdin: InputSource;
  stdout(bytes: Uint8Array): void;
  stderr(bytes: Uint8Array): void;
  readonly services: GuestServices;
  /** Workload of a simulated service, used when the executable is neither busybox nor a script. */
  readonly profile?: ServiceProfile;
  /** Initial terminal size (tty only); default 24 × 80. */
  readonly rows?: number;
  readonly cols?: number;
}

/** A running guest process. */
export interface GuestProcess {
  readonly pid: number;
  /** Settles once, when the process has ended. Never rejects. */
  readonly exited: Promise<ExitStatus>;
  /**
   * The workload profile once a simulated service runs in this process tree — the program itself, or
   * one its shell or entrypoint script started (`exec nginx`) — else undefined. Set synchronously
   * when the main program is a service.
   */
  readonly profile: ServiceProfile | undefined;
  /** Sends a signal by name ("TERM", "SIGTERM") or number; unknown signals throw InvalidArgumentError. */
  signal(sig: string | number): void;
  /** Changes the terminal size (tty only; ignored otherwise). */
  resize(rows: number, cols: number): void;
}

/**
 * The seam between the VCH and the guest: how a process is started inside a container VM. The VCH
 * composes it from the guest module (src/vch/guest); tests of the container lifecycle can hand in
 * the same guest over a plain file tree.
 */
import type { GuestFs } from '../fs/types.js';
import type { ByteSource } from './streams.js';

/** What to run and with which streams. */
export interface LaunchSpec {
  /** Which guest (the container's id): processes of one guest share a process table. */
  readonly guest: string;
  readonly argv: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly user: string;
  readonly hostname: string;
  readonly tty: boolean;
  readonly fs: GuestFs;
  readonly stdin: ByteSource;
  readonly stdout: (data: Uint8Array) => void;
  readonly stderr: (data: Uint8Array) => void;
  /** Image and container labels (a service's workload profile). */
  readonly labels: Readonly<Record<string, string>>;
}

/** A service's listening port, as its profile declares it. */
export interface ServicePort {
  readonly port: number;
  readonly protocol: 'http' | 'tcp';
}

/** What a simulated service does to its VM (feeds the memory and DRS models). */
export interface LaunchedProfile {
  readonly cpuMhz: number;
  readonly activeMemoryBytes: number;
  readonly dirtyPagesPerSec: number;
  readonly listen: readonly ServicePort[];
}

/** A process running in the guest. */
export interface LaunchedProcess {
  readonly pid: number;
  /** Resolves when it ends: exit code (128+n when killed by signal n). */
  readonly exited: Promise<{ readonly code: number; readonly signal?: string }>;
  /** Sends a signal by name (TERM, KILL, HUP, …) or number. */
  signal(sig: string | number): void;
  resize(rows: number, cols: number): void;
  /** The workload of a simulated service; undefined for busybox programs. */
  readonly profile: LaunchedProfile | undefined;
}

/** The process could not start (not found, not executable): docker's exit status and message. */
export interface LaunchFailure {
  readonly exitCode: 126 | 127;
  readonly message: string;
}

/** Starts processes in a guest. Throws a {@link LaunchFailure}-shaped error for a missing executable. */
export interface Launcher {
  launch(spec: LaunchSpec): LaunchedProcess;
  /** The error as docker reports it, when `e` means the executable could not be started; else undefined. */
  launchFailure(e: unknown): LaunchFailure | undefined;
  /** The guest's process table (top). */
  processes(guest: string): readonly { readonly pid: number; readonly user: string; readonly cpuTimeMs: number; readonly command: string }[];
  /** Forgets a guest whose VM is gone. */
  forget(guest: string): void;
}

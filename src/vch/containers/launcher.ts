/**
 * The seam between the VCH and the guest: how a process is started inside a container VM. The VCH
 * composes it from the guest module (src/vch/guest); tests of the container lifecycle can hand in
 * the same guest over a plain file tree.
 */
import type { GuestProcess, ProcessSpec } from '../guest/types.js';

/** What to run and with which streams: the guest's process spec, minus what the launcher supplies. */
export type LaunchSpec = Omit<ProcessSpec, 'services' | 'profile' | 'rows' | 'cols'> & {
  /** Which guest (the container's id): processes of one guest share a process table. */
  readonly guest: string;
  /** Image and container labels (a service's workload profile). */
  readonly labels: Readonly<Record<string, string>>;
};

/** A process running in the guest (its `profile` is set when it is a simulated service). */
export type LaunchedProcess = GuestProcess;

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
  /** The guest's VM was suspended: its time stands still (pending sleeps keep what they have left). */
  freeze(guest: string): void;
  /** The guest's VM resumed. */
  thaw(guest: string): void;
}

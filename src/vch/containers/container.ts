/**
 * One container of a VCH: what docker was asked for, the VM that is the container, its state with
 * the times and exit code docker reports, its log, its stdin and attached clients, its filesystem,
 * its execs and the waiters of `docker wait`. Its networks live in the VCH's network registry.
 */
import type { VmId } from '../../sim/ids.js';
import type { ContainerConfig, ContainerCreateRequest, HostConfig } from '../engine/docker-types.js';
import type { OutputChunk } from '../engine/engine.js';
import type { UnionFs } from '../fs/union-fs.js';
import { ContainerLog } from './logs.js';
import type { ProcessPlan, RestartRule, VmSize } from './spec.js';
import type { ContainerStatus } from './state.js';
import { FanOut, InputPipe } from './streams.js';

/** What a container is made from; fixed at create. */
export interface ContainerDefinition {
  readonly id: string;
  readonly createdMs: number;
  /** The request as sent (inspect echoes HostConfig as sent). */
  readonly request: ContainerCreateRequest;
  /** Config as inspect shows it: the request merged with the image's defaults. */
  readonly config: ContainerConfig;
  readonly hostConfig: HostConfig;
  readonly imageId: string;
  readonly plan: ProcessPlan;
  readonly size: VmSize;
  readonly restart: RestartRule;
  readonly autoRemove: boolean;
  readonly tty: boolean;
  readonly openStdin: boolean;
  readonly stdinOnce: boolean;
  /** The container VM. */
  readonly vm: VmId;
  /** The VM's display name, `{name}-{shortid}`. */
  readonly vmName: string;
  /** Datastore path of the VM's log file. */
  readonly logPath: string;
}

/** A waiter of `docker wait`. */
export interface ExitWaiter {
  readonly condition: 'not-running' | 'next-exit' | 'removed';
  readonly resolve: (exit: { StatusCode: number; Error: { Message: string } | null }) => void;
}

/** A container and its run-time state. */
export class Container {
  name: string;
  status: ContainerStatus = 'created';
  exitCode = 0;
  error = '';
  startedMs: number | undefined;
  finishedMs: number | undefined;
  restartCount = 0;
  pid = 0;
  /** Set by `docker stop`/`kill`: no restart policy applies to this exit (and not to unless-stopped until started). */
  stoppedByUser = false;
  /** stdin of the current (or next) run. */
  stdin = new InputPipe();
  /** Live output of the current run, for attached clients. */
  output = new FanOut<OutputChunk>();
  readonly waiters = new Set<ExitWaiter>();
  readonly execIds = new Set<string>();
  /** Called once when the current run's main process ends (its execs end with it, as in a PID namespace). */
  readonly #runEnders = new Set<() => void>();

  constructor(
    readonly def: ContainerDefinition,
    name: string,
    readonly fs: UnionFs,
    readonly log: ContainerLog,
  ) {
    this.name = name;
  }

  /** Full id. */
  get id(): string {
    return this.def.id;
  }

  /** Whether the main process runs (running or paused). */
  get running(): boolean {
    return this.status === 'running' || this.status === 'paused';
  }

  /** Fresh stdin and output channels for a new run. */
  resetStreams(): void {
    this.stdin = new InputPipe();
    this.output = new FanOut<OutputChunk>();
    this.log.reopen();
  }

  /** Registers `end` to run when the current run's main process ends; returns its removal. */
  onRunEnd(end: () => void): () => void {
    this.#runEnders.add(end);
    return () => this.#runEnders.delete(end);
  }

  /** The main process ended: runs (and drops) what {@link onRunEnd} registered. */
  endRun(): void {
    const enders = [...this.#runEnders];
    this.#runEnders.clear();
    for (const end of enders) end();
  }

  /** Resolves the waiters whose condition `event` satisfies. */
  notify(event: 'exit' | 'removed'): void {
    for (const w of this.waiters) {
      if (event === 'exit' && w.condition === 'removed') continue;
      this.waiters.delete(w);
      w.resolve({ StatusCode: this.exitCode, Error: this.error ? { Message: this.error } : null });
    }
  }
}

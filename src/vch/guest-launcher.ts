/**
 * The VCH's {@link Launcher}: starts processes in a container's guest (src/vch/guest) with the
 * services the guest asks for — the simulated clock for time and sleeps, the VCH's DNS for names,
 * the container's endpoints for its interfaces, its VM's memory and disk for free and df, and one
 * process table per guest for ps, top and kill.
 */
import type { Clock } from '../sim/clock.js';
import type { LaunchedProcess, Launcher, LaunchFailure, LaunchSpec } from './containers/launcher.js';
import { ExecPermissionDeniedError, ExecutableNotFoundError } from './guest/errors.js';
import { serviceProfileFromLabels } from './guest/profile.js';
import { startProcess } from './guest/process.js';
import type { GuestProcess, GuestServices, InterfaceInfo, ProcessInfo } from './guest/types.js';
import { GuestTimers } from './guest-timers.js';

/** What a guest can learn about its container from the VCH. */
export interface GuestEnvironment {
  resolveHost(guest: string, name: string): string | undefined;
  interfaces(guest: string): InterfaceInfo[];
  /** Configured memory of the container VM, MB. */
  memoryMB(guest: string): number;
  /** The root disk: capacity and bytes the container's filesystem holds. */
  rootDisk(guest: string): { readonly capacityBytes: number; readonly usedBytes: number };
}

interface GuestSession {
  nextPid: number;
  readonly timers: GuestTimers;
  readonly table: Map<number, { readonly info: ProcessInfo; readonly process: GuestProcess; readonly startedMs: number }>;
}

/** Starts guest processes for a VCH's containers. */
export class GuestLauncher implements Launcher {
  readonly #sessions = new Map<string, GuestSession>();

  constructor(
    readonly clock: Clock,
    readonly env: GuestEnvironment,
  ) {}

  launch(spec: LaunchSpec): LaunchedProcess {
    const session = this.#session(spec.guest);
    const profile = serviceProfileFromLabels(spec.labels);
    const proc = startProcess({
      argv: spec.argv,
      env: spec.env,
      cwd: spec.cwd,
      user: spec.user,
      hostname: spec.hostname,
      tty: spec.tty,
      fs: spec.fs,
      stdin: spec.stdin,
      stdout: spec.stdout,
      stderr: spec.stderr,
      services: this.#services(spec.guest, session),
      profile,
    });
    const info: ProcessInfo = { pid: proc.pid, ppid: 0, user: spec.user || 'root', cpuTimeMs: 0, vszKB: 1024, command: spec.argv.join(' ') };
    session.table.set(proc.pid, { info, process: proc, startedMs: this.clock.now() });
    void proc.exited.then(() => session.table.delete(proc.pid));
    return proc;
  }

  launchFailure(e: unknown): LaunchFailure | undefined {
    if (e instanceof ExecutableNotFoundError || e instanceof ExecPermissionDeniedError) {
      return { exitCode: e.exitCode, message: `failed to create task for container: ${e.message}: unknown` };
    }
    return undefined;
  }

  processes(guest: string): readonly { readonly pid: number; readonly user: string; readonly cpuTimeMs: number; readonly command: string }[] {
    const session = this.#sessions.get(guest);
    if (!session) return [];
    return [...session.table.values()].map((p) => ({ ...p.info, cpuTimeMs: 0 }));
  }

  forget(guest: string): void {
    this.#sessions.delete(guest);
  }

  freeze(guest: string): void {
    this.#sessions.get(guest)?.timers.freeze();
  }

  thaw(guest: string): void {
    this.#sessions.get(guest)?.timers.thaw();
  }

  #session(guest: string): GuestSession {
    let s = this.#sessions.get(guest);
    if (!s) {
      s = { nextPid: 1, table: new Map(), timers: new GuestTimers(this.clock) };
      this.#sessions.set(guest, s);
    }
    return s;
  }

  #services(guest: string, session: GuestSession): GuestServices {
    const clock = this.clock;
    const env = this.env;
    return {
      now: () => clock.date().getTime(),
      sleep: (ms, signal) => session.timers.sleep(ms, signal),
      resolveHost: (name) => env.resolveHost(guest, name),
      interfaces: () => env.interfaces(guest),
      memory: () => {
        const totalKB = env.memoryMB(guest) * 1024;
        const usedKB = Math.min(totalKB, 25 * 1024 + session.table.size * 1024);
        return { totalKB, usedKB, freeKB: totalKB - usedKB, sharedKB: 0 };
      },
      disks: () => {
        const d = env.rootDisk(guest);
        const sizeKB = Math.floor(d.capacityBytes / 1024);
        const usedKB = Math.ceil(d.usedBytes / 1024);
        return [{ filesystem: '/dev/sda', sizeKB, usedKB, availableKB: Math.max(0, sizeKB - usedKB), mountedOn: '/' }];
      },
      processes: () => [...session.table.values()].map((p) => p.info),
      signalProcess: (pid, signal) => {
        const p = session.table.get(pid);
        if (!p) return false;
        p.process.signal(signal);
        return true;
      },
      allocatePid: () => session.nextPid++,
    };
  }
}

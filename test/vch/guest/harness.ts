/**
 * Test fixtures for the guest: a busybox-like root filesystem over FileTree, fake GuestServices on a
 * counter clock, and helpers that run a process to completion and collect its output.
 */
import { FileTree } from '../../../src/vch/fs/file-tree.js';
import { APPLETS } from '../../../src/vch/guest/applets/index.js';
import { startProcess } from '../../../src/vch/guest/process.js';
import type { DiskInfo, GuestProcess, GuestServices, InputSource, InterfaceInfo, ProcessInfo, ProcessSpec } from '../../../src/vch/guest/types.js';

/** 2026-01-02T03:04:05Z, the fake clock's start. */
export const START_MS = Date.UTC(2026, 0, 2, 3, 4, 5);

/** A root filesystem with /bin/busybox, a link per applet, /etc/passwd and /etc/group. */
export function busyboxFs(now: () => number = () => START_MS): FileTree {
  const fs = new FileTree({ now });
  for (const d of ['/bin', '/usr/bin', '/etc', '/tmp', '/root', '/home/app', '/var/log']) fs.mkdir(d, { recursive: true });
  fs.writeFile('/bin/busybox', '\x7fELF\x02\x01\x01 BusyBox v1.36.1 (2023-05-18) multi-call binary.', { mode: 0o755 });
  for (const name of [...APPLETS.keys(), 'sh', 'ash', 'wget', 'vi']) if (name !== '[' ) fs.symlink('busybox', `/bin/${name}`);
  fs.symlink('/bin/busybox', '/usr/bin/[');
  fs.writeFile('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:App:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  fs.writeFile('/etc/group', 'root:x:0:\nwheel:x:10:root\napp:x:1000:\nnogroup:x:65533:\n');
  return fs;
}

interface Timer {
  at: number;
  resolve: () => void;
}

/** GuestServices on a counter clock. With `autoAdvance` (default) sleeps complete at once. */
export class FakeServices implements GuestServices {
  nowMs = START_MS;
  autoAdvance = true;
  private nextPid = 1;
  private readonly timers: Timer[] = [];
  readonly hosts = new Map<string, string>([['web', '172.16.0.3'], ['db', '172.16.0.4']]);
  readonly nics: InterfaceInfo[] = [{ name: 'eth0', address: '172.16.0.2', prefixLen: 16 }];
  readonly table: ProcessInfo[] = [];
  readonly signalled: [number, string][] = [];
  readonly targets = new Map<number, GuestProcess>();

  now(): number {
    return this.nowMs;
  }
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (this.autoAdvance) {
      this.nowMs += ms;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = { at: this.nowMs + ms, resolve };
      this.timers.push(timer);
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }
  /** Moves the clock and completes due sleeps. */
  advance(ms: number): void {
    this.nowMs += ms;
    for (const t of this.timers.filter((t) => t.at <= this.nowMs)) {
      this.timers.splice(this.timers.indexOf(t), 1);
      t.resolve();
    }
  }
  resolveHost(name: string): string | undefined {
    return this.hosts.get(name);
  }
  interfaces(): InterfaceInfo[] {
    return this.nics;
  }
  memory() {
    return { totalKB: 2_000_000, usedKB: 150_000, freeKB: 1_850_000, sharedKB: 1_000 };
  }
  disks(): DiskInfo[] {
    return [{ filesystem: '/dev/sda', sizeKB: 8_000_000, usedKB: 2_000_000, availableKB: 6_000_000, mountedOn: '/' }];
  }
  processes(): ProcessInfo[] {
    return this.table;
  }
  signalProcess(pid: number, signal: string): boolean {
    this.signalled.push([pid, signal]);
    const target = this.targets.get(pid);
    target?.signal(signal);
    return target !== undefined || this.table.some((p) => p.pid === pid);
  }
  allocatePid(): number {
    return this.nextPid++;
  }
}

/** Stdin from fixed text (then end of input). */
export function textInput(text = ''): InputSource {
  let done = false;
  return {
    read: async () => {
      if (done || !text) return null;
      done = true;
      return new TextEncoder().encode(text);
    },
  };
}

/** A stdin the test feeds chunk by chunk; `end()` closes it. */
export class FedInput implements InputSource {
  private readonly chunks: (Uint8Array | null)[] = [];
  private wake: (() => void) | undefined;
  feed(text: string): void {
    this.chunks.push(new TextEncoder().encode(text));
    this.wake?.();
  }
  end(): void {
    this.chunks.push(null);
    this.wake?.();
  }
  async read(): Promise<Uint8Array | null> {
    while (!this.chunks.length) await new Promise<void>((r) => (this.wake = r));
    return this.chunks.shift()!;
  }
}

/** A started process with its collected output. */
export interface Started {
  proc: GuestProcess;
  services: FakeServices;
  fs: FileTree;
  stdout(): string;
  stderr(): string;
}

/** Starts a process with defaults (root, cwd /, no tty). */
export function start(argv: string[], opts: Partial<ProcessSpec> & { services?: FakeServices; input?: string } = {}): Started {
  const services = opts.services ?? new FakeServices();
  const fs = (opts.fs as FileTree | undefined) ?? busyboxFs(() => services.now());
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const proc = startProcess({
    argv,
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    cwd: '/',
    user: '',
    hostname: 'c0ffee123456',
    tty: false,
    stdin: textInput(opts.input),
    stdout: (b) => out.push(b),
    stderr: (b) => err.push(b),
    ...opts,
    fs,
    services,
  });
  const text = (chunks: Uint8Array[]) => new TextDecoder().decode(Buffer.concat(chunks));
  return { proc, services, fs, stdout: () => text(out), stderr: () => text(err) };
}

/** Runs a program to its end. */
export async function run(argv: string[], opts: Parameters<typeof start>[1] = {}): Promise<{ stdout: string; stderr: string; code: number; fs: FileTree }> {
  const s = start(argv, opts);
  const { code } = await s.proc.exited;
  return { stdout: s.stdout(), stderr: s.stderr(), code, fs: s.fs };
}

/** Runs `sh -c script`. */
export function sh(script: string, opts: Parameters<typeof start>[1] = {}) {
  return run(['sh', '-c', script], opts);
}

/** Lets pending promise chains settle (no timers involved beyond setImmediate turns). */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/**
 * Interactive sessions: the real docker CLI under a pseudo-terminal (util-linux `script`) against
 * `vicsim serve`, over the unix socket (docker-wire.md gotcha 7: detach over TCP hangs in the CLI).
 * Keystrokes go to `script`'s stdin, which writes them to the pty master; the CLI puts the pty in raw
 * mode, so every echo comes from the container's own terminal.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from '../../src/cli/serve.js';
import { docker, DOCKER_CLI, testServeOptions } from './helpers.js';

/** How long a session may take to show what a step waits for before the test gives up. */
const STEP_LIMIT_MS = 15_000;

/** A docker CLI command running on a pty: what it printed so far, keystrokes, its exit code. */
class PtySession {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number>;
  #output = '';
  #seen = 0;

  constructor(socket: string, dir: string, args: readonly string[], size = { rows: 24, cols: 80 }) {
    const quoted = [DOCKER_CLI, '-H', `unix://${socket}`, ...args].map((a) => `'${a}'`).join(' ');
    const command = `stty rows ${size.rows} cols ${size.cols}; exec ${quoted}`;
    const env = { PATH: process.env['PATH'] ?? '', HOME: dir, DOCKER_CONFIG: join(dir, 'config'), TERM: 'xterm' };
    this.child = spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (d: Buffer) => (this.#output += d.toString()));
    this.child.stderr.on('data', (d: Buffer) => (this.#output += d.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? -1)));
  }

  /** Everything the terminal showed. */
  get output(): string {
    return this.#output;
  }

  /** Types `text` (a string of keystrokes, \r for Enter). */
  type(text: string): void {
    this.child.stdin.write(text);
  }

  /**
   * Waits until output not yet consumed matches `pattern`; returns that output up to the match's end
   * and consumes it. Rejects with the whole transcript when it does not show up in time.
   */
  async expect(pattern: string | RegExp): Promise<string> {
    const deadline = performance.now() + STEP_LIMIT_MS;
    for (;;) {
      const rest = this.#output.slice(this.#seen);
      const at = typeof pattern === 'string' ? rest.indexOf(pattern) : rest.search(pattern);
      if (at !== -1) {
        const length = typeof pattern === 'string' ? pattern.length : (rest.slice(at).match(pattern)?.[0].length ?? 0);
        this.#seen += at + length;
        return rest.slice(0, at + length);
      }
      if (performance.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`terminal never showed ${String(pattern)}; transcript: ${JSON.stringify(this.#output)}`);
      }
      await new Promise((done) => setTimeout(done, 20));
    }
  }

  /** The pty the CLI runs on (its stdin), e.g. /dev/pts/3. */
  ptyOfCli(): string {
    const cliPid = Number(readFileSync(`/proc/${this.child.pid}/task/${this.child.pid}/children`, 'utf8').trim().split(' ')[0]);
    return readlinkSync(`/proc/${cliPid}/fd/0`);
  }

  /** Ends the session (kills `script` and with it the CLI) if it is still running. */
  async close(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

const PROMPT = '/ # ';

async function serve(dir: string, name: string, timeScale: number): Promise<Served> {
  return startServe(testServeOptions(join(dir, `${name}.sock`), { hosts: 1, timeScale, seed: 11 }));
}

let dir: string;
let served: Served;
const sessions: PtySession[] = [];
const open = (args: string[], size?: { rows: number; cols: number }, on: Served = served): PtySession => {
  const s = new PtySession(on.socket, dir, args, size);
  sessions.push(s);
  return s;
};
const cli = (args: string[]) => docker({ port: served.dockerPort, socketPath: served.socket, dir }, args, { via: 'unix' });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vch-interactive-'));
  served = await serve(dir, 'docker', 0);
  expect((await cli(['pull', 'busybox'])).code).toBe(0);
}, 60_000);

afterAll(async () => {
  for (const s of sessions) await s.close();
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('docker run -it busybox sh on a pty', () => {
  it('shows the prompt, runs commands typed at it, and keeps the working directory between them', async () => {
    const s = open(['run', '-it', '--rm', 'busybox', 'sh']);
    await s.expect(PROMPT);
    s.type('echo hi\r');
    expect(await s.expect(PROMPT)).toMatch(/echo hi\r\nhi\r\n/);
    s.type('cd /tmp; pwd\r');
    expect(await s.expect('/tmp # ')).toContain('/tmp\r\n');
    s.type('exit\r');
    expect(await s.exited).toBe(0);
  });

  it('ends with the exit code the shell exits with', async () => {
    const s = open(['run', '-it', '--rm', 'busybox', 'sh']);
    await s.expect(PROMPT);
    s.type('exit 3\r');
    expect(await s.exited).toBe(3);
  });

  it('lays out ls for the terminal size the CLI gives at start and after a resize', async () => {
    const s = open(['run', '-it', '--rm', 'busybox', 'sh'], { rows: 20, cols: 30 });
    await s.expect(PROMPT);
    s.type('mkdir /tmp/d && cd /tmp/d && touch aaaaaaaa bbbbbbbb cccccccc dddddddd && ls\r');
    expect(await s.expect('/tmp/d # ')).toContain('aaaaaaaa  bbbbbbbb  cccccccc\r\ndddddddd\r\n');
    // TIOCSWINSZ on the CLI's pty sends it SIGWINCH; it answers with POST /containers/{id}/resize.
    setPtyWidth(s.ptyOfCli(), 25);
    expect(await untilListed(s, '/tmp/d # ', 'aaaaaaaa  bbbbbbbb\r\ncccccccc  dddddddd\r\n')).toBe(true);
    s.type('exit\r');
    expect(await s.exited).toBe(0);
  });

  it('leaves the container running when detached with ctrl-p ctrl-q', async () => {
    const s = open(['run', '-it', '--name', 'det', 'busybox', 'sh']);
    await s.expect(PROMPT);
    s.type('\x10\x11');
    expect(await s.exited).toBe(0);
    expect((await cli(['inspect', '--format', '{{.State.Status}}', 'det'])).stdout).toBe('running\n');
    expect((await cli(['rm', '-f', 'det'])).code).toBe(0);
  });
});

describe('docker exec -it on a running container', () => {
  it('opens a shell in the container, which ends with its own exit code and leaves the container running', async () => {
    expect((await cli(['run', '-dit', '--name', 'box', 'busybox', 'sh'])).code).toBe(0);
    const s = open(['exec', '-it', 'box', 'sh']);
    await s.expect(PROMPT);
    s.type('echo inside > /tmp/mark; cat /tmp/mark\r');
    expect(await s.expect(PROMPT)).toContain('inside\r\n');
    s.type('exit 4\r');
    expect(await s.exited).toBe(4);
    expect((await cli(['exec', 'box', 'cat', '/tmp/mark'])).stdout).toBe('inside\n');
    expect((await cli(['inspect', '-f', '{{.State.Running}}', 'box'])).stdout.trim()).toBe('true');
  });

  it('gives the exec its terminal size at start and after a resize', async () => {
    const s = open(['exec', '-it', 'box', 'sh'], { rows: 20, cols: 30 });
    await s.expect(PROMPT);
    s.type('mkdir /tmp/e && cd /tmp/e && touch aaaaaaaa bbbbbbbb cccccccc dddddddd && ls\r');
    expect(await s.expect('/tmp/e # ')).toContain('aaaaaaaa  bbbbbbbb  cccccccc\r\ndddddddd\r\n');
    // The CLI answers SIGWINCH with POST /exec/{id}/resize.
    setPtyWidth(s.ptyOfCli(), 25);
    expect(await untilListed(s, '/tmp/e # ', 'aaaaaaaa  bbbbbbbb\r\ncccccccc  dddddddd\r\n')).toBe(true);
    s.type('exit\r');
    expect(await s.exited).toBe(0);
    expect((await cli(['rm', '-f', 'box'])).code).toBe(0);
  });
});

describe('ctrl-C in docker run -it at time scale 1', () => {
  let realtime: Served;
  beforeAll(async () => {
    realtime = await serve(dir, 'realtime', 1);
    const pulled = await docker({ port: realtime.dockerPort, socketPath: realtime.socket, dir }, ['pull', 'busybox'], { via: 'unix' });
    expect(pulled.code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    for (const s of sessions) await s.close();
    await realtime?.close();
  });

  it('interrupts a running sleep 100 and returns to the prompt', async () => {
    const s = open(['run', '-it', '--rm', 'busybox', 'sh'], undefined, realtime);
    await s.expect(PROMPT);
    // The shell prints "started" and goes straight into the sleep, before ctrl-C can travel back.
    s.type('echo started; sleep 100\r');
    await s.expect('\r\nstarted\r\n');
    s.type('\x03');
    await s.expect(PROMPT);
    s.type('echo status $?\r');
    expect(await s.expect(PROMPT)).toContain('status 130\r\n');
    s.type('exit\r');
    expect(await s.exited).toBe(0);
  }, 60_000);
});

/** Sets the width of a pty as a user resizing the window would (the kernel signals SIGWINCH). */
function setPtyWidth(pty: string, cols: number): void {
  const r = spawnSync('stty', ['-F', pty, 'cols', String(cols)]);
  if (r.status !== 0) throw new Error(`stty -F ${pty} failed: ${r.stderr.toString()}`);
}

/**
 * Types `ls` until its output holds `layout` (the resize travels apart from the keystrokes, so the
 * first listing may still use the old width); false after a few tries.
 */
async function untilListed(s: PtySession, prompt: string, layout: string): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    s.type('ls\r');
    if ((await s.expect(prompt)).includes(layout)) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  return false;
}

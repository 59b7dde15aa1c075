/** The real docker CLI against the server (transport test double behind it): run, exec, logs, wait, events. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('docker run through the hijacked attach', () => {
  it('prints the container output and exits 0, over TCP and over the unix socket', async () => {
    for (const via of ['tcp', 'unix'] as const) {
      const r = await docker(h, ['run', 'busybox', 'echo', 'hi', via], { via });
      expect(r).toMatchObject({ code: 0, stdout: `hi ${via}\n` });
    }
  });

  it('exits with the container exit code', async () => {
    expect((await docker(h, ['run', 'busybox', 'sh', '-c', 'exit 3'])).code).toBe(3);
    const missing = await docker(h, ['run', 'busybox', 'fakeCommand']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('fakeCommand: no such executable in PATH');
  });

  it('keeps stderr apart from stdout in the multiplexed stream', async () => {
    const r = await docker(h, ['run', 'busybox', 'err', 'oops']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'oops\n' });
  });

  it('delivers piped stdin with -i, including bytes sent before start and the half-close', async () => {
    const r = await docker(h, ['run', '-i', 'busybox', 'cat'], { input: 'line one\nline two\n' });
    expect(r).toMatchObject({ code: 0, stdout: 'line one\nline two\n' });
  });

  it('removes the container with --rm before answering the wait', async () => {
    const r = await docker(h, ['run', '--rm', '--name', 'gone', 'busybox', 'echo', 'bye']);
    expect(r).toMatchObject({ code: 0, stdout: 'bye\n' });
    expect((await docker(h, ['inspect', 'gone'])).stderr).toContain('No such object: gone');
  });

  it('reports a name conflict with docker\'s message', async () => {
    await docker(h, ['create', '--name', 'twice', 'busybox', 'echo']);
    const r = await docker(h, ['create', '--name', 'twice', 'busybox', 'echo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Conflict. The container name "/twice" is already in use');
  });

  it('pulls a missing image, and fails the run with the registry\'s message when it does not exist', async () => {
    const ok = await docker(h, ['run', 'alpine', 'echo', 'pulled']);
    expect(ok.stdout).toContain('pulled');
    expect(ok.stderr).toContain('Downloaded newer image for alpine:latest');
    const bad = await docker(h, ['run', 'nosuchimage']);
    expect(bad.code).toBe(125);
    expect(bad.stderr).toContain("pull access denied for nosuchimage, repository does not exist or may require 'docker login'");
  });
});

describe('detached containers', () => {
  it('runs -d, then logs (with timestamps), exec, top, stop and rm', async () => {
    const id = (await docker(h, ['run', '-d', '--name', 'web', 'busybox', 'sleep', '1000'])).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const exec = await docker(h, ['exec', 'web', 'echo', 'hello']);
    expect(exec).toMatchObject({ code: 0, stdout: 'hello\n' });
    expect((await docker(h, ['exec', 'web', 'exit', '4'])).code).toBe(4);
    expect((await docker(h, ['exec', '-i', 'web', 'cat'], { input: 'in exec\n' })).stdout).toBe('in exec\n');
    expect((await docker(h, ['exec', '-d', 'web', 'echo', 'x'])).code).toBe(0);
    expect((await docker(h, ['top', 'web'])).stdout).toContain('sleep 1000');
    expect((await docker(h, ['ps'])).stdout).toContain('web');
    expect((await docker(h, ['stop', 'web'])).code).toBe(0);
    expect((await docker(h, ['wait', 'web'])).stdout.trim()).toBe('143');
    expect((await docker(h, ['kill', 'web'])).stderr).toContain('is not running');
    expect((await docker(h, ['top', 'web'])).code).toBe(1);
    expect((await docker(h, ['rm', 'web'])).code).toBe(0);
  });

  it('shows logs framed, with timestamps, tail, and follows until the container ends', async () => {
    await docker(h, ['run', '--name', 'talker', 'busybox', 'echo', 'logged']);
    expect((await docker(h, ['logs', 'talker'])).stdout).toBe('logged\n');
    expect((await docker(h, ['logs', '-t', 'talker'])).stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z logged\n$/);
    expect((await docker(h, ['logs', '--tail', '0', 'talker'])).stdout).toBe('');
    await docker(h, ['run', '-d', '--name', 'follower', 'busybox', 'sleep']);
    const following = docker(h, ['logs', '-f', 'follower']);
    await new Promise((r) => setTimeout(r, 300));
    await docker(h, ['kill', 'follower']);
    expect((await following).code).toBe(0);
  });

  it('restarts, renames, pauses and unpauses', async () => {
    await docker(h, ['run', '-d', '--name', 'life', 'busybox', 'sleep']);
    expect((await docker(h, ['restart', 'life'])).code).toBe(0);
    expect((await docker(h, ['rename', 'life', 'life2'])).code).toBe(0);
    expect((await docker(h, ['pause', 'life2'])).code).toBe(0);
    expect((await docker(h, ['unpause', 'life2'])).code).toBe(0);
    expect((await docker(h, ['rm', 'life2'])).stderr).toContain('You cannot remove a running container');
    expect((await docker(h, ['rm', '-f', 'life2'])).code).toBe(0);
  });

  it('streams events until --until and reports stats once', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await docker(h, ['run', '--name', 'evented', 'busybox', 'echo']);
    const ev = await docker(h, ['events', '--since', String(since), '--until', String(since + 30 < Date.now() / 1000 ? since + 30 : Math.ceil(Date.now() / 1000) + 1), '--filter', 'container=evented']);
    expect(ev.stdout).toMatch(/container create [0-9a-f]{64}/);
    expect(ev.stdout).toContain('container die');
    await docker(h, ['run', '-d', '--name', 'measured', 'busybox', 'sleep']);
    const stats = await docker(h, ['stats', '--no-stream', 'measured']);
    expect(stats).toMatchObject({ code: 0 });
    expect(stats.stdout).toContain('measured');
  });
});

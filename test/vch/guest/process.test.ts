/** Guest processes: executable resolution, what runs, signals, services and their profiles. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/sim/errors.js';
import { ExecPermissionDeniedError, ExecutableNotFoundError } from '../../../src/vch/guest/errors.js';
import { resolveExecutable } from '../../../src/vch/guest/path-search.js';
import { DEFAULT_SERVICE_PROFILE, serviceProfileFromLabels } from '../../../src/vch/guest/profile.js';
import { busyboxFs, FakeServices, run, settle, sh, start } from './harness.js';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('resolveExecutable', () => {
  const fs = busyboxFs();
  fs.writeFile('/usr/bin/data', 'x', { mode: 0o644 });

  it('searches PATH in order and uses a name with a slash as is', () => {
    expect(resolveExecutable(fs, 'ls', ['PATH=/usr/bin:/bin'], '/')).toBe('/bin/ls');
    expect(resolveExecutable(fs, './busybox', [], '/bin')).toBe('/bin/busybox');
  });

  it("fails as docker does when nothing is found", () => {
    const e = thrown(() => resolveExecutable(fs, 'fakeCommand', ['PATH=/bin'], '/'));
    expect(e).toBeInstanceOf(ExecutableNotFoundError);
    expect((e as Error).message).toBe('exec: "fakeCommand": executable file not found in $PATH');
    expect((e as ExecutableNotFoundError).exitCode).toBe(127);
  });

  it('refuses a directory or a file without execute permission with 126', () => {
    expect(thrown(() => resolveExecutable(fs, '/tmp', [], '/'))).toBeInstanceOf(ExecPermissionDeniedError);
    expect(thrown(() => resolveExecutable(fs, 'data', ['PATH=/usr/bin'], '/'))).toBeInstanceOf(ExecPermissionDeniedError);
    expect((thrown(() => resolveExecutable(fs, '/tmp', [], '/')) as ExecPermissionDeniedError).exitCode).toBe(126);
  });
});

describe('startProcess', () => {
  it('throws at once for a missing executable, before anything runs', () => {
    expect(() => start(['nope'])).toThrow('exec: "nope": executable file not found in $PATH');
  });

  it('runs busybox applets through links and reports the exit status', async () => {
    expect(await run(['sh', '-c', 'exit 9'])).toMatchObject({ code: 9 });
    expect(await run(['echo', 'hi'])).toMatchObject({ stdout: 'hi\n', code: 0 });
  });

  it('recognises a busybox copy by its content', async () => {
    const fs = busyboxFs();
    fs.remove('/bin/echo');
    fs.writeFile('/bin/echo', fs.readFile('/bin/busybox'), { mode: 0o755 });
    expect(await run(['echo', 'copy'], { fs })).toMatchObject({ stdout: 'copy\n' });
  });

  it('runs #! scripts through their interpreter with the arguments', async () => {
    const fs = busyboxFs();
    fs.writeFile('/usr/bin/entry.sh', '#!/bin/sh\necho "script $0 $1"\nexit 4\n', { mode: 0o755 });
    expect(await run(['entry.sh', 'arg'], { fs })).toMatchObject({ stdout: 'script /usr/bin/entry.sh arg\n', code: 4 });
    expect(await run(['sh', '/usr/bin/entry.sh', 'x'], { fs })).toMatchObject({ stdout: 'script /usr/bin/entry.sh x\n', code: 4 });
  });

  it('passes the environment, working directory and PATH default', async () => {
    const r = await run(['sh', '-c', 'echo $GREETING $PWD $HOME; pwd'], { env: ['GREETING=hello'], cwd: '/tmp' });
    expect(r.stdout).toBe('hello /tmp /root\n/tmp\n');
  });

  it('merges stderr into stdout on a tty', async () => {
    const r = await run(['sh', '-c', 'echo out; echo err >&2'], { tty: true, input: '' });
    expect(r.stdout).toBe('out\r\nerr\r\n');
  });
});

describe('signals', () => {
  it('ends sleep with 143 on SIGTERM', async () => {
    const services = new FakeServices();
    services.autoAdvance = false;
    const s = start(['sleep', '100'], { services });
    await settle();
    s.proc.signal('TERM');
    expect(await s.proc.exited).toEqual({ code: 143, signal: 'TERM' });
  });

  it('ends sh with 128+n when the signal is not trapped, and 137 on SIGKILL', async () => {
    for (const [sig, code] of [['INT', 130], ['KILL', 137], ['SIGHUP', 129], [15, 143]] as const) {
      const services = new FakeServices();
      services.autoAdvance = false;
      const s = start(['sh', '-c', 'sleep 100; echo never'], { services });
      await settle();
      s.proc.signal(sig);
      expect((await s.proc.exited).code).toBe(code);
      expect(s.stdout()).toBe('');
    }
  });

  it('runs a TERM trap after the current command and exits as the trap says', async () => {
    const services = new FakeServices();
    services.autoAdvance = false;
    const s = start(['sh', '-c', 'trap "echo caught; exit 0" TERM; while true; do sleep 1; done'], { services });
    await settle();
    s.proc.signal('TERM');
    services.advance(1000);
    expect(await s.proc.exited).toEqual({ code: 0 });
    expect(s.stdout()).toBe('caught\n');
  });

  it('interrupts wait for a trapped signal', async () => {
    const services = new FakeServices();
    services.autoAdvance = false;
    const s = start(['sh', '-c', 'trap "echo trapped" INT; sleep 50 & wait; echo "wait=$?"'], { services });
    await settle();
    s.proc.signal('INT');
    expect(await s.proc.exited).toEqual({ code: 0 });
    expect(s.stdout()).toBe('trapped\nwait=130\n');
  });

  it('ignores a signal trapped with an empty action', async () => {
    const services = new FakeServices();
    services.autoAdvance = false;
    const s = start(['sh', '-c', 'trap "" TERM; sleep 5; echo survived'], { services });
    await settle();
    s.proc.signal('TERM');
    services.advance(5000);
    expect(await s.proc.exited).toEqual({ code: 0 });
    expect(s.stdout()).toBe('survived\n');
  });

  it('lets kill end a background job of the same shell', async () => {
    const services = new FakeServices();
    services.autoAdvance = false;
    const s = start(['sh', '-c', 'sleep 100 & kill $!; wait $!; echo "job=$?"'], { services });
    expect(await s.proc.exited).toEqual({ code: 0 });
    expect(s.stdout()).toBe('job=143\n');
  });

  it('stops a busy loop when signalled (the loop yields to the host)', async () => {
    const s = start(['sh', '-c', 'while true; do :; done']);
    await settle(3);
    s.proc.signal('TERM');
    expect((await s.proc.exited).code).toBe(143);
  });

  it('refuses an unknown signal name', () => {
    const services = new FakeServices();
    services.autoAdvance = false;
    const s = start(['sleep', '1'], { services });
    expect(() => s.proc.signal('BOGUS')).toThrow(InvalidArgumentError);
    s.proc.signal('KILL');
  });

  it('ends yes with SIGPIPE status when its reader goes away', async () => {
    const r = await sh('yes | head -n 1 >/dev/null; echo done');
    expect(r.stdout).toBe('done\n');
  });
});

describe('simulated services', () => {
  function serviceFs() {
    const fs = busyboxFs();
    fs.mkdir('/usr/sbin');
    fs.writeFile('/usr/sbin/nginx', '\x7fELF nginx binary', { mode: 0o755 });
    return fs;
  }

  it('runs until SIGTERM and exits 0, exposing its profile', async () => {
    const services = new FakeServices();
    services.autoAdvance = false;
    const profile = serviceProfileFromLabels({ 'vicsim.workload.listen': '80/http' });
    const s = start(['nginx', '-g', 'daemon off;'], { fs: serviceFs(), services, profile });
    await settle();
    expect(s.proc.profile).toEqual(profile);
    expect(s.stdout()).toBe(`vicsim: nginx -g daemon off; started as a simulated service (pid ${s.proc.pid}, listening on 80/http)\n`);
    s.proc.signal('HUP');
    s.proc.signal('TERM');
    expect(await s.proc.exited).toEqual({ code: 0 });
    expect(s.stdout()).toContain('received SIGHUP, reloading\n');
    expect(s.stdout()).toContain('received SIGTERM, shutting down\n');
  });

  it('dies with 137 on SIGKILL', async () => {
    const services = new FakeServices();
    services.autoAdvance = false;
    const s = start(['nginx'], { fs: serviceFs(), services });
    await settle();
    expect(s.proc.profile).toEqual(DEFAULT_SERVICE_PROFILE);
    s.proc.signal('KILL');
    expect(await s.proc.exited).toEqual({ code: 137, signal: 'KILL' });
  });

  it('exits by itself after exitAfter with exitCode', async () => {
    const services = new FakeServices();
    const profile = serviceProfileFromLabels({ 'vicsim.workload.exitAfter': '30s', 'vicsim.workload.exitCode': '3' });
    const s = start(['nginx'], { fs: serviceFs(), services, profile });
    expect(await s.proc.exited).toEqual({ code: 3 });
    expect(services.nowMs - 1767323045000).toBe(30_000);
  });

  it('exposes the profile of a service an entrypoint script execs, and signals reach it', async () => {
    const fs = serviceFs();
    fs.writeFile('/entrypoint.sh', '#!/bin/sh\necho preparing\nexec nginx "$@"\n', { mode: 0o755 });
    const services = new FakeServices();
    services.autoAdvance = false;
    const profile = serviceProfileFromLabels({ 'vicsim.workload.cpuMhz': '300' });
    const s = start(['/entrypoint.sh', '-g', 'x'], { fs, services, profile });
    expect(s.proc.profile).toBeUndefined();
    await settle();
    expect(s.proc.profile).toEqual(profile);
    s.proc.signal('TERM');
    expect(await s.proc.exited).toEqual({ code: 0 });
    expect(s.stdout().split('\n')[1]).toMatch(/^vicsim: nginx -g x started as a simulated service/);
  });

  it('busybox applets and scripts have no profile', async () => {
    const s = start(['true']);
    await s.proc.exited;
    expect(s.proc.profile).toBeUndefined();
  });
});

describe('serviceProfileFromLabels', () => {
  it('reads every workload label', () => {
    expect(
      serviceProfileFromLabels({
        'vicsim.workload.cpuMhz': '2.4GHz',
        'vicsim.workload.activeMemory': '64m',
        'vicsim.workload.dirtyRate': '500',
        'vicsim.workload.listen': '80/http,6379/tcp,53',
        'vicsim.workload.exitAfter': '1m',
        'vicsim.workload.exitCode': '2',
        unrelated: 'x',
      }),
    ).toEqual({
      cpuMhz: 2400,
      activeMemoryBytes: 64 * 2 ** 20,
      dirtyPagesPerSec: 500,
      listen: [{ port: 80, protocol: 'http' }, { port: 6379, protocol: 'tcp' }, { port: 53, protocol: 'tcp' }],
      exitAfterMs: 60_000,
      exitCode: 2,
    });
  });

  it('uses the defaults without labels', () => {
    expect(serviceProfileFromLabels({})).toEqual(DEFAULT_SERVICE_PROFILE);
  });

  it.each([
    ['vicsim.workload.cpuMhz', 'fast'],
    ['vicsim.workload.activeMemory', 'lots'],
    ['vicsim.workload.dirtyRate', '-1'],
    ['vicsim.workload.listen', '80/udp'],
    ['vicsim.workload.listen', '70000'],
    ['vicsim.workload.exitAfter', 'soon'],
    ['vicsim.workload.exitCode', '256'],
  ])('names the label %s in the error for %j', (label, value) => {
    const e = thrown(() => serviceProfileFromLabels({ [label]: value }));
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as InvalidArgumentError).argument).toBe(label);
    expect((e as Error).message).toContain(label);
  });
});

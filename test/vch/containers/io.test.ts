/**
 * What flows in and out of a container: docker wait's conditions, attach (stdin buffered before
 * start, StdinOnce, output ending with the process), logs (since/until/tail/follow, the VM's
 * output.log on the datastore) and exec (output, exit codes, missing executables).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/vch/engine/engine.js';
import { ConflictError } from '../../../src/vch/engine/errors.js';
import { collect, LONG_SLEEP, rejection, vchWorld, type VchWorld } from './world.js';

let w: VchWorld;
beforeEach(async () => {
  w = await vchWorld();
});

const ALL = { stdout: true, stderr: true, follow: false } as const;

async function logText(records: AsyncIterable<LogRecord>): Promise<string> {
  let text = '';
  for await (const r of records) text += Buffer.from(r.data).toString();
  return text;
}

describe('docker wait', () => {
  it('answers not-running at once for a created or exited container', async () => {
    const id = await w.create({ Cmd: ['sh', '-c', 'exit 4'] });
    expect(await (await w.vch.waitContainer(id, 'not-running'))()).toEqual({ StatusCode: 0, Error: null });
    await w.run(w.vch.startContainer(id));
    expect(await w.run((await w.vch.waitContainer(id, 'not-running'))())).toEqual({ StatusCode: 4, Error: null });
    expect(await (await w.vch.waitContainer(id, 'not-running'))()).toEqual({ StatusCode: 4, Error: null });
  });

  it('answers next-exit at the next exit even when the container is stopped now', async () => {
    const id = await w.create({ Cmd: ['sh', '-c', 'sleep 5; exit 9'] });
    const next = (await w.vch.waitContainer(id, 'next-exit'))();
    await w.run(w.vch.startContainer(id));
    const before = w.clock.now();
    expect(await w.run(next)).toEqual({ StatusCode: 9, Error: null });
    expect(w.clock.now() - before).toBeGreaterThanOrEqual(5000);
  });

  it('answers removed only when the container is gone', async () => {
    const id = await w.runContainer({ Cmd: ['sh', '-c', 'exit 2'] });
    let answered = false;
    const removed = (await w.vch.waitContainer(id, 'removed'))().then((r) => ((answered = true), r));
    await w.advance(1000);
    expect(w.vch.parts.containers.index.get(id).status).toBe('exited');
    expect(answered).toBe(false);
    await w.run(w.vch.removeContainer(id, { force: false, volumes: false }));
    expect(await w.run(removed)).toEqual({ StatusCode: 2, Error: null });
  });

  it('refuses an unknown condition', async () => {
    const id = await w.create({ Cmd: ['true'] });
    expect((await rejection(w.vch.waitContainer(id, 'whenever' as never))).message).toBe('invalid condition: "whenever"');
  });
});

describe('docker attach', () => {
  it('delivers stdin written before start, ends input with StdinOnce, and ends output when the process exits', async () => {
    const id = await w.create({ Cmd: ['sh', '-c', 'cat; echo done >&2'], OpenStdin: true, StdinOnce: true, AttachStdin: true }, 'catter');
    const streams = await w.vch.attachContainer(id, { stdin: true, stdout: true, stderr: true, logs: false, stream: true });
    streams.write(Buffer.from('hello\n'));
    streams.write(Buffer.from('world\n'));
    streams.endInput();
    const output = collect(streams);
    await w.run(w.vch.startContainer(id));
    expect(await w.run(output)).toEqual({ stdout: 'hello\nworld\n', stderr: 'done\n' });
    await w.run((await w.vch.waitContainer(id, 'not-running'))());
    expect((await w.vch.inspectContainer(id)).State).toMatchObject({ Status: 'exited', ExitCode: 0 });
  });

  it('ignores input when the container was not created with OpenStdin', async () => {
    const id = await w.create({ Cmd: ['sh', '-c', 'read line; echo "got:$line"'] });
    const streams = await w.vch.attachContainer(id, { stdin: true, stdout: true, stderr: true, logs: false, stream: true });
    streams.write(Buffer.from('ignored\n'));
    const output = collect(streams);
    await w.run(w.vch.startContainer(id));
    expect((await w.run(output)).stdout).toBe('got:\n');
  });

  it('replays the log and streams only what is asked for', async () => {
    const id = await w.runContainer({ Cmd: ['sh', '-c', 'echo out; echo err >&2; sleep 5; echo later'] });
    await w.advance(10);
    const streams = await w.vch.attachContainer(id, { stdin: false, stdout: true, stderr: false, logs: true, stream: true });
    expect(await w.run(collect(streams))).toEqual({ stdout: 'out\nlater\n', stderr: '' });
  });
});

describe('docker logs', () => {
  async function threeLines(): Promise<{ id: string; t0: number }> {
    const id = await w.runContainer({ Cmd: ['sh', '-c', 'echo one; sleep 10; echo two >&2; sleep 10; echo three'] });
    const t0 = w.clock.date().getTime();
    await w.run((await w.vch.waitContainer(id, 'not-running'))());
    return { id, t0 };
  }

  it('selects by stream, tail, since and until', async () => {
    const { id, t0 } = await threeLines();
    const logs = async (opts: object) => logText((await w.vch.containerLogs(id, { ...ALL, ...opts })).records);
    expect(await logs({})).toBe('one\ntwo\nthree\n');
    expect(await logs({ stderr: false })).toBe('one\nthree\n');
    expect(await logs({ stdout: false })).toBe('two\n');
    expect(await logs({ tail: 2 })).toBe('two\nthree\n');
    expect(await logs({ tail: 0 })).toBe('');
    expect(await logs({ since: (t0 + 5000) / 1000 })).toBe('two\nthree\n');
    expect(await logs({ until: (t0 + 15_000) / 1000 })).toBe('one\ntwo\n');
  });

  it('counts tail in lines even when one write held several', async () => {
    const id = await w.runContainer({ Cmd: ['sh', '-c', 'printf "a\\nb\\nc\\n"; printf d; echo e'] });
    await w.run((await w.vch.waitContainer(id, 'not-running'))());
    const tail = async (n: number) => logText((await w.vch.containerLogs(id, { ...ALL, tail: n })).records);
    expect(await tail(1)).toBe('de\n');
    expect(await tail(2)).toBe('c\nde\n');
    expect(await tail(3)).toBe('b\nc\nde\n');
  });

  it('follows a running container and ends when it exits', async () => {
    const id = await w.runContainer({ Cmd: ['sh', '-c', 'echo first; sleep 30; echo second'] });
    const followed = logText((await w.vch.containerLogs(id, { ...ALL, follow: true })).records);
    expect(await w.run(followed)).toBe('first\nsecond\n');
    await w.run((await w.vch.waitContainer(id, 'not-running'))());
    expect(w.vch.parts.containers.index.get(id).status).toBe('exited');
  });

  it('does not follow a stopped container', async () => {
    const { id } = await threeLines();
    expect(await logText((await w.vch.containerLogs(id, { ...ALL, follow: true })).records)).toBe('one\ntwo\nthree\n');
  });

  it("writes output.log in the VM's folder on the datastore with stream and time per record", async () => {
    const { id } = await threeLines();
    const c = w.vch.parts.containers.index.get(id);
    expect(c.def.logPath).toBe(`[DC0_DS0] ${id}/output.log`);
    const lines = Buffer.from(await w.backend.readDatastoreFile(c.def.logPath)).toString().trim().split('\n').map((l) => JSON.parse(l) as { stream: string; time: string; log: string });
    expect(lines.map((l) => [l.stream, Buffer.from(l.log, 'base64').toString()])).toEqual([
      ['stdout', 'one\n'],
      ['stderr', 'two\n'],
      ['stdout', 'three\n'],
    ]);
    expect(BigInt(lines[2]!.time) - BigInt(lines[0]!.time)).toBeGreaterThanOrEqual(20_000_000_000n);
  });

  it('keeps the log of earlier runs', async () => {
    const id = await w.runContainer({ Cmd: ['sh', '-c', 'echo run'] });
    await w.run((await w.vch.waitContainer(id, 'not-running'))());
    await w.run(w.vch.startContainer(id));
    await w.run((await w.vch.waitContainer(id, 'not-running'))());
    expect(await logText((await w.vch.containerLogs(id, ALL)).records)).toBe('run\nrun\n');
  });
});

describe('docker exec', () => {
  async function exec(id: string, cmd: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
    const { Id } = await w.vch.createExec(id, { Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const streams = await w.vch.startExec(Id, { detach: false });
    const out = await w.run(collect(streams!));
    await w.advance(1);
    return { ...out, code: (await w.vch.inspectExec(Id)).ExitCode };
  }

  it('runs another process in the running container with its own output and exit code', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP, Env: ['GREETING=hi'] });
    expect(await exec(id, ['sh', '-c', 'echo $GREETING from $(hostname); echo oops >&2; exit 5'])).toEqual({ stdout: `hi from ${id.slice(0, 12)}\n`, stderr: 'oops\n', code: 5 });
    expect(await exec(id, ['true'])).toMatchObject({ code: 0 });
  });

  it('shares the container filesystem', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    await exec(id, ['sh', '-c', 'echo saved > /tmp/note']);
    expect((await exec(id, ['cat', '/tmp/note'])).stdout).toBe('saved\n');
  });

  it('fails a missing executable with 127 and a file that is not executable with 126', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    const missing = await exec(id, ['fakeCommand']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/executable file not found in \$PATH/);
    await exec(id, ['sh', '-c', 'echo echo hi > /tmp/script; chmod 644 /tmp/script']);
    const denied = await exec(id, ['/tmp/script']);
    expect(denied.code).toBe(126);
    expect(denied.stderr).toMatch(/permission denied/);
  });

  it('refuses exec in a container that is not running, and a second start of one exec', async () => {
    const id = await w.create({ Cmd: LONG_SLEEP });
    const e = await rejection(w.vch.createExec(id, { Cmd: ['true'] }));
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.message).toBe(`Container ${id} is not running`);
    await w.run(w.vch.startContainer(id));
    const { Id } = await w.vch.createExec(id, { Cmd: ['true'] });
    await w.vch.startExec(Id, { detach: true });
    await w.advance(1);
    expect((await rejection(w.vch.startExec(Id, { detach: true }))).message).toBe(`Exec command ${Id} has already run`);
  });

  it('ends running execs with SIGKILL (137) when the container stops: none outlives its VM', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    const { Id } = await w.vch.createExec(id, { Cmd: ['sh', '-c', 'sleep 100; echo late'], AttachStdout: true });
    const streams = await w.vch.startExec(Id, { detach: false });
    const output = collect(streams!);
    await w.advance(10);
    await w.run(w.vch.stopContainer(id, {}));
    expect(await w.run(output)).toEqual({ stdout: '', stderr: '' });
    expect(await w.vch.inspectExec(Id)).toMatchObject({ Running: false, ExitCode: 137 });
    expect(w.vch.parts.runtime.launcher.processes(id)).toEqual([]);
  });

  it('refuses exec in a paused container', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    await w.run(w.vch.pauseContainer(id));
    expect((await rejection(w.vch.createExec(id, { Cmd: ['true'] }))).message).toBe(`Container ${id} is paused, unpause the container before exec`);
  });

  it('fails a run whose command is missing with 127 and docker message', async () => {
    const id = await w.create({ Cmd: ['fakeCommand'] });
    const e = await rejection(w.run(w.vch.startContainer(id)));
    expect(e.message).toMatch(/executable file not found in \$PATH/);
    expect((await w.vch.inspectContainer(id)).State).toMatchObject({ Status: 'exited', ExitCode: 127 });
    expect((await w.backend.vm(w.vch.parts.containers.index.get(id).def.vm)).powerState).toBe('poweredOff');
  });
});

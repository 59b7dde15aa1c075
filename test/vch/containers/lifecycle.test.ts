/**
 * Docker's container operations on a VCH, called through its engine API: create (names, conflicts,
 * commands, sizing), start, stop (signal, grace period on the simulated clock, SIGKILL), kill,
 * restart, rm, rename and pause, with docker's status codes and messages.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotModifiedError } from '../../../src/vch/engine/errors.js';
import { LONG_SLEEP, rejection, vchWorld, type VchWorld } from './world.js';

const MiB = 2 ** 20;

let w: VchWorld;
beforeEach(async () => {
  w = await vchWorld();
});

const container = (id: string) => w.vch.parts.containers.index.get(id);
const vmOf = async (id: string) => w.backend.vm(container(id).def.vm);

describe('docker create', () => {
  it('accepts names of two or more of [a-zA-Z0-9][a-zA-Z0-9_.-] with an optional leading slash', async () => {
    const id = await w.create({ Cmd: ['true'] }, '/web_1.a-b');
    expect((await w.vch.inspectContainer(id)).Name).toBe('/web_1.a-b');
    expect((await w.vch.inspectContainer('web_1.a-b')).Id).toBe(id);
  });

  it.each(['a', '-lead', '_x', 'has space', 'uni\u00e9', 'a/b', ''.padEnd(0)])('refuses the name %j with docker 400 wording unless empty', async (name) => {
    if (name === '') {
      const id = await w.create({ Cmd: ['true'] }, name);
      expect((await w.vch.inspectContainer(id)).Name).toMatch(/^\/[a-z]+_[a-z]+(_[0-9a-f]{4})?$/);
      return;
    }
    const e = await rejection(w.vch.createContainer(name, { Image: 'busybox', Cmd: ['true'] }));
    expect(e.message).toBe(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    expect((e as { code?: string }).code).toBeDefined();
  });

  it('refuses a name in use with docker conflict message naming the holder', async () => {
    const first = await w.create({ Cmd: ['true'] }, 'taken');
    const e = await rejection(w.create({ Cmd: ['true'] }, 'taken'));
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.message).toBe(`Conflict. The container name "/taken" is already in use by container "${first}". You have to remove (or rename) that container to be able to reuse that name.`);
  });

  it('says "No command specified" when neither request nor image gives a command', async () => {
    const e = await rejection(w.create({ Cmd: [], Entrypoint: [] }, 'nocmd'));
    expect(e.message).toBe('No command specified');
    expect(w.vch.parts.containers.index.find('nocmd')).toBeUndefined();
  });

  it('says "No such image" for an image that was never pulled, and keeps no name', async () => {
    const e = await rejection(w.create({ Image: 'nosuchimage:1.0', Cmd: ['true'] }, 'ghost'));
    expect(e.message).toMatch(/No such image: nosuchimage:1\.0/);
    expect(w.vch.parts.containers.index.find('ghost')).toBeUndefined();
  });

  it('sizes a container VM at 2 vCPUs and 2048 MB by default', async () => {
    const vm = await vmOf(await w.create({ Cmd: ['true'] }));
    expect({ cpu: vm.numCpu, mb: vm.memoryMB }).toEqual({ cpu: 2, mb: 2048 });
  });

  it.each([
    [100 * MiB, 512],
    [512 * MiB, 512],
    [513 * MiB, 640],
    [1000 * MiB, 1024],
    [3 * 1024 * MiB + 1, 3200],
  ])('rounds -m %d bytes up to a multiple of 128 MB with 512 MB at least (%d MB)', async (bytes, mb) => {
    const vm = await vmOf(await w.create({ Cmd: ['true'], HostConfig: { Memory: bytes } }));
    expect(vm.memoryMB).toBe(mb);
  });

  it('gives N vCPUs for --cpuset-cpus N, the count of a list, and NanoCpus rounded up', async () => {
    expect((await vmOf(await w.create({ Cmd: ['true'], HostConfig: { CpusetCpus: '4' } }))).numCpu).toBe(4);
    expect((await vmOf(await w.create({ Cmd: ['true'], HostConfig: { CpusetCpus: '0-2,5' } }))).numCpu).toBe(4);
    expect((await vmOf(await w.create({ Cmd: ['true'], HostConfig: { NanoCpus: 1.5e9 } }))).numCpu).toBe(2);
    expect((await vmOf(await w.create({ Cmd: ['true'], HostConfig: { NanoCpus: 1e9 } }))).numCpu).toBe(1);
  });

  it('refuses a malformed cpuset, a negative memory size and a retry count without on-failure', async () => {
    expect((await rejection(w.create({ Cmd: ['true'], HostConfig: { CpusetCpus: '3-1' } }))).message).toBe('Invalid value 3-1 for cpuset cpus');
    expect((await rejection(w.create({ Cmd: ['true'], HostConfig: { Memory: -5 } }))).message).toMatch(/invalid memory/i);
    expect((await rejection(w.create({ Cmd: ['true'], HostConfig: { RestartPolicy: { Name: 'always', MaximumRetryCount: 2 } } }))).message).toMatch(/maximum retry count/);
    expect((await rejection(w.create({ Cmd: ['true'], HostConfig: { AutoRemove: true, RestartPolicy: { Name: 'always' } } }))).message).toBe('conflicting options: cannot specify both --restart and --rm');
  });
});

describe('docker start and stop', () => {
  it('answers 304 to start of a running container and to stop of a stopped one', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    expect(await rejection(w.run(w.vch.startContainer(id)))).toBeInstanceOf(NotModifiedError);
    await w.run(w.vch.stopContainer(id, {}));
    expect(await rejection(w.run(w.vch.stopContainer(id, {})))).toBeInstanceOf(NotModifiedError);
    const created = await w.create({ Cmd: LONG_SLEEP });
    expect(await rejection(w.run(w.vch.stopContainer(created, {})))).toBeInstanceOf(NotModifiedError);
  });

  it('stops a sh with SIGTERM at once: exit 143 and a powered-off VM', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    const before = w.clock.now();
    await w.run(w.vch.stopContainer(id, {}));
    const inspect = await w.vch.inspectContainer(id);
    expect(inspect.State).toMatchObject({ Status: 'exited', ExitCode: 143, Running: false, Pid: 0 });
    expect(w.clock.now() - before).toBeLessThan(10_000);
    expect((await vmOf(id)).powerState).toBe('poweredOff');
  });

  it('waits the grace period of simulated time, then sends SIGKILL: exit 137', async () => {
    const id = await w.runContainer({ Cmd: ['sh', '-c', "trap '' TERM; sleep 3600"] });
    const before = w.clock.now();
    await w.run(w.vch.stopContainer(id, { timeoutSec: 7 }));
    const elapsed = w.clock.now() - before;
    expect(elapsed).toBeGreaterThanOrEqual(7000);
    expect(elapsed).toBeLessThan(8000);
    expect((await w.vch.inspectContainer(id)).State.ExitCode).toBe(137);
  });

  it('uses a 10 s grace period unless told otherwise', async () => {
    const id = await w.runContainer({ Cmd: ['sh', '-c', "trap '' TERM; sleep 3600"] });
    const before = w.clock.now();
    await w.run(w.vch.stopContainer(id, {}));
    expect(w.clock.now() - before).toBeGreaterThanOrEqual(10_000);
    expect((await w.vch.inspectContainer(id)).State.ExitCode).toBe(137);
  });

  it('stops with the container StopSignal', async () => {
    const id = await w.runContainer({ Cmd: ['sh', '-c', "trap 'exit 42' HUP; sleep 3600 & wait"], StopSignal: 'SIGHUP' });
    await w.run(w.vch.stopContainer(id, {}));
    expect((await w.vch.inspectContainer(id)).State.ExitCode).toBe(42);
  });

  it('starts an exited container again on a powered-on VM', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    await w.run(w.vch.stopContainer(id, {}));
    await w.run(w.vch.startContainer(id));
    expect(container(id).status).toBe('running');
    expect((await vmOf(id)).powerState).toBe('poweredOn');
  });
});

describe('docker kill', () => {
  it('answers 409 for a container that is not running', async () => {
    const id = await w.create({ Cmd: LONG_SLEEP }, 'idle');
    const e = await rejection(w.run(w.vch.killContainer(id)));
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.message).toBe(`Cannot kill container: idle: Container ${id} is not running`);
  });

  it('kills with SIGKILL by default (137) and delivers other signals without stopping', async () => {
    const id = await w.runContainer({ Cmd: ['sh', '-c', "trap 'echo got usr1' USR1; while true; do sleep 1; done"] });
    await w.run(w.vch.killContainer(id, 'USR1'));
    await w.advance(2000);
    expect(container(id).status).toBe('running');
    await w.run(w.vch.killContainer(id));
    expect((await w.vch.inspectContainer(id)).State).toMatchObject({ Status: 'exited', ExitCode: 137 });
    expect((await vmOf(id)).powerState).toBe('poweredOff');
  });

  it('refuses an unknown signal', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    expect((await rejection(w.run(w.vch.killContainer(id, 'SIGNOPE')))).message).toBe('Invalid signal: SIGNOPE');
  });
});

describe('docker restart', () => {
  it('stops and starts a running container, and starts a stopped one', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    const firstStart = container(id).startedMs;
    await w.advance(1000);
    await w.run(w.vch.restartContainer(id, {}));
    expect(container(id).status).toBe('running');
    expect(container(id).startedMs).toBeGreaterThan(firstStart!);
    await w.run(w.vch.stopContainer(id, {}));
    await w.run(w.vch.restartContainer(id, {}));
    expect(container(id).status).toBe('running');
  });
});

describe('docker rm', () => {
  it('refuses a running container without force, with docker message', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    const e = await rejection(w.run(w.vch.removeContainer(id, { force: false, volumes: false })));
    expect(e).toBeInstanceOf(ConflictError);
    expect(e.message).toContain('You cannot remove a running container');
    expect(container(id).status).toBe('running');
  });

  it('removes a running container with force: its VM is gone and the name is free', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP }, 'forced');
    const vm = container(id).def.vm;
    await w.run(w.vch.removeContainer(id, { force: true, volumes: false }));
    expect(w.vch.parts.containers.index.find(id)).toBeUndefined();
    expect(await rejection(w.backend.vm(vm))).toBeDefined();
    await w.create({ Cmd: ['true'] }, 'forced');
  });

  it('says "No such container" afterwards', async () => {
    const id = await w.create({ Cmd: ['true'] });
    await w.run(w.vch.removeContainer(id, { force: false, volumes: false }));
    expect((await rejection(w.vch.inspectContainer(id))).message).toBe(`No such container: ${id}`);
  });
});

describe('docker rename', () => {
  it('moves the name, frees the old one and refuses a taken one or the same one', async () => {
    const id = await w.create({ Cmd: ['true'] }, 'before');
    const other = await w.create({ Cmd: ['true'] }, 'other');
    await w.vch.renameContainer(id, 'after');
    expect((await w.vch.inspectContainer('after')).Id).toBe(id);
    expect(w.vch.parts.containers.index.find('before')).toBeUndefined();
    expect((await rejection(w.vch.renameContainer(id, 'other'))).message).toContain(`"/other" is already in use by container "${other}"`);
    expect((await rejection(w.vch.renameContainer(id, 'after'))).message).toBe('Renaming a container with the same name as its current name');
    expect((await rejection(w.vch.renameContainer(id, '!bad'))).message).toMatch(/Invalid container name/);
    await w.create({ Cmd: ['true'] }, 'before');
  });
});

describe('docker pause and unpause', () => {
  it('suspends and resumes the VM', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    await w.run(w.vch.pauseContainer(id));
    expect((await w.vch.inspectContainer(id)).State).toMatchObject({ Status: 'paused', Paused: true, Running: true });
    expect((await vmOf(id)).powerState).toBe('suspended');
    expect((await rejection(w.run(w.vch.pauseContainer(id)))).message).toBe(`Container ${id} is already paused`);
    await w.run(w.vch.unpauseContainer(id));
    expect(container(id).status).toBe('running');
    expect((await vmOf(id)).powerState).toBe('poweredOn');
    expect((await rejection(w.run(w.vch.unpauseContainer(id)))).message).toBe(`Container ${id} is not paused`);
  });

  it('freezes the guest while paused: a sleep resumes with what it had left', async () => {
    const id = await w.runContainer({ Cmd: ['sh', '-c', 'sleep 5; echo done'] });
    await w.advance(2000);
    await w.run(w.vch.pauseContainer(id));
    await w.advance(60_000);
    expect(container(id).status).toBe('paused');
    await w.run(w.vch.unpauseContainer(id));
    const resumedAt = w.clock.date().getTime();
    await w.advance(2900);
    expect(container(id).status).toBe('running');
    await w.run((await w.vch.waitContainer(id, 'not-running'))());
    expect(container(id)).toMatchObject({ status: 'exited', exitCode: 0 });
    // The 5 s sleep counts no time while paused: it ends 3–5 s after the resume (how much of it ran
    // before the pause depends on when the shell reached it), not during the minute it was paused.
    const after = container(id).finishedMs! - resumedAt;
    expect(after).toBeGreaterThanOrEqual(3000);
    expect(after).toBeLessThanOrEqual(5000);
  });

  it('refuses to pause a container that is not running', async () => {
    const id = await w.create({ Cmd: LONG_SLEEP });
    expect((await rejection(w.run(w.vch.pauseContainer(id)))).message).toBe(`Container ${id} is not running`);
  });

  it('stops a paused container: resumed, signalled, powered off', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP });
    await w.run(w.vch.pauseContainer(id));
    await w.run(w.vch.stopContainer(id, {}));
    expect(container(id).status).toBe('exited');
    expect((await vmOf(id)).powerState).toBe('poweredOff');
  });
});

describe('docker stop on an instant clock (time scale 0)', () => {
  it('does not move simulated time by the grace period when the process exits at the signal', async () => {
    const fast = await vchWorld({ instant: true });
    const id = (await fast.vch.createContainer('catter', { Image: 'busybox', Cmd: ['sh', '-c', 'cat'], OpenStdin: true })).Id;
    await fast.vch.startContainer(id);
    const before = fast.clock.now();
    await fast.vch.stopContainer(id, {});
    await fast.advance(0);
    expect((await fast.vch.inspectContainer(id)).State.ExitCode).toBe(143);
    expect(fast.clock.now() - before).toBeLessThan(10_000);
  });
});

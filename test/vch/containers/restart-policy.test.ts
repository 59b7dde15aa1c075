/**
 * Restart policies (no, on-failure[:n], always, unless-stopped) on the simulated clock with
 * docker's back-off, and AutoRemove (`docker run --rm`).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { RestartPolicy } from '../../../src/vch/engine/docker-types.js';
import { LONG_SLEEP, rejection, vchWorld, type VchWorld } from './world.js';

let w: VchWorld;
beforeEach(async () => {
  w = await vchWorld();
});

const container = (id: string) => w.vch.parts.containers.index.get(id);

function withPolicy(cmd: string[], policy: RestartPolicy): Promise<string> {
  return w.runContainer({ Cmd: cmd, HostConfig: { RestartPolicy: policy } });
}

const FAIL = ['sh', '-c', 'echo attempt; exit 3'];
const SUCCEED = ['sh', '-c', 'echo attempt; exit 0'];

describe('restart policies', () => {
  it('no: an exited container stays exited', async () => {
    const id = await withPolicy(FAIL, { Name: 'no' });
    await w.advance(60_000);
    expect((await w.vch.inspectContainer(id)).State).toMatchObject({ Status: 'exited', ExitCode: 3 });
    expect(container(id).restartCount).toBe(0);
  });

  it('on-failure:2 restarts a failing container twice, then leaves it exited', async () => {
    const id = await withPolicy(FAIL, { Name: 'on-failure', MaximumRetryCount: 2 });
    await w.advance(60_000);
    const inspect = await w.vch.inspectContainer(id);
    expect(inspect.State).toMatchObject({ Status: 'exited', ExitCode: 3 });
    expect(inspect.RestartCount).toBe(2);
    const logs = w.vch.containerLogs(id, { stdout: true, stderr: true, follow: false });
    let text = '';
    for await (const r of (await logs).records) text += Buffer.from(r.data).toString();
    expect(text).toBe('attempt\n'.repeat(3));
  });

  it('on-failure does not restart a container that exits 0', async () => {
    const id = await withPolicy(SUCCEED, { Name: 'on-failure' });
    await w.advance(60_000);
    expect(container(id).status).toBe('exited');
    expect(container(id).restartCount).toBe(0);
  });

  it('always restarts with a doubling back-off: 100 ms, 200 ms, 400 ms, …', async () => {
    const id = await withPolicy(SUCCEED, { Name: 'always' });
    await w.advance(5_000);
    expect(container(id).restartCount).toBeGreaterThanOrEqual(4);
    const events = w.vch.parts.events.stream({ since: 0, until: w.clock.date().getTime() / 1000, filters: { container: [id] } });
    const starts: number[] = [];
    const dies: number[] = [];
    for await (const e of events) {
      if (e.Action === 'start' || e.Action === 'restart') starts.push(e.timeNano / 1e6);
      if (e.Action === 'die') dies.push(e.timeNano / 1e6);
    }
    const waits = dies.slice(0, 3).map((d) => Math.min(...starts.filter((s) => s > d)) - d);
    expect(waits[0]).toBeGreaterThanOrEqual(100);
    expect(waits[1]).toBeGreaterThanOrEqual(200);
    expect(waits[2]).toBeGreaterThanOrEqual(400);
    expect(waits[1]! > waits[0]! && waits[2]! > waits[1]!).toBe(true);
  });

  it('always: a container stopped by the user is not restarted', async () => {
    const id = await withPolicy(LONG_SLEEP, { Name: 'always' });
    await w.run(w.vch.stopContainer(id, {}));
    await w.advance(60_000);
    expect(container(id).status).toBe('exited');
    expect(container(id).restartCount).toBe(0);
  });

  it('unless-stopped restarts after a crash but not after docker stop', async () => {
    const id = await withPolicy(['sh', '-c', 'sleep 5; exit 1'], { Name: 'unless-stopped' });
    await w.advance(5_000 + 60_000 / 10);
    expect(container(id).restartCount).toBeGreaterThanOrEqual(1);
    if (container(id).status === 'restarting' || container(id).status === 'running') await w.run(w.vch.stopContainer(id, {}));
    const count = container(id).restartCount;
    await w.advance(120_000);
    expect(container(id).status).toBe('exited');
    expect(container(id).restartCount).toBe(count);
  });

  it('a manual start resets the restart count', async () => {
    const id = await withPolicy(FAIL, { Name: 'on-failure', MaximumRetryCount: 1 });
    await w.advance(60_000);
    expect(container(id).restartCount).toBe(1);
    await w.run(w.vch.startContainer(id));
    expect((await w.vch.inspectContainer(id)).RestartCount).toBe(0);
  });

  it('docker rm -f removes a container that is waiting to restart', async () => {
    const id = await withPolicy(['sh', '-c', 'exit 1'], { Name: 'always' });
    await w.advance(3_000);
    await w.run(w.vch.removeContainer(id, { force: true, volumes: false }));
    await w.advance(120_000);
    expect(w.vch.parts.containers.index.find(id)).toBeUndefined();
    const left = (await w.backend.vms({ pool: w.vch.parts.pool.id })).filter((v) => !v.name.startsWith('vch1-template'));
    expect(left).toEqual([]);
  });
});

describe('AutoRemove', () => {
  it('removes the container and its VM when the process exits', async () => {
    const id = await w.create({ Cmd: ['sh', '-c', 'echo bye'], HostConfig: { AutoRemove: true } }, 'ephemeral');
    const vm = container(id).def.vm;
    const removed = (await w.vch.waitContainer(id, 'removed'))();
    await w.run(w.vch.startContainer(id));
    expect(await w.run(removed)).toEqual({ StatusCode: 0, Error: null });
    expect(w.vch.parts.containers.index.find('ephemeral')).toBeUndefined();
    expect(await rejection(w.backend.vm(vm))).toBeDefined();
    await w.create({ Cmd: ['true'] }, 'ephemeral');
  });

  it('removes it after docker stop too', async () => {
    const id = await w.runContainer({ Cmd: LONG_SLEEP, HostConfig: { AutoRemove: true } });
    await w.run(w.vch.stopContainer(id, {}));
    await w.advance(10_000);
    expect(w.vch.parts.containers.index.find(id)).toBeUndefined();
  });
});

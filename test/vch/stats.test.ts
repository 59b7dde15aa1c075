/**
 * `docker stats` block I/O: what the current run read from and wrote to the container's root disk
 * chain, counted by its union filesystem; volumes are disks of their own and not counted.
 */
import { describe, expect, it } from 'vitest';
import { collect, vchWorld } from './containers/world.js';

type IoEntry = { readonly major: number; readonly minor: number; readonly op: string; readonly value: number };
const bytes = (entries: readonly IoEntry[], op: string): number | undefined => entries.find((e) => e.op === op && e.major === 8 && e.minor === 0)?.value;

describe('container block I/O', () => {
  it('counts bytes written to and read from the root disk, not a volume, and starts again with each run', async () => {
    const w = await vchWorld();
    const id = await w.create({ Cmd: ['sh', '-c', 'sleep 3600'], HostConfig: { Binds: ['data:/data'] } });
    await w.run(w.vch.startContainer(id));
    const io = async () => (await w.vch.containerStats(id)).blkio_stats.io_service_bytes_recursive;
    const before = await io();
    expect(bytes(before, 'write')).toBe(0);

    const exec = async (cmd: string) => {
      const { Id } = await w.vch.createExec(id, { Cmd: ['sh', '-c', cmd], AttachStdout: true, AttachStderr: true });
      return w.run(collect((await w.vch.startExec(Id, { detach: false }))!));
    };
    await exec('printf 0123456789 > /root/ten');
    const afterWrite = await io();
    expect(bytes(afterWrite, 'write')).toBe(10);
    // An exec also reads the guest's /etc/passwd and /etc/group to resolve its user: compare with one that reads nothing else.
    await exec('true > /data/empty');
    const baseline = bytes(await io(), 'read')!;
    await exec('cat /root/ten > /data/copy');
    const afterRead = await io();
    expect(bytes(afterRead, 'read')! - baseline).toBe(baseline - bytes(afterWrite, 'read')! + 10);
    expect(bytes(afterRead, 'write')).toBe(10);
    expect(bytes(afterRead, 'total')).toBe(bytes(afterRead, 'read')! + 10);

    await w.run(w.vch.stopContainer(id, { timeoutSec: 0 }));
    expect(await io()).toEqual([]);
    await w.run(w.vch.startContainer(id));
    expect(bytes(await io(), 'total')).toBe(0);
  });
});

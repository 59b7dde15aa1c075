/**
 * dockerode (the Node client testcontainers and most tools build on) against `vicsim serve` — the
 * model, the VCH and the Docker API as `npm start` wires them — over the unix socket at time scale 0.
 * Images come from the offline catalog. Long-running containers use redis (a simulated service).
 */
import Docker from 'dockerode';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from '../../src/cli/serve.js';
import { testServeOptions } from './helpers.js';

let served: Served;
let dir: string;
let client: Docker;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'clients-dockerode-'));
  served = await startServe(testServeOptions(join(dir, 'docker.sock'), { seed: 11 }));
  client = new Docker({ socketPath: served.socket });
  // dockerode's createContainer does not pull on 404 (the CLI does): the service image comes first.
  await pull('redis:latest');
}, 60_000);

afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A writable stream that remembers what was written to it. */
function sink(): PassThrough & { text(): string } {
  const s = new PassThrough();
  let text = '';
  s.on('data', (d: Buffer) => (text += d.toString()));
  return Object.assign(s, { text: () => text });
}

/** Pulls `ref` with dockerode and resolves with every progress object once the stream ends. */
function pull(ref: string): Promise<{ status?: string; id?: string; error?: string }[]> {
  return new Promise((resolve, reject) => {
    client.pull(ref, (err: Error | null, stream: NodeJS.ReadableStream) => {
      if (err) return reject(err);
      client.modem.followProgress(stream, (done: Error | null, out: { status?: string }[]) => (done ? reject(done) : resolve(out)));
    });
  });
}

/** Reads newline-delimited JSON objects from `stream` until `count` arrived. */
function readJsonLines(stream: NodeJS.ReadableStream, count: number): Promise<Record<string, unknown>[]> {
  const got: Record<string, unknown>[] = [];
  let buffered = '';
  return new Promise((resolve) => {
    stream.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') got.push(JSON.parse(line) as Record<string, unknown>);
      if (got.length >= count) resolve(got);
    });
  });
}

describe('dockerode against a served VCH', () => {
  it('pulls busybox from the catalog, following the progress stream to docker’s final status', async () => {
    const progress = await pull('busybox:latest');
    expect(progress[0]).toMatchObject({ status: 'Pulling from library/busybox', id: 'latest' });
    expect(progress.some((p) => p.status === 'Pull complete')).toBe(true);
    expect(progress.find((p) => p.status?.startsWith('Digest: sha256:'))).toBeDefined();
    expect(progress.at(-1)?.status).toMatch(/^Status: (Downloaded newer image|Image is up to date) for busybox:latest$/);
    expect(progress.every((p) => p.error === undefined)).toBe(true);
  });

  it('runs with Tty false, demultiplexing stdout and stderr into their own streams', async () => {
    const out = sink();
    const err = sink();
    const [result, container] = (await client.run('busybox', ['sh', '-c', 'echo out; echo err >&2; exit 2'], [out, err], { Tty: false })) as [{ StatusCode: number }, Docker.Container];
    expect(result.StatusCode).toBe(2);
    expect(out.text()).toBe('out\n');
    expect(err.text()).toBe('err\n');
    expect((await container.inspect()).State).toMatchObject({ Status: 'exited', ExitCode: 2, Running: false });
    await container.remove();
  });

  it('runs with dockerode’s default Tty true, one raw stream with the terminal’s CRLF', async () => {
    const out = sink();
    const [result, container] = (await client.run('busybox', ['echo', 'hi'], out)) as [{ StatusCode: number }, Docker.Container];
    expect(result).toEqual({ StatusCode: 0, Error: null });
    expect(out.text()).toBe('hi\r\n');
    expect((await container.inspect()).Config.Tty).toBe(true);
    await container.remove();
  });

  it('creates, starts, waits for and reads the framed logs of a container', async () => {
    const c = await client.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'echo one; echo two >&2'], name: 'dockerode-logs' });
    expect(c.id).toMatch(/^[0-9a-f]{64}$/);
    await c.start();
    expect(await c.wait()).toEqual({ StatusCode: 0, Error: null });
    const raw = (await c.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
    // Frames: [stream, 0, 0, 0, size BE32] + payload, stdout 1, stderr 2.
    expect([...raw.subarray(0, 8)]).toEqual([1, 0, 0, 0, 0, 0, 0, 4]);
    expect(raw.subarray(8, 12).toString()).toBe('one\n');
    expect(raw[12]).toBe(2);
    expect(raw.subarray(20).toString()).toBe('two\n');
    const tail = (await c.logs({ stdout: true, tail: 1, follow: false })) as unknown as Buffer;
    expect(tail.subarray(8).toString()).toBe('one\n');
    await c.remove();
    await expect(c.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('starts execs plain and hijacked and reads their exit codes from inspect', async () => {
    const c = await client.createContainer({ Image: 'redis', name: 'dockerode-exec' });
    await c.start();
    for (const hijack of [false, true]) {
      const exec = await c.exec({ Cmd: ['sh', '-c', 'echo via-exec; exit 4'], AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack, stdin: false });
      const out = sink();
      const err = sink();
      client.modem.demuxStream(stream, out, err);
      await new Promise((done) => stream.on('end', done));
      expect(out.text(), `hijack ${hijack}`).toBe('via-exec\n');
      expect(await exec.inspect()).toMatchObject({ ExitCode: 4, Running: false });
    }
    await c.remove({ force: true });
  });

  it('lists containers with filters and images with their tags', async () => {
    const c = await client.createContainer({ Image: 'busybox', Cmd: ['true'], name: 'dockerode-listed', Labels: { purpose: 'list' } });
    const all = await client.listContainers({ all: true, filters: { label: ['purpose=list'] } });
    expect(all.map((x) => x.Names)).toEqual([['/dockerode-listed']]);
    expect(all[0]).toMatchObject({ Id: c.id, Image: 'busybox', State: 'created' });
    expect(await client.listContainers({ filters: { label: ['purpose=list'] } })).toEqual([]);
    const images = await client.listImages();
    expect(images.flatMap((i) => i.RepoTags ?? [])).toContain('busybox:latest');
    await c.remove();
  });

  it('creates, inspects, connects, disconnects and removes a network', async () => {
    const net = await client.createNetwork({ Name: 'dockerode-net', Driver: 'bridge', Labels: { by: 'dockerode' } });
    expect(net.id).toMatch(/^[0-9a-f]{64}$/);
    const c = await client.createContainer({ Image: 'redis', name: 'dockerode-net-member' });
    await c.start();
    await net.connect({ Container: c.id, EndpointConfig: { Aliases: ['cache'] } });
    const inspected = (await net.inspect()) as { Name: string; Labels: Record<string, string>; Containers: Record<string, { Name: string }> };
    expect(inspected).toMatchObject({ Name: 'dockerode-net', Labels: { by: 'dockerode' } });
    expect(Object.values(inspected.Containers).map((e) => e.Name)).toEqual(['dockerode-net-member']);
    expect(Object.keys((await c.inspect()).NetworkSettings.Networks)).toContain('dockerode-net');
    await net.disconnect({ Container: c.id });
    expect(Object.keys(((await net.inspect()) as { Containers: object }).Containers)).toEqual([]);
    expect((await client.listNetworks()).map((n) => n.Name)).toContain('dockerode-net');
    await c.remove({ force: true });
    await net.remove();
    await expect(client.getNetwork('dockerode-net').inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  // BUG (reported): at this commit `vicsim serve` builds its VCH without a volume store, so POST
  it('creates, lists, mounts and removes a volume, refusing removal while in use', async () => {
    const created = await client.createVolume({ Name: 'dockerode-vol', Labels: { by: 'dockerode' } });
    expect(await created.inspect()).toMatchObject({ Name: 'dockerode-vol', Driver: 'vsphere', Labels: { by: 'dockerode' } });
    const listed = await client.listVolumes();
    expect(listed.Volumes.map((v) => v.Name)).toContain('dockerode-vol');
    const out = sink();
    const [result, c] = (await client.run('busybox', ['sh', '-c', 'echo kept > /data/f; cat /data/f'], out, { HostConfig: { Binds: ['dockerode-vol:/data'] } })) as [{ StatusCode: number }, Docker.Container];
    expect(result.StatusCode).toBe(0);
    expect(out.text()).toBe('kept\r\n');
    await expect(client.getVolume('dockerode-vol').remove()).rejects.toMatchObject({ statusCode: 409 });
    await c.remove();
    await client.getVolume('dockerode-vol').remove();
    await expect(client.getVolume('dockerode-vol').inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it('streams container events while a container is created, started and dies', async () => {
    const events = await client.getEvents({ filters: { type: ['container'], event: ['create', 'start', 'die'] } });
    const three = readJsonLines(events, 3);
    const [, c] = (await client.run('busybox', ['sh', '-c', 'exit 5'], sink(), { name: 'dockerode-events' })) as [unknown, Docker.Container];
    const got = await three;
    (events as unknown as { destroy(): void }).destroy();
    expect(got.map((e) => e['Action'])).toEqual(['create', 'start', 'die']);
    expect(got[2]).toMatchObject({ Type: 'container', status: 'die', id: c.id, Actor: { ID: c.id, Attributes: { name: 'dockerode-events', exitCode: '5', image: 'busybox' } } });
    await c.remove();
  });

  it('maps engine errors to status codes dockerode reports', async () => {
    await expect(client.getContainer('no-such-container').inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(client.getImage('no-such-image:latest').inspect()).rejects.toMatchObject({ statusCode: 404 });
    const c = await client.createContainer({ Image: 'busybox', Cmd: ['true'], name: 'dockerode-conflict' });
    await expect(client.createContainer({ Image: 'busybox', name: 'dockerode-conflict' })).rejects.toMatchObject({ statusCode: 409 });
    await expect(c.kill()).rejects.toMatchObject({ statusCode: 409 });
    await c.remove();
  });
});

/** dockerode against the server (hijacked and plain attach, exec, logs), and TLS with the real docker CLI. */
import Docker from 'dockerode';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTlsMaterial } from '../../src/dockerapi/index.js';
import { docker, startHarness, type Harness } from './helpers.js';

let h: Harness;
let client: Docker;
beforeAll(async () => {
  h = await startHarness();
  client = new Docker({ socketPath: h.socketPath });
});
afterAll(() => h.close());

function demux(stream: NodeJS.ReadableStream): Promise<{ out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  client.modem.demuxStream(stream, out, err);
  return new Promise((resolve) => stream.on('end', () => resolve({ out: o, err: e })));
}

describe('dockerode', () => {
  it('runs a container with the plain 200 attach form and reads its exit code', async () => {
    const c = await client.createContainer({ Image: 'busybox', Cmd: ['echo', 'from dockerode'] });
    const stream = await c.attach({ stream: true, stdout: true, stderr: true });
    const output = demux(stream);
    await c.start();
    expect((await output).out).toBe('from dockerode\n');
    expect(await c.wait()).toEqual({ StatusCode: 0, Error: null });
  });

  it('writes stdin through a hijacked attach (hijack: true)', async () => {
    const c = await client.createContainer({ Image: 'busybox', Cmd: ['cat'], OpenStdin: true, StdinOnce: true, AttachStdin: true });
    const stream = (await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as NodeJS.ReadWriteStream & { end(d?: string): void };
    const output = demux(stream);
    await c.start();
    stream.end('typed\n');
    expect((await output).out).toBe('typed\n');
  });

  it('starts execs hijacked and plain, and inspects their exit codes', async () => {
    const c = await client.createContainer({ Image: 'busybox', Cmd: ['sleep'] });
    await c.start();
    for (const hijack of [true, false]) {
      const exec = await c.exec({ Cmd: ['echo', `exec ${hijack}`], AttachStdout: true, AttachStderr: true });
      const stream = await exec.start({ hijack, stdin: false });
      expect((await demux(stream)).out).toBe(`exec ${hijack}\n`);
      expect(await exec.inspect()).toMatchObject({ ExitCode: 0, Running: false });
    }
    const logs = await c.logs({ stdout: true, stderr: true });
    expect(Buffer.isBuffer(logs)).toBe(true);
    await c.remove({ force: true });
  });

  it('reports engine errors with their status', async () => {
    await expect(client.getContainer('nope').inspect()).rejects.toMatchObject({ statusCode: 404 });
    await expect(client.createContainer({ Image: 'busybox', Cmd: 5 as unknown as string[] })).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe('TLS', () => {
  it('serves mutual TLS to a docker CLI with the generated client certificate and refuses one without', async () => {
    const dir = join(h.dir, 'tls');
    generateTlsMaterial(dir);
    const tls = await startHarness({ tls: { mode: 'verify', dir } });
    try {
      const ok = await docker(tls, ['version', '--format', '{{.Server.APIVersion}}'], { env: { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: dir } });
      expect(ok).toMatchObject({ code: 0, stdout: '1.47\n' });
      const noCert = await docker(tls, ['--tls', '--tlscacert', join(dir, 'ca.pem'), 'version'], {});
      expect(noCert.code).not.toBe(0);
    } finally {
      await tls.close();
    }
  }, 30_000);

  it('serves server-authenticated TLS without client certificates in no-verify mode, and warns for plain TCP off loopback', async () => {
    const dir = join(h.dir, 'tls2');
    generateTlsMaterial(dir);
    const tls = await startHarness({ tls: { mode: 'no-verify', dir } });
    try {
      const r = await docker(tls, ['--tls', '--tlscacert', join(dir, 'ca.pem'), 'version', '--format', '{{.Server.APIVersion}}']);
      expect(r).toMatchObject({ code: 0, stdout: '1.47\n' });
    } finally {
      await tls.close();
    }
    const port = await h.server.listenTcp(0, '0.0.0.0');
    expect(port).toBeGreaterThan(0);
    expect(h.warnings.join('\n')).toContain('without TLS');
  }, 30_000);
});

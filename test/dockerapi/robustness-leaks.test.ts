/**
 * 100 concurrent `docker run -d -p 80 busybox sleep 1000` (create + start over the raw API) against
 * `vicsim serve` at time scale 1, so the sleeps hold and provisioning takes its simulated time, then
 * 100 concurrent `docker rm -f`: nothing is left behind — no VM other than the provisioning
 * templates, no IP endpoint or address, no published port, no image pin, no datastore folder or
 * space, no host memory — and the model's invariants hold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelBackend } from '../../src/backend/model/index.js';
import { startServe, type Served } from '../../src/cli/serve.js';
import { modelViolations } from '../../src/testing/index.js';
import { testServeOptions } from './helpers.js';

const CONTAINERS = 100;

let served: Served;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'robustness-leaks-'));
  served = await startServe(testServeOptions(join(dir, 'docker.sock'), { hosts: 4, timeScale: 1, seed: 23 }));
  const pull = await fetch(`http://127.0.0.1:${served.dockerPort}/images/create?fromImage=busybox&tag=latest`, { method: 'POST' });
  expect(await pull.text()).toContain('Status: Downloaded newer image for busybox:latest');
}, 120_000);

afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`http://127.0.0.1:${served.dockerPort}/v1.47${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

/** Everything a container could leave behind, as plain data to compare before and after. */
async function footprint() {
  const { backend, networking, images, uuid } = served.vch.parts;
  const datastores = await backend.datastores();
  const hosts = await backend.hosts();
  const registry = networking.registry.toJSON();
  const busybox = (await images.inspectImage('busybox')).Id;
  return {
    vms: (await backend.vms()).map((vm) => vm.name).sort(),
    endpoints: registry.endpoints.length,
    running: registry.running.length,
    ipam: registry.ipam,
    publishedPorts: networking.mapper.toJSON().bindings,
    pinnedLayers: images.cacheStats().pinnedLayers,
    imageUsers: images.users(busybox as never).length,
    folders: Object.fromEntries(await Promise.all(datastores.map(async (ds) => [ds.name, (await backend.listDatastore(`[${ds.name}]`)).map((f) => f.name).sort()] as const))),
    freeBytes: datastores.map((ds) => ds.freeBytes),
    hostMemoryConsumedMB: hosts.map((h) => h.memory?.consumedMB),
    vchFolder: (await backend.listDatastore(`[${datastores[0]!.name}] VIC/${uuid}`)).map((f) => f.name).sort(),
  };
}

/** The model's invariant violations (empty when consistent). */
function violations(): string[] {
  return modelViolations((served.vch.parts.backend as ModelBackend).model);
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('100 concurrent run -d then rm -f', () => {
  it('runs them all, each with its own address and published port, and leaves nothing behind after rm -f', async () => {
    const before = await footprint();
    const ids = await Promise.all(
      Array.from({ length: CONTAINERS }, async (_, i) => {
        const created = await api('POST', `/containers/create?name=leak-${i}`, {
          Image: 'busybox', Cmd: ['sleep', '1000'], ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '' }] } },
        });
        expect(created.status, JSON.stringify(created.json)).toBe(201);
        const id = (created.json as { Id: string }).Id;
        const started = await api('POST', `/containers/${id}/start`);
        expect(started.status, JSON.stringify(started.json)).toBe(204);
        return id;
      }),
    );
    const running = (await api('GET', '/containers/json?filters=' + encodeURIComponent('{"name":["leak-"]}'))).json as { Id: string; State: string; Ports: { PublicPort?: number }[] }[];
    expect(running).toHaveLength(CONTAINERS);
    expect(running.every((c) => c.State === 'running')).toBe(true);
    const ports = running.map((c) => c.Ports.find((p) => p.PublicPort !== undefined)?.PublicPort);
    expect(new Set(ports).size).toBe(CONTAINERS);
    const addresses = await Promise.all(ids.map(async (id) => ((await api('GET', `/containers/${id}/json`)).json as { NetworkSettings: { IPAddress: string } }).NetworkSettings.IPAddress));
    expect(new Set(addresses).size).toBe(CONTAINERS);
    expect(await listening(ports[0]!)).toBe(true);
    // Every probe sees the containers while they run, so its return to `before` below means something.
    const during = await footprint();
    expect(during.vms.length).toBe(before.vms.length + CONTAINERS);
    expect(during).toMatchObject({ endpoints: before.endpoints + CONTAINERS, running: before.running + CONTAINERS, imageUsers: CONTAINERS });
    expect(Object.keys(during.publishedPorts)).toHaveLength(CONTAINERS);
    expect(during.pinnedLayers).toBeGreaterThan(0);
    expect(during.ipam).not.toEqual(before.ipam);
    expect(Object.values(during.folders).flat().length).toBe(Object.values(before.folders).flat().length + CONTAINERS);
    expect(during.freeBytes).not.toEqual(before.freeBytes);
    expect(during.hostMemoryConsumedMB).not.toEqual(before.hostMemoryConsumedMB);
    expect(violations()).toEqual([]);

    const removed = await Promise.all(ids.map((id) => api('DELETE', `/containers/${id}?force=1`)));
    expect(removed.map((r) => r.status)).toEqual(ids.map(() => 204));
    expect((await api('GET', '/containers/json?all=1')).json).toEqual([]);
    expect(await footprint()).toEqual(before);
    expect((await Promise.all(ports.map((p) => listening(p!)))).filter(Boolean)).toEqual([]);
    expect(violations()).toEqual([]);
  }, 180_000);
});

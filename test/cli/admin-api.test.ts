/**
 * The admin API of `vicsim serve`: create, list, inspect, configure and delete VCHs over JSON,
 * with 400/404/409 errors as `{"message"}`; configure changes only what is given (seen through the
 * Backend); delete leaves no VM, pool or VIC folder behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, startTestServe, type ServeHarness } from './helpers.js';

let h: ServeHarness;

beforeAll(async () => {
  h = await startTestServe();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const backend = () => h.served.vch.parts.backend;
async function poolOf(name: string) {
  const vch = h.served.vchs.vch(name);
  return (await backend().resourcePools()).find((p) => p.id === vch.parts.pool.id)!;
}

describe('the admin API', () => {
  it('answers a ping and lists the default VCH with its DOCKER_HOST', async () => {
    expect(await admin(h, 'GET', '/ping')).toEqual({ status: 200, body: { vicsim: 'serve' } });
    const r = await admin(h, 'GET', '/vchs');
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(1);
    expect(r.body[0]).toMatchObject({ name: 'default', dockerHost: `tcp://127.0.0.1:${h.served.dockerPort}`, socket: h.served.socket, provisioning: 'instant' });
  });

  it('creates a VCH with its own pool, folder and Docker API port, and answers 201 with its description', async () => {
    const r = await admin(h, 'POST', '/vchs', { spec: { name: 'alpha', cpu: { limit: 3000, shares: 'high' }, memory: { limit: 4096, reservation: 512 }, containersLimit: 4 } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'alpha', containers: { total: 0, running: 0, limit: 4 }, spec: { computeResource: 'DC0_C0', imageStore: 'DC0_DS0' } });
    expect(r.body.dockerPort).not.toBe(h.served.dockerPort);
    expect(r.body.folder).toBe(`[DC0_DS0] VIC/${r.body.id}`);
    const pool = await poolOf('alpha');
    expect(pool).toMatchObject({ name: 'alpha', cpu: { limit: 3000, shares: { level: 'high' } }, memory: { limit: 4096, reservation: 512 } });
    expect(await backend().listDatastore(r.body.folder)).not.toHaveLength(0);
  });

  it('refuses a second VCH with a name in use with 409', async () => {
    const r = await admin(h, 'POST', '/vchs', { spec: { name: 'default' } });
    expect(r).toEqual({ status: 409, body: { message: "a VCH named 'default' already exists" } });
  });

  it('lets exactly one of two concurrent creates with one name win', async () => {
    const [a, b] = await Promise.all([admin(h, 'POST', '/vchs', { spec: { name: 'twin' } }), admin(h, 'POST', '/vchs', { spec: { name: 'twin' } })]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expect((await admin(h, 'DELETE', '/vchs/twin')).status).toBe(200);
  });

  it('answers 404 with a message for a VCH that does not exist, and for an unknown route', async () => {
    expect(await admin(h, 'GET', '/vchs/nope')).toEqual({ status: 404, body: { message: "no VCH named 'nope'" } });
    expect(await admin(h, 'PATCH', '/vchs/nope', { changes: { containersLimit: 2 } })).toMatchObject({ status: 404 });
    expect(await admin(h, 'DELETE', '/vchs/nope')).toMatchObject({ status: 404 });
    expect(await admin(h, 'GET', '/containers')).toEqual({ status: 404, body: { message: 'no admin API route GET /containers' } });
  });

  it.each([
    ['malformed JSON', '{"spec":', /request body is not JSON/],
    ['a body that is not an object', '[1]', /body must be a JSON object/],
    ['a missing spec', {}, /spec must be a JSON object/],
    ['a name of the wrong type', { spec: { name: 7 } }, /spec.name must be a string/],
    ['an invalid name', { spec: { name: '-bad' } }, /VCH name '-bad' must be/],
    ['an unknown setting', { spec: { name: 'x', colour: 'red' } }, /spec.colour is not a VCH setting/],
    ['bad shares', { spec: { name: 'x', cpu: { shares: 'lots' } } }, /spec.cpu.shares must be low, normal, high/],
    ['a negative reservation', { spec: { name: 'x', memory: { reservation: -5 } } }, /reservation must be a whole number/],
    ['an unknown provisioning mode', { spec: { name: 'x', provisioning: 'teleport' } }, /provisioning mode must be one of/],
    ['a cluster that does not exist', { spec: { name: 'x', computeResource: 'nowhere' } }, /--compute-resource 'nowhere' names no cluster; clusters: DC0_C0/],
    ['a datastore that does not exist', { spec: { name: 'x', imageStore: 'nods' } }, /--image-store 'nods' names no datastore/],
    ['a port out of range', { spec: { name: 'x' }, dockerPort: 70000 }, /--docker-port must be a whole number/],
  ])('refuses %s with 400 and creates nothing', async (_what, body, message) => {
    const r = await admin(h, 'POST', '/vchs', body);
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(message);
    expect((await admin(h, 'GET', '/vchs')).body.map((d: { name: string }) => d.name)).not.toContain('x');
  });

  it('refuses a Docker API port in use with 400 and leaves no pool behind', async () => {
    const before = (await backend().resourcePools()).length;
    const r = await admin(h, 'POST', '/vchs', { spec: { name: 'clash' }, dockerPort: h.served.dockerPort });
    expect(r).toEqual({ status: 400, body: { message: `--docker-port ${h.served.dockerPort} is not available` } });
    expect(await backend().resourcePools()).toHaveLength(before);
  });

  it('configure changes only what is given: the CPU limit moves, shares, memory and the container limit stay', async () => {
    const r = await admin(h, 'PATCH', '/vchs/alpha', { changes: { cpu: { limit: 1500 } } });
    expect(r.status).toBe(200);
    const pool = await poolOf('alpha');
    expect(pool.cpu).toMatchObject({ limit: 1500, shares: { level: 'high' } });
    expect(pool.memory).toMatchObject({ limit: 4096, reservation: 512 });
    expect(r.body.spec).toMatchObject({ cpu: { limit: 1500, shares: 'high' }, memory: { limit: 4096, reservation: 512 }, containersLimit: 4 });
  });

  it("configure of the container limit and registries reaches the running VCH's parts and spec", async () => {
    const r = await admin(h, 'PATCH', '/vchs/alpha', { changes: { containersLimit: 9, insecureRegistries: ['reg.local:5000'] } });
    expect(r.body.containers.limit).toBe(9);
    const vch = h.served.vchs.vch('alpha');
    expect(vch.parts.containers.containerLimit).toBe(9);
    expect(vch.spec.insecureRegistries).toEqual(['reg.local:5000']);
    expect((await poolOf('alpha')).cpu.limit).toBe(1500);
  });

  it.each([
    ['provisioning', { provisioning: 'full' }, /--provision cannot be changed by configure/],
    ['the image store', { imageStore: 'other' }, /--image-store cannot be changed by configure/],
    ['the bridge range', { bridgeRange: '10.0.0.0/8' }, /--bridge-network-range cannot be changed by configure/],
    ['the volume stores', { volumeStores: { extra: '[DC0_DS0] more' } }, /volume stores are fixed at create/],
  ])('configure refuses a change of %s with 400 and changes nothing', async (_what, changes, message) => {
    const r = await admin(h, 'PATCH', '/vchs/alpha', { changes: { ...changes, containersLimit: 2 } });
    expect(r.status).toBe(400);
    expect(r.body.message).toMatch(message);
    expect(h.served.vchs.vch('alpha').spec.containersLimit).toBe(9);
  });

  it('configure refuses a rename and a reservation the cluster cannot admit, leaving the pool as it was', async () => {
    expect(await admin(h, 'PATCH', '/vchs/alpha', { changes: { name: 'beta' } })).toEqual({ status: 400, body: { message: 'a VCH cannot be renamed by configure' } });
    const r = await admin(h, 'PATCH', '/vchs/alpha', { changes: { memory: { limit: -1, reservation: 10_000_000 } } });
    expect(r.status).toBe(409);
    expect(r.body.message).toMatch(/insufficient memory resources/);
    expect((await poolOf('alpha')).memory).toMatchObject({ limit: 4096, reservation: 512 });
  });

  it('delete removes the container VMs, templates, VIC folder and pool, and stops serving the VCH', async () => {
    const vch = h.served.vchs.vch('alpha');
    const port = (await admin(h, 'GET', '/vchs/alpha')).body.dockerPort;
    await vch.pullImage('busybox', 'latest', { onProgress: () => {} });
    const { Id } = await vch.createContainer('sleeper', { Image: 'busybox', Cmd: ['sleep', '1000'] });
    await vch.startContainer(Id);
    const { id: pool } = vch.parts.pool;
    const vmIds = (await backend().vms({ pool })).map((v) => v.id);
    expect(vmIds.length).toBeGreaterThan(1);
    const r = await admin(h, 'DELETE', '/vchs/alpha');
    expect(r).toMatchObject({ status: 200, body: { name: 'alpha', containers: 1, folder: `[DC0_DS0] VIC/${vch.parts.uuid}`, volumes: { removed: [] } } });
    const left = new Set((await backend().vms()).map((v) => v.id));
    expect(vmIds.filter((id) => left.has(id))).toEqual([]);
    expect((await backend().resourcePools()).map((p) => p.id)).not.toContain(pool);
    await expect(backend().listDatastore(vch.parts.images.layerStore.layout.vchDir)).rejects.toMatchObject({ code: expect.stringMatching(/NotFound|FileNotFound/) });
    await expect(fetch(`http://127.0.0.1:${port}/_ping`)).rejects.toThrow();
    expect((await admin(h, 'GET', '/vchs')).body.map((d: { name: string }) => d.name)).toEqual(['default']);
  });

  it('delete keeps the volumes unless forced, and a VCH made again with the same store finds them', async () => {
    await admin(h, 'POST', '/vchs', { spec: { name: 'vols' } });
    await h.served.vchs.vch('vols').createVolume({ Name: 'keepme' });
    expect((await admin(h, 'DELETE', '/vchs/vols')).body.volumes).toEqual({ removed: [], kept: ['keepme'] });
    await admin(h, 'POST', '/vchs', { spec: { name: 'vols' } });
    expect((await h.served.vchs.vch('vols').listVolumes({})).Volumes.map((v) => v.Name)).toEqual(['keepme']);
    expect((await admin(h, 'DELETE', '/vchs/vols?force=true')).body.volumes).toEqual({ removed: ['keepme'], kept: [] });
    await expect(backend().listDatastore('[DC0_DS0] volumes/vols/volumes')).rejects.toThrow();
  });

  it('refuses a force parameter that is neither true nor false', async () => {
    expect(await admin(h, 'DELETE', '/vchs/default?force=maybe')).toEqual({ status: 400, body: { message: "force must be true or false, got 'maybe'" } });
  });
});

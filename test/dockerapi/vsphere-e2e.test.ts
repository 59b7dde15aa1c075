/**
 * End to end on the live backend: `vicsim serve --backend vsphere` (in-process, time scale 0) against
 * govmomi's vcsim, driven by the real docker CLI. Images come from the offline catalog (no registry
 * answers here); their layers become delta disks on vcsim's datastore through the child-disk fallback.
 * What vCenter holds is checked with a separate SOAP session (a fresh VimClient login), never through
 * the backend the VCH uses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD_DISK_FALLBACK, DISK_HELPER_VM_PREFIX } from '../../src/backend/vsphere/index.js';
import { retrieveContainer, VimClient } from '../../src/backend/vsphere/vim25/index.js';
import { startServe, type Served } from '../../src/cli/serve.js';
import { useVcsim } from '../backend/vsphere/vcsim.js';
import { docker, testServeOptions } from './helpers.js';

const vcsim = useVcsim({ hostsPerCluster: 2, vmsPerCluster: 0 });
let served: Served;
let dir: string;
const cli = (args: string[], opts: { input?: string } = {}) => docker({ port: served.dockerPort, socketPath: served.socket, dir }, args, opts);

/** Every VM's power state as vcsim reports it to a session of its own. */
async function vcenterVms(): Promise<Map<string, string>> {
  const client = await VimClient.connect({ url: vcsim().url });
  try {
    const records = await retrieveContainer(client, { type: 'VirtualMachine', paths: ['name', 'runtime.powerState'] });
    return new Map(records.map((r) => [String(r.properties.get('name')), String(r.properties.get('runtime.powerState'))]));
  } finally {
    await client.logout();
    client.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vsphere-e2e-'));
  served = await startServe(testServeOptions(join(dir, 'docker.sock'), { backend: 'vsphere', vsphere: { url: vcsim().url.href }, seed: 3 }));
}, 120_000);

let closed = false;

afterAll(async () => {
  if (!closed) await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the docker CLI against vicsim serve --backend vsphere on vcsim', () => {
  it('builds the VCH in the vCenter: its pool, and an instant-clone template per host, powered on', async () => {
    const vms = await vcenterVms();
    const templates = [...vms].filter(([name]) => name.startsWith('default-template-'));
    expect(templates).toHaveLength(2);
    expect(templates.every(([, state]) => state === 'poweredOn')).toBe(true);
    const info = await cli(['info', '--format', '{{.ServerVersion}} {{.OperatingSystem}}']);
    expect(info.stdout).toContain('VMware vCenter Server');
  });

  it('pulls busybox from the offline catalog and stores its layer as a delta disk made through the helper VM', async () => {
    const pull = await cli(['pull', 'busybox']);
    expect(pull).toMatchObject({ code: 0 });
    expect(pull.stdout).toContain('docker.io/library/busybox:latest');
    const backend = served.vch.parts.backend;
    const layout = served.vch.parts.images.layerStore.layout;
    const layers = (await backend.listDatastore(layout.imagesDir)).filter((e) => e.kind === 'directory');
    expect(layers.length).toBeGreaterThanOrEqual(2); // scratch and busybox's layer
    const [layer] = layers.filter((e) => !e.name.includes('scratch'));
    expect((await backend.listDatastore(`${layout.imagesDir}/${layer!.name}`)).map((e) => e.kind)).toContain('disk');
    // The helper VM is off and keeps no disk: each delta was attached and detached again.
    const helpers = [...(await vcenterVms())].filter(([name]) => name.startsWith(DISK_HELPER_VM_PREFIX));
    expect(helpers).toEqual([[expect.any(String), 'poweredOff']]);
    expect(CHILD_DISK_FALLBACK).toMatch(/createChildDisk/);
  });

  it('runs busybox echo hi in the in-process guest; the container VM is powered off when the process exits', async () => {
    const r = await cli(['run', '--name', 'e2e-echo', 'busybox', 'echo', 'hi']);
    expect(r).toMatchObject({ code: 0, stdout: 'hi\n' });
    const id = (await cli(['inspect', '--format', '{{.Id}}', 'e2e-echo'])).stdout.trim();
    expect((await vcenterVms()).get(`e2e-echo-${id.slice(0, 12)}`)).toBe('poweredOff');
    expect((await cli(['rm', 'e2e-echo'])).code).toBe(0);
  });

  it('creates, starts, stops and removes a container: its VM appears, changes power state and disappears in the vCenter', async () => {
    const created = await cli(['create', '-i', '--name', 'e2e-cat', 'busybox', 'cat']);
    expect(created.code).toBe(0);
    const vmName = `e2e-cat-${created.stdout.trim().slice(0, 12)}`;
    expect((await vcenterVms()).has(vmName)).toBe(true);
    expect(await cli(['start', 'e2e-cat'])).toMatchObject({ code: 0 });
    expect((await cli(['inspect', '--format', '{{.State.Running}}', 'e2e-cat'])).stdout.trim()).toBe('true');
    expect((await vcenterVms()).get(vmName)).toBe('poweredOn');
    expect(await cli(['stop', 'e2e-cat'])).toMatchObject({ code: 0 });
    expect((await vcenterVms()).get(vmName)).toBe('poweredOff');
    expect(await cli(['start', 'e2e-cat'])).toMatchObject({ code: 0 });
    expect((await vcenterVms()).get(vmName)).toBe('poweredOn');
    expect(await cli(['rm', '-f', 'e2e-cat'])).toMatchObject({ code: 0 });
    expect((await vcenterVms()).has(vmName)).toBe(false);
  });

  it('keeps a volume’s files across containers, its disk a real stand-alone disk on the datastore', async () => {
    expect((await cli(['volume', 'create', 'e2e-data'])).code).toBe(0);
    const disk = (await cli(['volume', 'inspect', '--format', '{{.Mountpoint}}', 'e2e-data'])).stdout.trim();
    expect(disk).toMatch(/^\[LocalDS_0\] .*\/e2e-data\.vmdk$/);
    const folder = disk.slice(0, disk.lastIndexOf('/'));
    expect(await served.vch.parts.backend.listDatastore(folder)).toContainEqual(expect.objectContaining({ name: 'e2e-data.vmdk', kind: 'disk' }));
    expect(await cli(['run', '--rm', '-v', 'e2e-data:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f'])).toMatchObject({ code: 0 });
    expect(await cli(['run', '--rm', '-v', 'e2e-data:/data', 'busybox', 'cat', '/data/f'])).toMatchObject({ code: 0, stdout: 'kept\n' });
    expect((await cli(['volume', 'rm', 'e2e-data'])).code).toBe(0);
    await expect(served.vch.parts.backend.listDatastore(folder)).rejects.toMatchObject({ code: 'ManagedObjectNotFound' });
  });

  it('deletes the VCH from the vCenter when serve closes: container VMs, templates, the disk helper and its pool', async () => {
    expect((await cli(['create', '--name', 'e2e-left', 'busybox'])).code).toBe(0);
    closed = true;
    await served.close();
    expect([...(await vcenterVms()).keys()]).toEqual([]);
    const client = await VimClient.connect({ url: vcsim().url });
    try {
      const pools = await retrieveContainer(client, { type: 'ResourcePool', paths: ['name'] });
      expect(pools.map((p) => p.properties.get('name'))).not.toContain('default');
    } finally {
      await client.logout();
      client.close();
    }
  });
});

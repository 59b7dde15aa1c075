/**
 * `vicsim serve --backend vsphere`: its flags, what it refuses before connecting, a refused login
 * against vcsim, and a banner that names the vCenter without its credentials. The Docker flow on the
 * live backend is test/dockerapi/vsphere-e2e.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveBanner, startServe, type Served } from '../../src/cli/serve.js';
import { serveOptions } from '../../src/cli/serve-command.js';
import { NotSupportedError } from '../../src/sim/errors.js';
import { useVcsim } from '../backend/vsphere/vcsim.js';
import { testServeOptions } from '../dockerapi/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'serve-vsphere-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const URL_WITH_CREDENTIALS = 'https://admin:s3cret@vc.example.com/sdk';

describe('vicsim serve --backend vsphere flags', () => {
  it('gathers the vCenter URL, scope names, thumbprint and the CA file’s content', () => {
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const opts = serveOptions({
      backend: 'vsphere', 'vc-url': URL_WITH_CREDENTIALS, datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0', pool: 'tenant', 'vc-thumbprint': 'AB:CD', 'vc-ca': ca,
    });
    expect(opts.backend).toBe('vsphere');
    expect(opts.vsphere).toEqual({ url: URL_WITH_CREDENTIALS, datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0', pool: 'tenant', thumbprint: 'AB:CD', ca: expect.stringContaining('BEGIN CERTIFICATE') });
  });

  it('leaves the model backend without vCenter options, and refuses a vCenter flag given to it', () => {
    expect(serveOptions({}).vsphere).toBeUndefined();
    expect(() => serveOptions({ cluster: 'DC0_C0' })).toThrow('--cluster needs --backend vsphere');
  });

  it('refuses --backend vsphere without --vc-url, and with --hosts', () => {
    expect(() => serveOptions({ backend: 'vsphere' })).toThrow('--backend vsphere needs --vc-url');
    expect(() => serveOptions({ backend: 'vsphere', 'vc-url': URL_WITH_CREDENTIALS, hosts: '3' })).toThrow('--hosts sizes the simulated cluster');
  });

  it('refuses --state-dir with the live backend before connecting, naming the flag', async () => {
    const opts = testServeOptions(join(dir, 'a.sock'), { backend: 'vsphere', vsphere: { url: 'http://u:p@127.0.0.1:9/sdk' }, stateDir: join(dir, 'state') });
    const refused = startServe(opts);
    await expect(refused).rejects.toBeInstanceOf(NotSupportedError);
    await expect(refused).rejects.toThrow(/--state-dir is not supported with --backend vsphere/);
  });

  it('prints the vCenter without its user name and password', () => {
    const opts = testServeOptions('/tmp/x.sock', { backend: 'vsphere', vsphere: { url: URL_WITH_CREDENTIALS } });
    const banner = serveBanner({ dockerPort: 2375, socket: '/tmp/x.sock', adminPort: undefined } as unknown as Served, opts);
    expect(banner).toContain('on the vCenter at https://vc.example.com/sdk');
    expect(banner).not.toContain('s3cret');
    expect(banner).not.toContain('admin@');
  });
});

describe('vicsim serve --backend vsphere against vcsim', () => {
  const vcsim = useVcsim({ hostsPerCluster: 1, vmsPerCluster: 0 });

  it('fails with InvalidLogin for a wrong password', async () => {
    const url = new URL(vcsim().url);
    url.password = 'wrong';
    const opts = testServeOptions(join(dir, 'b.sock'), { backend: 'vsphere', vsphere: { url: url.href } });
    await expect(startServe(opts)).rejects.toMatchObject({ code: 'InvalidLogin' });
  });

  it('refuses a cluster name the vCenter does not have with ManagedObjectNotFound', async () => {
    const opts = testServeOptions(join(dir, 'c.sock'), { backend: 'vsphere', vsphere: { url: vcsim().url.href, cluster: 'no-such-cluster' } });
    await expect(startServe(opts)).rejects.toMatchObject({ code: 'ManagedObjectNotFound' });
  });
});

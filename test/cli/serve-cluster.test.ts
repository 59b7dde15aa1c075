/** `vicsim serve` runs its simulated cluster as VIC needs it: DRS and HA on, set through the Backend, kept across a --state-dir restart. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { servedClusterSpec, startServe, type Served, type ServeOptions } from '../../src/cli/serve.js';
import { SERVE_USAGE, serveOptions } from '../../src/cli/serve-command.js';
import type { ClusterId } from '../../src/sim/ids.js';
import { testServeOptions } from '../dockerapi/helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vicsim-serve-cluster-'));
  dirs.push(dir);
  return dir;
}

function clusterOf(served: Served): ClusterId {
  return served.vch.parts.cluster;
}

async function serve(dir: string, overrides: Partial<ServeOptions> = {}): Promise<Served> {
  return startServe(testServeOptions(join(dir, 'docker.sock'), { adminPort: 0, firstDockerPort: 0, ...overrides }));
}

describe('vicsim serve cluster services', () => {
  it('reports DRS fully automated at threshold 3 and HA reserving one host of two in clusterConfig', async () => {
    const served = await serve(scratch());
    try {
      const config = await served.vch.parts.backend.clusterConfig(clusterOf(served));
      expect(config.drs).toEqual({ enabled: true, defaultVmBehavior: 'fullyAutomated', migrationThreshold: 3 });
      expect(config.ha).toEqual({ enabled: true, admissionControlEnabled: true, admissionControlPolicy: { type: 'failoverResources', cpuFailoverPercent: 50, memoryFailoverPercent: 50 } });
      expect(config.dpm.enabled).toBe(false);
    } finally {
      await served.close();
    }
  });

  it('runs the default VCH with its instant-clone templates kept on their hosts by DRS VM overrides', async () => {
    const served = await serve(scratch());
    try {
      const { provisioner } = served.vch.parts;
      await provisioner.warm({ numCpu: 1, memoryMB: 512 });
      const templates = await provisioner.templates();
      expect(templates.length).toBeGreaterThanOrEqual(2);
      const overrides = (await served.vch.parts.backend.clusterConfig(clusterOf(served))).drsVmOverrides;
      for (const t of templates) expect(overrides).toContainEqual({ vm: t.id, enabled: false, behavior: 'manual' });
    } finally {
      await served.close();
    }
  });

  it('applies --drs, --ha and --dpm at the first start', async () => {
    const served = await serve(scratch(), { clusterServices: { drs: 'manual', ha: false, dpm: true } });
    try {
      const config = await served.vch.parts.backend.clusterConfig(clusterOf(served));
      expect(config.drs).toMatchObject({ enabled: true, defaultVmBehavior: 'manual' });
      expect(config.ha.enabled).toBe(false);
      expect(config.dpm).toEqual({ enabled: true, defaultDpmBehavior: 'automated', hostPowerActionRate: 3 });
    } finally {
      await served.close();
    }
  });

  it('keeps what was configured later across a --state-dir restart, with its drivers running again', async () => {
    const dir = scratch();
    const stateDir = join(dir, 'state');
    const first = await serve(dir, { stateDir });
    const cluster = clusterOf(first);
    await (await first.vch.parts.backend.reconfigureCluster(cluster, { drs: { defaultVmBehavior: 'partiallyAutomated', migrationThreshold: 5 }, ha: { enabled: false } })).wait();
    await first.vchs.configure('default', {});
    await first.close();
    const second = await serve(dir, { stateDir, clusterServices: { drs: 'full', ha: true, dpm: false } });
    try {
      const config = await second.vch.parts.backend.clusterConfig(cluster);
      expect(config.drs).toEqual({ enabled: true, defaultVmBehavior: 'partiallyAutomated', migrationThreshold: 5 });
      expect(config.ha.enabled).toBe(false);
    } finally {
      await second.close();
    }
  });
});

describe('vicsim serve cluster flags', () => {
  it('default to DRS full, HA on and DPM off, and are documented in the help text', () => {
    expect(serveOptions({}).clusterServices).toEqual({ drs: 'full', ha: true, dpm: false });
    expect(serveOptions({ drs: 'partial', ha: 'off', dpm: 'on' }).clusterServices).toEqual({ drs: 'partial', ha: false, dpm: true });
    for (const flag of ['--drs MODE', '--ha on|off', '--dpm on|off']) expect(SERVE_USAGE).toContain(flag);
  });

  it('refuse an unknown mode, DPM without DRS, and cluster flags with --backend vsphere', () => {
    expect(() => serveOptions({ drs: 'auto' })).toThrow("--drs must be one of off, manual, partial, full, got 'auto'");
    expect(() => serveOptions({ drs: 'off', dpm: 'on' })).toThrow('--dpm on needs DRS');
    expect(() => serveOptions({ backend: 'vsphere', 'vc-url': 'http://u:p@127.0.0.1:1/sdk', ha: 'off' })).toThrow('--ha configures the simulated cluster');
  });

  it('turn into a reconfiguration with the percentage policy of one host failure, and no admission control on one host', () => {
    expect(servedClusterSpec({ drs: 'full', ha: true, dpm: false }, 3).ha).toMatchObject({ admissionControlEnabled: true, admissionControlPolicy: { cpuFailoverPercent: 33, memoryFailoverPercent: 33 } });
    expect(servedClusterSpec({ drs: 'off', ha: true, dpm: false }, 1)).toMatchObject({ drs: { enabled: false }, ha: { enabled: true, admissionControlEnabled: false } });
  });
});

/** The README's examples run as written, against the built package entry points. */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

describe('the README examples', () => {
  it('backend-quickstart prints the pool VMs and the simulated time', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/backend-quickstart.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toBe(
      [
        'web poweredOn host-4 [DC0_DS0] web/web-000001.vmdk',
        'web-2 poweredOn host-4 [DC0_DS0] web-2/web-2.vmdk',
        'simulated time: 930 ms; clone vm-15',
        '',
      ].join('\n'),
    );
  });

  it('vch-quickstart runs a container in an embedded VCH and prints its output and VM', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'examples/vch-quickstart.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toMatch(/^exit code 0\nhello from ([0-9a-f]{12})\nVM hello-\1 \(vm-\d+\)\n$/);
  });
});

describe('the package entry point', () => {
  it('exports the model, both backends, DRS/HA, the capacity runner, the VCH and the Docker API server', async () => {
    const api = await import('vicsim');
    for (const name of ['clusterPreset', 'ModelBackend', 'VSphereBackend', 'enableDrs', 'enableHa', 'runScenario', 'loadScenarioFile', 'writeReports', 'saveModel', 'restoreModel', 'createVch', 'Vch', 'createDockerApiServer']) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});

/** `vicsim serve` as a process: SIGTERM closes every VCH's Docker API, the unix socket and the admin API, and exits 0. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vch } from './helpers.js';

function refused(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/_ping`).then(
    () => false,
    () => true,
  );
}

describe('vicsim serve', () => {
  it('on SIGTERM closes the listeners of every VCH and the admin API, and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vicsim-serve-'));
    const socket = join(dir, 'docker.sock');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--hosts', '2', '--docker-port', '0', '--admin-port', '0', '--socket', socket, '--time-scale', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('export DOCKER_HOST=')) resolve();
        });
        child.on('exit', () => reject(new Error(`serve exited early: ${err}`)));
      });
      const dockerPort = Number(/Docker API on tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
      const adminUrl = /Admin API on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      const created = await vch({ adminUrl }, ['create', '--name', 'extra', '--docker-port', '0']);
      expect(created.code).toBe(0);
      const extraPort = Number(/DOCKER_HOST=tcp:\/\/127\.0\.0\.1:(\d+)/.exec(created.stdout)![1]);
      expect(await refused(extraPort)).toBe(false);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(err).toContain('vicsim: shutting down');
      for (const port of [dockerPort, extraPort, Number(new URL(adminUrl).port)]) expect(await refused(port)).toBe(true);
      expect(existsSync(socket)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/**
 * `vicsim vch create|ls|inspect|configure|delete` end to end against an in-process `vicsim serve`,
 * and the real docker CLI against a second VCH: its own port, containers, images and networks
 * unseen by the default VCH.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker } from '../dockerapi/helpers.js';
import { startTestServe, vch, type ServeHarness } from './helpers.js';

let h: ServeHarness;
let secondPort: number;

beforeAll(async () => {
  h = await startTestServe(23);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const dockerOn = (port: number, args: string[]) => docker({ port, socketPath: h.served.socket, dir: h.dir }, args);

/** Runs `npx tsx src/cli/main.ts args…` as a child process. */
function vicsimProcess(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('vicsim vch against a running serve', () => {
  it('create prints the new VCH and its DOCKER_HOST line', async () => {
    const r = await vch(h, ['create', '--name', 'second', '--cpu', '4000', '--memory', '8192', '--memory-shares', 'high', '--containers', '5', '--whitelist-registry', 'docker.io']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const m = /^export DOCKER_HOST=tcp:\/\/127\.0\.0\.1:(\d+)$/m.exec(r.stdout);
    expect(m).not.toBeNull();
    secondPort = Number(m![1]);
    expect(r.stdout).toContain('VCH second created: pool second, cpu 4000 MHz, memory 8192 MB, provisioning instant');
  });

  it('runs busybox echo hi with the real docker CLI against the second VCH', async () => {
    const r = await dockerOn(secondPort, ['run', 'busybox', 'echo', 'hi']);
    expect(r.stdout).toBe('hi\n');
    expect(r.code).toBe(0);
  }, 60_000);

  it("keeps the VCHs apart: the default VCH sees none of the second's containers, images or networks", async () => {
    expect((await dockerOn(secondPort, ['network', 'create', 'only-second'])).code).toBe(0);
    expect((await dockerOn(secondPort, ['create', '--name', 'shared-name', 'busybox', 'true'])).code).toBe(0);
    const onDefault = (args: string[]) => dockerOn(h.served.dockerPort, args);
    expect((await onDefault(['ps', '-a', '--format', '{{.Names}}'])).stdout).toBe('');
    expect((await onDefault(['images', '--format', '{{.Repository}}'])).stdout).toBe('');
    expect((await onDefault(['network', 'ls', '--format', '{{.Name}}'])).stdout).not.toContain('only-second');
    const inspect = await onDefault(['inspect', 'shared-name']);
    expect(inspect.code).toBe(1);
    expect(inspect.stderr).toContain('No such object: shared-name');
    // The same container name is free on the default VCH, and its VM lands in the default pool.
    expect((await onDefault(['create', '--name', 'shared-name', 'busybox', 'true'])).code).toBe(0);
    const pools = h.served.vchs.names().map((n) => h.served.vchs.vch(n).parts.pool.id);
    const backend = h.served.vch.parts.backend;
    const [inDefault, inSecond] = await Promise.all(pools.map((pool) => backend.vms({ pool })));
    const secondIds = new Set(inSecond!.map((v) => v.id));
    expect(inDefault!.filter((v) => secondIds.has(v.id))).toEqual([]);
    expect(inDefault!.length).toBeGreaterThan(0);
  }, 60_000);

  it('ls prints a table with each VCH, its DOCKER_HOST, mode, containers and pool limits', async () => {
    const r = await vch(h, ['ls']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+DOCKER_HOST\s+MODE\s+CONTAINERS\s+CPU LIMIT\s+MEMORY LIMIT$/);
    expect(lines[1]).toMatch(new RegExp(`^default\\s+tcp://127\\.0\\.0\\.1:${h.served.dockerPort}\\s+instant\\s+1\\s+unlimited\\s+unlimited$`));
    expect(lines[2]).toMatch(new RegExp(`^second\\s+tcp://127\\.0\\.0\\.1:${secondPort}\\s+instant\\s+2/5\\s+4000 MHz\\s+8192 MB$`));
  });

  it('inspect prints the DOCKER_HOST line and the equivalent create flags', async () => {
    const r = await vch(h, ['inspect', 'second']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`\nexport DOCKER_HOST=tcp://127.0.0.1:${secondPort}\n`);
    expect(r.stdout).toContain(
      `vicsim vch create --name second --compute-resource DC0_C0 --image-store DC0_DS0 --cpu 4000 --memory 8192 --memory-shares high --containers 5 --volume-store '[DC0_DS0] volumes/second:default' --provision instant --whitelist-registry docker.io --docker-port ${secondPort}`,
    );
  });

  it('configure changes only the flags given, and a lowered container limit refuses the next create', async () => {
    const r = await vch(h, ['configure', 'second', '--memory-reservation', '256', '--containers', '2']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('VCH second configured: pool second, cpu 4000 MHz, memory 8192 MB');
    const pool = (await h.served.vch.parts.backend.resourcePools()).find((p) => p.name === 'second')!;
    expect(pool.memory).toMatchObject({ limit: 8192, reservation: 256, shares: { level: 'high' } });
    expect(pool.cpu.limit).toBe(4000);
    const refused = await dockerOn(secondPort, ['create', 'busybox', 'true']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('Container count exceeds limit 2');
  }, 60_000);

  it('configure refuses a change that needs a re-create, with exit status 1 and the reason', async () => {
    const r = await vch(h, ['configure', 'second', '--provision', 'full']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: "vicsim: --provision cannot be changed by configure (it is 'instant'): delete the VCH and create it again with --provision full\n" });
  });

  it.each([
    [['configure', 'second'], 'vicsim: vch configure needs at least one flag to change\n'],
    [['create', '--cpu', '100'], 'vicsim: vch create needs a VCH name: vicsim vch create --name NAME\n'],
    [['create', '--name', 'x', '--cpu-shares', 'lots'], "vicsim: --cpu-shares must be low, normal, high or a whole number > 0, got 'lots'\n"],
    [['create', '--name', 'x', '--provision', 'warp'], "vicsim: --provision must be one of instant, linked, full, boot, got 'warp'\n"],
    [['inspect', 'a', 'b'], 'vicsim: vch inspect takes one VCH name, got a b\n'],
  ])('refuses bad flags %j with exit status 2', async (args, stderr) => {
    expect(await vch(h, args)).toEqual({ code: 2, stdout: '', stderr });
  });

  it('refuses an unknown verb and an unknown flag with exit status 2', async () => {
    const verb = await vch(h, ['destroy']);
    expect(verb.code).toBe(2);
    expect(verb.stderr).toContain("vicsim: vch needs one of create, ls, inspect, configure, delete, got 'destroy'");
    const flag = await vch(h, ['ls', '--colour']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--colour'");
  });

  it('answers name in use and no such VCH with exit status 1', async () => {
    expect(await vch(h, ['create', '--name', 'second'])).toEqual({ code: 1, stdout: '', stderr: "vicsim: a VCH named 'second' already exists\n" });
    expect(await vch(h, ['inspect', 'ghost'])).toEqual({ code: 1, stdout: '', stderr: "vicsim: no VCH named 'ghost'\n" });
  });

  it('delete removes the VCH; its Docker API stops answering and ls no longer lists it', async () => {
    const vm = (await h.served.vch.parts.backend.vms()).length;
    const r = await vch(h, ['delete', 'second']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^VCH second deleted: 2 container VM\(s\), \d+ template VM\(s\), \[DC0_DS0\] VIC\/[0-9a-f-]+ and the pool removed\n$/);
    expect((await h.served.vch.parts.backend.vms()).length).toBeLessThan(vm);
    expect((await dockerOn(secondPort, ['ps'])).code).not.toBe(0);
    expect((await vch(h, ['ls'])).stdout).not.toContain('second');
  }, 60_000);

  it('the default VCH can be deleted too, and its Docker API stops answering', async () => {
    const r = await vch(h, ['delete', 'default', '--force']);
    expect(r.code).toBe(0);
    expect((await dockerOn(h.served.dockerPort, ['ps'])).code).not.toBe(0);
    expect((await vch(h, ['ls'])).stdout.trimEnd().split('\n')).toHaveLength(1);
  }, 60_000);
});

describe('vicsim vch as a process', () => {
  it('says no serve answers, and exits 1, when nothing listens on the admin address', async () => {
    const r = await vicsimProcess(['vch', 'ls', '--admin', 'http://127.0.0.1:9']);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'vicsim: no vicsim serve answers on http://127.0.0.1:9 — start one with npm start\n' });
  }, 30_000);

  it('lists the VCHs of a running serve through main.ts', async () => {
    const other = await startTestServe(5);
    try {
      const r = await vicsimProcess(['vch', 'ls', '--admin', other.adminUrl]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`default  tcp://127.0.0.1:${other.served.dockerPort}`);
    } finally {
      await other.close();
    }
  }, 60_000);
});

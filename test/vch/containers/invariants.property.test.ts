/**
 * Random lifecycle sequences (create, start, stop, kill, pause, exec, rm over a few containers,
 * some publishing ports, two fighting over one host port) keep the VCH's invariants: every running
 * container is a powered-on VM in the VCH's pool; every address and published port is held by
 * exactly one running container; and after removing everything nothing is left — no container VMs,
 * folders, addresses, ports or image pins. Plus: concurrent creates with one name, and failed creates.
 */
import { createServer } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProvisionMode } from '../../../src/vch/containers/provisioner.js';
import type { ContainerCreateRequest } from '../../../src/vch/engine/docker-types.js';
import { ConflictError } from '../../../src/vch/engine/errors.js';
import { vchWorld, type VchWorld } from './world.js';

/** A host port free right now (for the two containers that both ask for it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const MODES: readonly ProvisionMode[] = ['instant', 'linked', 'full', 'boot'];

const KINDS = {
  sleeper: ['sh', '-c', 'sleep 3600'],
  stubborn: ['sh', '-c', "trap '' TERM; sleep 3600"],
  brief: ['sh', '-c', 'echo hi; sleep 2; exit 3'],
} as const;

type Op =
  | { readonly op: 'create' | 'run'; readonly slot: number; readonly kind: keyof typeof KINDS; readonly ports: 'none' | 'random' | 'fixed' }
  | { readonly op: 'start' | 'stop' | 'kill' | 'rm' | 'exec' | 'pause' | 'unpause'; readonly slot: number }
  | { readonly op: 'wait'; readonly ms: number };

const slot = fc.integer({ min: 0, max: 2 });
const make = (op: 'create' | 'run') => fc.record({ op: fc.constant(op), slot, kind: fc.constantFrom<keyof typeof KINDS>('sleeper', 'stubborn', 'brief'), ports: fc.constantFrom<'none' | 'random' | 'fixed'>('none', 'random', 'fixed') });
const on = (op: 'start' | 'stop' | 'kill' | 'rm' | 'exec' | 'pause' | 'unpause') => fc.record({ op: fc.constant(op), slot });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: make('run'), weight: 4 },
  { arbitrary: make('create'), weight: 1 },
  { arbitrary: on('start'), weight: 2 },
  { arbitrary: on('stop'), weight: 2 },
  { arbitrary: on('kill'), weight: 1 },
  { arbitrary: on('exec'), weight: 3 },
  { arbitrary: on('pause'), weight: 1 },
  { arbitrary: on('unpause'), weight: 1 },
  { arbitrary: on('rm'), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 5000 }) }), weight: 1 },
);

function request(kind: keyof typeof KINDS, ports: 'none' | 'random' | 'fixed', fixedPort: number): Partial<ContainerCreateRequest> {
  const req: Partial<ContainerCreateRequest> = { Cmd: [...KINDS[kind]] };
  if (ports === 'none') return req;
  return { ...req, ExposedPorts: { '80/tcp': {} }, HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: ports === 'fixed' ? String(fixedPort) : '' }] } } };
}

/** What each operation ended in, for the record of a run. */
const outcomes: string[] = [];

async function apply(w: VchWorld, op: Op, fixedPort: number, vmNames: Set<string>): Promise<void> {
  if (op.op === 'wait') return w.advance(op.ms);
  const name = `box${op.slot}`;
  const v = w.vch;
  const act: Record<Op['op'], () => Promise<unknown>> = {
    create: async () => {
      if (op.op !== 'create' && op.op !== 'run') return;
      const { Id: id } = await v.createContainer(name, { Image: 'busybox', ...request(op.kind, op.ports, fixedPort) });
      vmNames.add(v.parts.containers.index.get(id).def.vmName);
    },
    run: async () => {
      await act.create();
      await v.startContainer(name);
    },
    start: () => v.startContainer(name),
    stop: () => v.stopContainer(name, { timeoutSec: 3 }),
    kill: () => v.killContainer(name),
    rm: () => v.removeContainer(name, { force: op.slot === 0, volumes: false }),
    pause: () => v.pauseContainer(name),
    unpause: () => v.unpauseContainer(name),
    exec: async () => {
      const { Id } = await v.createExec(name, { Cmd: ['sh', '-c', 'echo $$ > /tmp/pid; exit 7'] });
      await v.startExec(Id, { detach: true });
    },
    wait: () => Promise.resolve(),
  };
  // Vch's non-async methods throw "No such container" synchronously; `async` turns that into a rejection.
  const attempt = async (): Promise<unknown> => act[op.op]();
  await w.run(attempt().then(() => outcomes.push(`${op.op} ok`), (e: unknown) => (e instanceof Error && 'code' in e ? outcomes.push(`${op.op} ${(e as { code: string }).code}`) : Promise.reject(e))));
}

async function checkInvariants(w: VchWorld): Promise<void> {
  const { containers, networking, pool } = w.vch.parts;
  const ips = new Map<string, string>();
  const ports = new Map<number, string>();
  for (const c of containers.index.all()) {
    const vm = await w.backend.vm(c.def.vm);
    expect(vm.pool).toBe(pool.id);
    if (c.status === 'running') expect(vm.powerState).toBe('poweredOn');
    if (c.status === 'paused') expect(vm.powerState).toBe('suspended');
    if (c.status === 'exited') expect(vm.powerState).toBe('poweredOff');
    const alive = w.vch.parts.runtime.process(c) !== undefined;
    const held = networking.registry.endpoints(c.id).filter((e) => e.ip !== '');
    for (const e of held) {
      expect(c.running, `${c.name} holds ${e.ip} while ${c.status}`).toBe(true);
      expect(ips.has(e.ip), `${e.ip} held twice`).toBe(false);
      ips.set(e.ip, c.id);
    }
    if (alive) expect(held.length).toBeGreaterThan(0);
    for (const p of networking.mapper.ports(c.id)) {
      expect(c.running, `${c.name} holds port ${p.hostPort} while ${c.status}`).toBe(true);
      expect(ports.has(p.hostPort)).toBe(false);
      expect(networking.mapper.holder(p.hostPort)).toBe(c.id);
      ports.set(p.hostPort, c.id);
    }
  }
}

async function removeEverything(w: VchWorld): Promise<void> {
  for (const c of w.vch.parts.containers.index.all()) await w.run(w.vch.removeContainer(c.id, { force: true, volumes: false }));
  await w.advance(1000);
}

async function expectNothingLeft(w: VchWorld, vmNames: ReadonlySet<string>, baselineIpam: string, imageId: string): Promise<void> {
  const { containers, networking, pool, images } = w.vch.parts;
  expect(containers.index.size).toBe(0);
  const vms = await w.backend.vms({ pool: pool.id });
  expect(vms.filter((v) => !v.name.startsWith('vch1-template-')).map((v) => v.name)).toEqual([]);
  const files = new Set((await w.backend.listDatastore('[DC0_DS0]')).map((f) => f.name));
  expect([...vmNames].filter((n) => files.has(n))).toEqual([]);
  expect(JSON.stringify(networking.registry.toJSON().ipam)).toBe(baselineIpam);
  expect(networking.mapper.toJSON().bindings).toEqual({});
  expect(images.users(imageId as never)).toEqual([]);
}

describe('container lifecycle invariants', () => {
  it('hold over random sequences of operations, and removing everything leaves nothing behind', async () => {
    const fixedPort = await freePort();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), fc.integer({ min: 1, max: 1000 }), fc.constantFrom(...MODES), async (ops, seed, mode) => {
        const w = await vchWorld({ seed, mode });
        const baselineIpam = JSON.stringify(w.vch.parts.networking.registry.toJSON().ipam);
        const imageId = (await w.vch.inspectImage('busybox')).Id;
        const vmNames = new Set<string>();
        try {
          for (const op of ops) {
            await apply(w, op, fixedPort, vmNames).catch((e: unknown) => {
              throw new Error(`${JSON.stringify(op)} failed: ${String(e)}`);
            });
            await checkInvariants(w);
          }
          await removeEverything(w).catch((e: unknown) => {
            throw new Error(`removing everything failed: ${String(e)}; ${w.vch.parts.containers.index.all().map((c) => `${c.name} ${c.status}`).join(', ')}`);
          });
          await expectNothingLeft(w, vmNames, baselineIpam, imageId);
        } finally {
          await w.vch.close();
        }
      }),
      { numRuns: 100 },
    );
    // The sequences reached the states worth checking: each kind of operation succeeded somewhere.
    for (const op of ['run', 'exec', 'stop', 'kill', 'pause', 'rm']) expect(outcomes).toContain(`${op} ok`);
  }, 300_000);
});

describe('concurrent creates with one name', () => {
  it('let exactly one win; the others get docker conflict and leave no VM', async () => {
    const w = await vchWorld();
    const attempts = Array.from({ length: 5 }, () => w.vch.createContainer('contested', { Image: 'busybox', Cmd: ['true'] }));
    const results = await w.run(Promise.allSettled(attempts));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
    const vms = (await w.backend.vms({ pool: w.vch.parts.pool.id })).filter((v) => v.name.startsWith('contested-'));
    expect(vms).toHaveLength(1);
  });
});

describe('a failed create', () => {
  const BAD: readonly [string, Partial<ContainerCreateRequest>][] = [
    ['an image that is not there', { Image: 'nosuch:latest', Cmd: ['true'] }],
    ['a bad port spec', { Cmd: ['true'], ExposedPorts: { 'eighty/tcp': {} } }],
    ['a host port range', { Cmd: ['true'], HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8000-8001' }] } } }],
    ['a bad workload label', { Cmd: ['true'], Labels: { 'vicsim.workload.cpuMhz': 'lots' } }],
    ['a bad restart policy', { Cmd: ['true'], HostConfig: { RestartPolicy: { Name: 'sometimes' as never } } }],
    ['no command', { Cmd: [], Entrypoint: [] }],
    ['an unknown network', { Cmd: ['true'], HostConfig: { NetworkMode: 'nowhere' } }],
  ];

  it.each(BAD)('with %s leaves no VM, name, address, disk or image pin', async (_what, req) => {
    const w = await vchWorld();
    const vmsBefore = (await w.backend.vms()).length;
    const filesBefore = (await w.backend.listDatastore('[DC0_DS0]')).map((f) => f.name).sort();
    const registryBefore = JSON.stringify(w.vch.parts.networking.registry.toJSON());
    await expect(w.run(w.vch.createContainer('doomed', { Image: 'busybox', ...req }))).rejects.toHaveProperty('code');
    expect((await w.backend.vms()).length).toBe(vmsBefore);
    expect((await w.backend.listDatastore('[DC0_DS0]')).map((f) => f.name).sort()).toEqual(filesBefore);
    expect(JSON.stringify(w.vch.parts.networking.registry.toJSON())).toBe(registryBefore);
    expect(w.vch.parts.containers.index.find('doomed')).toBeUndefined();
    expect(w.vch.parts.images.users((await w.vch.inspectImage('busybox')).Id as never)).toEqual([]);
    await w.create({ Cmd: ['true'] }, 'doomed');
  });
});

/**
 * `vicsim demo`: builds the default preset, provisions a handful of container-sized VMs through the
 * Backend interface (create, power on, snapshot, instant and linked clones) on the fast clock, then
 * prints the inventory with memory accounting, the datastore and the vCenter event log with
 * simulated timestamps. Each container's guest touches its boot footprint (25 MB); the instant
 * clone shares its source's pages instead.
 */
import { ModelBackend } from '../backend/model/index.js';
import type { Backend, VmInfo } from '../backend/backend.js';
import { clusterPreset, type Preset } from '../hypervisor/presets.js';
import { formatBytes, formatMHz, GiB, MiB } from '../sim/units.js';
import type { VmId } from '../sim/ids.js';
import { table } from './table.js';

/** Options of the demonstration. */
export interface DemoOptions {
  readonly hosts: number;
  readonly vms: number;
  readonly seed: number;
}

/** Runs the demonstration and returns what it prints. */
export async function runDemo(opts: DemoOptions): Promise<string> {
  const preset = clusterPreset({ hosts: opts.hosts, seed: opts.seed });
  const backend = new ModelBackend(preset.model);
  const pool = await backend.createResourcePool(preset.rootPool.id, 'vch-default', { memory: { reservation: 4096, expandableReservation: true } });
  const ids = await provision(backend, pool.id, opts.vms, preset);
  const src = ids[0]!;
  await (await backend.createSnapshot(src, 'golden')).wait();
  await (await backend.cloneVM(src, { name: 'container-ic', mode: 'instant' })).wait();
  await (await backend.cloneVM(src, { name: 'container-lc', mode: 'linked', powerOn: true })).wait();
  const out = [
    `vicsim demo: ${opts.hosts} hosts, ${opts.vms} container VMs, seed ${opts.seed} — simulated time ${(preset.model.clock.now() / 1000).toFixed(2)} s`,
    '',
    await hostsSection(backend, preset),
    '',
    await vmsSection(backend),
    '',
    datastoreSection(preset),
    '',
    'Events',
    ...preset.model.events.history().map((e) => `  ${preset.model.clock.date(e.createdTime).toISOString().slice(11, 23)}  ${e.type.padEnd(26)} ${e.fullFormattedMessage}`),
  ];
  await backend.close();
  return out.join('\n');
}

async function provision(backend: Backend, pool: VmInfo['pool'], n: number, preset: Preset): Promise<VmId[]> {
  const created = await Promise.all(
    Array.from({ length: n }, async (_, i) =>
      (await backend.createVM({ name: `container-${i}`, pool, disks: [{ capacityBytes: 8 * GiB }], nics: [{ network: preset.network.id }], serialLog: true })).wait(),
    ),
  );
  await Promise.all(created.map(async (id) => (await backend.powerOnVM(id)).wait()));
  return created;
}

async function hostsSection(backend: Backend, p: Preset): Promise<string> {
  const rows = (await backend.hosts()).map((h) => {
    const m = h.memory;
    const used = p.model.accounting.hostUsed(h.id);
    return [h.name, h.state, `${h.cpuCores} × ${formatMHz(h.cpuMhzPerCore)}`, formatBytes(h.memoryMB * MiB), p.model.vmsOnHost(h.id).size, `${Math.round(used.memory)} MB`, `${Math.round(m?.consumedMB ?? 0)} MB`, `${Math.round(m?.sharedByForkMB ?? 0)} MB`, m?.state ?? ''];
  });
  return table(['HOST', 'STATE', 'CPU', 'MEMORY', 'VMS', 'RESERVED', 'CONSUMED', 'SHARED', 'MEM STATE'], rows);
}

async function vmsSection(backend: Backend): Promise<string> {
  const hosts = new Map((await backend.hosts()).map((h) => [h.id, h.name]));
  const pools = new Map((await backend.resourcePools()).map((p) => [p.id, p.name]));
  const rows = (await backend.vms()).map((v) => [
    v.name,
    v.id,
    v.powerState,
    hosts.get(v.host) ?? v.host,
    pools.get(v.pool) ?? v.pool,
    `${v.numCpu} vCPU / ${v.memoryMB} MB`,
    v.memory ? `${Math.round(v.memory.privateMB)} / ${Math.round(v.memory.sharedMB)} MB` : '',
    v.disks[0]?.fileName ?? '',
  ]);
  return table(['VM', 'ID', 'POWER', 'HOST', 'POOL', 'SIZE', 'PRIVATE / SHARED', 'DISK'], rows);
}

function datastoreSection(p: Preset): string {
  const files = p.model.files(p.datastore.id);
  const list = files.files();
  const head = `Datastore ${p.datastore.name}: ${list.length} files, ${formatBytes(files.usage)} used of ${formatBytes(files.capacityBytes)}`;
  const sample = list.filter((f) => f.path.startsWith('container-0/')).map((f) => `  [${p.datastore.name}] ${f.path}  (${f.kind}, ${f.size} B)`);
  return [head, ...sample, '', `[${p.datastore.name}] container-0/container-0.vmx:`, ...files.readFile('container-0/container-0.vmx').trimEnd().split('\n').map((l) => `  ${l}`)].join('\n');
}

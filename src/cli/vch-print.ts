/** What `vicsim vch …` prints: the ls table, inspect's DOCKER_HOST and create command, delete's summary. */
import type { AllocationInfo } from '../backend/backend.js';
import type { VchDeleteResponse, VchDescription } from './admin/types.js';
import { table } from './table.js';
import { describeContainerNetwork } from '../vch/vch-spec.js';
import { createCommandOf } from './vch-flags.js';

function limitText(a: AllocationInfo, unit: string): string {
  return a.limit < 0 ? 'unlimited' : `${a.limit} ${unit}`;
}

function containersText(d: VchDescription): string {
  return d.containers.limit === undefined ? String(d.containers.total) : `${d.containers.total}/${d.containers.limit}`;
}

/** `vicsim vch ls`: one row per VCH (name, DOCKER_HOST, mode, containers[/limit], pool CPU and memory limits). */
export function lsTable(vchs: readonly VchDescription[]): string {
  return table(
    ['NAME', 'DOCKER_HOST', 'MODE', 'CONTAINERS', 'CPU LIMIT', 'MEMORY LIMIT'],
    vchs.map((d) => [d.name, d.dockerHost, d.provisioning, containersText(d), limitText(d.pool.cpu, 'MHz'), limitText(d.pool.memory, 'MB')]),
  );
}

function allocationText(a: AllocationInfo, unit: string): string {
  return `limit ${limitText(a, unit)}, reservation ${a.reservation} ${unit}, shares ${a.shares.level} (${a.shares.shares})`;
}

/** `vicsim vch inspect NAME`: the DOCKER_HOST line, the VCH's facts and the equivalent create command. */
export function inspectText(d: VchDescription): string {
  return [
    `VCH ${d.name} (${d.id})`,
    `  compute resource  ${d.cluster.name} (${d.cluster.id}), pool ${d.pool.name} (${d.pool.id})`,
    `  cpu               ${allocationText(d.pool.cpu, 'MHz')}`,
    `  memory            ${allocationText(d.pool.memory, 'MB')}`,
    `  containers        ${d.containers.total} (${d.containers.running} running)${d.containers.limit !== undefined ? `, limit ${d.containers.limit}` : ''}`,
    `  image store       ${d.folder}`,
    `  provisioning      ${d.provisioning}`,
    ...(d.spec.containerNetworks ?? []).map((n) => `  container network ${describeContainerNetwork(n)}`),
    ...(d.socket !== undefined ? [`  unix socket       unix://${d.socket}`] : []),
    '',
    `export DOCKER_HOST=${d.dockerHost}`,
    '',
    'Created with the equivalent of:',
    `  ${createCommandOf(d.spec, d.dockerPort)}`,
  ].join('\n');
}

/** What create and configure print: a one-line summary and the DOCKER_HOST line. */
export function createdText(d: VchDescription, verb: 'created' | 'configured'): string {
  return [`VCH ${d.name} ${verb}: pool ${d.pool.name}, cpu ${limitText(d.pool.cpu, 'MHz')}, memory ${limitText(d.pool.memory, 'MB')}, provisioning ${d.provisioning}`, `export DOCKER_HOST=${d.dockerHost}`].join('\n');
}

/** What delete prints. */
export function deletedText(r: VchDeleteResponse): string {
  const lines = [`VCH ${r.name} deleted: ${r.containers} container VM(s), ${r.vms} template VM(s), ${r.folder} and the pool removed`];
  if (r.volumes.removed.length > 0) lines.push(`  removed volumes: ${r.volumes.removed.join(', ')}`);
  if (r.volumes.kept.length > 0) lines.push(`  kept volumes: ${r.volumes.kept.join(', ')} (delete --force removes them)`);
  return lines.join('\n');
}

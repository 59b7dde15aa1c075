/**
 * Decoding admin API bodies: JSON in, typed requests out, every field checked for its type
 * (values are checked by checkVchSpec). A wrong type is an InvalidArgumentError naming the field.
 */
import type { AllocationSpec } from '../../backend/backend.js';
import { InvalidArgumentError } from '../../sim/errors.js';
import type { ProvisionMode } from '../../vch/containers/provisioner.js';
import type { VchChanges } from '../../vch/vch-lifecycle.js';
import type { ContainerNetworkSpec, FirewallLevel, VchSpec } from '../../vch/vch-spec.js';
import type { VchConfigureRequest, VchCreateRequest } from './types.js';

type Json = Record<string, unknown>;

function object(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError(field, `${field} must be a JSON object`);
  return value as Json;
}

function optional<T>(o: Json, key: string, field: string, check: (v: unknown, field: string) => T): T | undefined {
  return o[key] === undefined ? undefined : check(o[key], `${field}.${key}`);
}

function string(v: unknown, field: string): string {
  if (typeof v !== 'string') throw new InvalidArgumentError(field, `${field} must be a string`);
  return v;
}

function number(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(field, `${field} must be a number`);
  return v;
}

function strings(v: unknown, field: string): string[] {
  if (!Array.isArray(v)) throw new InvalidArgumentError(field, `${field} must be a list of strings`);
  return v.map((s, i) => string(s, `${field}[${i}]`));
}

function shares(v: unknown, field: string): AllocationSpec['shares'] {
  if (v === 'low' || v === 'normal' || v === 'high') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  throw new InvalidArgumentError(field, `${field} must be low, normal, high or a whole number > 0, got ${JSON.stringify(v)}`);
}

function allocation(v: unknown, field: string): AllocationSpec {
  const o = object(v, field);
  const reservation = optional(o, 'reservation', field, number);
  const limit = optional(o, 'limit', field, number);
  if (reservation !== undefined && (!Number.isInteger(reservation) || reservation < 0)) throw new InvalidArgumentError(field, `${field}.reservation must be a whole number ≥ 0, got ${reservation}`);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < -1)) throw new InvalidArgumentError(field, `${field}.limit must be a whole number ≥ 0 (or -1 for unlimited), got ${limit}`);
  return {
    ...(reservation !== undefined ? { reservation } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(o['shares'] !== undefined ? { shares: shares(o['shares'], `${field}.shares`) } : {}),
  };
}

function stringRecord(v: unknown, field: string): Record<string, string> {
  const o = object(v, field);
  return Object.fromEntries(Object.entries(o).map(([k, s]) => [k, string(s, `${field}.${k}`)]));
}

/** One container network: `portGroup` and the optional alias, gateway, ipRanges, dns and firewall. */
function containerNetwork(v: unknown, field: string): ContainerNetworkSpec {
  const o = object(v, field);
  const known = new Set(['portGroup', 'alias', 'gateway', 'ipRanges', 'dns', 'firewall']);
  for (const key of Object.keys(o)) if (!known.has(key)) throw new InvalidArgumentError(field, `${field}.${key} is not a container network setting`);
  const out = {
    portGroup: string(o['portGroup'], `${field}.portGroup`),
    alias: optional(o, 'alias', field, string),
    gateway: optional(o, 'gateway', field, string),
    ipRanges: optional(o, 'ipRanges', field, strings),
    dns: optional(o, 'dns', field, strings),
    firewall: optional(o, 'firewall', field, string) as FirewallLevel | undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, x]) => x !== undefined)) as unknown as ContainerNetworkSpec;
}

function containerNetworks(v: unknown, field: string): ContainerNetworkSpec[] {
  if (!Array.isArray(v)) throw new InvalidArgumentError(field, `${field} must be a list of container networks`);
  return v.map((n, i) => containerNetwork(n, `${field}[${i}]`));
}

/** The fields of a spec other than its name; unknown fields are refused. */
function changes(o: Json, field: string): VchChanges {
  const known = new Set(['name', 'computeResource', 'cpu', 'memory', 'containersLimit', 'imageStore', 'volumeStores', 'bridgeRange', 'containerNetworks', 'provisioning', 'insecureRegistries', 'whitelistRegistries']);
  for (const key of Object.keys(o)) if (!known.has(key)) throw new InvalidArgumentError(field, `${field}.${key} is not a VCH setting`);
  const out: Record<string, unknown> = {
    computeResource: optional(o, 'computeResource', field, string),
    cpu: optional(o, 'cpu', field, allocation),
    memory: optional(o, 'memory', field, allocation),
    containersLimit: optional(o, 'containersLimit', field, number),
    imageStore: optional(o, 'imageStore', field, string),
    volumeStores: optional(o, 'volumeStores', field, stringRecord),
    bridgeRange: optional(o, 'bridgeRange', field, string),
    containerNetworks: optional(o, 'containerNetworks', field, containerNetworks),
    provisioning: optional(o, 'provisioning', field, string) as ProvisionMode | undefined,
    insecureRegistries: optional(o, 'insecureRegistries', field, strings),
    whitelistRegistries: optional(o, 'whitelistRegistries', field, strings),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as VchChanges;
}

/** POST /vchs's body. @throws InvalidArgumentError naming the field. */
export function decodeCreate(body: unknown): VchCreateRequest {
  const o = object(body, 'body');
  const spec = object(o['spec'], 'spec');
  const name = string(spec['name'], 'spec.name');
  const dockerPort = optional(o, 'dockerPort', 'body', number);
  if (dockerPort !== undefined && (!Number.isInteger(dockerPort) || dockerPort < 0 || dockerPort > 65535)) {
    throw new InvalidArgumentError('docker-port', `--docker-port must be a whole number from 0 to 65535, got ${dockerPort}`);
  }
  const full: VchSpec = { name, ...changes(spec, 'spec') };
  return dockerPort === undefined ? { spec: full } : { spec: full, dockerPort };
}

/** PATCH /vchs/{name}'s body; a `name` inside the changes is refused. @throws InvalidArgumentError. */
export function decodeConfigure(body: unknown): VchConfigureRequest {
  const o = object(body, 'body');
  const given = object(o['changes'], 'changes');
  if (given['name'] !== undefined) throw new InvalidArgumentError('name', 'a VCH cannot be renamed by configure');
  return { changes: changes(given, 'changes') };
}

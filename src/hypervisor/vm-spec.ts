/**
 * Validation of VM specs: what a caller may ask for, checked before anything is queued, with
 * errors that name the VM and the values involved.
 */
import { InvalidArgumentError } from '../sim/errors.js';
import type { NetworkId } from '../sim/ids.js';
import { applyAllocation, defaultAllocation, type AllocationSpec } from './allocation.js';
import { parseWorkload } from './guest-memory.js';
import type { VmConfig } from './types.js';

/** vSphere's limits on VM size (vSphere 6.7 configuration maximums). */
export const VM_LIMITS = { maxCpus: 128, maxMemoryMB: 6 * 1024 * 1024, memoryMultipleMB: 4, maxNameLength: 80 } as const;

/** A new VM's configuration as a caller gives it; omitted fields take defaults. */
export interface VmConfigSpec {
  /** vCPUs (default: the calibration's container VM default, 2). */
  readonly numCpu?: number;
  /** Memory in MB, a multiple of 4 (default 2048). */
  readonly memoryMB?: number;
  readonly cpuAllocation?: AllocationSpec;
  readonly memoryAllocation?: AllocationSpec;
  readonly guestId?: string;
  readonly annotation?: string;
  readonly extraConfig?: Readonly<Record<string, string>>;
}

/**
 * A disk of a VM. `capacityBytes`: a new thin base disk in the VM folder. `parent`: a new delta in
 * the VM folder on that existing disk (datastore path; VIC's container RW layer on its image).
 * `existing`: that disk attached as it is (a volume); the VM retains it but does not own it, so
 * destroying the VM or removing the disk leaves it on the datastore while anything else retains it.
 */
export type VmDiskSpec = { readonly capacityBytes: number } | { readonly parent: string } | { readonly existing: string };

/** Devices of a new VM. */
export interface VmDevicesSpec {
  /** Disks in device order; the first one is `<folder>/<folder>.vmdk`. */
  readonly disks?: readonly VmDiskSpec[];
  readonly nics?: readonly { readonly network: NetworkId }[];
  /** Datastore path of an ISO for the CD-ROM (VIC's bootstrap ISO). */
  readonly cdromIso?: string;
  /** Add a serial port backed by `serial.log` in the VM folder (VIC's tether log). */
  readonly serialLog?: boolean;
}

/** Checks a VM name: non-empty, at most 80 characters, no control characters. */
export function checkVmName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('name', 'a VM needs a non-empty name');
  if (name.length > VM_LIMITS.maxNameLength) throw new InvalidArgumentError('name', `VM name '${name}' is longer than ${VM_LIMITS.maxNameLength} characters`);
  if (hasControlCharacter(name)) throw new InvalidArgumentError('name', `VM name ${JSON.stringify(name)} contains control characters`);
  return name;
}

/** Whether `s` holds a character below U+0020. O(length), one pass without a regular expression (asked on every create and clone). */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return true;
  return false;
}

/** Checks vCPUs and memory. */
export function checkSize(name: string, numCpu: number, memoryMB: number): void {
  if (!Number.isInteger(numCpu) || numCpu < 1 || numCpu > VM_LIMITS.maxCpus) {
    throw new InvalidArgumentError('numCpu', `VM '${name}': vCPUs must be an integer from 1 to ${VM_LIMITS.maxCpus}, got ${numCpu}`);
  }
  if (!Number.isInteger(memoryMB) || memoryMB < VM_LIMITS.memoryMultipleMB || memoryMB > VM_LIMITS.maxMemoryMB || memoryMB % VM_LIMITS.memoryMultipleMB !== 0) {
    throw new InvalidArgumentError('memoryMB', `VM '${name}': memory must be a multiple of ${VM_LIMITS.memoryMultipleMB} MB from 4 MB to ${VM_LIMITS.maxMemoryMB} MB, got ${memoryMB}`);
  }
}

/** Builds a validated configuration (without devices) from a spec and the defaults. */
export function buildConfig(name: string, spec: VmConfigSpec, defaults: { numCpu: number; memoryMB: number }): VmConfig {
  const numCpu = spec.numCpu ?? defaults.numCpu;
  const memoryMB = spec.memoryMB ?? defaults.memoryMB;
  checkSize(name, numCpu, memoryMB);
  const extraConfig = spec.extraConfig ?? {};
  for (const [k, v] of Object.entries(extraConfig)) {
    if (!/^[A-Za-z0-9_.:-]+$/.test(k) || typeof v !== 'string') {
      throw new InvalidArgumentError('extraConfig', `VM '${name}': invalid extraConfig entry ${JSON.stringify(k)}`);
    }
  }
  parseWorkload(name, extraConfig, memoryMB);
  return {
    numCpu,
    memoryMB,
    cpuAllocation: applyAllocation(defaultAllocation('vmCpu', numCpu), spec.cpuAllocation, 'vmCpu', `VM '${name}' cpu`, numCpu),
    memoryAllocation: applyAllocation(defaultAllocation('vmMemory', memoryMB), spec.memoryAllocation, 'vmMemory', `VM '${name}' memory`, memoryMB, memoryMB),
    guestId: spec.guestId ?? 'otherLinux64Guest',
    annotation: spec.annotation ?? '',
    extraConfig,
    devices: [],
    template: false,
  };
}

/** A folder name for a VM name, as vSphere escapes it (`/` → `%2f`, `%` → `%25`). */
export function folderFor(name: string): string {
  if (!name.includes('%') && !name.includes('/') && !name.includes('\\')) return name;
  return name.replace(/%/g, '%25').replace(/\//g, '%2f').replace(/\\/g, '%5c');
}

/**
 * fast-check arbitraries for vSphere inventories and VM specs, for property tests of code that
 * runs against vicsim (or of vicsim itself).
 */
import fc from 'fast-check';
import { clusterPreset, type Preset } from '../hypervisor/presets.js';
import type { ModelOptions } from '../hypervisor/model.js';
import { GiB } from '../sim/units.js';

/** A cluster's shape: host count and host size, datastore size. */
export interface InventoryConfig {
  readonly hosts: number;
  readonly cpuCores: number;
  readonly cpuMhzPerCore: number;
  readonly memoryMB: number;
  readonly datastoreGB: number;
}

/** Inventory shapes from 1 to `maxHosts` hosts (default 8) of realistic sizes. */
export function inventoryConfigArb(maxHosts = 8): fc.Arbitrary<InventoryConfig> {
  return fc.record({
    hosts: fc.integer({ min: 1, max: maxHosts }),
    cpuCores: fc.constantFrom(8, 16, 32, 64),
    cpuMhzPerCore: fc.integer({ min: 18, max: 36 }).map((x) => x * 100),
    memoryMB: fc.constantFrom(32, 64, 128, 256, 512).map((g) => g * 1024),
    datastoreGB: fc.integer({ min: 64, max: 16_384 }),
  });
}

/** Builds the cluster preset an {@link InventoryConfig} describes. */
export function buildInventory(config: InventoryConfig, opts: ModelOptions = {}): Preset {
  return clusterPreset({
    ...opts,
    hosts: config.hosts,
    host: { cpuCores: config.cpuCores, cpuMhzPerCore: config.cpuMhzPerCore, memoryMB: config.memoryMB },
    datastoreBytes: config.datastoreGB * GiB,
  });
}

/** A VM size with optional reservations, as a CreateVM spec fragment. */
export interface VmSizeSpec {
  readonly numCpu: number;
  readonly memoryMB: number;
  readonly cpuAllocation: { readonly reservation: number };
  readonly memoryAllocation: { readonly reservation: number };
}

/** VM sizes: 1–8 vCPUs, 256 MB–16 GB in 128 MB steps, reservations up to the whole VM. */
export function vmSizeArb(): fc.Arbitrary<VmSizeSpec> {
  return fc
    .record({
      numCpu: fc.integer({ min: 1, max: 8 }),
      memoryMB: fc.integer({ min: 2, max: 128 }).map((x) => x * 128),
      cpuShare: fc.constantFrom(0, 0, 0.25, 0.5, 1),
      memShare: fc.constantFrom(0, 0, 0.25, 0.5, 1),
    })
    .map(({ numCpu, memoryMB, cpuShare, memShare }) => ({
      numCpu,
      memoryMB,
      cpuAllocation: { reservation: Math.round(numCpu * 1000 * cpuShare) },
      memoryAllocation: { reservation: Math.round(memoryMB * memShare) },
    }));
}

/** Pool settings: a reservation (MB / MHz), expandable or not, optional limit. */
export interface PoolSettings {
  readonly memory: { readonly reservation: number; readonly expandableReservation: boolean; readonly limit: number };
  readonly cpu: { readonly reservation: number; readonly expandableReservation: boolean; readonly limit: number };
}

/** Pool settings from nothing reserved to more than a large host holds (so admission is exercised). */
export function poolSettingsArb(): fc.Arbitrary<PoolSettings> {
  const one = (unit: number) =>
    fc
      .record({ reservation: fc.integer({ min: 0, max: 64 }).map((x) => x * unit), expandableReservation: fc.boolean(), extra: fc.option(fc.integer({ min: 0, max: 64 }), { nil: undefined }) })
      .map(({ reservation, expandableReservation, extra }) => ({ reservation, expandableReservation, limit: extra === undefined ? -1 : reservation + extra * unit }));
  return fc.record({ memory: one(1024), cpu: one(1000) });
}

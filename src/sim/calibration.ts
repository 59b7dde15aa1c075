/**
 * Every default latency, size and threshold of the model, each with its source. The sources are
 * summarised in shared/reference/calibration.md; figures marked "estimate" are ours and a
 * scenario should override them when it knows better ({@link calibrate}).
 */
import { InvalidArgumentError } from './errors.js';

/** Simulated latencies of vSphere operations, in milliseconds. */
export interface LatencyCalibration {
  /** Instant clone from a frozen template on the same host. VMworld 2014: 64 clones/host in < 6 s. */
  readonly instantCloneMs: number;
  /** Share of an instant clone serialized per template (clones of one template queue). Calibration table: "about half". */
  readonly instantCloneSerializedFraction: number;
  /** Stun of a running source for a running-source instant clone (estimate 10–50 ms). */
  readonly runningSourceStunMs: number;
  /** Boot from the bootstrap ISO to tether ready (VIC 1.x). Bonneville demo "around 5 seconds". */
  readonly isoBootMs: number;
  /** Linked clone from a snapshot, create part. VIC issue measurements 0.5–2.5 s; table 0.5–1 s. */
  readonly linkedCloneCreateMs: number;
  /** Photon kernel boot after a linked or full clone. Photon OS 1.0 release notes (~200 ms). */
  readonly kernelBootMs: number;
  /** Full clone copy rate, bytes per simulated second of datastore bandwidth (estimate: 500 MB/s). */
  readonly datastoreBandwidthBytesPerSec: number;
  /** CreateVM_Task (estimate, consistent with the 0.5–1 s linked-clone create). */
  readonly createVmMs: number;
  /** PowerOnVM_Task up to the VM running, not counting guest boot (estimate). */
  readonly powerOnMs: number;
  /** PowerOffVM_Task (estimate). */
  readonly powerOffMs: number;
  /** SuspendVM_Task (estimate; writes the memory image). */
  readonly suspendMs: number;
  /** ReconfigVM_Task (estimate). */
  readonly reconfigureMs: number;
  /** Destroy_Task (estimate). */
  readonly destroyMs: number;
  /** CreateSnapshot_Task / RevertToSnapshot_Task / RemoveSnapshot_Task without memory (estimate). */
  readonly snapshotMs: number;
  /** Cold RelocateVM_Task of a powered-off VM between hosts on shared storage (estimate). */
  readonly relocateMs: number;
  /** Resource pool create, update or destroy (estimate). */
  readonly poolOpMs: number;
}

/** Container VM sizing (VIC defaults). */
export interface VmSizing {
  /** VIC default container VM memory, MB. */
  readonly defaultMemoryMB: number;
  /** VIC default vCPUs. */
  readonly defaultCpus: number;
  /** VIC minimum memory, MB. */
  readonly minMemoryMB: number;
  /** VIC rounds memory up to a multiple of this, MB. */
  readonly memoryGranularityMB: number;
  /**
   * Powered-on VMs one ESXi host runs at most: the configuration maximum "virtual machines per
   * host", 1,024 since vSphere 6.0 (VMware Configuration Maximums 6.0 to 8.0).
   */
  readonly maxVmsPerHost: number;
}

/** Host memory parameters (ESXi). */
export interface MemoryCalibration {
  readonly pageSize: number;
  readonly largePageSize: number;
  /** Inter-VM transparent page sharing: off by default since 2014 (salting). */
  readonly interVmTps: boolean;
  /** TPS scan rate, MB per second per GHz of host CPU. */
  readonly tpsScanMBPerSecPerGHz: number;
  /** Bytes per TPS page hash entry. */
  readonly tpsHashEntryBytes: number;
  /** minFree: MB for the first 28 GB of host memory, plus this fraction of the rest. */
  readonly minFreeBaseMB: number;
  readonly minFreeRestFraction: number;
  /** Memory state thresholds as multiples of minFree (high, clear, soft, hard, low). */
  readonly stateThresholds: { readonly high: number; readonly clear: number; readonly soft: number; readonly hard: number; readonly low: number };
  /** Largest share of a VM's memory the balloon driver may take. */
  readonly balloonMaxFraction: number;
  /** Compression cache as a share of VM memory. */
  readonly compressionCacheFraction: number;
  /** Guest memory a booted container VM touches: the "pico" Photon footprint of ~25 MB (calibration.md, Memory). */
  readonly bootTouchedMB: number;
  /** How often the model lets guests with a workload profile write their memory, simulated ms (estimate). */
  readonly guestTickMs: number;
  /**
   * How guest writes are modelled: 'sampled' draws every run of pages a workload writes (seeded);
   * 'expected' writes the mean of that process in O(1) per VM and step (instantclone/expected-writes.ts).
   */
  readonly guestWrites: GuestWriteModel;
}

/** The two ways of modelling guest writes (see {@link MemoryCalibration.guestWrites}). */
export type GuestWriteModel = 'sampled' | 'expected';

/** The values {@link MemoryCalibration.guestWrites} takes. */
export const GUEST_WRITE_MODELS: readonly GuestWriteModel[] = ['sampled', 'expected'];

/** Disk parameters (VMFS / VIC). */
export interface DiskCalibration {
  readonly sesparseGrainBytes: number;
  readonly vmfsSparseGrainBytes: number;
  readonly maxSnapshotChain: number;
  readonly maxRedoLevels: number;
  readonly vicScratchBytes: number;
  readonly vicMaxLayers: number;
  readonly vicDefaultVolumeMB: number;
}

/** The whole calibration. */
export interface Calibration {
  readonly latency: LatencyCalibration;
  readonly vm: VmSizing;
  readonly memory: MemoryCalibration;
  readonly disk: DiskCalibration;
  /** Instant-clone generation limits of a running source: warn above, fail at (vSphere). */
  readonly cloneGenerations: { readonly warnAbove: number; readonly failAt: number };
}

/** The defaults, from shared/reference/calibration.md. Frozen all the way down. */
export const DEFAULT_CALIBRATION: Calibration = deepFreeze({
  latency: {
    instantCloneMs: 100,
    instantCloneSerializedFraction: 0.5,
    runningSourceStunMs: 30,
    isoBootMs: 5000,
    linkedCloneCreateMs: 750,
    kernelBootMs: 200,
    datastoreBandwidthBytesPerSec: 500 * 1024 * 1024,
    createVmMs: 500,
    powerOnMs: 300,
    powerOffMs: 200,
    suspendMs: 1000,
    reconfigureMs: 200,
    destroyMs: 300,
    snapshotMs: 500,
    relocateMs: 1000,
    poolOpMs: 50,
  },
  vm: { defaultMemoryMB: 2048, defaultCpus: 2, minMemoryMB: 512, memoryGranularityMB: 128, maxVmsPerHost: 1024 },
  memory: {
    pageSize: 4096,
    largePageSize: 2 * 1024 * 1024,
    interVmTps: false,
    tpsScanMBPerSecPerGHz: 4,
    tpsHashEntryBytes: 16,
    minFreeBaseMB: 899,
    minFreeRestFraction: 0.01,
    stateThresholds: { high: 4, clear: 1, soft: 0.64, hard: 0.32, low: 0.16 },
    balloonMaxFraction: 0.65,
    compressionCacheFraction: 0.1,
    bootTouchedMB: 25,
    guestTickMs: 1000,
    guestWrites: 'sampled',
  },
  disk: {
    sesparseGrainBytes: 4096,
    vmfsSparseGrainBytes: 512,
    maxSnapshotChain: 32,
    maxRedoLevels: 255,
    vicScratchBytes: 8 * 1024 ** 3,
    vicMaxLayers: 90,
    vicDefaultVolumeMB: 1024,
  },
  cloneGenerations: { warnAbove: 100, failAt: 255 },
});

/** Freezes `value` and every object inside it; returns it. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** A partial calibration: any leaf may be given. */
export type CalibrationOverrides = { readonly [K in keyof Calibration]?: Partial<Calibration[K]> };

/**
 * The default calibration with `overrides` applied section by section; an object inside a section
 * (memory.stateThresholds) takes the values it is given and keeps the rest. An undefined value
 * means "not given". The result is frozen all the way down.
 * @throws InvalidArgumentError for an unknown section or key, or a value of the wrong type.
 */
export function calibrate(overrides: CalibrationOverrides = {}, base: Calibration = DEFAULT_CALIBRATION): Calibration {
  for (const section of Object.keys(overrides)) {
    if (!Object.hasOwn(base, section)) throw new InvalidArgumentError('calibration', `unknown calibration section ${section}`);
  }
  const merged = mergeChecked('', base as unknown as Record<string, unknown>, overrides) as unknown as Calibration;
  if (!GUEST_WRITE_MODELS.includes(merged.memory.guestWrites)) {
    throw new InvalidArgumentError('calibration', `calibration memory.guestWrites must be one of ${GUEST_WRITE_MODELS.join(', ')}, got '${merged.memory.guestWrites}'`);
  }
  return merged;
}

/**
 * A frozen copy of `defaults` with the values of `given` in place of theirs, recursing into
 * objects. `path` names `defaults` in messages ('' at the top).
 */
function mergeChecked(path: string, defaults: Record<string, unknown>, given: unknown): Record<string, unknown> {
  if (!isRecord(given)) {
    throw new InvalidArgumentError('calibration', `calibration ${path || 'overrides'} must be an object, got ${typeName(given)}`);
  }
  const out = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    const name = path ? `${path}.${key}` : key;
    if (!Object.hasOwn(defaults, key)) throw new InvalidArgumentError('calibration', `unknown calibration key ${name}`);
    const def = defaults[key];
    if (value === undefined) continue;
    if (isRecord(def)) out[key] = mergeChecked(name, def, value);
    else if (typeName(value) !== typeName(def)) {
      throw new InvalidArgumentError('calibration', `calibration ${name} must be a ${typeName(def)}, got ${typeName(value)}`);
    } else out[key] = value;
  }
  return Object.freeze(out);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

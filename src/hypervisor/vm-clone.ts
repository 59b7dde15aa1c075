/**
 * Cloning a VM three ways:
 * - `instant` (InstantClone_Task): from a running source, on the source's host; the source's disks
 *   are frozen and both source and clone get a new delta on top; the clone is born running.
 * - `linked` (CloneVM_Task with createNewChildDiskBacking): a delta on a snapshot of the source.
 * - `full` (CloneVM_Task): new base disks holding a copy of the source's data.
 * Memory sharing between instant clones belongs to the instant-clone layer; here the modes differ
 * in latency, disk layout and placement rules.
 */
import { DuplicateNameError, InvalidArgumentError, InvalidPowerStateError, InvalidStateError } from '../sim/errors.js';
import type { DatastoreId, HostId, ResourcePoolId, SnapshotId, VmId } from '../sim/ids.js';
import { chainAllocatedBytes, createDisk, discardDisk, getDisk, releaseChain, retainChain } from './disks.js';
import type { VSphereModel } from './model.js';
import type { TaskRecord, TaskSpec } from './tasks.js';
import type { CloneMode, Provenance, VirtualDevice, VirtualMachine, VmConfig } from './types.js';
import { hostName, materializeVm, type VmBlueprint } from './vm-create.js';
import { applyDestroy, resizeVmx } from './vm-config.js';
import { stopMemory } from './guest-memory.js';
import { applyPower, powerOnBlocker, releaseVm } from './vm-power.js';
import { checkVmName, type VmDevicesSpec } from './vm-spec.js';
import { numberedDeltaPath } from './vmdk/paths.js';

/** What a clone needs. */
export interface VmCloneSpec {
  readonly name: string;
  readonly mode: CloneMode;
  /** Default: the source's pool. */
  readonly pool?: ResourcePoolId;
  /** Default: placement (instant clones always stay on the source's host). */
  readonly host?: HostId;
  /** Default: the source's datastore. */
  readonly datastore?: DatastoreId;
  /** Power the clone on when done (instant clones are always running). */
  readonly powerOn?: boolean;
  /** Linked clones: the snapshot to branch from (default: the source's current snapshot). */
  readonly snapshot?: SnapshotId;
}

const DESCRIPTION: Record<CloneMode, string> = { instant: 'VirtualMachine.instantClone', linked: 'VirtualMachine.clone', full: 'VirtualMachine.clone' };

/** Queues a clone task. Spec errors are thrown at once; state errors fail the task. */
export function cloneVM(model: VSphereModel, source: VmId, spec: VmCloneSpec): TaskRecord {
  const src = model.registry.get('VirtualMachine', source);
  checkCloneSpec(model, src, spec);
  const durationMs = spec.mode === 'instant' ? instantCloneLatency(model, src) : cloneLatency(model, src, spec);
  return model.tasks.submit(new CloneTask(model, src, spec, durationMs));
}

/**
 * A clone's task: one object per queued clone (a spec literal with an `execute` closure was three:
 * the literal, the closure and its context, all kept while the task waits; a burst queues thousands).
 */
class CloneTask implements TaskSpec<VmId> {
  readonly descriptionId: string;
  readonly entity: VmId;
  readonly entityName: string;

  constructor(
    readonly model: VSphereModel,
    src: VirtualMachine,
    readonly spec: VmCloneSpec,
    readonly durationMs: number,
  ) {
    this.descriptionId = DESCRIPTION[spec.mode];
    this.entity = src.id;
    this.entityName = src.name;
  }

  execute(): VmId {
    return applyClone(this.model, this.entity, this.spec);
  }
}

function checkCloneSpec(model: VSphereModel, src: VirtualMachine, spec: VmCloneSpec): void {
  if (!spec || typeof spec !== 'object') throw new InvalidArgumentError('spec', 'a clone spec is required');
  checkVmName(spec.name);
  if (spec.mode !== 'instant' && spec.mode !== 'linked' && spec.mode !== 'full') throw new InvalidArgumentError('mode', `clone mode must be instant, linked or full, got '${String(spec.mode)}'`);
  if (model.vmByName(spec.name)) throw new DuplicateNameError('VirtualMachine', spec.name, 'the inventory');
  if (spec.pool !== undefined) model.registry.get('ResourcePool', spec.pool);
  if (spec.datastore !== undefined) model.registry.get('Datastore', spec.datastore);
  if (spec.host !== undefined) model.registry.get('Host', spec.host);
  if (spec.mode === 'instant' && spec.host !== undefined && spec.host !== src.host) {
    throw new InvalidArgumentError('host', `an instant clone stays on its source's host ${hostName(model, src.host)}`);
  }
  if (spec.snapshot !== undefined && !src.snapshots.some((s) => s.id === spec.snapshot)) {
    throw new InvalidArgumentError('snapshot', `${src.name} has no snapshot ${spec.snapshot}`);
  }
}

/** Simulated duration of a clone (calibration: instant 100 ms; linked create; full = copy + create). */
/**
 * Simulated duration of an instant clone, queueing included: about half of it (calibration
 * `instantCloneSerializedFraction`) is serialized per source, so clones of one template wait for each
 * other's serialized part; a running (not frozen) source is also stunned for each clone. O(1).
 */
function instantCloneLatency(model: VSphereModel, src: VirtualMachine): number {
  const l = model.calibration.latency;
  const now = model.clock.now();
  const frozen = model.memoryOf(src.host).isFrozen(src.id);
  const serialized = l.instantCloneMs * l.instantCloneSerializedFraction + (frozen ? 0 : l.runningSourceStunMs);
  const start = Math.max(now, model.templateBusyUntil.get(src.id) ?? 0);
  model.templateBusyUntil.set(src.id, start + serialized);
  return start - now + l.instantCloneMs + (frozen ? 0 : l.runningSourceStunMs);
}

/** Simulated duration of a linked clone (create, optional power-on) or a full clone (copy + create). */
function cloneLatency(model: VSphereModel, src: VirtualMachine, spec: VmCloneSpec): number {
  const l = model.calibration.latency;
  const powerOn = spec.powerOn ? l.powerOnMs : 0;
  if (spec.mode === 'linked') return l.linkedCloneCreateMs + powerOn;
  const bytes = src.config.devices.reduce((sum, d) => (d.type === 'disk' ? sum + chainAllocatedBytes(model, d.fileName) : sum), 0);
  return l.createVmMs + (bytes / l.datastoreBandwidthBytesPerSec) * 1000 + powerOn;
}

function applyClone(model: VSphereModel, source: VmId, spec: VmCloneSpec): VmId {
  const src = model.registry.get('VirtualMachine', source);
  const parts = clonePartsOf(src);
  const bp = cloneBlueprint(model, src, spec, parts);
  if (spec.mode === 'instant') return applyInstantClone(model, src, bp, parts);
  const vm = materializeVm(model, bp);
  logCloned(model, src, vm, parts, spec.mode);
  if (spec.powerOn) {
    try {
      applyPower(model, vm.id, 'powerOn');
    } catch (e) {
      applyDestroy(model, vm.id);
      throw e;
    }
  }
  return vm.id;
}

/**
 * An instant clone, registered already running (one registry put): the power-on checks run first
 * on the record-to-be (its id included, as HA's admission looks the VM up), so a refusal leaves
 * nothing behind; then disks, memory fork, reservations and registration together, the source's
 * new deltas (a running source), and the clone and power-on events.
 */
function applyInstantClone(model: VSphereModel, src: VirtualMachine, bp: VmBlueprint, parts: CloneParts): VmId {
  if (src.powerState !== 'poweredOn') throw new InvalidPowerStateError(src.name, 'instant clone', src.powerState, 'poweredOn');
  const blocker = powerOnBlocker(model, instantCandidate(src, model.ids.peek('vm'), bp));
  if (blocker) throw blocker;
  const vm = materializeVm(model, bp, src.id);
  try {
    if (!model.memoryOf(src.host).isFrozen(src.id)) freezeSource(model, src);
  } catch (e) {
    releaseVm(model, vm);
    stopMemory(model, vm);
    applyDestroy(model, model.registry.update({ ...vm, powerState: 'poweredOff', bootTime: undefined }).id);
    throw e;
  }
  logCloned(model, src, vm, parts, 'instant');
  model.events.log({ type: 'VmPoweredOnEvent', vm: vm.id, host: vm.host, pool: vm.pool, cluster: vm.cluster, fullFormattedMessage: `${vm.name} on ${hostName(model, vm.host)} is powered on` });
  warnOnGenerations(model, vm);
  return vm.id;
}

/**
 * `{ ...src, id, name, pool }` written as one literal (a spread copy costs a generic slow copy and
 * an out-of-object property array): what the power-on checks see of an instant clone to be. O(1).
 */
function instantCandidate(src: VirtualMachine, id: VmId, bp: VmBlueprint): VirtualMachine {
  return {
    id,
    kind: 'VirtualMachine',
    name: bp.name,
    cluster: src.cluster,
    pool: bp.pool,
    host: src.host,
    datastore: src.datastore,
    folder: src.folder,
    config: src.config,
    powerState: src.powerState,
    bootTime: src.bootTime,
    provenance: src.provenance,
    snapshots: src.snapshots,
    currentSnapshot: src.currentSnapshot,
  };
}

function logCloned(model: VSphereModel, src: VirtualMachine, vm: VirtualMachine, parts: CloneParts, mode: CloneMode): void {
  const type = mode === 'instant' ? 'VmInstantClonedEvent' : 'VmClonedEvent';
  model.events.log({ type, vm: vm.id, host: vm.host, pool: vm.pool, cluster: vm.cluster, data: parts.eventData[mode], fullFormattedMessage: `Cloned ${src.name} to ${vm.name} (${mode}) on ${hostName(model, vm.host)}` });
}

function cloneBlueprint(model: VSphereModel, src: VirtualMachine, spec: VmCloneSpec, parts: CloneParts): VmBlueprint {
  return {
    name: spec.name,
    pool: spec.pool ?? src.pool,
    host: spec.mode === 'instant' ? src.host : spec.host,
    datastore: spec.datastore ?? src.datastore,
    config: parts.config,
    devices: parts.devices,
    provenance: parts.provenance[spec.mode],
    cloneDisks: cloneDisksOf(model, src, spec, parts),
  };
}

/** The disks a clone makes: deltas on the source's disks (instant), on a snapshot's (linked), or copies (full). */
function cloneDisksOf(model: VSphereModel, src: VirtualMachine, spec: VmCloneSpec, parts: CloneParts): VmBlueprint['cloneDisks'] {
  if (spec.mode === 'full') return parts.disks.map((d) => ({ capacityBytes: d.capacityBytes, copyOf: d.fileName }));
  if (spec.mode === 'instant') return parts.instantDisks;
  const snapId = spec.snapshot ?? src.currentSnapshot;
  const snap = src.snapshots.find((s) => s.id === snapId);
  if (!snap) throw new InvalidStateError('SnapshotFault', src.id, 'no snapshot', `a linked clone of ${src.name} needs a snapshot to branch from`);
  return snap.disks.map((p) => ({ parent: p, capacityBytes: getDisk(model, p).capacityBytes }));
}

/** What every clone of one source configuration shares: derived once per configuration record. */
interface CloneParts {
  /** The clone's configuration before its devices are made. */
  readonly config: VmConfig;
  /** The NICs, CD-ROM and serial port the clone gets. */
  readonly devices: VmDevicesSpec;
  readonly disks: readonly (VirtualDevice & { type: 'disk' })[];
  /** An instant clone's disks: a delta on each of the source's disks. */
  readonly instantDisks: VmBlueprint['cloneDisks'];
  /** A clone's provenance record per mode (records are immutable, so every clone of this source shares one). */
  readonly provenance: Readonly<Record<CloneMode, Extract<Provenance, { via: 'clone' }>>>;
  /** The clone event's data per mode (shared the same way). */
  readonly eventData: Readonly<Record<CloneMode, Readonly<{ source: VmId; mode: CloneMode }>>>;
}

/**
 * Clone parts by source configuration. VM records and their configurations are immutable (an
 * update replaces the record), so a configuration object always derives the same parts (a
 * configuration object shared by two VMs re-derives them, as provenance names the source); a source
 * cloned many times (an instant-clone template) derives them once. O(devices) on a miss, O(1) after.
 */
const CLONE_PARTS = new WeakMap<VmConfig, CloneParts>();

function clonePartsOf(src: VirtualMachine): CloneParts {
  const config = src.config;
  let parts = CLONE_PARTS.get(config);
  if (parts && parts.provenance.instant.source === src.id) return parts;
  const disks = config.devices.filter((d): d is VirtualDevice & { type: 'disk' } => d.type === 'disk');
  const cd = config.devices.find((d) => d.type === 'cdrom');
  parts = {
    config: { ...config, devices: [], template: false },
    devices: {
      nics: config.devices.flatMap((d) => (d.type === 'nic' ? [{ network: d.network }] : [])),
      ...(cd && cd.type === 'cdrom' && cd.iso !== undefined ? { cdromIso: cd.iso } : {}),
      serialLog: config.devices.some((d) => d.type === 'serial'),
    },
    disks,
    instantDisks: disks.map((d) => ({ parent: d.fileName, capacityBytes: d.capacityBytes })),
    provenance: {
      instant: { via: 'clone', mode: 'instant', source: src.id },
      linked: { via: 'clone', mode: 'linked', source: src.id },
      full: { via: 'clone', mode: 'full', source: src.id },
    },
    eventData: { instant: { source: src.id, mode: 'instant' }, linked: { source: src.id, mode: 'linked' }, full: { source: src.id, mode: 'full' } },
  };
  CLONE_PARTS.set(config, parts);
  return parts;
}

/**
 * Freezes a running VM as an instant-clone template (vSphere 6.7's frozen source): its memory and
 * disks stop changing, so clones of it fork at depth 1 and leave the source's disks alone.
 * Immediate (a guest operation in vSphere, not a task).
 */
export function freezeVM(model: VSphereModel, id: VmId): void {
  const vm = model.registry.get('VirtualMachine', id);
  if (vm.powerState !== 'poweredOn') throw new InvalidPowerStateError(vm.name, 'freeze', vm.powerState, 'poweredOn');
  model.memoryOf(vm.host).freeze(id);
}

/** Logs vSphere's warning when a running-source chain passes the warning depth (100 levels). */
function warnOnGenerations(model: VSphereModel, vm: VirtualMachine): void {
  const id = vm.id;
  const depth = model.memoryOf(vm.host).generations(id);
  const { warnAbove, failAt } = model.calibration.cloneGenerations;
  if (depth <= warnAbove) return;
  model.events.log({ type: 'GeneralVmWarningEvent', vm: id, host: vm.host, cluster: vm.cluster, data: { generations: depth }, fullFormattedMessage: `${vm.name} is instant clone generation ${depth}; vSphere warns above ${warnAbove} and refuses ${failAt}` });
}

/**
 * Gives a running source a new delta on top of each disk after an instant clone branched from its
 * current tops, which stay frozen as the shared parents.
 */
function freezeSource(model: VSphereModel, src: VirtualMachine): void {
  const made: string[] = [];
  try {
    const devices = src.config.devices.map((d) => {
      if (d.type !== 'disk') return d;
      const delta = createDisk(model, { datastore: src.datastore, path: freeDeltaPath(model, src, d.fileName), capacityBytes: d.capacityBytes, parent: d.fileName });
      made.push(delta.path);
      return { ...d, fileName: delta.path };
    });
    for (const p of made) retainChain(model, p);
    for (const d of src.config.devices) if (d.type === 'disk') releaseChain(model, d.fileName);
    resizeVmx(model, model.registry.update({ ...src, config: { ...src.config, devices } }));
  } catch (e) {
    for (const p of made) discardDisk(model, p);
    throw e;
  }
}

/** The first numbered delta name (`vm-000001.vmdk`, …) free in the VM's folder. */
export function freeDeltaPath(model: VSphereModel, vm: VirtualMachine, top: string): string {
  const files = model.files(vm.datastore);
  const rel = top.slice(top.indexOf('] ') + 2);
  const stem = rel.startsWith(`${vm.folder}/`) ? rel : `${vm.folder}/${rel.slice(rel.lastIndexOf('/') + 1)}`;
  for (let n = 1; ; n++) {
    const candidate = numberedDeltaPath(stem, n);
    if (!model.vmdks.has(files.dsPath(candidate))) return candidate;
  }
}

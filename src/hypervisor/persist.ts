/**
 * Save and restore a model as versioned JSON. What derives from other state is not saved: reserved
 * amounts, indexes, projected files (.vmx, descriptors) and extent sizes are rebuilt on restore.
 * A restore builds a new model and returns it; the current one is never touched, so a failed
 * restore leaves everything as it was. Tasks still running at save time come back failed, as
 * vCenter fails in-flight tasks after a restart. Layers above keep their per-model state in the
 * save through {@link registerPersistedExtension}.
 */
import { Clock, DEFAULT_EPOCH_MS } from '../sim/clock.js';
import { RestoreError, VicsimError } from '../sim/errors.js';
import { Rng } from '../sim/rng.js';
import type { VsphereEvent } from './events.js';
import { VSphereModel, type ModelOptions } from './model.js';
import { poolNode } from './pools.js';
import type { TaskRecord } from './tasks.js';
import type { DatastoreId } from '../sim/ids.js';
import type { DatastoreFiles } from './datastore-files.js';
import type { InventoryObject, VirtualMachine } from './types.js';
import { remountDisks } from './disks.js';
import { resizeVmx } from './vm-config.js';
import { holdVm } from './vm-power.js';
import { startMemory } from './guest-memory.js';
import type { VmdkStoreState } from './vmdk/persistence.js';
import { VmdkStore } from './vmdk/vmdk-store.js';

/** The saved format's name and version. */
export const SAVE_FORMAT = 'vicsim-model';
/** Bumped whenever the saved shape changes incompatibly. */
export const SAVE_VERSION = 1;

/** A saved model. */
export interface SavedModel {
  readonly format: typeof SAVE_FORMAT;
  readonly version: number;
  readonly time: number;
  /** Wall-clock ms simulated time 0 stands for (absent in older saves: the default epoch). */
  readonly epochMs?: number;
  readonly idCounter: number;
  readonly macCounter: number;
  readonly rng: number[];
  readonly objects: InventoryObject[];
  /** Every disk link with its grain runs (the vmdk store's own format). */
  readonly vmdks: VmdkStoreState;
  readonly diskRefs: [string, number][];
  /** Stored (non-derived) files per datastore id, as UTF-8 text. */
  readonly files: Record<string, Record<string, string>>;
  /** Stored files whose bytes are not UTF-8 text, base64, per datastore id (absent in older saves). */
  readonly binaryFiles?: Record<string, Record<string, string>>;
  /** Every stored folder per datastore id, empty ones included (absent in older saves). */
  readonly directories?: Record<string, string[]>;
  /** Stand-alone disks, each holding one reference to its chain (absent in older saves). */
  readonly standaloneDisks?: string[];
  readonly events: VsphereEvent[];
  readonly nextEventKey: number;
  readonly tasks: TaskRecord[];
  /** What each registered {@link PersistedExtension} saved, by its key (absent in older saves). */
  readonly extensions?: Record<string, unknown>;
}

/**
 * State a layer above the hypervisor keeps per model outside its registry (the DRS drivers'
 * per-cluster settings, the Backend's rules and groups), saved and restored with the model. The
 * module owning the state registers it once, when it is loaded.
 */
export interface PersistedExtension {
  /** Stable key of its part of the saved JSON. */
  readonly key: string;
  /** A JSON-ready copy of its state in `model`, or undefined when it has none there. */
  save(model: VSphereModel): unknown;
  /**
   * Puts `state` (what {@link save} returned, after a JSON round trip) into the restored `model`;
   * runs once its objects, disks, files, events and tasks are back, in registration order.
   * @throws any error for malformed state (the restore then fails with a RestoreError).
   */
  restore(model: VSphereModel, state: unknown): void;
}

const EXTENSIONS = new Map<string, PersistedExtension>();

/**
 * Saves and restores `extension` with every model from now on. Registering a key again replaces it.
 * A saved part whose key no loaded module registered is skipped at restore.
 */
export function registerPersistedExtension(extension: PersistedExtension): void {
  EXTENSIONS.set(extension.key, extension);
}

function savedExtensions(model: VSphereModel): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, ext] of EXTENSIONS) {
    const state = ext.save(model);
    if (state !== undefined) out[key] = structuredClone(state);
  }
  return out;
}

/** A JSON-ready snapshot of the model. O(objects + files + history). */
export function saveModel(model: VSphereModel): SavedModel {
  const objects = [...model.registry.values()];
  const files: Record<string, Record<string, string>> = {};
  const binaryFiles: Record<string, Record<string, string>> = {};
  const directories: Record<string, string[]> = {};
  for (const ds of model.registry.all('Datastore')) {
    [files[ds.id], binaryFiles[ds.id]] = storedContent(model.files(ds.id));
    directories[ds.id] = model.files(ds.id).directories();
  }
  return {
    format: SAVE_FORMAT,
    version: SAVE_VERSION,
    time: model.clock.now(),
    epochMs: model.clock.epochMs,
    idCounter: model.ids.counter,
    macCounter: model.macCounter,
    rng: model.rng.state(),
    objects: structuredClone(objects),
    vmdks: model.vmdks.toJSON(),
    diskRefs: [...model.diskRefs.entries()],
    files,
    binaryFiles,
    directories,
    standaloneDisks: [...model.standaloneDisks],
    events: model.events.history(),
    nextEventKey: model.events.nextKey,
    tasks: model.tasks.list(),
    extensions: savedExtensions(model),
  };
}

/**
 * A new model rebuilt from saved JSON (a string or the parsed object).
 * @throws RestoreError naming what is wrong; nothing else is affected.
 */
export function restoreModel(saved: unknown, opts: Omit<ModelOptions, 'clock' | 'seed'> = {}): VSphereModel {
  const s = parse(saved);
  try {
    const clock = new Clock(s.epochMs ?? DEFAULT_EPOCH_MS);
    clock.resetTime(s.time);
    const model = new VSphereModel({ ...opts, clock });
    model.ids.counter = s.idCounter;
    model.macCounter = s.macCounter;
    model.rng = Rng.fromState(s.rng);
    for (const o of s.objects) restoreObject(model, o);
    model.vmdks = VmdkStore.restore(s.vmdks, { rng: model.rng, calibration: model.calibration.disk });
    for (const [p, n] of s.diskRefs) model.diskRefs.set(p, n);
    for (const p of s.standaloneDisks ?? []) model.standaloneDisks.add(p);
    checkReferences(model);
    remountDisks(model);
    for (const [dsId, dirs] of Object.entries(s.directories ?? {})) for (const d of dirs) model.files(dsId as DatastoreId).mkdir(d, true);
    for (const [dsId, stored] of Object.entries(s.files)) {
      const files = model.files(dsId as DatastoreId);
      for (const [path, content] of Object.entries(stored)) files.writeFile(path, content);
    }
    for (const [dsId, stored] of Object.entries(s.binaryFiles ?? {})) {
      const files = model.files(dsId as DatastoreId);
      for (const [path, content] of Object.entries(stored)) files.writeFile(path, Buffer.from(content, 'base64'));
    }
    for (const vm of model.registry.all('VirtualMachine')) {
      resizeVmx(model, vm);
      if (vm.powerState === 'poweredOn') {
        holdVm(model, vm);
        startMemory(model, vm);
      }
    }
    model.events.restore(s.events, s.nextEventKey);
    model.tasks.restore(s.tasks, new RestoreError('the task was in progress when the model was saved'));
    for (const [key, ext] of EXTENSIONS) if (s.extensions?.[key] !== undefined) ext.restore(model, s.extensions[key]);
    return model;
  } catch (e) {
    if (e instanceof RestoreError) throw e;
    throw new RestoreError(`saved model is inconsistent: ${e instanceof VicsimError || e instanceof Error ? e.message : String(e)}`);
  }
}

function restoreObject(model: VSphereModel, o: InventoryObject): void {
  model.registry.put(o);
  if (o.kind === 'ResourcePool') {
    model.accounting.setPool({ ...poolNode(o), reservation: { cpu: 0, memory: 0 } });
    model.accounting.applyPoolChange(poolNode(o));
  } else if (o.kind === 'Datastore') {
    model.mountDatastore(o.id, o.name, o.capacityBytes);
  }
}

/** Requires a saved record of `kind` under `id`, which `from` names. */
type Need = (from: string, kind: InventoryObject['kind'], id: string | undefined) => void;

/**
 * Every id a record names resolves to a saved record of the right kind, a VM's host and pool are
 * in its cluster, and every disk a VM, a snapshot or a reference count names is saved.
 * O(objects + devices + snapshots). @throws RestoreError naming the first dangling reference.
 */
function checkReferences(model: VSphereModel): void {
  const need: Need = (from, kind, id) => {
    const o = id === undefined ? undefined : model.registry.find(id);
    if (o?.kind !== kind) throw new RestoreError(`saved model is inconsistent: ${from} names ${kind} ${id}, which is not saved`);
  };
  for (const o of model.registry.values()) {
    if (o.kind === 'Cluster') {
      need(o.id, 'Datacenter', o.datacenter);
      need(o.id, 'ResourcePool', o.rootPool);
    } else if (o.kind === 'Host') need(o.id, 'Cluster', o.cluster);
    else if (o.kind === 'ResourcePool') {
      need(o.id, 'Cluster', o.cluster);
      if (o.parent !== undefined) need(o.id, 'ResourcePool', o.parent);
    } else if (o.kind === 'Datastore' || o.kind === 'Network') need(o.id, 'Datacenter', o.datacenter);
    else if (o.kind === 'VirtualMachine') checkVmReferences(model, o, need);
  }
  for (const p of model.diskRefs.keys()) if (!model.vmdks.has(p)) throw new RestoreError(`saved model is inconsistent: disk ${p} is counted but not saved`);
  for (const p of model.standaloneDisks) if (!model.diskRefs.has(p)) throw new RestoreError(`saved model is inconsistent: stand-alone disk ${p} holds no reference`);
}

function checkVmReferences(model: VSphereModel, vm: VirtualMachine, need: Need): void {
  need(vm.id, 'Cluster', vm.cluster);
  need(vm.id, 'ResourcePool', vm.pool);
  need(vm.id, 'Host', vm.host);
  need(vm.id, 'Datastore', vm.datastore);
  const { cluster: hostCluster } = model.registry.get('Host', vm.host);
  const { cluster: poolCluster } = model.registry.get('ResourcePool', vm.pool);
  if (hostCluster !== vm.cluster || poolCluster !== vm.cluster) throw new RestoreError(`saved model is inconsistent: ${vm.id} has its host or pool outside cluster ${vm.cluster}`);
  const disks = vm.snapshots.flatMap((s) => s.disks);
  for (const d of vm.config.devices) {
    if (d.type === 'disk') disks.push(d.fileName);
    else if (d.type === 'nic') need(vm.id, 'Network', d.network);
  }
  for (const p of disks) {
    if (!model.vmdks.has(p)) throw new RestoreError(`saved model is inconsistent: ${vm.id} uses disk ${p}, which is not saved`);
  }
}

/** A datastore's stored files split into UTF-8 text and base64 of the rest. O(stored bytes). */
function storedContent(files: DatastoreFiles): [Record<string, string>, Record<string, string>] {
  const text: Record<string, string> = {};
  const binary: Record<string, string> = {};
  for (const f of files.files()) {
    if (f.kind !== 'stored') continue;
    const bytes = Buffer.from(files.readBytes(f.path));
    const utf8 = bytes.toString('utf8');
    if (Buffer.from(utf8, 'utf8').equals(bytes)) text[f.path] = utf8;
    else binary[f.path] = bytes.toString('base64');
  }
  return [text, binary];
}

function parse(saved: unknown): SavedModel {
  let s: unknown = saved;
  if (typeof saved === 'string') {
    try {
      s = JSON.parse(saved);
    } catch (e) {
      throw new RestoreError(`saved model is not JSON: ${(e as Error).message}`);
    }
  }
  if (!s || typeof s !== 'object') throw new RestoreError('saved model must be an object');
  const o = s as Partial<SavedModel>;
  if (o.format !== SAVE_FORMAT) throw new RestoreError(`not a vicsim model (format ${JSON.stringify(o.format)})`);
  if (o.version !== SAVE_VERSION) throw new RestoreError(`saved model version ${o.version} is not supported (this vicsim reads version ${SAVE_VERSION})`);
  if (!o.vmdks || typeof o.vmdks !== 'object') throw new RestoreError(`saved model field 'vmdks' must be an object`);
  for (const k of ['objects', 'diskRefs', 'events', 'tasks', 'rng'] as const) {
    if (!Array.isArray(o[k])) throw new RestoreError(`saved model field '${k}' must be an array`);
  }
  for (const k of ['time', 'idCounter', 'macCounter', 'nextEventKey'] as const) {
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) throw new RestoreError(`saved model field '${k}' must be a number`);
  }
  if (!o.files || typeof o.files !== 'object') throw new RestoreError(`saved model field 'files' must be an object`);
  if (o.extensions !== undefined && (o.extensions === null || typeof o.extensions !== 'object')) throw new RestoreError(`saved model field 'extensions' must be an object`);
  return o as SavedModel;
}

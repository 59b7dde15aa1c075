/**
 * DRS migrations as real RelocateVM tasks on the model's clock. Each recommended move waits in a
 * FIFO queue until {@link vmotionAdmission} lets it start (per-host limits from the NIC speed, the
 * datastore limit); it then runs as a relocate task whose duration is the vMotion pre-copy time
 * of the VM as it is at that moment (consumed memory, workload dirty rate, the slower link). The
 * VM keeps running during the move; on success a DrsVmMigratedEvent is logged. Every move is kept
 * in the history with its times and outcome.
 */
import type { DatastoreId, HostId, TaskId, VmId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { TaskRecord } from '../../hypervisor/tasks.js';
import { relocateVM } from '../../hypervisor/vm-config.js';
import type { MoveReason, Recommendation } from '../recommendations.js';
import { vmMigration, vmotionAdmission, type PrecopyOptions } from '../vmotion.js';
import { hostSnapshot, measuredDemand, vmSnapshot } from './model-snapshot.js';

/** Where a DRS migration stands. */
export type MigrationState = 'waiting' | 'running' | 'success' | 'error' | 'superseded';

/** One DRS migration. */
export interface MigrationRecord {
  readonly vm: VmId;
  readonly from: HostId;
  readonly to: HostId;
  readonly reason: MoveReason;
  readonly priority: number;
  readonly explanation: string;
  /** Simulated ms when DRS recommended it. */
  readonly recommendedAt: number;
  state: MigrationState;
  /** The relocate task, once started. */
  task?: TaskId;
  startedAt?: number;
  completedAt?: number;
  /** The vMotion time the task ran for, ms. */
  durationMs?: number;
  /** Why it failed or was superseded. */
  error?: string;
}

/** Queue, in-flight counts and history of one model's DRS migrations. */
export class MigrationQueue {
  readonly history: MigrationRecord[] = [];
  readonly #waiting: MigrationRecord[] = [];
  readonly #byTask = new Map<TaskId, { record: MigrationRecord; datastore: DatastoreId }>();
  readonly #hostsInFlight = new Map<HostId, number>();
  readonly #datastoresInFlight = new Map<DatastoreId, number>();
  readonly #busyVms = new Set<VmId>();
  readonly #unlisten: () => void;

  /** @param historySize migrations kept (oldest dropped first), > 0. */
  constructor(
    readonly model: VSphereModel,
    readonly precopy: PrecopyOptions,
    readonly historySize: number,
  ) {
    this.#unlisten = model.tasks.listen((info) => this.#finished(info));
  }

  /** Whether a migration of `vm` is waiting or running. O(1). */
  busy(vm: VmId): boolean {
    return this.#busyVms.has(vm);
  }

  /** Queues recommended moves (skipping VMs already moving) and starts what admission allows. O(moves + waiting). */
  enqueue(recommendations: readonly Recommendation[]): void {
    for (const r of recommendations) {
      if (this.#busyVms.has(r.vm)) continue;
      const record: MigrationRecord = { vm: r.vm, from: r.from, to: r.to, reason: r.reason, priority: r.priority, explanation: r.explanation, recommendedAt: this.model.clock.now(), state: 'waiting' };
      this.#busyVms.add(r.vm);
      this.#waiting.push(record);
      this.#remember(record);
    }
    this.#pump();
  }

  /** Drops the waiting moves of VMs on `hosts` (a newer pass replaces them); running ones finish. O(waiting). */
  supersede(hosts: ReadonlySet<HostId>, why: string): void {
    for (let i = this.#waiting.length - 1; i >= 0; i--) {
      const r = this.#waiting[i]!;
      if (!hosts.has(r.from)) continue;
      this.#waiting.splice(i, 1);
      this.#busyVms.delete(r.vm);
      r.state = 'superseded';
      r.error = why;
    }
  }

  /** Stops listening to tasks; waiting moves are superseded, running tasks finish on their own. */
  close(): void {
    this.#unlisten();
    for (const r of this.#waiting) Object.assign(r, { state: 'superseded', error: 'DRS was disabled' });
    this.#waiting.length = 0;
  }

  /** Starts waiting moves in order while admission allows; a move that cannot start yet keeps its place. */
  #pump(): void {
    for (let i = 0; i < this.#waiting.length; ) {
      const r = this.#waiting[i]!;
      const started = this.#tryStart(r);
      if (started === 'wait') i++;
      else this.#waiting.splice(i, 1);
    }
  }

  /** Starts one move, or says it must wait; a move that is no longer possible ends as an error. */
  #tryStart(r: MigrationRecord): 'wait' | 'done' {
    const vm = this.model.registry.find(r.vm);
    if (vm?.kind !== 'VirtualMachine' || vm.powerState !== 'poweredOn' || vm.host !== r.from) return this.#drop(r, 'the VM is no longer running on the source host');
    const from = this.model.registry.get('Host', r.from);
    const to = this.model.registry.find(r.to);
    if (to?.kind !== 'Host' || to.state !== 'connected') return this.#drop(r, 'the destination host is not connected');
    const fromSnap = hostSnapshot(from);
    const toSnap = hostSnapshot(to);
    const admission = vmotionAdmission({
      sourceInFlight: this.#hostsInFlight.get(r.from) ?? 0,
      destinationInFlight: this.#hostsInFlight.get(r.to) ?? 0,
      datastoreInFlight: this.#datastoresInFlight.get(vm.datastore) ?? 0,
      sourceGbps: fromSnap.vmotionGbps,
      destinationGbps: toSnap.vmotionGbps,
    });
    if (!admission.ok) return 'wait';
    const seconds = vmMigration(vmSnapshot(this.model, vm, measuredDemand(this.model, vm)), fromSnap, toSnap, this.precopy).totalSeconds;
    r.durationMs = Math.round(seconds * 1000);
    let task: TaskRecord;
    try {
      task = relocateVM(this.model, vm.id, { host: r.to }, { durationMs: r.durationMs });
    } catch (e) {
      return this.#drop(r, (e as Error).message);
    }
    Object.assign(r, { state: 'running', task: task.id, startedAt: this.model.clock.now() });
    this.#byTask.set(task.id, { record: r, datastore: vm.datastore });
    bump(this.#hostsInFlight, r.from, 1);
    bump(this.#hostsInFlight, r.to, 1);
    bump(this.#datastoresInFlight, vm.datastore, 1);
    return 'done';
  }

  #drop(r: MigrationRecord, why: string): 'done' {
    Object.assign(r, { state: 'error', error: why, completedAt: this.model.clock.now() });
    this.#busyVms.delete(r.vm);
    return 'done';
  }

  #finished(info: TaskRecord): void {
    const entry = this.#byTask.get(info.id);
    if (!entry) return;
    this.#byTask.delete(info.id);
    const { record: r, datastore } = entry;
    bump(this.#hostsInFlight, r.from, -1);
    bump(this.#hostsInFlight, r.to, -1);
    bump(this.#datastoresInFlight, datastore, -1);
    this.#busyVms.delete(r.vm);
    r.completedAt = this.model.clock.now();
    if (info.state === 'success') {
      r.state = 'success';
      this.#logMigrated(r);
    } else {
      r.state = 'error';
      r.error = info.error?.message ?? 'the relocate task failed';
    }
    this.#pump();
  }

  #logMigrated(r: MigrationRecord): void {
    const vm = this.model.registry.get('VirtualMachine', r.vm);
    const name = (id: HostId) => this.model.registry.get('Host', id).name;
    this.model.events.log({
      type: 'DrsVmMigratedEvent',
      vm: vm.id,
      host: r.to,
      pool: vm.pool,
      cluster: vm.cluster,
      data: { sourceHost: r.from, reason: r.reason, priority: r.priority },
      fullFormattedMessage: `DRS migrated ${vm.name} from ${name(r.from)} to ${name(r.to)} (${r.reason}, priority ${r.priority}, ${((r.durationMs ?? 0) / 1000).toFixed(1)} s vMotion)`,
    });
  }

  #remember(r: MigrationRecord): void {
    this.history.push(r);
    if (this.history.length > this.historySize) this.history.splice(0, this.history.length - this.historySize);
  }
}

function bump<K>(m: Map<K, number>, k: K, by: number): void {
  const v = (m.get(k) ?? 0) + by;
  if (v === 0) m.delete(k);
  else m.set(k, v);
}

/**
 * Long operations are Tasks timed on the virtual clock, as in vCenter: queued → running → success
 * or error, with queue, start and complete times. Tasks on one entity run one at a time in FIFO
 * order (vCenter locks the entity); the operation's effect is applied at completion, all at once,
 * after re-validating: a task that fails changes nothing.
 */
import type { Clock } from '../sim/clock.js';
import { NotFoundError, SystemError, VicsimError } from '../sim/errors.js';
import type { IdAllocator, TaskId } from '../sim/ids.js';
import { TASK_TABLE, nextState } from './lifecycle.js';

/** Task states (vim: TaskInfoState). */
export type TaskRecordState = 'queued' | 'running' | 'success' | 'error';

/** A task's public record (vim: TaskRecord, the parts vicsim models). */
export interface TaskRecord {
  readonly id: TaskId;
  /** vCenter's description id, e.g. `VirtualMachine.powerOn`. */
  readonly descriptionId: string;
  /** The object the task acts on. */
  readonly entity: string;
  readonly entityName: string;
  readonly state: TaskRecordState;
  readonly queueTime: number;
  readonly startTime: number | undefined;
  readonly completeTime: number | undefined;
  /** On success: the result (an id, usually). */
  readonly result: unknown;
  /** On error: the typed error's code and message. */
  readonly error: { readonly code: string; readonly message: string } | undefined;
}

/** What to run as a task. */
export interface TaskSpec<T> {
  readonly descriptionId: string;
  readonly entity: string;
  readonly entityName: string;
  /** Simulated duration once running. */
  readonly durationMs: number;
  /** Serialize with other tasks holding this key (usually the entity id); undefined = no lock. */
  readonly lock?: string | undefined;
  /** Runs at completion: validates, applies the effect, returns the result. Throwing fails the task. */
  readonly execute: () => T;
  /** Optional check when the task starts running; throwing fails the task at once. */
  readonly onStart?: () => void;
}

interface LiveTask {
  info: TaskRecord;
  spec: TaskSpec<unknown>;
  error: VicsimError | undefined;
}

/** Called when any task finishes. */
export type TaskListener = (info: TaskRecord, error: VicsimError | undefined) => void;

/** Creates, queues, runs and remembers tasks. */
export class TaskManager {
  readonly #live = new Map<TaskId, LiveTask>();
  readonly #recent = new Map<TaskId, TaskRecord>();
  /**
   * The ids of {@link #recent} in the order they were added, from index {@link #oldest} on: trimming
   * takes the oldest from here (asking the map for its first key scans the holes its deletions leave).
   */
  #recentOrder: TaskId[] = [];
  #oldest = 0;
  readonly #errors = new Map<TaskId, VicsimError>();
  readonly #locks = new Map<string, LiveTask[]>();
  readonly #listeners = new Set<TaskListener>();

  /** @param historySize how many finished tasks stay visible (vCenter's recent tasks). */
  constructor(
    readonly clock: Clock,
    readonly ids: IdAllocator,
    readonly historySize = 1000,
  ) {}

  /** Queues a task; it runs when its lock is free. Returns its initial record. */
  submit<T>(spec: TaskSpec<T>): TaskRecord {
    const now = this.clock.now();
    const queue = spec.lock === undefined ? undefined : this.#locks.get(spec.lock);
    const startsNow = queue === undefined;
    const live: LiveTask = {
      info: {
        id: this.ids.next('task'),
        descriptionId: spec.descriptionId,
        entity: spec.entity,
        entityName: spec.entityName,
        state: startsNow ? START_STATE : 'queued',
        queueTime: now,
        startTime: startsNow ? now : undefined,
        completeTime: undefined,
        result: undefined,
        error: undefined,
      },
      spec,
      error: undefined,
    };
    this.#live.set(live.info.id, live);
    if (queue) queue.push(live);
    else {
      if (spec.lock !== undefined) this.#locks.set(spec.lock, [live]);
      this.#run(live);
    }
    return live.info;
  }

  /** A task's record, live or recent. @throws NotFoundError once it left the history. */
  info(id: TaskId): TaskRecord {
    const t = this.#live.get(id)?.info ?? this.#recent.get(id);
    if (!t) throw new NotFoundError('Task', id);
    return t;
  }

  /** The typed error of a failed task that is still in the history, if any. */
  errorOf(id: TaskId): VicsimError | undefined {
    return this.#live.get(id)?.error ?? this.#errors.get(id);
  }

  /** Live tasks then recent ones, oldest first. */
  list(): TaskRecord[] {
    return [...this.#recent.values(), ...[...this.#live.values()].map((l) => l.info)];
  }

  /** Whether any task is queued or running. */
  get busy(): boolean {
    return this.#live.size > 0;
  }

  /** Subscribes to task completion; returns the unsubscribe function. */
  listen(l: TaskListener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }

  /**
   * Fails every live task with `error` (used by restore: tasks in flight when a model was saved
   * cannot be resumed, as vCenter fails them after a restart). Returns how many.
   */
  abortAll(error: VicsimError): number {
    const live = [...this.#live.values()];
    for (const t of live) this.#finish(t, undefined, error);
    this.#locks.clear();
    return live.length;
  }

  /**
   * Loads a saved task history into an empty manager. Tasks that were queued or running are
   * recorded as failed with `interrupted`.
   */
  restore(tasks: readonly TaskRecord[], interrupted: VicsimError): void {
    for (const t of tasks) {
      const done = t.state === 'success' || t.state === 'error';
      const info: TaskRecord = done ? t : { ...t, state: 'error', completeTime: this.clock.now(), error: { code: interrupted.code, message: interrupted.message } };
      if (!this.#recent.has(info.id)) this.#recentOrder.push(info.id);
      this.#recent.set(info.id, info);
      if (!done) this.#errors.set(info.id, interrupted);
    }
    this.#trim();
  }

  /** Starts a queued task (its lock came free). */
  #start(live: LiveTask): void {
    this.#transition(live, 'START', this.clock.now(), undefined, undefined, undefined);
    this.#run(live);
  }

  /** Runs a task that is in the running state: its start check, then its completion after its duration. */
  #run(live: LiveTask): void {
    try {
      live.spec.onStart?.();
    } catch (e) {
      this.#finish(live, undefined, asVicsimError(e));
      return;
    }
    this.clock.schedule(live.spec.durationMs, () => this.#complete(live), { label: live.spec.descriptionId });
  }

  #complete(live: LiveTask): void {
    if (live.info.state !== 'running') return;
    let result: unknown;
    try {
      result = live.spec.execute();
    } catch (e) {
      this.#finish(live, undefined, asVicsimError(e));
      return;
    }
    this.#finish(live, result, undefined);
  }

  #finish(live: LiveTask, result: unknown, error: VicsimError | undefined): void {
    const event = error ? (live.info.state === 'queued' ? 'CANCEL' : 'FAIL') : 'SUCCEED';
    this.#transition(live, event, live.info.startTime, this.clock.now(), result, error ? { code: error.code, message: error.message } : undefined);
    live.error = error;
    this.#live.delete(live.info.id);
    this.#remember(live);
    this.#release(live);
    for (const l of this.#listeners) l(live.info, error);
  }

  /** Replaces the task's record with its next state and the given times and outcome (one new record, no patch object). */
  #transition(live: LiveTask, event: string, startTime: number | undefined, completeTime: number | undefined, result: unknown, error: TaskRecord['error']): void {
    const i = live.info;
    const state = nextState(TASK_TABLE, i.state, event) as TaskRecordState | undefined;
    if (!state) throw new Error(`task ${i.id}: ${event} not allowed in ${i.state}`);
    live.info = { id: i.id, descriptionId: i.descriptionId, entity: i.entity, entityName: i.entityName, state, queueTime: i.queueTime, startTime, completeTime, result, error };
  }

  #remember(live: LiveTask): void {
    this.#recent.set(live.info.id, live.info);
    this.#recentOrder.push(live.info.id);
    if (live.error) this.#errors.set(live.info.id, live.error);
    this.#trim();
  }

  /** Forgets the oldest finished tasks beyond the history size. O(1) amortized per task. */
  #trim(): void {
    while (this.#recent.size > this.historySize) {
      const oldest = this.#recentOrder[this.#oldest++]!;
      this.#recent.delete(oldest);
      if (this.#errors.size > 0) this.#errors.delete(oldest);
    }
    if (this.#oldest > 1024 && this.#oldest * 2 > this.#recentOrder.length) {
      this.#recentOrder = this.#recentOrder.slice(this.#oldest);
      this.#oldest = 0;
    }
  }

  #release(live: LiveTask): void {
    const key = live.spec.lock;
    if (key === undefined) return;
    const queue = this.#locks.get(key);
    if (!queue) return;
    const i = queue.indexOf(live);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) this.#locks.delete(key);
    else if (i === 0 && queue[0]!.info.state === 'queued') this.#start(queue[0]!);
  }
}

/**
 * The state a task submitted with its lock free starts in: made running at once (the queued record
 * such a task had before was replaced at once, one record per task for nothing).
 */
const START_STATE = nextState(TASK_TABLE, 'queued', 'START') as TaskRecordState;

/** Wraps anything thrown into a VicsimError (unexpected errors keep their message). */
export function asVicsimError(e: unknown): VicsimError {
  if (e instanceof VicsimError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new SystemError(message);
}

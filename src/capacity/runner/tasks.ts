/**
 * Continuations for model tasks: the runner reacts to a task's end inside the clock event that
 * finishes it, so provisioning steps chain on simulated time without promises.
 */
import type { VicsimError } from '../../sim/errors.js';
import type { TaskId } from '../../sim/ids.js';
import type { VSphereModel } from '../../hypervisor/model.js';
import type { TaskRecord } from '../../hypervisor/tasks.js';

/** What a continuation receives: the task's result on success, or its typed error. */
export type TaskOutcome = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: VicsimError };

/** Calls a function when a given task of one model ends. O(1) per task. */
export class TaskContinuations {
  readonly #waiting = new Map<TaskId, (outcome: TaskOutcome) => void>();

  /** Listens to `model`'s tasks for the rest of its life. */
  constructor(model: VSphereModel) {
    model.tasks.listen((info, error) => {
      const next = this.#waiting.get(info.id);
      if (!next) return;
      this.#waiting.delete(info.id);
      next(error ? { ok: false, error } : { ok: true, result: info.result });
    });
  }

  /** Runs `next` when `task` ends. Precondition: the task is queued or running. */
  after(task: TaskRecord, next: (outcome: TaskOutcome) => void): void {
    this.#waiting.set(task.id, next);
  }
}

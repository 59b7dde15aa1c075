/**
 * Tasks of the live backend: a Backend Task handle over a vim Task reference (wait() follows it with
 * the client's task waiting: one read, then WaitForUpdatesEx), one task's record, and the recent ones
 * (TaskManager.recentTask).
 */
import { SystemError } from '../../sim/errors.js';
import type { TaskId } from '../../sim/ids.js';
import type { Task, TaskInfo } from '../backend.js';
import { taskInfo } from './convert.js';
import { list, obj, optionalRef, ref } from './refs.js';
import { expectObject } from './vim25/model.js';
import { ManagedObjectReference, readObject, retrieveProperties, waitForTask, type TaskWaitOptions, type VimClient, type VimValue } from './vim25/index.js';

/**
 * A Task handle for a started vim task. `wait()` resolves with `outcome(info.result)` (which may do
 * follow-up work, e.g. a power-on) or rejects with the task's typed error; the wait runs once and is
 * shared by every caller.
 */
export function taskHandle<T>(
  client: VimClient,
  task: ManagedObjectReference,
  descriptionId: string,
  outcome: (result: VimValue | undefined) => T | Promise<T>,
  options?: TaskWaitOptions,
): Task<T> {
  let settled: Promise<T> | undefined;
  return {
    id: task.value as TaskId,
    descriptionId,
    wait: () => (settled ??= waitForTask(client, task, options).then(outcome)),
  };
}

/** The reference a task returned as its result, or SystemError. */
export function resultRef(value: VimValue | undefined, method: string): ManagedObjectReference {
  if (value instanceof ManagedObjectReference) return value;
  throw new SystemError(`${method} finished without returning an object`);
}

/** One task's record. Rejects with NotFoundError when the server no longer has it. */
export async function readTask(client: VimClient, id: TaskId): Promise<TaskInfo> {
  const info = (await readObject(client, ref('task', id), ['info'])).get('info');
  return taskInfo(expectObject(info, 'TaskInfo'));
}

/** TaskManager.recentTask with their records, oldest first (by queue time, then server order). O(tasks). */
export async function recentTasks(client: VimClient): Promise<TaskInfo[]> {
  const manager = optionalRef(client.serviceContent['taskManager']);
  if (manager === undefined) throw new SystemError('this server has no TaskManager');
  const refs = list((await readObject(client, manager, ['recentTask'])).get('recentTask')).flatMap((r) => (r instanceof ManagedObjectReference ? [r] : []));
  const records = await retrieveProperties(client, refs, ['info']);
  const infos = records.flatMap((r) => {
    const info = obj(r.properties.get('info'));
    return info === undefined ? [] : [taskInfo(info)];
  });
  return infos.map((info, order) => ({ info, order })).sort((a, b) => a.info.queueTime.localeCompare(b.info.queueTime) || a.order - b.order).map((x) => x.info);
}

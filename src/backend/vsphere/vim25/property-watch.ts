/**
 * Change streams: a private PropertyCollector with one filter, polled with WaitForUpdatesEx. Each
 * watch has its own collector (CreatePropertyCollector), so versions and filters of concurrent
 * watches never mix. Task completion waits use the same mechanism.
 */
import { SystemError } from '../../../sim/errors.js';
import type { VimClient } from './client.js';
import { ManagedObjectReference, type SoapData } from './encode.js';
import { faultToError, localizedFault } from './faults.js';
import { expectObject, type ObjectUpdate, type TaskInfo, type UpdateSet } from './model.js';
import { createContainerView, destroyView, objectsFilterSpec, readObject, viewFilterSpec } from './property-collector.js';

/** Slack added to the HTTP timeout of a long poll beyond its maxWaitSeconds (estimate). */
const LONG_POLL_SLACK_MS = 30_000;

/** A live subscription to property changes. Call close() when done (also after errors). */
export class PropertyWatch {
  private version = '';
  private closed = false;

  private constructor(
    private readonly client: VimClient,
    private readonly collector: ManagedObjectReference,
    private readonly view: ManagedObjectReference | undefined,
  ) {}

  /**
   * Watches `paths` of the given objects. The first next() reports their current values
   * (kind `enter`), later ones only changes.
   */
  static async forObjects(client: VimClient, objects: readonly ManagedObjectReference[], paths: readonly string[]): Promise<PropertyWatch> {
    return PropertyWatch.open(client, objectsFilterSpec(objects, paths), undefined);
  }

  /**
   * Watches `paths` of every `type` object below a container (default: the root folder), including
   * objects created later (kind `enter`) and destroyed ones (kind `leave`).
   */
  static async forContainer(client: VimClient, type: string, paths: readonly string[], container?: ManagedObjectReference): Promise<PropertyWatch> {
    const view = await createContainerView(client, container ?? client.serviceContent.rootFolder, [type], true);
    try {
      return await PropertyWatch.open(client, viewFilterSpec(view, type, paths), view);
    } catch (error) {
      await destroyView(client, view).catch(() => undefined);
      throw error;
    }
  }

  private static async open(client: VimClient, spec: SoapData, view: ManagedObjectReference | undefined): Promise<PropertyWatch> {
    const root = client.serviceContent.propertyCollector;
    const collector = await client.invoke('CreatePropertyCollector', root, [], { returns: 'ManagedObjectReference' });
    if (!(collector instanceof ManagedObjectReference)) throw new SystemError('CreatePropertyCollector returned no collector');
    const watch = new PropertyWatch(client, collector, view);
    try {
      await client.invoke('CreateFilter', collector, [['spec', spec], ['partialUpdates', false]]);
    } catch (error) {
      await watch.close();
      throw error;
    }
    return watch;
  }

  /**
   * Waits up to maxWaitSeconds (0 = just look) for changes since the previous call and returns them;
   * [] when nothing changed in time. Precondition: not closed.
   */
  async next(maxWaitSeconds: number): Promise<ObjectUpdate[]> {
    if (this.closed) throw new SystemError('this property watch is closed');
    const value = await this.client.invoke(
      'WaitForUpdatesEx',
      this.collector,
      [['version', this.version], ['options', { maxWaitSeconds: Math.max(0, Math.floor(maxWaitSeconds)) }]],
      { returns: 'UpdateSet', timeoutMs: maxWaitSeconds * 1000 + LONG_POLL_SLACK_MS },
    );
    if (value === undefined) return [];
    const updateSet = expectObject<UpdateSet>(value, 'UpdateSet');
    this.version = updateSet.version;
    return updateSet.filterSet.flatMap((filter) => filter.objectSet);
  }

  /** Destroys the private collector (and its filter) and the view, if any. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.client.invoke('DestroyPropertyCollector', this.collector, []);
    } finally {
      if (this.view !== undefined) await destroyView(this.client, this.view);
    }
  }
}

/** How long to wait for a task. */
export interface TaskWaitOptions {
  /** Give up after this long (default 10 minutes, estimate); the task keeps running on the server. */
  readonly timeoutMs?: number;
  /** Longest single WaitForUpdatesEx poll (default 60 s, estimate). */
  readonly pollSeconds?: number;
}

function settle(info: TaskInfo): { done: boolean; result?: TaskInfo['result'] } {
  if (info.state === 'success') return { done: true, result: info.result };
  if (info.state !== 'error') return { done: false };
  const error = info.error === undefined ? { fault: { $type: 'SystemError' }, message: 'task failed without an error' } : localizedFault(info.error);
  throw faultToError(error, { method: info.name ?? info.descriptionId ?? 'task', self: info.entity ?? info.task });
}

/**
 * Waits until a task succeeds and returns `info.result` (undefined for tasks without a result), or
 * throws the task's fault as a typed error (faults.ts). Reads `info` once, then follows it with
 * WaitForUpdatesEx. Throws SystemError when timeoutMs passes first.
 */
export async function waitForTask(client: VimClient, task: ManagedObjectReference, options: TaskWaitOptions = {}): Promise<TaskInfo['result']> {
  const current = await readObject(client, task, ['info']);
  const first = settle(expectObject<TaskInfo>(current.get('info'), 'TaskInfo'));
  if (first.done) return first.result;
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  const watch = await PropertyWatch.forObjects(client, [task], ['info']);
  try {
    for (;;) {
      const remainingSeconds = (deadline - Date.now()) / 1000;
      if (remainingSeconds <= 0) throw new SystemError(`task ${task.value} did not finish in time`);
      const updates = await watch.next(Math.min(options.pollSeconds ?? 60, Math.ceil(remainingSeconds)));
      for (const change of updates.flatMap((update) => update.changeSet)) {
        if (change.name !== 'info' || change.val === undefined) continue;
        const outcome = settle(expectObject<TaskInfo>(change.val, 'TaskInfo'));
        if (outcome.done) return outcome.result;
      }
    }
  } finally {
    await watch.close();
  }
}

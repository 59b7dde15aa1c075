/**
 * Event subscriptions of the live backend: an EventHistoryCollector (EventManager.CreateCollectorForEvents)
 * whose `latestPage` is followed with a PropertyWatch (CreateFilter + WaitForUpdatesEx). Chosen over a
 * watch on inventory properties because vCenter's events are what the Backend reports: typed
 * (`VmPoweredOnEvent`, …), keyed, with messages and entity arguments, including events no property
 * change shows (a failed power-on, a reconfigure that changed nothing). The page holds the newest
 * PAGE_SIZE events; a burst larger than that between two polls loses the oldest of it.
 */
import { SystemError } from '../../sim/errors.js';
import type { BackendEvent, Subscription } from '../backend.js';
import { isoTime, list, num, obj, str } from './refs.js';
import { ManagedObjectReference, PropertyWatch, type VimClient, type VimObject, type VimValue } from './vim25/index.js';

/** The collector's page size: the most vCenter (and vcsim) allow. */
const PAGE_SIZE = 1000;

/** How a subscription polls. */
export interface EventPollOptions {
  /** Longest WaitForUpdatesEx wait; close() takes effect after at most this long. Default 1 s (estimate). */
  readonly pollSeconds?: number;
  /** Called when polling fails for good (the subscription then ends). Default: ignore. */
  readonly onError?: (error: unknown) => void;
}

/** A running subscription; `done` settles once its server-side objects are gone. */
export interface EventStream extends Subscription {
  readonly done: Promise<void>;
}

function argumentId(value: VimValue | undefined, field: string): string | undefined {
  const inner = obj(value)?.[field];
  if (inner instanceof ManagedObjectReference) return inner.value;
  return typeof inner === 'string' && inner !== '' ? inner : undefined;
}

/** A vim Event (decoded generically: the schema has no event types) → BackendEvent. */
export function backendEvent(event: VimObject): BackendEvent {
  const vm = argumentId(event['vm'], 'vm');
  const host = argumentId(event['host'], 'host');
  const pool = argumentId(event['resourcePool'], 'resourcePool');
  const cluster = argumentId(event['computeResource'], 'computeResource');
  return {
    key: num(event['key']),
    type: event.$type,
    createdTime: isoTime(event['createdTime']) ?? '',
    message: str(event['fullFormattedMessage']),
    ...(vm === undefined ? {} : { vm }),
    ...(host === undefined ? {} : { host }),
    ...(pool === undefined ? {} : { pool }),
    ...(cluster === undefined ? {} : { cluster }),
  };
}

function eventsOf(page: VimValue | undefined): BackendEvent[] {
  return list(page).flatMap((e) => {
    const event = obj(e);
    return event === undefined ? [] : [backendEvent(event)];
  });
}

async function createCollector(client: VimClient, scope: ManagedObjectReference | undefined): Promise<ManagedObjectReference> {
  const manager = client.serviceContent['eventManager'];
  if (!(manager instanceof ManagedObjectReference)) throw new SystemError('this server has no EventManager');
  const filter = scope === undefined ? {} : { entity: { entity: scope, recursion: 'all' } };
  const collector = await client.invoke('CreateCollectorForEvents', manager, [['filter', filter]], { returns: 'ManagedObjectReference' });
  if (!(collector instanceof ManagedObjectReference)) throw new SystemError('CreateCollectorForEvents returned no collector');
  await client.invoke('SetCollectorPageSize', collector, [['maxCount', PAGE_SIZE]]);
  return collector;
}

/**
 * Calls `listener` for every event (of `scope` and below, or all) posted after this resolves, in key
 * order. Each poll is one WaitForUpdatesEx; events already on the page when it starts are skipped.
 */
export async function subscribeVimEvents(
  client: VimClient,
  scope: ManagedObjectReference | undefined,
  listener: (e: BackendEvent) => void,
  options: EventPollOptions = {},
): Promise<EventStream> {
  const collector = await createCollector(client, scope);
  let watch: PropertyWatch;
  try {
    watch = await PropertyWatch.forObjects(client, [collector], ['latestPage']);
  } catch (error) {
    await client.invoke('DestroyCollector', collector, []).catch(() => undefined);
    throw error;
  }
  let closed = false;
  let lastKey = 0;
  const deliver = (updates: Awaited<ReturnType<PropertyWatch['next']>>, emit: boolean): void => {
    for (const change of updates.flatMap((u) => u.changeSet)) {
      const fresh = eventsOf(change.val).filter((e) => e.key > lastKey).sort((a, b) => a.key - b.key);
      for (const e of fresh) {
        lastKey = e.key;
        if (emit && !closed) listener(e);
      }
    }
  };
  deliver(await watch.next(0), false);
  const poll = async (): Promise<void> => {
    try {
      while (!closed) deliver(await watch.next(options.pollSeconds ?? 1), true);
    } catch (error) {
      if (!closed) options.onError?.(error);
    } finally {
      await watch.close().catch(() => undefined);
      await client.invoke('DestroyCollector', collector, []).catch(() => undefined);
    }
  };
  const done = poll();
  return {
    done,
    close: () => {
      closed = true;
    },
  };
}

/** The transport test double's event log: past events and live subscribers (wall clock: a test double). */
import type { EventMessage } from '../../../src/vch/engine/docker-types.js';
import type { Filters } from '../../../src/vch/engine/engine.js';
import { AsyncQueue } from './queue.js';

/** Events with `since`/`until` (unix seconds) and `type`/`container`/`event` filters. */
export class EventLog {
  private readonly past: EventMessage[] = [];
  private readonly live = new Set<AsyncQueue<EventMessage>>();

  emit(type: EventMessage['Type'], action: string, id: string, attributes: Record<string, string>): void {
    const nowNs = Date.now() * 1e6;
    const e: EventMessage = { Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local', time: Math.floor(nowNs / 1e9), timeNano: nowNs };
    if (type === 'container' || type === 'image') Object.assign(e, { status: action, id, ...(attributes['image'] ? { from: attributes['image'] } : {}) });
    this.past.push(e);
    for (const q of this.live) q.push(e);
  }

  events(opts: { readonly since?: number; readonly until?: number; readonly filters: Filters; readonly signal?: AbortSignal }): AsyncIterable<EventMessage> {
    const matches = (e: EventMessage): boolean =>
      (opts.since === undefined || e.timeNano >= opts.since * 1e9) &&
      (opts.until === undefined || e.timeNano <= opts.until * 1e9) &&
      (!opts.filters['type'] || opts.filters['type'].includes(e.Type)) &&
      (!opts.filters['event'] || opts.filters['event'].includes(e.Action)) &&
      (!opts.filters['container'] || opts.filters['container'].some((c) => e.Actor.ID.startsWith(c) || e.Actor.Attributes['name'] === c));
    const queue = new AsyncQueue<EventMessage>();
    for (const e of this.past) if (matches(e)) queue.push(e);
    const untilMs = opts.until !== undefined ? opts.until * 1000 - Date.now() : undefined;
    if (untilMs !== undefined && untilMs <= 0) queue.end();
    else {
      const relay = { push: (e: EventMessage) => matches(e) && queue.push(e) } as unknown as AsyncQueue<EventMessage>;
      this.live.add(relay);
      const stop = (): void => {
        this.live.delete(relay);
        queue.end();
      };
      if (untilMs !== undefined) setTimeout(stop, untilMs);
      opts.signal?.addEventListener('abort', stop, { once: true });
    }
    return queue;
  }
}

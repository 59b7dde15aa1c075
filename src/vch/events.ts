/**
 * The VCH's docker event stream: container, image, network and volume events stamped with the
 * simulated clock, kept in a bounded history for `--since`, and delivered live to subscribers
 * (`docker events`, `docker stats`' held stream).
 */
import type { Clock } from '../sim/clock.js';
import type { EventMessage } from './engine/docker-types.js';
import type { Filters } from './engine/engine.js';
import { AsyncQueue } from './containers/streams.js';

/** Events kept for `--since` (dockerd keeps 256; a VCH is busier). */
export const EVENT_HISTORY = 1024;

/** An event before its time stamp. */
export type EventInput = Pick<EventMessage, 'Type' | 'Action'> & { readonly id: string; readonly attributes: Record<string, string> };

/** The event log of one VCH. */
export class EventLog {
  /** Oldest first; holds up to 2 × {@link EVENT_HISTORY}, of which the last EVENT_HISTORY count. */
  readonly #history: EventMessage[] = [];
  readonly #subscribers = new Set<AsyncQueue<EventMessage>>();

  constructor(readonly clock: Clock) {}

  /** Records and delivers an event. O(subscribers), amortized O(1) for the history. */
  emit(input: EventInput): EventMessage {
    const ms = this.clock.date().getTime();
    const timeNano = ms * 1e6;
    const e: EventMessage = {
      Type: input.Type,
      Action: input.Action,
      Actor: { ID: input.id, Attributes: input.attributes },
      scope: 'local',
      time: Math.floor(ms / 1000),
      timeNano,
    };
    if (input.Type === 'container' || input.Type === 'image') {
      e.status = input.Action;
      e.id = input.id;
      if (input.attributes.image !== undefined) e.from = input.attributes.image;
    }
    this.#history.push(e);
    // Trimmed in halves rather than one shift per event (a shift moves the whole window each time).
    if (this.#history.length >= 2 * EVENT_HISTORY) this.#history.splice(0, this.#history.length - EVENT_HISTORY);
    for (const q of this.#subscribers) q.push(e);
    return e;
  }

  /** The last {@link EVENT_HISTORY} events, oldest first. O(EVENT_HISTORY). */
  #recent(): EventMessage[] {
    return this.#history.slice(-EVENT_HISTORY);
  }

  /**
   * Past events from `since`, then live ones until `until` (unix seconds) or the signal aborts.
   * With `until` in the past only history is returned.
   */
  stream(opts: { readonly since?: number; readonly until?: number; readonly filters: Filters; readonly signal?: AbortSignal }): AsyncIterable<EventMessage> {
    const sinceNs = opts.since === undefined ? undefined : opts.since * 1e9;
    const untilNs = opts.until === undefined ? undefined : opts.until * 1e9;
    const nowNs = this.clock.date().getTime() * 1e6;
    const inRange = (e: EventMessage): boolean => (sinceNs === undefined || e.timeNano >= sinceNs) && (untilNs === undefined || e.timeNano <= untilNs);
    const keep = (e: EventMessage): boolean => inRange(e) && matchesFilters(e, opts.filters);
    const past = sinceNs === undefined ? [] : this.#recent().filter(keep);
    const live = untilNs !== undefined && untilNs <= nowNs ? undefined : new AsyncQueue<EventMessage>();
    if (live) this.#subscribers.add(live);
    const subscribers = this.#subscribers;
    const clock = this.clock;
    return {
      async *[Symbol.asyncIterator]() {
        yield* past;
        if (!live) return;
        const stop = (): void => {
          subscribers.delete(live);
          live.close();
        };
        opts.signal?.addEventListener('abort', stop, { once: true });
        const timer = untilNs === undefined ? undefined : clock.schedule(Math.max(0, untilNs / 1e6 - clock.date().getTime()), stop, { background: true, label: 'events until' });
        try {
          for await (const e of live) {
            if (untilNs !== undefined && e.timeNano > untilNs) break;
            if (keep(e)) yield e;
          }
        } finally {
          if (timer) clock.cancel(timer);
          stop();
          opts.signal?.removeEventListener('abort', stop);
        }
      },
    };
  }
}

/** docker's event filters: type, event (action), container, image, network, volume, label. */
export function matchesFilters(e: EventMessage, filters: Filters): boolean {
  const any = (key: string, test: (v: string) => boolean): boolean => {
    const values = filters[key];
    return values === undefined || values.length === 0 || values.some(test);
  };
  const attrs = e.Actor.Attributes;
  const actorIs = (type: EventMessage['Type']) => (v: string) => e.Type === type && (e.Actor.ID.startsWith(v) || attrs.name === v);
  return (
    any('type', (v) => e.Type === v) &&
    any('event', (v) => e.Action === v || e.Action.startsWith(`${v}:`)) &&
    any('container', actorIs('container')) &&
    any('image', (v) => attrs.image === v || (e.Type === 'image' && (e.Actor.ID === v || attrs.name === v))) &&
    any('network', actorIs('network')) &&
    any('volume', actorIs('volume')) &&
    any('label', (v) => {
      const [k, val] = v.split('=', 2) as [string, string | undefined];
      return val === undefined ? k in attrs : attrs[k] === val;
    })
  );
}

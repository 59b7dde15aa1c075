/**
 * The event log, with vCenter's event type names (VmCreatedEvent, VmPoweredOnEvent, …).
 * Bounded like vCenter's event history; listeners see every event as it is logged.
 */
import type { Clock } from '../sim/clock.js';

/** vCenter event types vicsim logs. */
export type EventType =
  | 'VmCreatedEvent'
  | 'VmClonedEvent'
  | 'VmInstantClonedEvent'
  | 'VmPoweredOnEvent'
  | 'VmPoweredOffEvent'
  | 'VmSuspendedEvent'
  | 'VmResettingEvent'
  | 'VmReconfiguredEvent'
  | 'VmRelocatedEvent'
  | 'VmMigratedEvent'
  | 'VmRenamedEvent'
  | 'VmRemovedEvent'
  | 'VmFailedToPowerOnEvent'
  | 'GeneralVmWarningEvent'
  | 'VmBeingHotMigratedEvent'
  | 'VmRestartedOnAlternateHostEvent'
  | 'VmSnapshotCreatedEvent'
  | 'VmSnapshotRevertedEvent'
  | 'VmSnapshotRemovedEvent'
  | 'ResourcePoolCreatedEvent'
  | 'ResourcePoolReconfiguredEvent'
  | 'ResourcePoolDestroyedEvent'
  | 'HostAddedEvent'
  | 'EnteredMaintenanceModeEvent'
  | 'ExitMaintenanceModeEvent'
  | 'EnteredStandbyModeEvent'
  | 'ExitedStandbyModeEvent'
  | 'HostConnectedEvent'
  | 'HostDisconnectedEvent'
  | 'HostConnectionLostEvent'
  | 'DrsVmPoweredOnEvent'
  | 'DrsVmMigratedEvent'
  | 'TaskEvent';

/** One logged event (vim: Event). */
export interface VsphereEvent {
  /** Increasing event key. */
  readonly key: number;
  readonly type: EventType;
  /** Simulated ms. */
  readonly createdTime: number;
  readonly fullFormattedMessage: string;
  readonly datacenter?: string;
  readonly cluster?: string;
  readonly host?: string;
  readonly vm?: string;
  readonly pool?: string;
  /** Extra typed facts (e.g. the source host of a migration). */
  readonly data?: Readonly<Record<string, string | number | boolean>>;
}

/** What callers give to log an event. */
export type EventInput = Omit<VsphereEvent, 'key' | 'createdTime'>;

/**
 * A logged event: the input's fields with its key and time. Built by one constructor, so events
 * share a few shapes and keep their fields in the object (the spread copy `{ key, createdTime,
 * ...input }` was a slow generic copy and put them in a separate 64-byte property array per
 * event). Absent optional fields stay absent, as in the input. O(1).
 */
class LoggedEvent implements VsphereEvent {
  readonly key: number;
  readonly createdTime: number;
  readonly type: EventType;
  declare readonly datacenter?: string;
  declare readonly cluster?: string;
  declare readonly host?: string;
  declare readonly vm?: string;
  declare readonly pool?: string;
  declare readonly data?: Readonly<Record<string, string | number | boolean>>;
  readonly fullFormattedMessage: string;

  constructor(key: number, createdTime: number, input: EventInput) {
    this.key = key;
    this.createdTime = createdTime;
    this.type = input.type;
    const optional = this as { -readonly [K in keyof EventInput]?: EventInput[K] };
    if (input.datacenter !== undefined) optional.datacenter = input.datacenter;
    if (input.cluster !== undefined) optional.cluster = input.cluster;
    if (input.host !== undefined) optional.host = input.host;
    if (input.vm !== undefined) optional.vm = input.vm;
    if (input.pool !== undefined) optional.pool = input.pool;
    if (input.data !== undefined) optional.data = input.data;
    this.fullFormattedMessage = flattened(input.fullFormattedMessage);
  }
}

/**
 * `s`, made one sequential string: a message built from template parts is a tree of concatenation
 * nodes (about five per message, ~170 bytes per kept event); converting it to a number makes V8
 * copy it flat, and the collector then drops the nodes. O(length).
 */
function flattened(s: string): string {
  void Number(s);
  return s;
}

/** Receives every event as it is logged. */
export type EventListener = (e: VsphereEvent) => void;

/** A bounded event history with listeners. */
export class EventLog {
  #nextKey = 1;
  #ring: VsphereEvent[] = [];
  #start = 0;
  readonly #listeners = new Set<EventListener>();

  /** @param capacity how many events the history keeps (older ones drop off). */
  constructor(
    readonly clock: Clock,
    readonly capacity = 10_000,
  ) {}

  /** Logs an event and tells every listener. O(1) plus listeners. */
  log(input: EventInput): VsphereEvent {
    const e: VsphereEvent = new LoggedEvent(this.#nextKey++, this.clock.now(), input);
    if (this.#ring.length < this.capacity) this.#ring.push(e);
    else {
      this.#ring[this.#start] = e;
      this.#start = (this.#start + 1) % this.capacity;
    }
    for (const l of this.#listeners) l(e);
    return e;
  }

  /** The kept history, oldest first, optionally only events after key `afterKey`. */
  history(afterKey = 0): VsphereEvent[] {
    const all = [...this.#ring.slice(this.#start), ...this.#ring.slice(0, this.#start)];
    return afterKey > 0 ? all.filter((e) => e.key > afterKey) : all;
  }

  /** The key the next event will get (for save and restore). */
  get nextKey(): number {
    return this.#nextKey;
  }

  /** Restores a saved history. */
  restore(events: readonly VsphereEvent[], nextKey: number): void {
    this.#ring = events.slice(-this.capacity);
    this.#start = 0;
    this.#nextKey = nextKey;
  }

  /** Subscribes; returns the unsubscribe function. */
  listen(l: EventListener): () => void {
    this.#listeners.add(l);
    return () => this.#listeners.delete(l);
  }
}

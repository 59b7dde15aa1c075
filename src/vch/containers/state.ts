/**
 * Docker's container states as an xstate machine — the one source of truth — and how each maps to
 * the container VM's power state. Every docker call makes one or two transitions, so they read a
 * table compiled from the machine at module load (ARCHITECTURE.md decision 3: xstate's pure
 * `transition()` costs ≈ 13 µs a call); a property test keeps table and machine equal. The vch
 * layer does not import hypervisor/, so the table is compiled here rather than by its
 * `compileMachine`.
 *
 * | docker state | VM |
 * |---|---|
 * | created | exists, powered off (instant mode: forked, its guest parked until start) |
 * | running | powered on, main process running |
 * | paused | suspended (VIC never had pause) |
 * | restarting | powered on, waiting out the restart policy's back-off |
 * | exited | powered off |
 * | removing | being destroyed |
 * | dead | destroy failed; only removal is possible |
 */
import { createMachine, transition } from 'xstate';
import { ConflictError } from '../engine/errors.js';

/** Docker's container states. */
export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** Events that move a container between states. */
export type ContainerEvent = 'START' | 'EXIT' | 'PAUSE' | 'UNPAUSE' | 'SCHEDULE_RESTART' | 'STOP' | 'REMOVE' | 'REMOVE_FAILED';

/** The container lifecycle. */
export const containerMachine = createMachine({
  id: 'container',
  initial: 'created',
  states: {
    created: { on: { START: 'running', REMOVE: 'removing' } },
    running: { on: { EXIT: 'exited', PAUSE: 'paused', SCHEDULE_RESTART: 'restarting' } },
    paused: { on: { UNPAUSE: 'running', EXIT: 'exited' } },
    restarting: { on: { START: 'running', STOP: 'exited', EXIT: 'exited' } },
    exited: { on: { START: 'running', REMOVE: 'removing' } },
    removing: { on: { REMOVE_FAILED: 'dead' } },
    dead: { on: { REMOVE: 'removing' } },
  },
});

/** Every state of {@link containerMachine}, in definition order. */
export const CONTAINER_STATUSES = Object.freeze(Object.keys(containerMachine.root.states)) as readonly ContainerStatus[];

/** Every event some state of {@link containerMachine} accepts. */
export const CONTAINER_EVENTS = Object.freeze([
  ...new Set(CONTAINER_STATUSES.flatMap((s) => Object.keys(containerMachine.root.states[s]!.config.on ?? {}))),
]) as readonly ContainerEvent[];

/**
 * What the xstate machine itself says `event` does in `status` (undefined: not allowed). ≈ 13 µs:
 * for compiling the table and for checking it, not for docker calls.
 */
export function machineContainerStatus(status: ContainerStatus, event: string): ContainerStatus | undefined {
  const snapshot = containerMachine.resolveState({ value: status, context: {} });
  if (!snapshot.can({ type: event })) return undefined;
  const [next] = transition(containerMachine, snapshot, { type: event });
  return String(next.value) as ContainerStatus;
}

/** status → event → next status, compiled from {@link containerMachine}; a missing entry means not allowed. */
export type ContainerTransitionTable = Readonly<Record<ContainerStatus, Readonly<Partial<Record<ContainerEvent, ContainerStatus>>>>>;

/** The container machine compiled once at module load by {@link compileContainerMachine}. */
export const CONTAINER_TABLE: ContainerTransitionTable = compileContainerMachine();

/** Asks xstate about every (status, event) of the container machine; the table is frozen. O(states × events) × 13 µs. */
function compileContainerMachine(): ContainerTransitionTable {
  const table: Partial<Record<ContainerStatus, Readonly<Partial<Record<ContainerEvent, ContainerStatus>>>>> = {};
  for (const s of CONTAINER_STATUSES) {
    const row: Partial<Record<ContainerEvent, ContainerStatus>> = {};
    for (const e of CONTAINER_EVENTS) {
      const next = machineContainerStatus(s, e);
      if (next !== undefined) row[e] = next;
    }
    table[s] = Object.freeze(row);
  }
  return Object.freeze(table as Record<ContainerStatus, Readonly<Partial<Record<ContainerEvent, ContainerStatus>>>>);
}

/**
 * The state after `event`, or undefined when the machine does not allow it (or `status` is not one
 * of its states). O(1): two own-property lookups in {@link CONTAINER_TABLE}.
 */
export function nextContainerStatus(status: ContainerStatus, event: ContainerEvent): ContainerStatus | undefined {
  const row = Object.hasOwn(CONTAINER_TABLE, status) ? CONTAINER_TABLE[status] : undefined;
  return row && Object.hasOwn(row, event) ? row[event] : undefined;
}

/**
 * The state after `event`. O(1) when allowed; the error (message and stack) is built only when not.
 * @throws ConflictError (409) worded as docker words it, naming the container and its state.
 */
export function requireTransition(name: string, status: ContainerStatus, event: ContainerEvent): ContainerStatus {
  const next = nextContainerStatus(status, event);
  if (next === undefined) throw new ConflictError(`Container ${name} is ${status}: cannot ${event.toLowerCase().replace('_', ' ')}`);
  return next;
}

/** docker's HumanDuration (go-units): "Less than a second", "5 seconds", "About a minute", "3 hours", … */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 1) return 'Less than a second';
  if (s === 1) return '1 second';
  if (s < 60) return `${s} seconds`;
  const m = Math.floor(s / 60);
  if (m === 1) return 'About a minute';
  if (m < 60) return `${m} minutes`;
  const h = Math.round(s / 3600);
  if (h === 1) return 'About an hour';
  if (h < 48) return `${h} hours`;
  if (h < 24 * 7 * 2) return `${Math.floor(h / 24)} days`;
  if (h < 24 * 30 * 2) return `${Math.floor(h / 24 / 7)} weeks`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24 / 30)} months`;
  return `${Math.floor(h / 24 / 365)} years`;
}

/** The Status column of `docker ps`: "Up 5 seconds", "Exited (0) 3 seconds ago", "Created", … */
export function statusText(status: ContainerStatus, exitCode: number, sinceMs: number): string {
  switch (status) {
    case 'created':
      return 'Created';
    case 'running':
      return `Up ${humanDuration(sinceMs)}`;
    case 'paused':
      return `Up ${humanDuration(sinceMs)} (Paused)`;
    case 'restarting':
      return `Restarting (${exitCode}) ${humanDuration(sinceMs)} ago`;
    case 'exited':
      return `Exited (${exitCode}) ${humanDuration(sinceMs)} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
  }
}

/**
 * Docker's container states as an xstate machine — the one source of truth — and how each maps to
 * the container VM's power state. Container operations are not a hot path (one transition per
 * docker call), so transitions ask the machine directly.
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

/** The state after `event`, or undefined when the machine does not allow it. */
export function nextContainerStatus(status: ContainerStatus, event: ContainerEvent): ContainerStatus | undefined {
  const snapshot = containerMachine.resolveState({ value: status, context: {} });
  if (!snapshot.can({ type: event })) return undefined;
  const [next] = transition(containerMachine, snapshot, { type: event });
  return String(next.value) as ContainerStatus;
}

/**
 * The state after `event`.
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

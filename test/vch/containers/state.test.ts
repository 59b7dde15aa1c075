import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONTAINER_EVENTS,
  CONTAINER_STATUSES,
  CONTAINER_TABLE,
  containerMachine,
  machineContainerStatus,
  nextContainerStatus,
  requireTransition,
  type ContainerEvent,
  type ContainerStatus,
} from '../../../src/vch/containers/state.js';
import { ConflictError } from '../../../src/vch/engine/errors.js';

const ALL_STATUSES: ContainerStatus[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];
const ALL_EVENTS: ContainerEvent[] = ['START', 'EXIT', 'PAUSE', 'UNPAUSE', 'SCHEDULE_RESTART', 'STOP', 'REMOVE', 'REMOVE_FAILED'];

describe('the compiled container transition table', () => {
  it('has one row for every state of the machine, and the machine every status and event docker uses', () => {
    expect([...CONTAINER_STATUSES].sort()).toEqual([...ALL_STATUSES].sort());
    expect([...CONTAINER_EVENTS].sort()).toEqual([...ALL_EVENTS].sort());
    expect(Object.keys(CONTAINER_TABLE).sort()).toEqual([...ALL_STATUSES].sort());
  });

  it('answers every (status, event) pair exactly as the xstate machine does', () => {
    for (const s of ALL_STATUSES) for (const e of ALL_EVENTS) expect(nextContainerStatus(s, e), `${s} + ${e}`).toBe(machineContainerStatus(s, e));
  });

  it('answers unknown events as the machine does: not allowed', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_STATUSES), fc.string({ maxLength: 16 }), (s, e) => {
        expect(nextContainerStatus(s, e as ContainerEvent)).toBe(machineContainerStatus(s, e));
      }),
      { numRuns: 200 },
    );
  });

  it('follows the machine along any sequence of events from its initial state', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALL_EVENTS), { maxLength: 25 }), (sequence) => {
        let status = String(containerMachine.getInitialSnapshot(undefined as never).value) as ContainerStatus;
        for (const e of sequence) {
          const expected = machineContainerStatus(status, e);
          expect(nextContainerStatus(status, e)).toBe(expected);
          if (expected !== undefined) status = expected;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('is frozen, rows included, so no module can change the lifecycle', () => {
    expect(Object.isFrozen(CONTAINER_TABLE)).toBe(true);
    for (const s of ALL_STATUSES) expect(Object.isFrozen(CONTAINER_TABLE[s])).toBe(true);
  });
});

describe('requireTransition', () => {
  it('returns the next status when the machine allows the event', () => {
    expect(requireTransition('web', 'created', 'START')).toBe('running');
    expect(requireTransition('web', 'running', 'SCHEDULE_RESTART')).toBe('restarting');
  });

  it('refuses what the machine does not allow with docker’s 409, naming the container and its state', () => {
    const refuse = (): ContainerStatus => requireTransition('web', 'running', 'START');
    expect(refuse).toThrow(ConflictError);
    expect(refuse).toThrow('Container web is running: cannot start');
    expect(() => requireTransition('db', 'created', 'REMOVE_FAILED')).toThrow('Container db is created: cannot remove failed');
  });
});

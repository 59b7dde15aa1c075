import fc from 'fast-check';
import type { AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  HOST_TABLE,
  TASK_TABLE,
  VM_POWER_TABLE,
  hostMachine,
  machineNext,
  machineShape,
  nextState,
  taskMachine,
  vmPowerMachine,
  type TransitionTable,
} from '../../src/hypervisor/lifecycle.js';
import { InvalidArgumentError } from '../../src/sim/errors.js';

const LIFECYCLES: [string, AnyStateMachine, TransitionTable][] = [
  ['VM power', vmPowerMachine, VM_POWER_TABLE],
  ['host', hostMachine, HOST_TABLE],
  ['task', taskMachine, TASK_TABLE],
];

describe.each(LIFECYCLES)('the compiled %s table', (_, machine, table) => {
  const { states, events } = machineShape(machine);

  it('has one row for every state of the machine and no other', () => {
    expect(Object.keys(table).sort()).toEqual([...states].sort());
  });

  it('answers every (state, event) pair exactly as the xstate machine does', () => {
    const event = fc.oneof(fc.constantFrom(...events), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.constantFrom(...states), event, (state, e) => {
        expect(nextState(table, state, e)).toBe(machineNext(machine, state, e));
      }),
      { numRuns: 200 },
    );
  });

  it('agrees with the machine on every one of its states and events, checked one by one', () => {
    for (const s of states) for (const e of events) expect(nextState(table, s, e), `${s} + ${e}`).toBe(machineNext(machine, s, e));
  });

  it('follows the machine along any sequence of events from its initial state', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...events), { maxLength: 20 }), (sequence) => {
        let state = String(machine.getInitialSnapshot(undefined as never).value);
        for (const e of sequence) {
          const expected = machineNext(machine, state, e);
          expect(nextState(table, state, e)).toBe(expected);
          if (expected !== undefined) state = expected;
        }
      }),
      { numRuns: 100 },
    );
  });

  it('is frozen so no module can change a lifecycle', () => {
    expect(Object.isFrozen(table)).toBe(true);
    for (const s of states) expect(Object.isFrozen(table[s])).toBe(true);
  });
});

describe('the lifecycles themselves', () => {
  it('let a powered-off VM only power on, and a suspended VM resume or power off', () => {
    expect(VM_POWER_TABLE.poweredOff).toEqual({ POWER_ON: 'poweredOn' });
    expect(VM_POWER_TABLE.suspended).toEqual({ POWER_ON: 'poweredOn', POWER_OFF: 'poweredOff' });
    expect(VM_POWER_TABLE.poweredOn).toEqual({ POWER_OFF: 'poweredOff', SUSPEND: 'suspended', RESET: 'poweredOn' });
  });

  it('let a failed host only recover', () => {
    expect(HOST_TABLE.failed).toEqual({ RECOVER: 'connected' });
  });

  it('let no event leave a finished task', () => {
    expect(TASK_TABLE.success).toEqual({});
    expect(TASK_TABLE.error).toEqual({});
  });
});

describe('nextState', () => {
  it('returns undefined for an event the state does not allow', () => {
    expect(nextState(VM_POWER_TABLE, 'poweredOff', 'SUSPEND')).toBeUndefined();
    expect(nextState(VM_POWER_TABLE, 'poweredOff', 'NOT_AN_EVENT')).toBeUndefined();
  });

  it('throws InvalidArgumentError naming a state the table does not know', () => {
    expect(() => nextState(VM_POWER_TABLE, 'exploded', 'POWER_ON')).toThrow(InvalidArgumentError);
    expect(() => nextState(HOST_TABLE, 'exploded', 'FAIL')).toThrow(/unknown state exploded/);
  });

  it('does not take an inherited property name for a state', () => {
    expect(() => nextState(TASK_TABLE, 'toString', 'START')).toThrow(InvalidArgumentError);
    expect(() => nextState(VM_POWER_TABLE, '__proto__', 'POWER_ON')).toThrow(InvalidArgumentError);
  });

  it('does not take an inherited property name for an event', () => {
    for (const e of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect(nextState(VM_POWER_TABLE, 'poweredOn', e), e).toBeUndefined();
      expect(machineNext(vmPowerMachine, 'poweredOn', e), e).toBeUndefined();
    }
  });
});

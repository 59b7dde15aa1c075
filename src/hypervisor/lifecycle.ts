/**
 * Lifecycles as xstate machine definitions: the one source of truth for VM power, host and task
 * states. Hot paths do not run xstate (≈ 13 µs a transition); they use a transition table compiled
 * from the machine once, and a property test keeps table and machine equal.
 */
import { createMachine, transition, type AnyStateMachine } from 'xstate';
import { InvalidArgumentError } from '../sim/errors.js';

/** VM power: poweredOff ⇄ poweredOn ⇄ suspended (vim: VirtualMachinePowerState). */
export const vmPowerMachine = createMachine({
  id: 'vmPower',
  initial: 'poweredOff',
  states: {
    poweredOff: { on: { POWER_ON: 'poweredOn' } },
    poweredOn: { on: { POWER_OFF: 'poweredOff', SUSPEND: 'suspended', RESET: 'poweredOn' } },
    suspended: { on: { POWER_ON: 'poweredOn', POWER_OFF: 'poweredOff' } },
  },
});

/**
 * ESXi host: connected, in maintenance, disconnected by an admin, failed, or in standby (DPM). A
 * host enters standby from maintenance (evacuated first) or straight from connected (when it runs
 * nothing); it leaves standby connected, or failed when it does not come back.
 */
export const hostMachine = createMachine({
  id: 'host',
  initial: 'connected',
  states: {
    connected: { on: { ENTER_MAINTENANCE: 'maintenance', DISCONNECT: 'disconnected', FAIL: 'failed', ENTER_STANDBY: 'standby' } },
    maintenance: { on: { EXIT_MAINTENANCE: 'connected', DISCONNECT: 'disconnected', FAIL: 'failed', ENTER_STANDBY: 'standby' } },
    standby: { on: { EXIT_STANDBY: 'connected', FAIL: 'failed' } },
    disconnected: { on: { RECONNECT: 'connected', FAIL: 'failed' } },
    failed: { on: { RECOVER: 'connected' } },
  },
});

/** A vCenter task: queued → running → success | error; a queued task can be cancelled (error). */
export const taskMachine = createMachine({
  id: 'task',
  initial: 'queued',
  states: {
    queued: { on: { START: 'running', CANCEL: 'error' } },
    running: { on: { SUCCEED: 'success', FAIL: 'error' } },
    success: { type: 'final' },
    error: { type: 'final' },
  },
});

/** state → event → next state; a missing entry means the event is not allowed in that state. */
export type TransitionTable = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The flat states and event types of a machine with one level of states. */
export function machineShape(machine: AnyStateMachine): { states: string[]; events: string[] } {
  const states = Object.keys(machine.root.states);
  const events = [...new Set(states.flatMap((s) => Object.keys(machine.root.states[s]!.config.on ?? {})))];
  return { states, events };
}

/** What the xstate machine itself says `event` does in `state` (undefined: not allowed). */
export function machineNext(machine: AnyStateMachine, state: string, event: string): string | undefined {
  const snapshot = machine.resolveState({ value: state, context: {} });
  if (!snapshot.can({ type: event })) return undefined;
  const [next] = transition(machine, snapshot, { type: event });
  return String(next.value);
}

/** Compiles a flat machine into a transition table by asking xstate about every (state, event). */
export function compileMachine(machine: AnyStateMachine): TransitionTable {
  const { states, events } = machineShape(machine);
  const table: Record<string, Record<string, string>> = {};
  for (const s of states) {
    const row: Record<string, string> = {};
    for (const e of events) {
      const next = machineNext(machine, s, e);
      if (next !== undefined) row[e] = next;
    }
    table[s] = Object.freeze(row);
  }
  return Object.freeze(table);
}

/** Compiled tables, built once at module load. */
export const VM_POWER_TABLE = compileMachine(vmPowerMachine);
/** Compiled host table. */
export const HOST_TABLE = compileMachine(hostMachine);
/** Compiled task table. */
export const TASK_TABLE = compileMachine(taskMachine);

/**
 * The next state, or undefined when the table does not allow `event` in `state`. O(1).
 * @throws InvalidArgumentError for a state the table does not know.
 */
export function nextState(table: TransitionTable, state: string, event: string): string | undefined {
  const row = Object.hasOwn(table, state) ? table[state] : undefined;
  if (!row) throw new InvalidArgumentError('state', `unknown state ${state}`);
  return Object.hasOwn(row, event) ? row[event] : undefined;
}

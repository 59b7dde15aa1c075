import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventLog, type VsphereEvent } from '../../src/hypervisor/events.js';
import { VSphereModel } from '../../src/hypervisor/model.js';
import { TaskManager, type TaskRecord, type TaskSpec } from '../../src/hypervisor/tasks.js';
import { powerVM } from '../../src/hypervisor/vm-power.js';
import { Clock } from '../../src/sim/clock.js';
import { InvalidStateError, NotFoundError, RestoreError, SystemError } from '../../src/sim/errors.js';
import { IdAllocator } from '../../src/sim/ids.js';
import { makeVm, smallCluster } from './helpers.js';

function manager(historySize?: number): { clock: Clock; tasks: TaskManager } {
  const clock = new Clock();
  return { clock, tasks: new TaskManager(clock, new IdAllocator(), historySize) };
}

function spec(overrides: Partial<TaskSpec<unknown>> = {}): TaskSpec<unknown> {
  return { descriptionId: 'Test.task', entity: 'vm-1', entityName: 'vm', durationMs: 100, execute: () => 'done', ...overrides };
}

describe('a task', () => {
  it('goes queued → running → success with queue, start and complete times on the virtual clock', () => {
    const { clock, tasks } = manager();
    clock.advance(50);
    const first = tasks.submit(spec({ lock: 'vm-1' }));
    const second = tasks.submit(spec({ lock: 'vm-1', execute: () => 42 }));
    expect(tasks.info(first.id)).toMatchObject({ state: 'running', queueTime: 50, startTime: 50, completeTime: undefined });
    expect(tasks.info(second.id)).toMatchObject({ state: 'queued', queueTime: 50, startTime: undefined });
    clock.advance(100);
    expect(tasks.info(first.id)).toMatchObject({ state: 'success', completeTime: 150, result: 'done', error: undefined });
    expect(tasks.info(second.id)).toMatchObject({ state: 'running', startTime: 150 });
    clock.runUntilIdle();
    expect(tasks.info(second.id)).toMatchObject({ state: 'success', completeTime: 250, result: 42 });
    expect(tasks.busy).toBe(false);
  });

  it('fails with the typed error its work throws, kept by errorOf, and changes nothing for the next one', () => {
    const { clock, tasks } = manager();
    const error = new InvalidStateError('InvalidState', 'vm-1', 'busy', 'vm is busy');
    const failing = tasks.submit(spec({ lock: 'vm-1', execute: () => { throw error; } }));
    const next = tasks.submit(spec({ lock: 'vm-1' }));
    clock.runUntilIdle();
    expect(tasks.info(failing.id)).toMatchObject({ state: 'error', completeTime: 100, result: undefined, error: { code: 'InvalidState', message: 'vm is busy' } });
    expect(tasks.errorOf(failing.id)).toBe(error);
    expect(tasks.info(next.id)).toMatchObject({ state: 'success', startTime: 100 });
    expect(tasks.errorOf(next.id)).toBeUndefined();
  });

  it('wraps an untyped failure into SystemError keeping its message', () => {
    const { clock, tasks } = manager();
    const t = tasks.submit(spec({ execute: () => { throw new TypeError('oops'); } }));
    clock.runUntilIdle();
    expect(tasks.errorOf(t.id)).toBeInstanceOf(SystemError);
    expect(tasks.info(t.id).error).toEqual({ code: 'SystemError', message: 'oops' });
  });

  it('fails at once when its start check throws, without running its work', () => {
    const { clock, tasks } = manager();
    let ran = false;
    const t = tasks.submit(spec({ onStart: () => { throw new RestoreError('no'); }, execute: () => (ran = true) }));
    expect(tasks.info(t.id)).toMatchObject({ state: 'error', startTime: 0, completeTime: 0 });
    clock.runUntilIdle();
    expect(ran).toBe(false);
  });

  it('without a lock runs alongside others; with different locks too', () => {
    const { clock, tasks } = manager();
    const ids = [tasks.submit(spec()), tasks.submit(spec()), tasks.submit(spec({ lock: 'a' })), tasks.submit(spec({ lock: 'b' }))].map((t) => t.id);
    clock.runUntilIdle();
    for (const id of ids) expect(tasks.info(id)).toMatchObject({ startTime: 0, completeTime: 100 });
  });

  it('runs tasks on one lock in the order they were submitted', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 12 }), (durations) => {
        const { clock, tasks } = manager();
        const order: number[] = [];
        const records = durations.map((d, i) => tasks.submit(spec({ lock: 'x', durationMs: d, execute: () => order.push(i) })));
        clock.runUntilIdle();
        expect(order).toEqual(durations.map((_, i) => i));
        let t = 0;
        for (const [i, r] of records.entries()) {
          const info = tasks.info(r.id);
          expect([info.startTime, info.completeTime]).toEqual([t, t + durations[i]!]);
          t += durations[i]!;
        }
      }),
      { numRuns: 100 },
    );
  });

  it('is reported to completion listeners until they unsubscribe', () => {
    const { clock, tasks } = manager();
    const seen: [string, string | undefined][] = [];
    const stop = tasks.listen((info, error) => seen.push([info.state, error?.code]));
    tasks.submit(spec());
    tasks.submit(spec({ execute: () => { throw new RestoreError('x'); } }));
    clock.runUntilIdle();
    stop();
    tasks.submit(spec());
    clock.runUntilIdle();
    expect(seen).toEqual([['success', undefined], ['error', 'RestoreError']]);
  });
});

describe('the task history', () => {
  it('keeps only the most recent finished tasks (taskHistory), forgetting older records and errors', () => {
    const { clock, tasks } = manager(3);
    const ids = Array.from({ length: 5 }, (_, i) => tasks.submit(spec({ execute: () => { if (i === 0) throw new RestoreError('x'); return i; } })).id);
    clock.runUntilIdle();
    expect(tasks.list().map((t) => t.id)).toEqual(ids.slice(2));
    expect(() => tasks.info(ids[0]!)).toThrow(NotFoundError);
    expect(tasks.errorOf(ids[0]!)).toBeUndefined();
  });

  it('lists finished tasks before live ones', () => {
    const { clock, tasks } = manager();
    const done = tasks.submit(spec({ durationMs: 0 }));
    clock.runUntilIdle();
    const live = tasks.submit(spec());
    expect(tasks.list().map((t: TaskRecord) => [t.id, t.state])).toEqual([[done.id, 'success'], [live.id, 'running']]);
  });

  it('takes its size from the model option taskHistory', () => {
    const model = new VSphereModel({ taskHistory: 7 });
    expect(model.tasks.historySize).toBe(7);
  });

  it('comes back from a restore with tasks that were in flight recorded as failed', () => {
    const { clock, tasks } = manager();
    const running = tasks.submit(spec({ lock: 'a' }));
    const queued = tasks.submit(spec({ lock: 'a' }));
    const saved = tasks.list();
    const other = manager();
    other.clock.advance(10);
    const interrupted = new RestoreError('interrupted');
    other.tasks.restore(saved, interrupted);
    for (const id of [running.id, queued.id]) {
      expect(other.tasks.info(id)).toMatchObject({ state: 'error', completeTime: 10, error: { code: 'RestoreError', message: 'interrupted' } });
      expect(other.tasks.errorOf(id)).toBe(interrupted);
    }
    expect(other.tasks.busy).toBe(false);
    clock.runUntilIdle();
  });

  it('keeps only the most recent tasks of a restored history larger than its size', () => {
    const big = manager();
    for (let i = 0; i < 5; i++) big.tasks.submit(spec({ durationMs: 0 }));
    big.clock.runUntilIdle();
    const saved = big.tasks.list();
    const small = manager(2);
    small.tasks.restore(saved, new RestoreError('x'));
    expect(small.tasks.list().map((t) => t.id)).toEqual(saved.slice(-2).map((t) => t.id));
  });

  it('abortAll fails every live task, running and queued, and frees their locks', () => {
    const { clock, tasks } = manager();
    const a = tasks.submit(spec({ lock: 'x' }));
    const b = tasks.submit(spec({ lock: 'x' }));
    expect(tasks.abortAll(new RestoreError('stop'))).toBe(2);
    expect([tasks.info(a.id).state, tasks.info(b.id).state]).toEqual(['error', 'error']);
    clock.runUntilIdle();
    expect([tasks.info(a.id).state, tasks.info(b.id).state]).toEqual(['error', 'error']);
    const c = tasks.submit(spec({ lock: 'x' }));
    expect(tasks.info(c.id).state).toBe('running');
  });
});

describe('the event log', () => {
  function log(capacity?: number): { clock: Clock; events: EventLog } {
    const clock = new Clock();
    return { clock, events: new EventLog(clock, capacity) };
  }
  const input = (n: number) => ({ type: 'VmCreatedEvent' as const, vm: `vm-${n}`, fullFormattedMessage: `created ${n}` });

  it('gives each event an increasing key and the current simulated time', () => {
    const { clock, events } = log();
    const a = events.log(input(1));
    clock.advance(25);
    const b = events.log(input(2));
    expect([a.key, a.createdTime, b.key, b.createdTime]).toEqual([1, 0, 2, 25]);
    expect(events.nextKey).toBe(3);
  });

  it('keeps only the latest eventHistory events, oldest first, while listeners see every one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 60 }), (capacity, n) => {
        const { events } = log(capacity);
        const seen: VsphereEvent[] = [];
        events.listen((e) => seen.push(e));
        for (let i = 1; i <= n; i++) events.log(input(i));
        expect(seen.map((e) => e.key)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        const kept = events.history().map((e) => e.key);
        expect(kept).toEqual(Array.from({ length: Math.min(n, capacity) }, (_, i) => n - Math.min(n, capacity) + i + 1));
      }),
      { numRuns: 200 },
    );
  });

  it('lists only events after a given key', () => {
    const { events } = log(3);
    for (let i = 1; i <= 5; i++) events.log(input(i));
    expect(events.history(3).map((e) => e.key)).toEqual([4, 5]);
  });

  it('stops telling a listener once it unsubscribes', () => {
    const { events } = log();
    const seen: number[] = [];
    const stop = events.listen((e) => seen.push(e.key));
    events.log(input(1));
    stop();
    events.log(input(2));
    expect(seen).toEqual([1]);
  });

  it('restores a saved history and continues its keys', () => {
    const { events } = log(2);
    const saved = [1, 2, 3].map((k) => ({ key: k, createdTime: k, ...input(k) }));
    events.restore(saved, 4);
    expect(events.history().map((e) => e.key)).toEqual([2, 3]);
    expect(events.log(input(4)).key).toBe(4);
    expect(events.history().map((e) => e.key)).toEqual([3, 4]);
  });

  it('takes its size from the model option eventHistory, and the model logs with increasing keys', () => {
    const p = smallCluster({ hosts: 4, eventHistory: 5 });
    const vm = makeVm(p, { name: 'vm' });
    p.model.clock.runUntilIdle();
    powerVM(p.model, vm.id, 'powerOn');
    p.model.clock.runUntilIdle();
    const history = p.model.events.history();
    expect(history).toHaveLength(5);
    expect(history.at(-1)).toMatchObject({ type: 'VmPoweredOnEvent', vm: vm.id });
    for (let i = 1; i < history.length; i++) expect(history[i]!.key).toBeGreaterThan(history[i - 1]!.key);
  });
});

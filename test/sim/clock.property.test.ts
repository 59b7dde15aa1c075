import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Clock, type Timer } from '../../src/sim/clock.js';

/** Delays that collide often (integers, zero) and sometimes do not (fractions). */
const delayArb = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 20 }),
  fc.double({ min: 0, max: 20, noNaN: true, noDefaultInfinity: true }),
);

/**
 * One top-level event: when it runs it schedules `children` (delays) and cancels earlier timers
 * picked by index (modulo how many timers exist at that moment).
 */
const planArb = fc.record({
  delay: delayArb,
  background: fc.boolean(),
  children: fc.array(delayArb, { maxLength: 3 }),
  cancels: fc.array(fc.nat(), { maxLength: 2 }),
});

const scheduleArb = fc.record({
  plans: fc.array(planArb, { minLength: 1, maxLength: 25 }),
  outsideCancels: fc.array(fc.nat(), { maxLength: 5 }),
});

type Schedule = typeof scheduleArb extends fc.Arbitrary<infer T> ? T : never;

interface Run {
  readonly timer: Timer;
  readonly now: number;
}

/** Plays a schedule on a fresh clock, stepping until the queue is empty. */
function play({ plans, outsideCancels }: Schedule) {
  const clock = new Clock();
  const timers: Timer[] = [];
  const runs: Run[] = [];
  const cancelledBeforeRun = new Set<Timer>();
  const ran = new Set<Timer>();
  const cancelPicked = (k: number): void => {
    const victim = timers[k % timers.length]!;
    if (!ran.has(victim)) cancelledBeforeRun.add(victim);
    clock.cancel(victim);
  };
  const record = (timer: Timer): void => {
    ran.add(timer);
    runs.push({ timer, now: clock.now() });
  };
  for (const plan of plans) {
    const timer: Timer = clock.schedule(
      plan.delay,
      () => {
        record(timer);
        for (const d of plan.children) {
          const child: Timer = clock.schedule(d, () => record(child));
          timers.push(child);
        }
        plan.cancels.forEach(cancelPicked);
      },
      { background: plan.background },
    );
    timers.push(timer);
  }
  outsideCancels.forEach(cancelPicked);
  while (clock.step());
  return { clock, timers, runs, cancelledBeforeRun, ran };
}

describe('Clock ordering (property)', () => {
  it('runs every event in (time, sequence) order, at its own time, including events scheduled from handlers', () => {
    fc.assert(
      fc.property(scheduleArb, (schedule) => {
        const { runs } = play(schedule);
        for (const { timer, now } of runs) expect(now).toBe(timer.at);
        for (let i = 1; i < runs.length; i++) {
          const a = runs[i - 1]!.timer;
          const b = runs[i]!.timer;
          expect(a.at < b.at || (a.at === b.at && a.seq < b.seq)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('runs each event exactly once unless it was cancelled before its turn, and never runs a cancelled one', () => {
    fc.assert(
      fc.property(scheduleArb, (schedule) => {
        const { timers, runs, cancelledBeforeRun, ran } = play(schedule);
        expect(runs.length).toBe(ran.size);
        for (const t of timers) expect(ran.has(t)).toBe(!cancelledBeforeRun.has(t));
      }),
      { numRuns: 200 },
    );
  });

  it('ends with an empty queue and no pending work', () => {
    fc.assert(
      fc.property(scheduleArb, (schedule) => {
        const { clock } = play(schedule);
        expect(clock.size).toBe(0);
        expect(clock.pendingWork).toBe(0);
        expect(clock.nextTime()).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});

/** Operations a caller may apply to a clock from outside. */
const opArb = fc.oneof(
  fc.record({ op: fc.constant('schedule' as const), delay: delayArb, background: fc.boolean() }),
  fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('step' as const) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ op: fc.constant('runUntilIdle' as const) }),
);

describe('Clock pending work (property)', () => {
  it('keeps pendingWork and size equal to the live work and live events, never negative, zero after idle', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const clock = new Clock();
        const timers: Timer[] = [];
        const live = new Set<Timer>();
        for (const o of ops) {
          if (o.op === 'schedule') {
            const t: Timer = clock.schedule(o.delay, () => live.delete(t), { background: o.background });
            timers.push(t);
            live.add(t);
          } else if (o.op === 'cancel' && timers.length > 0) {
            const t = timers[o.pick % timers.length]!;
            clock.cancel(t);
            live.delete(t);
          } else if (o.op === 'step') clock.step();
          else if (o.op === 'advance') clock.advance(o.ms);
          else if (o.op === 'runUntilIdle') {
            clock.runUntilIdle();
            expect(clock.pendingWork).toBe(0);
          }
          const work = [...live].filter((t) => !t.background).length;
          expect(clock.pendingWork).toBe(work);
          expect(clock.pendingWork).toBeGreaterThanOrEqual(0);
          expect(clock.size).toBe(live.size);
        }
        clock.runUntilIdle();
        expect(clock.pendingWork).toBe(0);
        expect([...live].every((t) => t.background)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('leaves only background events, all later than now, after runUntilIdle', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ delay: delayArb, background: fc.boolean() }), { maxLength: 30 }), (events) => {
        const clock = new Clock();
        const timers = events.map((e) => clock.schedule(e.delay, () => {}, { background: e.background }));
        clock.runUntilIdle();
        const lastWork = Math.max(0, ...timers.filter((t) => !t.background).map((t) => t.at));
        expect(clock.now()).toBe(lastWork);
        const next = clock.nextTime();
        if (next !== undefined) expect(next).toBeGreaterThanOrEqual(lastWork);
      }),
      { numRuns: 200 },
    );
  });
});

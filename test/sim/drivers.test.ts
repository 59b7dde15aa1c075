import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/sim/clock.js';
import { FastDriver, RealtimeDriver } from '../../src/sim/drivers.js';
import { InvalidArgumentError } from '../../src/sim/errors.js';
import { FakeWallClock, flushMicrotasks } from './fake-wall-clock.js';

/** A clock, a fake wall starting at a non-zero time, and a started realtime driver. */
function realtime(scale: number, wallStart = 5_000) {
  const clock = new Clock();
  const wall = new FakeWallClock(wallStart);
  const driver = new RealtimeDriver(clock, { scale, wall });
  driver.start();
  return { clock, wall, driver };
}

/** A list of `name@simulatedTime` entries and a factory of handlers that append to it. */
function recorder(clock: Clock) {
  const log: string[] = [];
  const note = (name: string) => () => void log.push(`${name}@${clock.now()}`);
  return { log, note };
}

describe('FastDriver', () => {
  it('is of kind fast', () => {
    expect(new FastDriver(new Clock()).kind).toBe('fast');
  });

  it('stops pumping as soon as the predicate holds', () => {
    const clock = new Clock();
    const { log, note } = recorder(clock);
    let done = false;
    clock.schedule(10, note('a'));
    clock.schedule(20, () => {
      note('b')();
      done = true;
    });
    clock.schedule(30, note('c'));
    expect(new FastDriver(clock).pump(() => done)).toBe(true);
    expect(log).toEqual(['a@10', 'b@20']);
    expect(clock.now()).toBe(20);
    expect(clock.pendingWork).toBe(1);
  });

  it('runs nothing when the predicate already holds', () => {
    const clock = new Clock();
    clock.schedule(10, () => {});
    expect(new FastDriver(clock).pump(() => true)).toBe(true);
    expect(clock.now()).toBe(0);
  });

  it('stops when no events remain and reports that the predicate still fails', () => {
    const clock = new Clock();
    clock.schedule(10, () => {});
    clock.schedule(15, () => {}, { background: true });
    expect(new FastDriver(clock).pump(() => false)).toBe(false);
    expect(clock.size).toBe(0);
    expect(clock.now()).toBe(15);
  });
});

describe('RealtimeDriver construction', () => {
  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('refuses a scale of %s', (scale) => {
    const make = () => new RealtimeDriver(new Clock(), { scale, wall: new FakeWallClock() });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(expect.objectContaining({ argument: 'scale' }));
  });

  it('is of kind realtime for a positive scale and instant for scale 0', () => {
    const wall = new FakeWallClock();
    expect(new RealtimeDriver(new Clock(), { scale: 1, wall }).kind).toBe('realtime');
    expect(new RealtimeDriver(new Clock(), { scale: 0.5, wall }).kind).toBe('realtime');
    expect(new RealtimeDriver(new Clock(), { scale: 0, wall }).kind).toBe('instant');
  });

  it('arms no timer and runs nothing before it is started', async () => {
    const clock = new Clock();
    const wall = new FakeWallClock();
    new RealtimeDriver(clock, { scale: 1, wall });
    clock.schedule(10, () => {});
    await flushMicrotasks();
    wall.advance(100);
    expect(wall.armedCount).toBe(0);
    expect(clock.now()).toBe(0);
  });
});

describe('RealtimeDriver at scale 1', () => {
  it('arms a timer for the next event and runs it when the wall clock reaches it', async () => {
    const { clock, wall } = realtime(1);
    const { log, note } = recorder(clock);
    clock.schedule(100, note('a'));
    await flushMicrotasks();
    expect(wall.pending.map((t) => t.ms)).toEqual([100]);
    wall.advance(99);
    expect(log).toEqual([]);
    wall.advance(1);
    expect(log).toEqual(['a@100']);
    expect(clock.now()).toBe(100);
  });

  it('re-arms for the following event after each one runs', async () => {
    const { clock, wall } = realtime(1);
    const { log, note } = recorder(clock);
    clock.schedule(100, note('a'));
    clock.schedule(250, note('b'));
    await flushMicrotasks();
    wall.advance(100);
    expect(wall.pending.map((t) => t.ms)).toEqual([150]);
    wall.advance(150);
    expect(log).toEqual(['a@100', 'b@250']);
    expect(wall.pending).toEqual([]);
  });

  it('arms for events that a handler schedules', async () => {
    const { clock, wall } = realtime(1);
    const { log, note } = recorder(clock);
    clock.schedule(100, () => void clock.schedule(40, note('child')));
    await flushMicrotasks();
    wall.advance(100);
    expect(wall.pending.map((t) => t.ms)).toEqual([40]);
    wall.advance(40);
    expect(log).toEqual(['child@140']);
  });

  it('brings simulated time up to the wall clock before an event is scheduled from outside', async () => {
    const { clock, wall } = realtime(1);
    const { log, note } = recorder(clock);
    clock.schedule(30, note('due'));
    await flushMicrotasks();
    wall.clearTimer(wall.pending[0]!.handle); // the timer is late: only the catch-up can run the event
    wall.advance(50);
    expect(clock.now()).toBe(0);
    const later = clock.schedule(10, note('later'));
    expect(log).toEqual(['due@30']);
    expect(clock.now()).toBe(50);
    expect(later.at).toBe(60);
    await flushMicrotasks();
    expect(wall.pending.map((t) => t.ms)).toEqual([10]);
  });

  it('runs background events as time passes', async () => {
    const { clock, wall } = realtime(1);
    const { log, note } = recorder(clock);
    clock.schedule(20, note('bg'), { background: true });
    await flushMicrotasks();
    wall.advance(20);
    expect(log).toEqual(['bg@20']);
  });

  it('leaves pumping to its timers', () => {
    const { clock, driver } = realtime(1);
    clock.schedule(10, () => {});
    expect(driver.pump(() => false)).toBe(false);
    expect(driver.pump(() => true)).toBe(true);
    expect(clock.now()).toBe(0);
  });

  it('clears its timer on stop and runs nothing until started again', async () => {
    const { clock, wall, driver } = realtime(1);
    const { log, note } = recorder(clock);
    clock.schedule(100, note('a'));
    await flushMicrotasks();
    driver.stop();
    expect(wall.pending).toEqual([]);
    wall.advance(500);
    clock.schedule(1, note('b'));
    await flushMicrotasks();
    expect(log).toEqual([]);
    expect(wall.pending).toEqual([]);
    driver.start();
    await flushMicrotasks();
    wall.advance(1);
    expect(log).toEqual(['b@1']);
  });

  it('ignores a second start', async () => {
    const { clock, wall, driver } = realtime(1);
    wall.advance(70);
    driver.start();
    clock.schedule(0, () => {});
    expect(clock.now()).toBe(70);
  });
});

describe('RealtimeDriver at scale 10', () => {
  it('runs ten simulated milliseconds per wall millisecond', async () => {
    const { clock, wall } = realtime(10);
    const { log, note } = recorder(clock);
    clock.schedule(1_000, note('a'));
    await flushMicrotasks();
    expect(wall.pending.map((t) => t.ms)).toEqual([100]);
    wall.advance(99);
    expect(log).toEqual([]);
    wall.advance(1);
    expect(log).toEqual(['a@1000']);
  });

  it('catches up ten times the wall time that passed when scheduling from outside', () => {
    const { clock, wall } = realtime(10);
    wall.advance(25);
    clock.schedule(0, () => {});
    expect(clock.now()).toBe(250);
  });

  it('counts from the simulated time the clock had when the driver started', () => {
    const clock = new Clock();
    clock.advance(1_000);
    const wall = new FakeWallClock(42);
    new RealtimeDriver(clock, { scale: 10, wall }).start();
    wall.advance(3);
    clock.schedule(0, () => {});
    expect(clock.now()).toBe(1_030);
  });
});

describe('RealtimeDriver at any positive scale', () => {
  it('runs every event on its own timer even when the scale does not divide its delay evenly (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.double({ min: 0, max: 2e12, noNaN: true }),
        fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 8 }),
        async (scale, wallStart, delays) => {
          const { clock, wall } = realtime(scale, wallStart);
          const ranAt: number[] = [];
          for (const d of delays) clock.schedule(d, () => void ranAt.push(clock.now()));
          await flushMicrotasks();
          wall.advance(Math.max(...delays) / scale + 1);
          expect(ranAt).toEqual([...delays].sort((x, y) => x - y));
          expect(wall.armedCount).toBeLessThanOrEqual(new Set(delays).size);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('RealtimeDriver at scale 0 (instant)', () => {
  it('runs work at once on a zero-delay timer, without wall time passing', async () => {
    const { clock, wall } = realtime(0);
    const { log, note } = recorder(clock);
    clock.schedule(500, () => {
      note('a')();
      clock.schedule(300, note('b'));
    });
    await flushMicrotasks();
    expect(wall.pending.map((t) => t.ms)).toEqual([0]);
    wall.advance(0);
    expect(log).toEqual(['a@500', 'b@800']);
    expect(clock.pendingWork).toBe(0);
    expect(wall.now()).toBe(5_000);
  });

  it('keeps its one zero-delay timer while more work arrives before it fires', async () => {
    const { clock, wall } = realtime(0);
    const { log, note } = recorder(clock);
    clock.schedule(5, note('a'));
    await flushMicrotasks();
    clock.schedule(7, note('b'));
    await flushMicrotasks();
    expect(wall.pending.map((t) => t.ms)).toEqual([0]);
    wall.advance(0);
    expect(log).toEqual(['a@5', 'b@12']);
    expect(clock.pendingWork).toBe(0);
    expect(wall.pending).toEqual([]);
  });

  it('pumps synchronously until the predicate holds', () => {
    const { clock, driver } = realtime(0);
    let done = false;
    clock.schedule(500, () => (done = true));
    clock.schedule(900, () => {});
    expect(driver.pump(() => done)).toBe(true);
    expect(clock.now()).toBe(500);
    expect(clock.pendingWork).toBe(1);
  });

  it('stops pumping when only background events remain', () => {
    const { clock, driver } = realtime(0);
    const { log, note } = recorder(clock);
    clock.schedule(5, note('work'));
    clock.schedule(10, note('bg'), { background: true });
    expect(driver.pump(() => false)).toBe(false);
    expect(log).toEqual(['work@5']);
    expect(clock.size).toBe(1);
  });

  it('runs background events only when work passes them', async () => {
    const { clock, wall } = realtime(0);
    const { log, note } = recorder(clock);
    clock.schedule(10, note('bg'), { background: true });
    await flushMicrotasks();
    expect(wall.pending).toEqual([]);
    clock.schedule(20, note('work'));
    await flushMicrotasks();
    wall.advance(0);
    expect(log).toEqual(['bg@10', 'work@20']);
  });

  it('runs queued work before scheduling more from outside', () => {
    const { clock } = realtime(0);
    const { log, note } = recorder(clock);
    clock.schedule(100, note('first'));
    const second = clock.schedule(1, note('second'));
    expect(log).toEqual(['first@100']);
    expect(second.at).toBe(101);
  });
});

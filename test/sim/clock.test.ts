import { describe, expect, it } from 'vitest';
import { Clock, DEFAULT_EPOCH_MS } from '../../src/sim/clock.js';
import { InvalidArgumentError } from '../../src/sim/errors.js';

/** Records `name` with the simulated time it ran at. */
function recorder(clock: Clock) {
  const log: string[] = [];
  const note = (name: string) => () => log.push(`${name}@${clock.now()}`);
  return { log, note };
}

describe('Clock scheduling', () => {
  it('starts at time zero with an empty queue', () => {
    const clock = new Clock();
    expect(clock.now()).toBe(0);
    expect(clock.size).toBe(0);
    expect(clock.pendingWork).toBe(0);
    expect(clock.nextTime()).toBeUndefined();
    expect(clock.step()).toBe(false);
  });

  it('runs events in time order, whatever order they were scheduled in', () => {
    const clock = new Clock();
    const { log, note } = recorder(clock);
    clock.schedule(30, note('c'));
    clock.schedule(10, note('a'));
    clock.scheduleAt(20, note('b'));
    while (clock.step());
    expect(log).toEqual(['a@10', 'b@20', 'c@30']);
  });

  it('runs events due at the same instant in the order they were scheduled', () => {
    const clock = new Clock();
    const { log, note } = recorder(clock);
    for (const name of ['first', 'second', 'third']) clock.schedule(5, note(name));
    clock.scheduleAt(5, note('fourth'));
    while (clock.step());
    expect(log).toEqual(['first@5', 'second@5', 'third@5', 'fourth@5']);
  });

  it('runs an event scheduled with delay 0 from a handler after the events already due at that instant', () => {
    const clock = new Clock();
    const { log, note } = recorder(clock);
    clock.schedule(1, () => {
      log.push('parent@1');
      clock.schedule(0, note('child'));
    });
    clock.schedule(1, note('sibling'));
    while (clock.step());
    expect(log).toEqual(['parent@1', 'sibling@1', 'child@1']);
  });

  it('returns a timer that carries its time, sequence number, label and background flag', () => {
    const clock = new Clock();
    const a = clock.schedule(7, () => {}, { label: 'drs', background: true });
    const b = clock.scheduleAt(7, () => {});
    expect(a).toMatchObject({ at: 7, label: 'drs', background: true });
    expect(b).toMatchObject({ at: 7, label: '', background: false });
    expect(b.seq).toBeGreaterThan(a.seq);
  });

  it('reports the time of the next event through nextTime', () => {
    const clock = new Clock();
    clock.schedule(40, () => {});
    clock.schedule(15, () => {});
    expect(clock.nextTime()).toBe(15);
  });

  it('turns simulated time into a date from its epoch', () => {
    expect(new Clock().date().getTime()).toBe(DEFAULT_EPOCH_MS);
    expect(new Clock(1000).date(500).getTime()).toBe(1500);
  });

  it('knows whether an event handler is running', () => {
    const clock = new Clock();
    let inside: boolean | undefined;
    clock.schedule(1, () => (inside = clock.inEvent));
    clock.step();
    expect(inside).toBe(true);
    expect(clock.inEvent).toBe(false);
  });

  it('leaves the event handler state clean when a handler throws', () => {
    const clock = new Clock();
    clock.schedule(1, () => {
      throw new Error('boom');
    });
    expect(() => clock.step()).toThrow('boom');
    expect(clock.inEvent).toBe(false);
    expect(clock.pendingWork).toBe(0);
    expect(clock.size).toBe(0);
  });
});

describe('Clock argument checks', () => {
  it.each([-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY])('refuses a delay of %s with InvalidArgumentError', (delay) => {
    const clock = new Clock();
    expect(() => clock.schedule(delay, () => {})).toThrow(InvalidArgumentError);
    expect(() => clock.schedule(delay, () => {})).toThrow(expect.objectContaining({ code: 'InvalidArgument', argument: 'delayMs' }));
    expect(clock.size).toBe(0);
  });

  it('refuses scheduleAt in the past with InvalidArgumentError', () => {
    const clock = new Clock();
    clock.advance(100);
    expect(() => clock.scheduleAt(99, () => {})).toThrow(expect.objectContaining({ code: 'InvalidArgument', argument: 'at' }));
    expect(clock.pendingWork).toBe(0);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses scheduleAt at %s', (at) => {
    expect(() => new Clock().scheduleAt(at, () => {})).toThrow(InvalidArgumentError);
  });

  it('accepts scheduleAt at exactly the current time', () => {
    const clock = new Clock();
    clock.advance(50);
    const ran: number[] = [];
    clock.scheduleAt(50, () => ran.push(clock.now()));
    clock.runUntilIdle();
    expect(ran).toEqual([50]);
  });
});

describe('Clock cancel', () => {
  it('keeps a cancelled event from running', () => {
    const clock = new Clock();
    const { log, note } = recorder(clock);
    const t = clock.schedule(10, note('cancelled'));
    clock.schedule(20, note('kept'));
    clock.cancel(t);
    while (clock.step());
    expect(log).toEqual(['kept@20']);
  });

  it('does nothing when cancelling twice or cancelling an event that already ran', () => {
    const clock = new Clock();
    const ran = clock.schedule(1, () => {});
    const twice = clock.schedule(2, () => {});
    clock.schedule(3, () => {});
    clock.step();
    clock.cancel(ran);
    clock.cancel(twice);
    clock.cancel(twice);
    expect(clock.pendingWork).toBe(1);
    expect(clock.size).toBe(1);
  });

  it('lets a handler cancel a later event due at the same instant', () => {
    const clock = new Clock();
    const { log, note } = recorder(clock);
    let victim: ReturnType<Clock['schedule']> | undefined;
    clock.schedule(5, () => {
      log.push('killer@5');
      if (victim) clock.cancel(victim);
    });
    victim = clock.schedule(5, note('victim'));
    while (clock.step());
    expect(log).toEqual(['killer@5']);
  });

  it('skips cancelled events when reporting the next time', () => {
    const clock = new Clock();
    clock.cancel(clock.schedule(1, () => {}));
    clock.schedule(9, () => {});
    expect(clock.nextTime()).toBe(9);
  });

  it('counts only uncancelled events in size', () => {
    const clock = new Clock();
    clock.schedule(1, () => {});
    const deep = clock.schedule(5, () => {});
    clock.cancel(deep);
    expect(clock.size).toBe(1);
  });
});

describe('Clock runUntil and advance', () => {
  it('runs every event due at or before the target, then sets the time to it', () => {
    const clock = new Clock();
    const { log, note } = recorder(clock);
    clock.schedule(10, note('a'));
    clock.schedule(20, note('b'));
    clock.schedule(20.001, note('c'));
    expect(clock.runUntil(20)).toBe(2);
    expect(log).toEqual(['a@10', 'b@20']);
    expect(clock.now()).toBe(20);
    expect(clock.pendingWork).toBe(1);
  });

  it('runs events that handlers schedule inside the window', () => {
    const clock = new Clock();
    const { log, note } = recorder(clock);
    clock.schedule(10, () => {
      clock.schedule(5, note('inside'));
      clock.schedule(50, note('outside'));
    });
    expect(clock.runUntil(30)).toBe(2);
    expect(log).toEqual(['inside@15']);
  });

  it('never moves time backwards', () => {
    const clock = new Clock();
    clock.advance(100);
    expect(clock.runUntil(40)).toBe(0);
    expect(clock.now()).toBe(100);
  });

  it('advances by a relative amount, running events on the way', () => {
    const clock = new Clock();
    const { log, note } = recorder(clock);
    clock.advance(10);
    clock.schedule(5, note('a'));
    expect(clock.advance(5)).toBe(1);
    expect(clock.now()).toBe(15);
    expect(log).toEqual(['a@15']);
  });

  it('moves idle time forward with advanceIdleTo but never past the next event', () => {
    const clock = new Clock();
    clock.schedule(30, () => {});
    clock.advanceIdleTo(10);
    expect(clock.now()).toBe(10);
    clock.advanceIdleTo(80);
    expect(clock.now()).toBe(30);
    expect(clock.size).toBe(1);
  });
});

describe('Clock runUntilIdle', () => {
  it('runs work and the background events due before the last work, and leaves later background events queued', () => {
    const clock = new Clock();
    const { log, note } = recorder(clock);
    clock.schedule(5, note('early-bg'), { background: true });
    clock.schedule(10, note('work'));
    clock.schedule(20, note('late-bg'), { background: true });
    expect(clock.pendingWork).toBe(1);
    expect(clock.runUntilIdle()).toBe(2);
    expect(log).toEqual(['early-bg@5', 'work@10']);
    expect(clock.now()).toBe(10);
    expect(clock.pendingWork).toBe(0);
    expect(clock.size).toBe(1);
  });

  it('ends even when a background event reschedules itself forever', () => {
    const clock = new Clock();
    const tick = (): void => void clock.schedule(1, tick, { background: true });
    tick();
    clock.schedule(100, () => {});
    expect(clock.runUntilIdle()).toBe(100); // 99 background ticks, then the work
    expect(clock.now()).toBe(100);
  });

  it('follows work that handlers schedule', () => {
    const clock = new Clock();
    clock.schedule(10, () => void clock.schedule(10, () => {}));
    expect(clock.runUntilIdle()).toBe(2);
    expect(clock.now()).toBe(20);
  });

  it('stops after maxEvents', () => {
    const clock = new Clock();
    for (let i = 1; i <= 5; i++) clock.schedule(i, () => {});
    expect(clock.runUntilIdle(3)).toBe(3);
    expect(clock.pendingWork).toBe(2);
  });
});

describe('Clock sync hook and resetTime', () => {
  it('runs the sync hook before scheduling from outside an event, not from inside one', () => {
    const clock = new Clock();
    let calls = 0;
    clock.setSyncHook(() => calls++);
    clock.schedule(1, () => void clock.schedule(1, () => {}));
    clock.scheduleAt(5, () => {});
    clock.runUntilIdle();
    expect(calls).toBe(2);
    clock.setSyncHook(undefined);
    clock.schedule(1, () => {});
    expect(calls).toBe(2);
  });

  it('sets the time of an empty clock', () => {
    const clock = new Clock();
    clock.resetTime(12_345);
    expect(clock.now()).toBe(12_345);
  });

  it('refuses to reset the time while events are queued', () => {
    const clock = new Clock();
    clock.schedule(1, () => {}, { background: true });
    expect(() => clock.resetTime(0)).toThrow(InvalidArgumentError);
  });

  it('resets the time once every queued event has been cancelled', () => {
    const clock = new Clock();
    clock.schedule(1, () => {});
    clock.cancel(clock.schedule(50, () => {}));
    clock.step();
    clock.resetTime(10);
    expect(clock.now()).toBe(10);
    expect(clock.nextTime()).toBeUndefined();
  });
});

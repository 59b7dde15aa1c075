import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/sim/clock.js';
import { GuestTimers } from '../../src/vch/guest-timers.js';

/** Moves the clock to `t` (running what is due), then lets resolved promises settle. */
async function runTo(clock: Clock, t: number): Promise<void> {
  clock.advance(t - clock.now());
  await Promise.resolve();
  await Promise.resolve();
}

describe('a guest’s sleeps', () => {
  it('end after their time, or at once when aborted', async () => {
    const clock = new Clock();
    const timers = new GuestTimers(clock);
    let done = false;
    void timers.sleep(1000, new AbortController().signal).then(() => (done = true));
    await runTo(clock, 999);
    expect(done).toBe(false);
    await runTo(clock, 1000);
    expect(done).toBe(true);
    const abort = new AbortController();
    let interrupted = false;
    void timers.sleep(5000, abort.signal).then(() => (interrupted = true));
    abort.abort();
    await Promise.resolve();
    expect(interrupted).toBe(true);
  });

  it('stand still while frozen and keep what they had left (any freeze window)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 0, max: 9_999 }), fc.integer({ min: 0, max: 100_000 }), async (ms, before, frozenFor) => {
        fc.pre(before < ms);
        const clock = new Clock();
        const timers = new GuestTimers(clock);
        let ended = false;
        void timers.sleep(ms, new AbortController().signal).then(() => (ended = true));
        await runTo(clock, before);
        timers.freeze();
        await runTo(clock, before + frozenFor);
        expect(ended).toBe(false);
        timers.thaw();
        const due = ms + frozenFor;
        await runTo(clock, due - 1);
        expect(ended).toBe(false);
        await runTo(clock, due);
        expect(ended).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

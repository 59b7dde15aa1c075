import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Clock } from '../../src/sim/clock.js';
import { EVENT_HISTORY, EventLog } from '../../src/vch/events.js';

/** Every event the log still holds from its epoch up to now (history only). */
async function history(log: EventLog, clock: Clock): Promise<string[]> {
  const ids: string[] = [];
  const nowS = Math.floor(clock.date().getTime() / 1000);
  for await (const e of log.stream({ since: 0, until: nowS, filters: {} })) ids.push(e.Actor.ID);
  return ids;
}

describe('EventLog history', () => {
  it('keeps the last EVENT_HISTORY events, oldest first, whatever number was emitted (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 3 * EVENT_HISTORY + 7 }), async (count) => {
        const clock = new Clock();
        const log = new EventLog(clock);
        for (let i = 0; i < count; i++) log.emit({ Type: 'container', Action: 'create', id: `c${i}`, attributes: {} });
        clock.schedule(2000, () => {});
        clock.runUntilIdle();
        const kept = Math.min(count, EVENT_HISTORY);
        expect(await history(log, clock)).toEqual(Array.from({ length: kept }, (_, k) => `c${count - kept + k}`));
      }),
      { numRuns: 30 },
    );
  });
});

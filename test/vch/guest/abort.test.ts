import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { untilAborted, untilOwnAbort } from '../../../src/vch/guest/abort.js';
import { lookupSignal } from '../../../src/vch/guest/signals.js';

/** A work promise settled by hand. */
function deferred(): { work: Promise<number>; finish: (v: number) => void; fail: (e: unknown) => void } {
  let finish!: (v: number) => void;
  let fail!: (e: unknown) => void;
  const work = new Promise<number>((res, rej) => ((finish = res), (fail = rej)));
  return { work, finish, fail };
}

const TERM = lookupSignal('TERM')!;
const KILL = lookupSignal('KILL')!;

describe('untilOwnAbort', () => {
  it('resolves with the work status when nothing aborts', async () => {
    const { work, finish } = deferred();
    const race = untilOwnAbort(work, new AbortController().signal);
    finish(3);
    await expect(race.status).resolves.toBe(3);
  });

  it('resolves with 128+n as soon as the owner reports the abort, abandoning the work', async () => {
    const { work, fail } = deferred();
    const own = new AbortController();
    const race = untilOwnAbort(work, own.signal);
    own.abort(KILL);
    race.aborted();
    await expect(race.status).resolves.toBe(137);
    fail(new Error('abandoned'));
  });

  it('resolves with 128+n for a work that fails after the abort, and rejects for one that fails without it', async () => {
    const a = deferred();
    const own = new AbortController();
    const aborted = untilOwnAbort(a.work, own.signal);
    own.abort(TERM);
    a.fail(new Error('stopped'));
    await expect(aborted.status).resolves.toBe(143);
    const b = deferred();
    const failing = untilOwnAbort(b.work, new AbortController().signal);
    b.fail(new Error('broken'));
    await expect(failing.status).rejects.toThrow('broken');
  });

  it('settles as untilAborted does, whichever of work and abort comes first (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 255 }), async (abortFirst, abortAtAll, code) => {
        const run = async (withOwn: boolean): Promise<number> => {
          const { work, finish } = deferred();
          const own = new AbortController();
          const race = withOwn ? untilOwnAbort(work, own.signal) : { status: untilAborted(work, own.signal), aborted: () => {} };
          const abort = () => {
            if (!abortAtAll) return;
            own.abort(TERM);
            race.aborted();
          };
          if (abortFirst) abort();
          finish(code);
          if (!abortFirst) abort();
          return race.status;
        };
        expect(await run(true)).toBe(await run(false));
      }),
      { numRuns: 100 },
    );
  });

  it('answers at once for a signal already aborted', async () => {
    const own = new AbortController();
    own.abort(TERM);
    const race = untilOwnAbort(new Promise<number>(() => {}), own.signal);
    await expect(race.status).resolves.toBe(143);
  });
});

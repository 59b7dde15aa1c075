import { describe, expect, it } from 'vitest';
import { RequestLifetime } from '../../src/dockerapi/request-context.js';
import { negotiateVersion } from '../../src/dockerapi/version.js';

describe('a request lifetime', () => {
  it('aborts a signal handed out before the request ended, once, with an AbortError', () => {
    const lifetime = new RequestLifetime();
    const signal = lifetime.signal;
    let calls = 0;
    signal.addEventListener('abort', () => calls++);
    expect(signal.aborted).toBe(false);
    lifetime.end();
    lifetime.end();
    expect(signal.aborted).toBe(true);
    expect(calls).toBe(1);
    expect((signal.reason as DOMException).name).toBe('AbortError');
  });

  it('hands out an already aborted signal after the request ended', () => {
    const lifetime = new RequestLifetime();
    lifetime.end();
    expect(lifetime.signal.aborted).toBe(true);
    expect((lifetime.signal.reason as DOMException).name).toBe('AbortError');
  });

  it('hands out the same signal every time', () => {
    const lifetime = new RequestLifetime();
    expect(lifetime.signal).toBe(lifetime.signal);
  });
});

describe('version negotiation remembering accepted versions', () => {
  it('refuses an out-of-range version every time, and accepts an in-range one every time', () => {
    for (let i = 0; i < 3; i++) {
      expect(() => negotiateVersion('/v1.48/info')).toThrow('client version 1.48 is too new');
      expect(() => negotiateVersion('/v1.23/info')).toThrow('client version 1.23 is too old');
      expect(negotiateVersion('/v1.41/info')).toEqual({ version: '1.41', path: '/info' });
    }
  });

  it('still checks versions once more distinct ones were accepted than it remembers', () => {
    for (let minor = 0; minor < 100; minor++) expect(negotiateVersion(`/v1.30.${minor}/info`).version).toBe(`1.30.${minor}`);
    expect(() => negotiateVersion('/v1.47.1/info')).toThrow('too new');
  });
});

/** Interactive shells on a terminal: prompt, echo, line editing, ctrl-C and ctrl-D. */
import { describe, expect, it } from 'vitest';
import { LineDiscipline, onlcr } from '../../../src/vch/guest/tty.js';
import { FakeServices, FedInput, settle, start } from './harness.js';

function terminal(opts: { user?: string; autoAdvance?: boolean } = {}) {
  const input = new FedInput();
  const services = new FakeServices();
  services.autoAdvance = opts.autoAdvance ?? true;
  const s = start(['sh'], { tty: true, stdin: input, services, user: opts.user ?? '' });
  return { ...s, input, services };
}

describe('the line discipline', () => {
  it('maps NL to CR NL on output', () => {
    expect(new TextDecoder().decode(onlcr(new TextEncoder().encode('a\nb\n')))).toBe('a\r\nb\r\n');
  });

  it('echoes, maps CR to NL, erases with DEL and delivers whole lines', async () => {
    const echoed: string[] = [];
    const raw = new FedInput();
    const ld = new LineDiscipline(raw, (b) => echoed.push(new TextDecoder().decode(b)), () => {});
    raw.feed('ab\x7fc\r');
    const line = await ld.read();
    expect(new TextDecoder().decode(line!)).toBe('ac\n');
    expect(echoed.join('')).toBe('ab\b \bc\r\n');
  });

  it('turns ctrl-D on an empty line into end of input, once', async () => {
    const raw = new FedInput();
    const ld = new LineDiscipline(raw, () => {}, () => {});
    raw.feed('\x04x\n');
    expect(await ld.read()).toBeNull();
    expect(new TextDecoder().decode((await ld.read())!)).toBe('x\n');
  });
});

describe('an interactive shell on a tty', () => {
  it('prints the root prompt, echoes input and runs each line', async () => {
    const t = terminal();
    await settle();
    t.input.feed('echo hi\r');
    await settle();
    t.input.feed('cd /tmp\r');
    await settle();
    t.input.feed('exit 3\r');
    expect(await t.proc.exited).toEqual({ code: 3 });
    expect(t.stdout()).toBe('/ # echo hi\r\nhi\r\n/ # cd /tmp\r\n/tmp # exit 3\r\n');
  });

  it('uses $ and ~ for a user in their home', async () => {
    const input = new FedInput();
    const s = start(['sh'], { tty: true, stdin: input, user: 'app', cwd: '/home/app' });
    await settle();
    input.feed('\x04');
    expect(await s.proc.exited).toEqual({ code: 0 });
    expect(s.stdout()).toBe('~ $ ');
  });

  it('asks for more with PS2 while a construct is open', async () => {
    const t = terminal();
    await settle();
    t.input.feed('for i in 1 2\r');
    await settle();
    t.input.feed('do echo $i; done\r');
    await settle();
    t.input.feed('\x04');
    await t.proc.exited;
    expect(t.stdout()).toBe('/ # for i in 1 2\r\n> do echo $i; done\r\n1\r\n2\r\n/ # ');
  });

  it('survives a syntax error and reports it', async () => {
    const t = terminal();
    await settle();
    t.input.feed('fi\r');
    await settle();
    t.input.feed('echo ok\r');
    await settle();
    t.input.feed('\x04');
    await t.proc.exited;
    expect(t.stdout()).toBe('/ # fi\r\nsh: syntax error: unexpected "fi"\r\n/ # echo ok\r\nok\r\n/ # ');
  });

  it('ctrl-C ends the foreground job with 130 and prompts again', async () => {
    const t = terminal({ autoAdvance: false });
    await settle();
    t.input.feed('sleep 100\r');
    await settle();
    t.input.feed('\x03');
    await settle();
    t.input.feed('echo $?\r');
    await settle();
    t.input.feed('\x04');
    expect(await t.proc.exited).toEqual({ code: 0 });
    expect(t.stdout()).toBe('/ # sleep 100\r\n^C\r\n/ # echo $?\r\n130\r\n/ # ');
  });

  it('ctrl-C at the prompt discards the line and prompts again', async () => {
    const t = terminal();
    await settle();
    t.input.feed('echo typed\x03');
    await settle();
    t.input.feed('\x04');
    await t.proc.exited;
    expect(t.stdout()).toBe('/ # echo typed^C\r\n/ # ');
  });

  it('ignores SIGTERM but not SIGKILL', async () => {
    const t = terminal();
    await settle();
    t.proc.signal('TERM');
    await settle();
    t.input.feed('echo alive\r');
    await settle();
    expect(t.stdout()).toContain('alive\r\n');
    t.proc.signal('KILL');
    expect(await t.proc.exited).toEqual({ code: 137, signal: 'KILL' });
  });

  it('hands ctrl-D to a foreground cat and keeps the shell', async () => {
    const t = terminal();
    await settle();
    t.input.feed('cat\r');
    await settle();
    t.input.feed('line\r');
    await settle();
    t.input.feed('\x04');
    await settle();
    t.input.feed('exit\r');
    expect(await t.proc.exited).toEqual({ code: 0 });
    expect(t.stdout()).toBe('/ # cat\r\nline\r\nline\r\n/ # exit\r\n');
  });

  it('reads commands from a non-tty stdin without prompts', async () => {
    const input = new FedInput();
    const s = start(['sh'], { stdin: input });
    input.feed('echo one\nif true\nthen echo two; fi\n');
    input.end();
    expect(await s.proc.exited).toEqual({ code: 0 });
    expect(s.stdout()).toBe('one\ntwo\n');
    expect(s.stderr()).toBe('');
  });

  it('tells programs the terminal size and updates it on resize', async () => {
    const t = terminal();
    await settle();
    t.proc.resize(50, 132);
    t.input.feed('[ -t 1 ] && echo tty\r\x04');
    await t.proc.exited;
    expect(t.stdout()).toContain('tty\r\n');
  });
});

/**
 * A terminal line discipline (Linux's cooked mode, N_TTY): echoes typed bytes, maps CR to NL
 * (ICRNL), erases with DEL/backspace, turns ctrl-C into SIGINT and ctrl-D on an empty line into end of
 * input, and maps NL to CR NL on output (ONLCR).
 */
import type { InputSource } from './types.js';
import { toBytes } from './io.js';

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const BACKSPACE = 0x08;
const DEL = 0x7f;
const CR = 0x0d;
const NL = 0x0a;
const CTRL_U = 0x15;

/** Adds CR before each NL (ONLCR). O(length). */
export function onlcr(bytes: Uint8Array): Uint8Array {
  let extra = 0;
  for (const b of bytes) if (b === NL) extra++;
  if (!extra) return bytes;
  const out = new Uint8Array(bytes.length + extra);
  let j = 0;
  for (const b of bytes) {
    if (b === NL) out[j++] = CR;
    out[j++] = b;
  }
  return out;
}

/**
 * Cooked-mode terminal input over a raw byte source. Input is pumped continuously (so ctrl-C works
 * while nobody reads); `read()` returns whole lines, or null once per ctrl-D on an empty line.
 */
export class LineDiscipline implements InputSource {
  private line: number[] = [];
  private readonly ready: (Uint8Array | null)[] = [];
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(
    private readonly raw: InputSource,
    /** Writes echo to the terminal (already ONLCR-mapped). */
    private readonly echo: (bytes: Uint8Array) => void,
    /** Called on ctrl-C, after the line buffer is discarded. */
    private readonly interrupt: () => void,
  ) {
    void this.pump();
  }

  private async pump(): Promise<void> {
    for (let chunk = await this.raw.read(); chunk !== null; chunk = await this.raw.read()) {
      for (const b of chunk) this.input(b);
    }
    this.ended = true;
    this.deliver(this.line.length ? new Uint8Array(this.line) : null);
    this.line = [];
  }

  /** Processes one typed byte. */
  private input(byte: number): void {
    const b = byte === CR ? NL : byte;
    if (b === CTRL_C) {
      this.line = [];
      this.echo(toBytes('^C'));
      this.interrupt();
    } else if (b === CTRL_D) {
      this.deliver(this.line.length ? new Uint8Array(this.line) : null);
      this.line = [];
    } else if (b === DEL || b === BACKSPACE) {
      if (this.line.length) {
        this.line.pop();
        this.echo(toBytes('\b \b'));
      }
    } else if (b === CTRL_U) {
      this.echo(toBytes('\b \b'.repeat(this.line.length)));
      this.line = [];
    } else {
      this.line.push(b);
      this.echo(b === NL ? toBytes('\r\n') : Uint8Array.of(b));
      if (b === NL) {
        this.deliver(new Uint8Array(this.line));
        this.line = [];
      }
    }
  }

  private deliver(chunk: Uint8Array | null): void {
    this.ready.push(chunk);
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** The next completed line (with its NL), or null for ctrl-D on an empty line / end of the raw input. */
  async read(): Promise<Uint8Array | null> {
    while (!this.ready.length) {
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.ready.shift()!;
  }
}

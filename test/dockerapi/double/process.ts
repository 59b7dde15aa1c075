/**
 * The transport test double's "process": interprets a Cmd just enough for wire tests.
 *   echo ARGS…      prints ARGS and exits 0          err MSG     prints MSG on stderr and exits 1
 *   exit N / sh -c "exit N"  exits N                 cat         copies stdin to stdout until EOF
 *   sleep …         runs until killed (exit 137)     anything else: "<cmd>: no such executable in PATH", 127
 * Output goes to every attached listener and to the log; stdin written before start is buffered.
 */
import type { OutputChunk } from '../../../src/vch/engine/engine.js';

/** Callbacks of a process. */
export interface ProcessSink {
  output(chunk: OutputChunk): void;
  exit(code: number): void;
}

/** A running (or not yet started) process. */
export class FakeProcess {
  private stdinBuffer: Uint8Array[] = [];
  private stdinClosed = false;
  private started = false;
  exited = false;

  constructor(
    readonly argv: readonly string[],
    private readonly sink: ProcessSink,
  ) {}

  start(): void {
    this.started = true;
    setImmediate(() => this.run());
  }

  write(data: Uint8Array): void {
    if (this.exited || this.stdinClosed) return;
    if (!this.started || this.argv[0] !== 'cat') this.stdinBuffer.push(data);
    else this.emit('stdout', data);
  }

  closeStdin(): void {
    this.stdinClosed = true;
    if (this.started && this.argv[0] === 'cat') this.finish(0);
  }

  kill(code = 137): void {
    this.finish(code);
  }

  private run(): void {
    if (this.exited) return;
    const [cmd, ...args] = this.argv;
    const shExit = cmd === 'sh' && args[0] === '-c' ? /^exit (\d+)$/.exec(args[1] ?? '') : null;
    if (cmd === 'echo') this.say('stdout', args.join(' ') + '\n', 0);
    else if (cmd === 'err') this.say('stderr', args.join(' ') + '\n', 1);
    else if (cmd === 'exit' || shExit) this.finish(Number(shExit ? shExit[1] : args[0] ?? 0));
    else if (cmd === 'cat') {
      for (const chunk of this.stdinBuffer.splice(0)) this.emit('stdout', chunk);
      if (this.stdinClosed) this.finish(0);
    } else if (cmd !== 'sleep') this.say('stderr', `${cmd ?? ''}: no such executable in PATH\n`, 127);
  }

  private say(stream: OutputChunk['stream'], text: string, code: number): void {
    this.emit(stream, Buffer.from(text));
    this.finish(code);
  }

  private emit(stream: OutputChunk['stream'], data: Uint8Array): void {
    if (!this.exited) this.sink.output({ stream, data });
  }

  private finish(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.sink.exit(code);
  }
}

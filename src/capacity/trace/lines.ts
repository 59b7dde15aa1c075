/**
 * Streaming line reader: node:readline over a file stream, so memory stays bounded by the longest
 * line, not the file. Blank lines are skipped; a trailing carriage return is removed.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { TraceFormatError } from '../errors.js';

/** A non-blank line and its 1-based number. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

/**
 * The non-blank lines of `path`, in order. Closes the file when the consumer stops early. O(1) memory per line.
 * @throws TraceFormatError (line 0) when the file cannot be opened or read.
 */
export async function* readLines(path: string): AsyncGenerator<NumberedLine> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const reader = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of reader) {
      line++;
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (text.trim() !== '') yield { text, line };
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw new TraceFormatError(path, line, `cannot read the file (${code})`);
  } finally {
    reader.close();
    input.destroy();
  }
}

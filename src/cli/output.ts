// Buffered synchronous output to a file descriptor: one write per ~64 KiB instead
// of one per line. A closed pipe (`dockshark decode x | head`) ends the run quietly.

import { writeSync } from 'node:fs';
import { safeLines } from '../decode/index.js';
import { ByteWriter } from './byte-writer.js';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

export class PipeClosed extends Error {
  constructor() {
    super('The output pipe was closed.');
    this.name = 'PipeClosed';
  }
}

/**
 * Lines to a file descriptor. Text goes straight into one reused buffer (see ByteWriter):
 * `line(text)` for whole strings, or the ByteWriter methods followed by `endLine()`.
 */
export class LineWriter extends ByteWriter {
  /**
   * `fd` -1: the lines go nowhere (a command run only for what it writes to a file).
   * `escapeLines`: `line` escapes what it is given (safeLines), the safety net of standard
   * error, whose messages quote files, filters and captures; callers escape the parts they
   * quote as well (escaping twice changes nothing). Standard output escapes at formatting
   * time instead (tables need the escaped widths, and frame lines are the hot path).
   */
  constructor(fd: number, private readonly escapeLines = false) {
    super(fd < 0 ? () => {} : (data) => writeAll(fd, data));
  }

  line(text: string): void {
    this.text(this.escapeLines ? safeLines(text) : text);
    this.endLine();
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  let rest = data;
  while (rest.length > 0) {
    let written: number;
    try {
      written = writeSync(fd, rest);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') throw new PipeClosed();
      if (code === 'EAGAIN') {
        Atomics.wait(sleepCell, 0, 0, 2); // non-blocking stdout is full: wait a little, retry
        continue;
      }
      throw err;
    }
    rest = rest.subarray(written);
  }
}

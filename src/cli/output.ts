// Buffered synchronous output to a file descriptor: one write per ~64 KiB instead
// of one per line. A closed pipe (`dockshark decode x | head`) ends the run quietly.

import { writeSync } from 'node:fs';

const FLUSH_AT = 64 * 1024;
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

export class PipeClosed extends Error {
  constructor() {
    super('The output pipe was closed.');
    this.name = 'PipeClosed';
  }
}

export class LineWriter {
  // Lines are encoded straight into one reused buffer: no join, no per-flush Buffer.
  private readonly buffer = Buffer.allocUnsafe(FLUSH_AT + 64 * 1024);
  private used = 0;
  constructor(private readonly fd: number) {}

  line(text: string): void {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    if (this.used + text.length * 3 + 1 > this.buffer.length) {
      this.flush();
      if (text.length * 3 + 1 > this.buffer.length) {
        this.writeAll(Buffer.from(text + '\n', 'utf8'));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, 'utf8');
    this.buffer[this.used++] = 0x0a;
    if (this.used >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.used === 0) return;
    const data = this.buffer.subarray(0, this.used);
    this.used = 0;
    this.writeAll(data);
  }

  private writeAll(data: Uint8Array): void {
    let rest = data;
    while (rest.length > 0) {
      let written: number;
      try {
        written = writeSync(this.fd, rest);
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
}

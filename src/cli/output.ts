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
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly fd: number) {}

  line(text: string): void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= FLUSH_AT) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const data = this.parts.join('');
    this.parts = [];
    this.size = 0;
    let buf = Buffer.from(data, 'utf8');
    while (buf.length > 0) {
      let written: number;
      try {
        written = writeSync(this.fd, buf);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') throw new PipeClosed();
        if (code === 'EAGAIN') {
          Atomics.wait(sleepCell, 0, 0, 2); // non-blocking stdout is full: wait a little, retry
          continue;
        }
        throw err;
      }
      buf = buf.subarray(written);
    }
  }
}

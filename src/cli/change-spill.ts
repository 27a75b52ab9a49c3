// The change log of `analyze --json` kept on disk instead of in memory: a capture of a few GB
// makes millions of changes, and the report must list them all. Each change is written as it
// is made (as `--json` prints it, comma-separated), then copied into the report's `events`.

import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Change } from '../analysis/types.js';
import { terminalSafeJson } from './format-frame.js';
import { LineWriter } from './output.js';

const COPY_CHUNK_BYTES = 64 * 1024;

export class ChangeSpill {
  count = 0;
  private readonly dir: string;
  private readonly path: string;
  private readonly fd: number;
  private readonly writer: LineWriter;
  private closed = false;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'dockshark-changes-'));
    this.path = join(this.dir, 'changes.json');
    this.fd = openSync(this.path, 'w+');
    this.writer = new LineWriter(this.fd);
  }

  add(change: Change): void {
    if (this.count > 0) this.writer.text(',');
    this.writer.text(terminalSafeJson(change));
    this.count++;
  }

  /** Writes the changes, comma-separated (the inside of a JSON array), to `out`. */
  copyTo(out: LineWriter): void {
    this.writer.flush();
    // The file holds UTF-8 already: its bytes go out as they are, no string made of them.
    const chunk = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
    for (let at = 0; ; ) {
      const n = readSync(this.fd, chunk, 0, chunk.length, at);
      if (n === 0) break;
      at += n;
      out.bytes(chunk.subarray(0, n));
    }
  }

  /** Deletes the file (also when the run failed). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Frame numbers as one bit each: a set of millions of numbers in a few MB. */
export class FrameNumberSet {
  size = 0;
  private bits = new Uint8Array(1024);

  add(no: number): void {
    const byte = no >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << (no & 7);
    if ((this.bits[byte] & mask) === 0) this.size++;
    this.bits[byte] |= mask;
  }

  has(no: number): boolean {
    const byte = no >>> 3;
    return byte < this.bits.length && (this.bits[byte] & (1 << (no & 7))) !== 0;
  }
}

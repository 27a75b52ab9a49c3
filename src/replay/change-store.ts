// The changes the replay's index records, in step order. A few GB of capture make millions of
// changes (hundreds of bytes of objects each): past SPILL_AT they move to an unlinked
// temporary file as JSON lines, and memory keeps only each change's byte offset and kind
// (10 bytes). Small captures never touch the disk.

import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Change } from '../analysis/types.js';
import { ChunkedColumn } from './columns.js';

/** Changes kept as objects before the store moves to a file. */
export const SPILL_AT = 50_000;
const WRITE_BUFFER_CHARS = 1 << 20;

export class ChangeStore {
  /** Changes stored. */
  length = 0;
  /** The changes as objects, until spilled. */
  private memory: Change[] | null = [];
  private fd = -1;
  /** Spilled: where change i starts in the file. */
  private readonly offsets = new ChunkedColumn(Float64Array);
  /** Spilled: each change's kind, as an index in `kindNames`. */
  private readonly kindCodes = new ChunkedColumn(Uint16Array);
  private readonly kindNames: string[] = [];
  private readonly kindIndex = new Map<string, number>();
  private pending: string[] = [];
  private pendingChars = 0;
  private fileBytes = 0;

  constructor(private readonly spillAt = SPILL_AT) {}

  /** True once the changes live in a file. */
  get spilled(): boolean {
    return this.memory === null;
  }

  /** Bytes of typed arrays held for spilled changes (offsets and kinds). */
  get indexBytes(): number {
    return this.offsets.byteLength + this.kindCodes.byteLength;
  }

  push(change: Change): void {
    if (this.memory !== null) {
      this.memory.push(change);
      this.length++;
      if (this.length > this.spillAt) this.spill();
      return;
    }
    this.append(change);
  }

  /** The kind of change `i`. */
  kind(i: number): string {
    return this.memory !== null ? this.memory[i].kind : this.kindNames[this.kindCodes.get(i)];
  }

  /** Changes `from` (inclusive) to `to` (exclusive), as fresh objects. */
  slice(from: number, to: number): Change[] {
    if (to <= from) return [];
    if (this.memory !== null) return this.memory.slice(from, to);
    this.flush();
    const start = this.offsets.get(from);
    const bytes = Buffer.allocUnsafe((to < this.length ? this.offsets.get(to) : this.fileBytes) - start);
    for (let done = 0; done < bytes.length; ) {
      const n = readSync(this.fd, bytes, done, bytes.length - done, start + done);
      if (n === 0) throw new Error('The replay index\'s change file ended early.');
      done += n;
    }
    const lines = bytes.toString('utf8').split('\n');
    lines.pop();
    return lines.map((line) => JSON.parse(line) as Change);
  }

  /** Releases the file (the store is unusable afterwards). */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private spill(): void {
    // The file is unlinked at once: it goes away with the process, however that ends.
    const dir = mkdtempSync(join(tmpdir(), 'dockshark-replay-'));
    const path = join(dir, 'changes.ndjson');
    this.fd = openSync(path, 'w+');
    unlinkSync(path);
    rmSync(dir, { recursive: true, force: true });
    const memory = this.memory ?? [];
    this.memory = null;
    this.length = 0;
    for (const change of memory) this.append(change);
  }

  private append(change: Change): void {
    let code = this.kindIndex.get(change.kind);
    if (code === undefined) {
      // More kinds than a Uint16 holds: later ones share the last code (only a crafted engine makes them).
      code = Math.min(this.kindNames.length, 0xffff);
      if (code === this.kindNames.length) this.kindNames.push(change.kind);
      this.kindIndex.set(change.kind, code);
    }
    this.kindCodes.push(code);
    const line = `${JSON.stringify(change)}\n`;
    this.offsets.push(this.fileBytes);
    this.fileBytes += Buffer.byteLength(line, 'utf8');
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= WRITE_BUFFER_CHARS) this.flush();
    this.length++;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingChars = 0;
    const at = this.fileBytes - data.length;
    for (let done = 0; done < data.length; ) done += writeSync(this.fd, data, done, data.length - done, at + done);
  }
}

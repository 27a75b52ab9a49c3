// The changes the replay's index records, in step order. A few GB of capture make millions of
// changes (hundreds of bytes of objects each): past SPILL_AT they move to an unlinked
// temporary file as JSON lines, and memory keeps only each change's byte offset and kind
// (10 bytes). Small captures never touch the disk.
//
// The move is spread out: each push writes MOVE_PER_PUSH of the changes kept in memory (the
// objects stay readable until all are written). Writing all 50,000 at once took 0.3 s,
// which the UI, indexing between key presses, showed as a frozen key.

import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Change } from '../analysis/types.js';
import { ChunkedColumn } from './columns.js';

/** Changes kept as objects before the store moves to a file. */
export const SPILL_AT = 50_000;
const WRITE_BUFFER_CHARS = 1 << 20;
/** Changes kept in memory written to the file per push while spilling: well ahead of new ones. */
const MOVE_PER_PUSH = 8;

export class ChangeStore {
  /** Changes stored. */
  length = 0;
  /** The changes as objects, until all are in the file. */
  private memory: Change[] | null = [];
  /** Once spilling: how many of `memory` are in the file (the rest, and new ones, wait their turn). */
  private moved = 0;
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

  /** True once the changes live in a file (all of them). */
  get spilled(): boolean {
    return this.memory === null;
  }

  /** Bytes of typed arrays held for spilled changes (offsets and kinds). */
  get indexBytes(): number {
    return this.offsets.byteLength + this.kindCodes.byteLength;
  }

  push(change: Change): void {
    this.length++;
    const memory = this.memory;
    if (memory === null) {
      this.append(change);
      return;
    }
    memory.push(change);
    if (this.fd < 0) {
      if (this.length > this.spillAt) this.openFile();
      else return;
    }
    // Spilling: move the oldest few; once all are written, the objects go.
    const stop = Math.min(memory.length, this.moved + MOVE_PER_PUSH);
    for (; this.moved < stop; this.moved++) this.append(memory[this.moved]);
    if (this.moved === memory.length) this.memory = null;
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

  private openFile(): void {
    // The file is unlinked at once: it goes away with the process, however that ends.
    const dir = mkdtempSync(join(tmpdir(), 'dockshark-replay-'));
    const path = join(dir, 'changes.ndjson');
    this.fd = openSync(path, 'w+');
    unlinkSync(path);
    rmSync(dir, { recursive: true, force: true });
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

// The replay's index: one step per frame of the time-ordered sequence, with where to re-read
// the frame and the typed changes the engines made on it. No object per frame: about 6 bytes
// of typed arrays per step (a 4 GB capture of 22 million frames indexes in ~140 MB).
// Steps are grouped in blocks of BLOCK_STEPS; a block keeps its first step's file offset,
// timestamp, frame number and interface. Each step then keeps its record's distance from the
// step before (2 bytes) and its time after the block's first (4 bytes, nanoseconds); its
// frame number and interface are predicted (the block's, counting up) and kept aside only
// when the prediction is wrong, like offsets and times too far to fit (merged files).

import type { Change } from '../analysis/types.js';
import { ChangeStore } from './change-store.js';
import { ChunkedColumn, SparseColumn } from './columns.js';

const BLOCK_STEPS = 64;
const FAR = 0xffff;
const FAR_TIME = 0xffffffff;

export class Timeline {
  /** Steps indexed so far: step i (0-based) is the (i+1)-th frame in time order. */
  length = 0;
  private readonly offsetSteps = new ChunkedColumn(Uint16Array);
  private readonly deltaNs = new ChunkedColumn(Uint32Array);
  private readonly blockOffset = new ChunkedColumn(Float64Array);
  private readonly blockSeconds = new ChunkedColumn(Float64Array);
  private readonly blockNanoseconds = new ChunkedColumn(Uint32Array);
  private readonly blockNo = new ChunkedColumn(Float64Array);
  private readonly blockIface = new ChunkedColumn(Uint32Array);
  /** What does not fit or was not predicted, by step. */
  private readonly farOffsets = new SparseColumn();
  private readonly farSeconds = new SparseColumn();
  private readonly farNanoseconds = new SparseColumn();
  private readonly otherNumbers = new SparseColumn();
  private readonly otherIfaces = new SparseColumn();
  private lastOffset = 0;
  /** Steps with changes (row) and the index of each one's first change in `store` (value). */
  private readonly changed = new SparseColumn();
  private readonly store: ChangeStore;
  /** The file of each interface id (an interface belongs to one file). */
  private readonly ifaceFiles: number[] = [];
  /** Changes made at the end of input (engines settling what they held back). */
  finishChanges: Change[] = [];

  constructor(spillChangesAt?: number) {
    this.store = new ChangeStore(spillChangesAt);
  }

  append(no: number, fileIndex: number, fileOffset: number, tsSec: number, tsNsec: number, ifaceId: number, changes: readonly Change[]): void {
    const i = this.length;
    this.ifaceFiles[ifaceId] = fileIndex;
    const inBlock = i % BLOCK_STEPS;
    if (inBlock === 0) {
      this.blockOffset.push(fileOffset);
      this.blockSeconds.push(tsSec);
      this.blockNanoseconds.push(tsNsec);
      this.blockNo.push(no);
      this.blockIface.push(ifaceId);
      this.offsetSteps.push(0);
      this.deltaNs.push(0);
    } else {
      const block = (i - inBlock) / BLOCK_STEPS;
      const step = fileOffset - this.lastOffset;
      this.offsetSteps.push(step >= 0 && step < FAR ? step : FAR);
      if (!(step >= 0 && step < FAR)) this.farOffsets.set(i, fileOffset);
      const delta = (tsSec - this.blockSeconds.get(block)) * 1e9 + (tsNsec - this.blockNanoseconds.get(block));
      const fits = delta >= 0 && delta < FAR_TIME;
      this.deltaNs.push(fits ? delta : FAR_TIME);
      if (!fits) {
        this.farSeconds.set(i, tsSec);
        this.farNanoseconds.set(i, tsNsec);
      }
      if (no !== this.blockNo.get(block) + inBlock) this.otherNumbers.set(i, no);
      if (ifaceId !== this.blockIface.get(block)) this.otherIfaces.set(i, ifaceId);
    }
    this.lastOffset = fileOffset;
    if (changes.length > 0) {
      this.changed.set(i, this.store.length);
      for (const change of changes) this.store.push(change);
    }
    this.length = i + 1;
  }

  /** The frame's number in its capture (what `decode` prints). */
  no(step: number): number {
    const inBlock = step % BLOCK_STEPS;
    const predicted = this.blockNo.get((step - inBlock) / BLOCK_STEPS) + inBlock;
    return inBlock === 0 ? predicted : this.otherNumbers.get(step, predicted);
  }

  /** Which file of the index's list. */
  fileIndex(step: number): number {
    return this.ifaceFiles[this.ifaceId(step)];
  }

  ifaceId(step: number): number {
    const predicted = this.blockIface.get(Math.floor(step / BLOCK_STEPS));
    return step % BLOCK_STEPS === 0 ? predicted : this.otherIfaces.get(step, predicted);
  }

  fileOffset(step: number): number {
    const start = step - (step % BLOCK_STEPS);
    let offset = this.blockOffset.get(start / BLOCK_STEPS);
    for (let s = start + 1; s <= step; s++) {
      const d = this.offsetSteps.get(s);
      offset = d === FAR ? this.farOffsets.get(s, 0) : offset + d;
    }
    return offset;
  }

  tsSec(step: number): number {
    const delta = this.deltaNs.get(step);
    if (delta === FAR_TIME) return this.farSeconds.get(step, 0);
    const block = Math.floor(step / BLOCK_STEPS);
    return this.blockSeconds.get(block) + Math.floor((this.blockNanoseconds.get(block) + delta) / 1e9);
  }

  tsNsec(step: number): number {
    const delta = this.deltaNs.get(step);
    if (delta === FAR_TIME) return this.farNanoseconds.get(step, 0);
    return (this.blockNanoseconds.get(Math.floor(step / BLOCK_STEPS)) + delta) % 1e9;
  }

  /** Capture time of a step in seconds (a double: exact to about a microsecond). */
  time(step: number): number { return this.tsSec(step) + this.tsNsec(step) / 1e9; }

  /** Bytes of typed arrays that locate and time the steps (allocated, whole chunks), for tests and benchmarks. */
  get columnBytes(): number {
    const columns = [this.offsetSteps, this.deltaNs, this.blockOffset, this.blockSeconds, this.blockNanoseconds, this.blockNo, this.blockIface];
    const sparse = [this.farOffsets, this.farSeconds, this.farNanoseconds, this.otherNumbers, this.otherIfaces];
    return columns.reduce((n, c) => n + c.byteLength, 0) + sparse.reduce((n, c) => n + c.byteLength, 0);
  }

  /** Bytes held to find changes (by step, and the store's own index when spilled). */
  get changeIndexBytes(): number {
    return this.changed.byteLength + this.store.indexBytes;
  }

  /** Changes recorded, all steps together. */
  get changeCount(): number {
    return this.store.length;
  }

  /** The changes step `step` made (a fresh array). */
  changesOf(step: number): Change[] {
    const k = this.changed.firstFrom(step);
    if (k >= this.changed.length || this.changed.rowAt(k) !== step) return [];
    return this.store.slice(this.changed.valueAt(k), this.changeEnd(k));
  }

  /** Changes of the first `steps` steps, in order (what `analyze` of those frames logs before finishing). */
  changesBefore(steps: number): Change[] {
    return this.store.slice(0, this.changesUpTo(steps));
  }

  /** The first step after `from` (exclusive) with a change whose kind passes `wanted`, or -1. */
  nextChange(from: number, wanted: (kind: string) => boolean): number {
    for (let k = this.changed.firstFrom(Math.max(0, from + 1)); k < this.changed.length; k++) {
      for (let c = this.changed.valueAt(k); c < this.changeEnd(k); c++) if (wanted(this.store.kind(c))) return this.changed.rowAt(k);
    }
    return -1;
  }

  /** The first step at or after capture time `seconds`, or `length` when every step is earlier. */
  stepAtTime(seconds: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.time(mid) < seconds) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The step of the frame numbered `no` (the number `decode` prints), or -1. */
  stepOfFrame(no: number): number {
    // Time order and file order agree except inside the reorder window: look near `no` first.
    const guess = Math.min(Math.max(no - 1, 0), this.length - 1);
    for (let d = 0; d < this.length; d++) {
      if (guess + d < this.length && this.no(guess + d) === no) return guess + d;
      if (d > 0 && guess - d >= 0 && this.no(guess - d) === no) return guess - d;
      if (guess + d >= this.length && guess - d < 0) break;
    }
    return -1;
  }

  /** Gives back the change store's file. */
  close(): void {
    this.store.close();
  }

  private changeEnd(k: number): number {
    return k + 1 < this.changed.length ? this.changed.valueAt(k + 1) : this.store.length;
  }

  /** How many changes the first `steps` steps made. */
  private changesUpTo(steps: number): number {
    const k = this.changed.firstFrom(steps);
    return k < this.changed.length ? this.changed.valueAt(k) : this.store.length;
  }
}

// The replay's index: one step per frame of the time-ordered sequence, with where to re-read
// the frame and the typed changes the engines made on it. Columns live in growable typed
// arrays (about 40 bytes per frame), changes in one flat array with a start index per step.

import type { Change } from '../analysis/types.js';

const INITIAL_STEPS = 4096;

export class Timeline {
  /** Steps indexed so far: step i (0-based) is the (i+1)-th frame in time order. */
  length = 0;
  private frameNo = new Float64Array(INITIAL_STEPS);
  private fileIndexes = new Uint16Array(INITIAL_STEPS);
  private fileOffsets = new Float64Array(INITIAL_STEPS);
  private seconds = new Float64Array(INITIAL_STEPS);
  private nanoseconds = new Uint32Array(INITIAL_STEPS);
  private ifaceIds = new Uint32Array(INITIAL_STEPS);
  /** changeStarts[i] is the index in `changes` of step i's first change; [length] is the end. */
  private changeStarts = new Uint32Array(INITIAL_STEPS + 1);
  readonly changes: Change[] = [];
  /** Changes made at the end of input (engines settling what they held back). */
  finishChanges: Change[] = [];

  append(no: number, fileIndex: number, fileOffset: number, tsSec: number, tsNsec: number, ifaceId: number, changes: readonly Change[]): void {
    if (this.length === this.frameNo.length) this.grow();
    const i = this.length;
    this.frameNo[i] = no;
    this.fileIndexes[i] = fileIndex;
    this.fileOffsets[i] = fileOffset;
    this.seconds[i] = tsSec;
    this.nanoseconds[i] = tsNsec;
    this.ifaceIds[i] = ifaceId;
    for (const change of changes) this.changes.push(change);
    this.length = i + 1;
    this.changeStarts[i + 1] = this.changes.length;
  }

  no(step: number): number { return this.frameNo[step]; }
  fileIndex(step: number): number { return this.fileIndexes[step]; }
  fileOffset(step: number): number { return this.fileOffsets[step]; }
  tsSec(step: number): number { return this.seconds[step]; }
  tsNsec(step: number): number { return this.nanoseconds[step]; }
  ifaceId(step: number): number { return this.ifaceIds[step]; }
  /** Capture time of a step in seconds (a double: exact to about a microsecond). */
  time(step: number): number { return this.seconds[step] + this.nanoseconds[step] / 1e9; }

  /** The changes step `step` made (a fresh array). */
  changesOf(step: number): Change[] {
    return this.changes.slice(this.changeStarts[step], this.changeStarts[step + 1]);
  }

  /** Changes of the first `steps` steps, in order (what `analyze` of those frames logs before finishing). */
  changesBefore(steps: number): Change[] {
    return this.changes.slice(0, this.changeStarts[steps]);
  }

  /** The first step after `from` (exclusive) with a change whose kind passes `wanted`, or -1. */
  nextChange(from: number, wanted: (kind: string) => boolean): number {
    for (let step = Math.max(0, from + 1); step < this.length; step++) {
      for (let c = this.changeStarts[step]; c < this.changeStarts[step + 1]; c++) {
        if (wanted(this.changes[c].kind)) return step;
      }
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
      if (guess + d < this.length && this.frameNo[guess + d] === no) return guess + d;
      if (d > 0 && guess - d >= 0 && this.frameNo[guess - d] === no) return guess - d;
      if (guess + d >= this.length && guess - d < 0) break;
    }
    return -1;
  }

  private grow(): void {
    const size = this.frameNo.length * 2;
    this.frameNo = resized(this.frameNo, new Float64Array(size));
    this.fileIndexes = resized(this.fileIndexes, new Uint16Array(size));
    this.fileOffsets = resized(this.fileOffsets, new Float64Array(size));
    this.seconds = resized(this.seconds, new Float64Array(size));
    this.nanoseconds = resized(this.nanoseconds, new Uint32Array(size));
    this.ifaceIds = resized(this.ifaceIds, new Uint32Array(size));
    this.changeStarts = resized(this.changeStarts, new Uint32Array(size + 1));
  }
}

function resized<T extends Float64Array | Uint32Array | Uint16Array>(old: T, into: T): T {
  into.set(old as never);
  return into;
}

// Frames in timestamp order. `tcpdump -i any` and multi-interface dumpcap files are
// written from per-interface buffers, so a file's frames are only roughly in time
// order (the copy of a bridged frame on the egress port can precede the ingress
// copy in the file). State reconstruction needs true time order: this source holds
// a bounded window of copied frames and releases the earliest one once the window
// spans more than `windowSeconds` of capture time or `maxFrames` frames.
// Frames keep their original numbers.

import type { FrameSource, InterfaceInfo, InterfaceStats, RawFrame, ReadIssue } from './types.js';

export interface ReorderOptions {
  /**
   * How far back in capture time a late frame may still be put in place (default 1 s;
   * dumpcap's multi-interface files in captures/ are at most 0.23 s out of order).
   */
  windowSeconds?: number;
  /** Most frames held at once (default 16384): bounds memory whatever the timestamps say. */
  maxFrames?: number;
}

/** Copied frame bytes live in 1 MiB slabs, recycled once every frame in them is released. */
const SLAB_BYTES = 1 << 20;

class Slab {
  readonly bytes: Uint8Array;
  used = 0;
  live = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }
}

interface Held {
  frame: RawFrame;
  slab: Slab;
}

/** A held frame: a RawFrame whose bytes were copied into a slab. */
class HeldFrame implements RawFrame {
  no = 0;
  iface!: RawFrame['iface'];
  tsSec = 0;
  tsNsec = 0;
  origLen = 0;
  data: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  fileOffset = 0;
  direction: RawFrame['direction'] = null;
  comments: string[] | null = null;
  get bytes(): Uint8Array {
    return this.data.subarray(this.start, this.end);
  }
}

function earlier(a: RawFrame, b: RawFrame): boolean {
  if (a.tsSec !== b.tsSec) return a.tsSec < b.tsSec;
  if (a.tsNsec !== b.tsNsec) return a.tsNsec < b.tsNsec;
  return a.no < b.no;
}

export class TimeOrderedSource implements FrameSource {
  /**
   * Held frames sorted by time in queue[head..]. Nearly sorted input makes this cheap:
   * an in-order frame is appended, a late one is slid back only past the frames it is
   * late for, and the earliest is taken from the front.
   */
  private queue: Held[] = [];
  private head = 0;
  private slab: Slab = new Slab(SLAB_BYTES);
  private readonly spareSlabs: Slab[] = [];
  private readonly spareHeld: Held[] = [];
  /** The frame handed out last: recycled on the next call, when the caller is done with it. */
  private released: Held | null = null;
  private readonly windowSeconds: number;
  private readonly maxFrames: number;
  private latestSec = -Infinity;
  private drained = false;
  /** Frames that arrived later than the window allowed and were released out of order. */
  lateFrames = 0;
  private lastSec = 0;
  private lastNsec = 0;
  private lastNo = -1;

  constructor(private readonly inner: FrameSource, options: ReorderOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 1;
    this.maxFrames = options.maxFrames ?? 16384;
  }

  get interfaces(): readonly InterfaceInfo[] { return this.inner.interfaces; }
  get issues(): readonly ReadIssue[] { return this.inner.issues; }
  get stats(): readonly InterfaceStats[] { return this.inner.stats; }
  get names(): ReadonlyMap<string, string[]> { return this.inner.names; }

  next(): RawFrame | null {
    if (this.released) this.recycle(this.released);
    this.released = null;
    while (!this.drained) {
      const held = this.queue.length - this.head;
      if (held > 0 && (held >= this.maxFrames || this.latestSec - this.queue[this.head].frame.tsSec > this.windowSeconds)) break;
      const f = this.inner.next();
      if (f === null) {
        this.drained = true;
        break;
      }
      if (f.tsSec > this.latestSec) this.latestSec = f.tsSec;
      this.insert(this.hold(f));
    }
    if (this.head === this.queue.length) return null;
    const out = this.queue[this.head++];
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    const frame = out.frame;
    if (this.lastNo >= 0 && (frame.tsSec < this.lastSec || (frame.tsSec === this.lastSec && frame.tsNsec < this.lastNsec))) this.lateFrames++;
    this.lastSec = frame.tsSec;
    this.lastNsec = frame.tsNsec;
    this.lastNo = frame.no;
    this.released = out;
    return frame;
  }

  close(): void {
    this.inner.close();
  }

  private insert(item: Held): void {
    const q = this.queue;
    let i = q.length;
    q.push(item);
    while (i > this.head && earlier(item.frame, q[i - 1].frame)) {
      q[i] = q[i - 1];
      i--;
    }
    q[i] = item;
  }

  /** Copy a frame out of the reader's buffer into the current slab. */
  private hold(f: RawFrame): Held {
    const length = f.end - f.start;
    if (this.slab.used + length > this.slab.bytes.length) {
      const old = this.slab;
      if (old.live === 0) old.used = 0;
      else this.slab = this.spareSlabs.pop() ?? new Slab(Math.max(SLAB_BYTES, length));
      if (this.slab.bytes.length < length) this.slab = new Slab(length);
    }
    const slab = this.slab;
    slab.bytes.set(f.data.subarray(f.start, f.end), slab.used);
    const held = this.spareHeld.pop() ?? { frame: new HeldFrame(), slab };
    const copy = held.frame as HeldFrame;
    copy.no = f.no; copy.iface = f.iface; copy.tsSec = f.tsSec; copy.tsNsec = f.tsNsec; copy.origLen = f.origLen;
    copy.data = slab.bytes; copy.start = slab.used; copy.end = slab.used + length;
    copy.fileOffset = f.fileOffset; copy.direction = f.direction; copy.comments = f.comments;
    held.slab = slab;
    slab.used += length;
    slab.live++;
    return held;
  }

  private recycle(held: Held): void {
    const slab = held.slab;
    slab.live--;
    if (slab.live === 0 && slab !== this.slab) {
      slab.used = 0;
      if (slab.bytes.length === SLAB_BYTES) this.spareSlabs.push(slab);
    }
    this.spareHeld.push(held);
  }
}

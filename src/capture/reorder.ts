// Frames in timestamp order. `tcpdump -i any` and multi-interface dumpcap files are
// written from per-interface buffers, so a file's frames are only roughly in time
// order (the copy of a bridged frame on the egress port can precede the ingress
// copy in the file). State reconstruction needs true time order: this source holds
// a bounded window of copied frames and releases the earliest one once the window
// spans more than `windowSeconds` of capture time or `maxFrames` frames.
// Frames keep their original numbers.

import type { FrameSource, InterfaceInfo, InterfaceStats, RawFrame, ReadIssue } from './types.js';

export interface ReorderOptions {
  /** How far back in capture time a late frame may still be put in place (default 2 s). */
  windowSeconds?: number;
  /** Most frames held at once (default 65536): bounds memory whatever the timestamps say. */
  maxFrames?: number;
}

interface Held {
  frame: RawFrame;
}

/** An owned copy of a RawFrame (its bytes are copied out of the reader's buffer). */
function copyFrame(f: RawFrame): RawFrame {
  const data = f.data.slice(f.start, f.end);
  return {
    no: f.no, iface: f.iface, tsSec: f.tsSec, tsNsec: f.tsNsec, origLen: f.origLen,
    bytes: data, data, start: 0, end: data.length,
    fileOffset: f.fileOffset, direction: f.direction, comments: f.comments,
  };
}

function earlier(a: RawFrame, b: RawFrame): boolean {
  if (a.tsSec !== b.tsSec) return a.tsSec < b.tsSec;
  if (a.tsNsec !== b.tsNsec) return a.tsNsec < b.tsNsec;
  return a.no < b.no;
}

export class TimeOrderedSource implements FrameSource {
  private readonly heap: Held[] = [];
  private readonly windowSeconds: number;
  private readonly maxFrames: number;
  private latestSec = -Infinity;
  private drained = false;
  /** Frames that arrived later than the window allowed and were released out of order. */
  lateFrames = 0;
  private lastReleased: RawFrame | null = null;

  constructor(private readonly inner: FrameSource, options: ReorderOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 2;
    this.maxFrames = options.maxFrames ?? 65536;
  }

  get interfaces(): readonly InterfaceInfo[] { return this.inner.interfaces; }
  get issues(): readonly ReadIssue[] { return this.inner.issues; }
  get stats(): readonly InterfaceStats[] { return this.inner.stats; }
  get names(): ReadonlyMap<string, string[]> { return this.inner.names; }

  next(): RawFrame | null {
    while (!this.drained) {
      const top = this.heap[0];
      if (top && (this.heap.length >= this.maxFrames || this.latestSec - top.frame.tsSec > this.windowSeconds)) break;
      const f = this.inner.next();
      if (f === null) {
        this.drained = true;
        break;
      }
      if (f.tsSec > this.latestSec) this.latestSec = f.tsSec;
      this.push({ frame: copyFrame(f) });
    }
    const out = this.pop();
    if (out === null) return null;
    if (this.lastReleased && earlier(out.frame, this.lastReleased)) this.lateFrames++;
    this.lastReleased = out.frame;
    return out.frame;
  }

  close(): void {
    this.inner.close();
  }

  private push(item: Held): void {
    const h = this.heap;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(h[i].frame, h[parent].frame)) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }

  private pop(): Held | null {
    const h = this.heap;
    if (h.length === 0) return null;
    const top = h[0];
    const last = h.pop() as Held;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && earlier(h[l].frame, h[m].frame)) m = l;
        if (r < h.length && earlier(h[r].frame, h[m].frame)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

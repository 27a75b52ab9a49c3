// A bounded FIFO of captured frames between the capture callback (which must never wait:
// libpcap's buffer fills while it does) and whatever consumes them at its own pace (the
// analysis, a UI). Bytes are copied into one preallocated ring of memory, so nothing is
// allocated per frame; a frame that does not fit is refused and counted, never silently lost.

import { CaptureFrame } from './frame.js';
import type { Direction, InterfaceInfo } from './types.js';

export interface LiveQueueOptions {
  /** Most frames held (default 65536). */
  maxFrames?: number;
  /** Bytes of frame data held (default 64 MiB). */
  maxBytes?: number;
}

export class LiveFrameQueue {
  private readonly arena: Uint8Array;
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  private readonly secs: Float64Array;
  private readonly nsecs: Float64Array;
  /** 0 unknown, 1 in, 2 out. */
  private readonly directions: Uint8Array;
  private readonly ifaces: (InterfaceInfo | null)[];
  private readonly capacity: number;
  private head = 0; // next slot to read
  private count = 0;
  /** Arena offset where the next frame's bytes go, and where the oldest held frame's start. */
  private writeAt = 0;
  private readonly frame = new CaptureFrame();
  private frameNo = 0;
  /** Frames refused because the queue was full: the consumer fell behind. */
  dropped = 0;

  constructor(options: LiveQueueOptions = {}) {
    this.capacity = options.maxFrames ?? 65536;
    this.arena = new Uint8Array(options.maxBytes ?? 64 << 20);
    this.starts = new Int32Array(this.capacity);
    this.lengths = new Int32Array(this.capacity);
    this.secs = new Float64Array(this.capacity);
    this.nsecs = new Float64Array(this.capacity);
    this.directions = new Uint8Array(this.capacity);
    this.ifaces = new Array<InterfaceInfo | null>(this.capacity).fill(null);
  }

  get length(): number {
    return this.count;
  }

  /** Copies a frame in; false (and counted in `dropped`) when there is no room for it. */
  push(iface: InterfaceInfo, tsSec: number, tsNsec: number, bytes: Uint8Array, length: number, direction: Direction = null): boolean {
    const at = this.place(length);
    if (at < 0 || this.count === this.capacity) {
      this.dropped++;
      return false;
    }
    this.arena.set(length === bytes.length ? bytes : bytes.subarray(0, length), at);
    const slot = (this.head + this.count) % this.capacity;
    this.starts[slot] = at;
    this.lengths[slot] = length;
    this.secs[slot] = tsSec;
    this.nsecs[slot] = tsNsec;
    this.directions[slot] = direction === 'in' ? 1 : direction === 'out' ? 2 : 0;
    this.ifaces[slot] = iface;
    this.count++;
    this.writeAt = at + length;
    return true;
  }

  /**
   * The oldest frame, numbered 1, 2, ... in arrival order, or null when empty. The frame
   * object and its bytes are reused: valid until the next shift() or push(), that is
   * until control returns to the event loop (cap delivers frames from it).
   */
  shift(): CaptureFrame | null {
    if (this.count === 0) return null;
    const slot = this.head;
    const f = this.frame;
    const start = this.starts[slot];
    const length = this.lengths[slot];
    f.no = ++this.frameNo;
    f.iface = this.ifaces[slot] as InterfaceInfo;
    f.tsSec = this.secs[slot];
    f.tsNsec = this.nsecs[slot];
    f.origLen = length;
    const d = this.directions[slot];
    f.direction = d === 1 ? 'in' : d === 2 ? 'out' : null;
    f.setWindow(this.arena, start, start + length);
    this.ifaces[slot] = null;
    this.head = (slot + 1) % this.capacity;
    this.count--;
    return f;
  }

  /** Where `length` bytes fit without overwriting a held frame; -1 if nowhere. */
  private place(length: number): number {
    const size = this.arena.length;
    if (length > size) return -1;
    if (this.count === 0) return 0; // nothing held: start over at the beginning
    const oldest = this.starts[this.head];
    const at = this.writeAt;
    if (at > oldest) {
      // Free space runs from `at` to the end, then from 0 up to the oldest held frame.
      if (at + length <= size) return at;
      return length <= oldest ? 0 : -1;
    }
    // Wrapped: free space runs from `at` up to the oldest held frame.
    return at + length <= oldest ? at : -1;
  }
}

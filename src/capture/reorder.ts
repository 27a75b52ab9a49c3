// Frames in timestamp order. `tcpdump -i any` and multi-interface dumpcap files are
// written from per-interface buffers, so a file's frames are only roughly in time
// order (the copy of a bridged frame on the egress port can precede the ingress
// copy in the file). State reconstruction needs true time order: this source holds
// a bounded window of copied frames and releases the earliest one once the window
// spans more than `windowSeconds` of capture time or `maxFrames` frames.
// Frames keep their original numbers.
//
// How deep the window must be depends on where the disorder comes from. Across the
// interfaces of one file (dumpcap's per-interface buffers) or of `-i any`, frames arrive
// up to 225 ms and 33 frames late in captures/. A file of one interface is written from
// one kernel ring, so only CPUs stamping frames in parallel put it out of order: at most
// 2 frames late in captures/ and in the corpus (0.06 ms in captures/); a frame can be late by
// about as many frames as there are CPUs stamping at once. Such a source is held to
// `oneInterfaceMaxFrames` (256: over a hundred times what was seen, and the CPUs of a large
// host), which also keeps the held frames in the CPU's fastest caches until they are decoded:
// 256 frames of the benchmark mix are 50 kB of bytes; 2,048 (the limit before) made `analyze`
// 4 % slower, and the full 16,384 (3.4 MB) about a tenth slower still.
//
// This runs for every analysed frame, so nothing is allocated per frame in the steady
// state: held frames are pooled objects in a ring (sorted by time). Their bytes stay in the
// reader's windows, pinned (window-pool.ts) until every frame in them is released; frames
// of a source that cannot pin are copied into 1 MiB slabs, reused the same way.

import { WindowPool, type PinnedWindow } from './window-pool.js';
import type { FrameSource, InterfaceInfo, InterfaceStats, RawFrame, ReadIssue } from './types.js';

export interface ReorderOptions {
  /**
   * How far back in capture time a late frame may still be put in place (default 1 s;
   * dumpcap's multi-interface files in captures/ are at most 0.23 s out of order).
   */
  windowSeconds?: number;
  /** Most frames held at once (default 16384): bounds memory whatever the timestamps say. */
  maxFrames?: number;
  /**
   * Most frames held while the source has one capture interface that is not SLL or SLL2
   * (default 256; never more than maxFrames). See the top of this file.
   */
  oneInterfaceMaxFrames?: number;
}

const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;

/** True when frames can only be a little out of order: one capture interface, not `-i any`. */
function fromOneRing(interfaces: readonly { readonly linkType: number }[]): boolean {
  return interfaces.length === 1 && interfaces[0].linkType !== LINKTYPE_LINUX_SLL && interfaces[0].linkType !== LINKTYPE_LINUX_SLL2;
}

/** Copied frame bytes live in 1 MiB slabs, recycled once every frame in them is released. */
const SLAB_BYTES = 1 << 20;

class Slab {
  readonly bytes: Uint8Array;
  /** The same memory as 32-bit words (copies go a word at a time: see copyFrame). */
  readonly words: Int32Array;
  used = 0;
  live = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size + 3);
    this.words = new Int32Array(this.bytes.buffer, 0, this.bytes.length >> 2);
  }
}

/** Frames up to this size are copied a word at a time; larger ones by TypedArray.set. */
const WORD_COPY_MAX = 512;

const NO_SLAB = new Slab(0);

/** A held frame: a RawFrame whose bytes were copied into a slab. */
class HeldFrame implements RawFrame {
  no = 0;
  iface!: RawFrame['iface'];
  tsSec = 0;
  tsNsec = 0;
  origLen = 0;
  data: Uint8Array = NO_SLAB.bytes;
  start = 0;
  end = 0;
  fileOffset = 0;
  direction: RawFrame['direction'] = null;
  comments: string[] | null = null;
  slab: Slab = NO_SLAB;
  /** The reader's window the bytes are in (not copied), or null when they are in `slab`. */
  window: PinnedWindow | null = null;
  get bytes(): Uint8Array {
    return this.data.subarray(this.start, this.end);
  }
}

/** Fills free ring slots, so the ring is a packed array of one class. */
const EMPTY_SLOT = new HeldFrame();

function earlier(a: HeldFrame, b: HeldFrame): boolean {
  if (a.tsSec !== b.tsSec) return a.tsSec < b.tsSec;
  if (a.tsNsec !== b.tsNsec) return a.tsNsec < b.tsNsec;
  return a.no < b.no;
}

export class TimeOrderedSource implements FrameSource {
  /**
   * Held frames sorted by time: a ring of `count` frames from `head`. Nearly sorted input
   * makes this cheap: an in-order frame is appended, a late one is slid back only past
   * the frames it is late for, and the earliest is taken from the front.
   */
  private ring: HeldFrame[] = [];
  private mask = -1;
  private head = 0;
  private count = 0;
  private slab: Slab = new Slab(SLAB_BYTES);
  private readonly spareSlabs: Slab[] = [];
  private readonly spareFrames: HeldFrame[] = [];
  /** The reader buffer frames were last copied from, and its word view (null when not word-aligned). */
  private sourceData: Uint8Array | null = null;
  private sourceWords: Int32Array | null = null;
  /** The frame next() handed out last: recycled on the next call, when the caller is done with it. */
  private released: HeldFrame | null = null;
  /** The frames nextBatch() handed out last: recycled on the next call, likewise. */
  private readonly releasedBatch: HeldFrame[] = [];
  private readonly windowSeconds: number;
  private readonly maxFrames: number;
  private readonly oneInterfaceMaxFrames: number;
  private latestSec = -Infinity;
  private drained = false;
  /** Frames that arrived later than the window allowed and were released out of order. */
  lateFrames = 0;
  private lastSec = 0;
  private lastNsec = 0;
  private lastNo = -1;
  private readonly windows = new WindowPool();

  constructor(private readonly inner: FrameSource, options: ReorderOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? 1;
    this.maxFrames = Math.max(1, options.maxFrames ?? 16384);
    this.oneInterfaceMaxFrames = Math.min(this.maxFrames, Math.max(1, options.oneInterfaceMaxFrames ?? 256));
    this.grow(16);
    inner.pinWindows?.(this.windows);
  }

  get interfaces(): readonly InterfaceInfo[] { return this.inner.interfaces; }
  get issues(): readonly ReadIssue[] { return this.inner.issues; }
  get stats(): readonly InterfaceStats[] { return this.inner.stats; }
  get names(): ReadonlyMap<string, string[]> { return this.inner.names; }

  next(): RawFrame | null {
    this.recycleHandedOut();
    const frame = this.take();
    this.released = frame;
    return frame;
  }

  /**
   * Up to `max` frames into `into[0..]`, in time order, fewer only at the end of input; all of
   * them stay valid until the next call of next() or nextBatch(). Returns how many.
   */
  nextBatch(into: RawFrame[], max: number): number {
    this.recycleHandedOut();
    const batch = this.releasedBatch;
    let n = 0;
    for (; n < max; n++) {
      const frame = this.take();
      if (frame === null) break;
      into[n] = frame;
      batch.push(frame);
    }
    return n;
  }

  /** The earliest frame, taken out of the window (the caller keeps it for recycling). */
  private take(): HeldFrame | null {
    if (!this.drained) this.fill();
    if (this.count === 0) return null;
    const frame = this.ring[this.head];
    this.head = (this.head + 1) & this.mask;
    this.count--;
    if (this.lastNo >= 0 && (frame.tsSec < this.lastSec || (frame.tsSec === this.lastSec && frame.tsNsec < this.lastNsec))) this.lateFrames++;
    this.lastSec = frame.tsSec;
    this.lastNsec = frame.tsNsec;
    this.lastNo = frame.no;
    return frame;
  }

  /** The caller is done with what the last call handed out: back to the pool. */
  private recycleHandedOut(): void {
    if (this.released !== null) {
      this.recycle(this.released);
      this.released = null;
    }
    const batch = this.releasedBatch;
    if (batch.length === 0) return;
    for (let i = 0; i < batch.length; i++) this.recycle(batch[i]);
    // Emptied by pop(): `length = 0` drops the backing store, and the next batch's pushes grow a new one.
    while (batch.length > 0) batch.pop();
  }

  close(): void {
    this.inner.close();
  }

  /**
   * Reads until the earliest held frame is due (or the input ends). A method of its own:
   * with this loop inside next(), `node --trace-deopt` showed V8 throwing next()'s optimized
   * code away 46 to 346 times per 2,000,000 frames at the check after the loop ("insufficient
   * type feedback"), and compiling it again each time.
   */
  private fill(): void {
    const maxFrames = this.heldAtMost;
    while (!this.drained) {
      if (this.count > 0 && (this.count >= maxFrames || this.latestSec - this.ring[this.head].tsSec > this.windowSeconds)) return;
      const f = this.inner.next();
      if (f === null) {
        this.drained = true;
        return;
      }
      if (f.tsSec > this.latestSec) this.latestSec = f.tsSec;
      this.insert(this.hold(f));
    }
  }

  /**
   * Most frames held now. The source's interface list is live (a pcapng file may declare
   * another interface later): frames read before that came from one ring, so a window that
   * deepens from then on still puts every frame in place.
   */
  get heldAtMost(): number {
    return fromOneRing(this.inner.interfaces) ? this.oneInterfaceMaxFrames : this.maxFrames;
  }

  /** The window as the messages about late frames describe it, e.g. "1 s / 256 frames". */
  get windowText(): string {
    // Thousands by hand: toLocaleString's first call loads ICU's number formats (15 ms).
    return `${this.windowSeconds} s / ${String(this.heldAtMost).replace(/\B(?=(\d{3})+$)/g, ',')} frames`;
  }

  private insert(item: HeldFrame): void {
    if (this.count === this.ring.length) this.grow(this.ring.length * 2);
    const ring = this.ring;
    const mask = this.mask;
    let i = (this.head + this.count) & mask;
    this.count++;
    while (i !== this.head) {
      const before = (i - 1) & mask;
      if (!earlier(item, ring[before])) break;
      ring[i] = ring[before];
      i = before;
    }
    ring[i] = item;
  }

  /** Room for `capacity` frames (a power of two); the held ones move to the front in order. */
  private grow(capacity: number): void {
    const ring = new Array<HeldFrame>(capacity);
    for (let k = 0; k < this.count; k++) ring[k] = this.ring[(this.head + k) & this.mask];
    for (let k = this.count; k < capacity; k++) ring[k] = EMPTY_SLOT;
    this.ring = ring;
    this.mask = capacity - 1;
    this.head = 0;
  }

  /** Keeps a frame: its bytes where they are when the reader pinned them, else a copy in a slab. */
  private hold(f: RawFrame): HeldFrame {
    const copy = this.spareFrames.pop() ?? new HeldFrame();
    copy.no = f.no; copy.tsSec = f.tsSec; copy.tsNsec = f.tsNsec; copy.origLen = f.origLen; copy.fileOffset = f.fileOffset;
    // Objects are stored only when they change: each store of one runs V8's write barrier,
    // whose slow path (while the GC marks, or for a young window) costs more than comparing.
    if (copy.iface !== f.iface) copy.iface = f.iface;
    if (copy.direction !== f.direction) copy.direction = f.direction;
    if (copy.comments !== f.comments) copy.comments = f.comments;
    const window = this.windows.windowOf(f.data);
    if (window !== null) {
      window.held++;
      if (copy.window !== window) copy.window = window;
      if (copy.slab !== NO_SLAB) copy.slab = NO_SLAB;
      if (copy.data !== f.data) copy.data = f.data;
      copy.start = f.start; copy.end = f.end;
      return copy;
    }
    if (copy.window !== null) copy.window = null;
    this.copyBytes(f, copy);
    return copy;
  }

  /** Copies a frame's bytes out of the reader's buffer into the current slab. */
  private copyBytes(f: RawFrame, copy: HeldFrame): void {
    const data = f.data;
    const length = f.end - f.start;
    if (data !== this.sourceData) this.viewSource(data);
    // In the slab at the same offset modulo 4 as in the reader's buffer, so that words line up.
    let slab = this.slab;
    let at = slab.used + ((f.start - slab.used) & 3);
    if (at + length > slab.bytes.length) {
      if (slab.live === 0) slab.used = 0;
      else slab = this.spareSlabs.pop() ?? new Slab(Math.max(SLAB_BYTES, length));
      if (slab.bytes.length < length + 3) slab = new Slab(length);
      this.slab = slab;
      at = slab.used + ((f.start - slab.used) & 3);
    }
    const words = this.sourceWords;
    if (words !== null && length <= WORD_COPY_MAX) copyAligned(data, words, f.start, f.end, slab.bytes, slab.words, at);
    else slab.bytes.set(data.subarray(f.start, f.end), at);
    slab.used = at + length;
    slab.live++;
    copy.data = slab.bytes; copy.start = at; copy.end = at + length; copy.slab = slab;
  }

  /** A word view of a reader's buffer (it changes only when the reader grows its window). */
  private viewSource(data: Uint8Array): void {
    this.sourceData = data;
    this.sourceWords = data.byteOffset % 4 === 0 ? new Int32Array(data.buffer, data.byteOffset, data.length >> 2) : null;
  }

  private recycle(frame: HeldFrame): void {
    if (frame.comments !== null) frame.comments = null;
    this.spareFrames.push(frame);
    // `window` stays set (hold() sets it again, usually to the same one): it is released here, once.
    const window = frame.window;
    if (window !== null) {
      this.windows.release(window);
      return;
    }
    const slab = frame.slab;
    slab.live--;
    if (slab.live === 0 && slab !== this.slab) {
      slab.used = 0;
      if (slab.bytes.length === SLAB_BYTES + 3) this.spareSlabs.push(slab);
    }
  }
}

/**
 * Copies from[start, end) to to[at, ...) a 32-bit word at a time (no view is made, so
 * nothing is allocated): `at` and `start` must be equal modulo 4, and both arrays start
 * on a word boundary of their buffers, whose word views are `fromWords` and `toWords`.
 */
function copyAligned(from: Uint8Array, fromWords: Int32Array, start: number, end: number, to: Uint8Array, toWords: Int32Array, at: number): void {
  let i = start;
  let j = at;
  const wholeEnd = end & ~3;
  if (wholeEnd > i) {
    while ((i & 3) !== 0) to[j++] = from[i++];
    for (let w = i >> 2, v = j >> 2, stop = wholeEnd >> 2; w < stop; w++, v++) toWords[v] = fromWords[w];
    j += wholeEnd - i;
    i = wholeEnd;
  }
  while (i < end) to[j++] = from[i++];
}

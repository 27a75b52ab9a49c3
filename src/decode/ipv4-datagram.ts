// One IPv4 datagram being reassembled (see ipv4-reassembly.ts): its bytes, the ranges
// fragments covered, and the compact copy replay checkpoints keep.

/** Largest IPv4 payload: 65535 minus the smallest header. */
export const MAX_DATAGRAM_PAYLOAD = 65535 - 20;
/** Per datagram: more fragments than this is an attack or garbage, not a datagram. */
export const MAX_FRAGMENTS = 256;

export interface FragmentId {
  src: number;
  dst: number;
  protocol: number;
  id: number;
  /** Capture interface: the same fragment seen on two interfaces is two datagrams. */
  iface: number;
}

/** Bytes (and range slots) a new datagram starts with; both grow as fragments need them. */
const INITIAL_BUFFER_BYTES = 2048;
const INITIAL_RANGE_SLOTS = 16;

/**
 * One datagram being reassembled, in a buffer of its own that grows (doubling) up to 64 KiB
 * as fragments reach further; recycled once it is done. Replay checkpoints copy every pending
 * datagram, so a copy keeps only the bytes fragments covered, packed (`packed`), and
 * rebuilds its buffer on its first write: 256 pending datagrams at 64 KiB each made every
 * checkpoint cost 17 MB whatever the fragments held (test/fixtures/fuzz/README.md).
 */
export class Datagram {
  src = 0;
  id = 0;
  dst = 0;
  protocol = 0;
  iface = 0;
  buffer: Uint8Array;
  /** Made once per buffer, so a completed datagram costs no DataView. */
  view: DataView;
  /**
   * Byte ranges written so far: [start, end) pairs sorted by start and merged, in
   * covered[0, coveredLength). Each fragment adds at most one pair.
   */
  covered: Int32Array;
  coveredLength = 0;
  fragments = 0;
  /** Payload length once the fragment with MF=0 arrived, else -1. */
  total = -1;
  /** Furthest byte any fragment reached (to spot data past the end). */
  furthest = 0;
  conflictingBytes = 0;
  firstSeenSec = 0;
  /** The next datagram with the same (source, id), in arrival order. */
  sameKey: Datagram | null = null;
  /**
   * A copy's covered bytes back to back, in range order, until its first write; never
   * written, so copies of copies share it. Null when `buffer` holds the bytes.
   */
  private packed: Uint8Array | null = null;

  constructor(bufferBytes = INITIAL_BUFFER_BYTES, rangeSlots = INITIAL_RANGE_SLOTS) {
    this.buffer = new Uint8Array(Math.min(MAX_DATAGRAM_PAYLOAD, bufferBytes));
    this.view = new DataView(this.buffer.buffer);
    this.covered = new Int32Array(Math.min(2 * MAX_FRAGMENTS, rangeSlots));
  }

  /** Makes the buffer hold bytes [0, end) (end at most MAX_DATAGRAM_PAYLOAD), keeping what is written. */
  reserve(end: number): void {
    if (this.packed !== null) this.unpack(end);
    if (end <= this.buffer.length) return;
    const bigger = new Uint8Array(Math.min(MAX_DATAGRAM_PAYLOAD, Math.max(end, this.buffer.length * 2)));
    bigger.set(this.buffer.subarray(0, this.furthest));
    this.buffer = bigger;
    this.view = new DataView(bigger.buffer);
  }

  /** Makes room for `slots` range numbers (at most 2 * MAX_FRAGMENTS). */
  reserveRanges(slots: number): void {
    if (slots <= this.covered.length) return;
    const bigger = new Int32Array(Math.min(2 * MAX_FRAGMENTS, Math.max(slots, this.covered.length * 2)));
    bigger.set(this.covered.subarray(0, this.coveredLength));
    this.covered = bigger;
  }

  reset(f: FragmentId, nowSec: number): void {
    this.src = f.src;
    this.id = f.id;
    this.dst = f.dst;
    this.protocol = f.protocol;
    this.iface = f.iface;
    this.coveredLength = 0;
    this.fragments = 0;
    this.total = -1;
    this.furthest = 0;
    this.conflictingBytes = 0;
    this.firstSeenSec = nowSec;
    this.sameKey = null;
    this.packed = null;
  }

  /** Bytes this datagram holds (buffer, packed copy and ranges). */
  get retainedBytes(): number {
    return this.buffer.byteLength + this.covered.byteLength + (this.packed?.byteLength ?? 0);
  }

  /** An independent copy holding only the covered bytes (see `packed`). */
  copy(): Datagram {
    const d = new Datagram(0, this.coveredLength);
    d.src = this.src;
    d.id = this.id;
    d.dst = this.dst;
    d.protocol = this.protocol;
    d.iface = this.iface;
    d.packed = this.packed ?? this.pack();
    d.covered.set(this.covered.subarray(0, this.coveredLength));
    d.coveredLength = this.coveredLength;
    d.fragments = this.fragments;
    d.total = this.total;
    d.furthest = this.furthest;
    d.conflictingBytes = this.conflictingBytes;
    d.firstSeenSec = this.firstSeenSec;
    return d;
  }

  private pack(): Uint8Array {
    let length = 0;
    for (let i = 0; i < this.coveredLength; i += 2) length += this.covered[i + 1] - this.covered[i];
    const packed = new Uint8Array(length);
    for (let i = 0, at = 0; i < this.coveredLength; i += 2) {
      packed.set(this.buffer.subarray(this.covered[i], this.covered[i + 1]), at);
      at += this.covered[i + 1] - this.covered[i];
    }
    return packed;
  }

  /** Puts the packed bytes back at their offsets in a buffer of at least `end` bytes. */
  private unpack(end: number): void {
    const packed = this.packed as Uint8Array;
    this.packed = null;
    this.buffer = new Uint8Array(Math.min(MAX_DATAGRAM_PAYLOAD, Math.max(end, this.furthest)));
    this.view = new DataView(this.buffer.buffer);
    for (let i = 0, at = 0; i < this.coveredLength; i += 2) {
      const length = this.covered[i + 1] - this.covered[i];
      this.buffer.set(packed.subarray(at, at + length), this.covered[i]);
      at += length;
    }
  }
}

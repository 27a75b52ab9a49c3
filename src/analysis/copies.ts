// Recognises copies of one frame captured on several interfaces: a bridged frame
// appears on the ingress port, on the bridge device and on every egress port within
// microseconds (multi-interface dumpcap, `tcpdump -i any`). The first copy in time
// is where the frame entered; the others are egress copies, which must not be
// learned from or counted twice.
//
// Copies are recognised by content: the source MAC, the EtherType and the bytes
// after the link header (up to HASHED_BYTES of them, plus the length). The
// destination MAC is left out because SLL/SLL2 captures do not have it. Identical
// frames sent twice on purpose (ARP retries) are at least ~1 s apart, far beyond
// WINDOW_NS, so they stay separate frames.
//
// This runs for every frame of multi-interface captures, so it allocates nothing in the
// steady state: the frames of the last WINDOW_NS are a ring of typed-array records in
// arrival order (expiry advances the head), found by hash through bucket chains from
// the newest record to older ones. Links are never deleted: one to a record that
// expired, or was reused since, is recognised as stale (see `older`).

import { EthLayer, SllLayer, VlanLayer, type LayerList } from '../decode/index.js';
import type { MutableAnalysisFrame } from './types.js';

export const WINDOW_NS = 10_000_000; // 10 ms
const HASHED_BYTES = 96;
const NONE = -1;
const MIN_CAPACITY = 64;
/** Records of one bucket looked at per frame: crafted hash collisions cost a constant. */
const MAX_CHAIN = 64;

export class CopyTracker {
  private capacity = 0;
  private head = 0;
  private count = 0;
  private seq = 0;
  /** Bucket -> newest record slot with a key in that bucket (NONE when empty). */
  private buckets = new Int32Array(0);
  private bucketMask = 0;
  // One record per slot: the content hash, its insertion sequence number (int32, wrapping),
  // the next older record of the bucket, and the first copy's number, side and time.
  private key = new Int32Array(0);
  private recSeq = new Int32Array(0);
  private older = new Int32Array(0);
  private firstNo = new Float64Array(0);
  private side = new Float64Array(0);
  private tsSec = new Float64Array(0);
  private tsNsec = new Float64Array(0);
  private firstIface: (string | null)[] = [];
  /** Records dropped before their window passed, to stay within maxRecords. */
  evicted = 0;

  /** `maxRecords`: most frames remembered (a burst stamped with one instant drops its oldest). */
  constructor(readonly maxRecords = Infinity) {
    this.resize(MIN_CAPACITY);
  }

  /**
   * `side` tells capture interfaces apart (an SLL2 ifindex counts as its own); `bytes` are
   * the frame's captured bytes with `frameStart` the offset of its first byte; `layers` its
   * decode. Fills `out` with how this frame relates to earlier copies.
   */
  observe(no: number, side: number, iface: string | null, tsSec: number, tsNsec: number,
    bytes: Uint8Array, frameStart: number, frameEnd: number, layers: LayerList, out: MutableAnalysisFrame['copy']): void {
    this.expire(tsSec, tsNsec);
    out.firstNo = no;
    out.firstIface = iface;
    out.isCopy = false;
    const hash = contentHash(bytes, frameStart, frameEnd, layers);
    if (hash < 0) return;
    const key = hash | 0;
    const earlier = this.find(key);
    if (earlier !== NONE && this.side[earlier] !== side) {
      out.firstNo = this.firstNo[earlier];
      out.firstIface = this.firstIface[earlier];
      out.isCopy = true;
      return;
    }
    // Not seen, or seen on this same side (a retransmission): this is a new frame, and the
    // one its later copies will be matched with (the newest record of a key wins).
    const s = this.add(key);
    this.firstNo[s] = no;
    this.side[s] = side;
    this.tsSec[s] = tsSec;
    this.tsNsec[s] = tsNsec;
    this.firstIface[s] = iface;
  }

  /** An independent copy (replay checkpoints): the live records, oldest first. */
  clone(): CopyTracker {
    const c = new CopyTracker(this.maxRecords);
    c.evicted = this.evicted;
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) & (this.capacity - 1);
      const s = c.add(this.key[from]);
      c.firstNo[s] = this.firstNo[from];
      c.side[s] = this.side[from];
      c.tsSec[s] = this.tsSec[from];
      c.tsNsec[s] = this.tsNsec[from];
      c.firstIface[s] = this.firstIface[from];
    }
    return c;
  }

  /** Drops the records older than the copy window, in arrival order. */
  private expire(tsSec: number, tsNsec: number): void {
    while (this.count > 0) {
      const s = this.head;
      if ((tsSec - this.tsSec[s]) * 1e9 + (tsNsec - this.tsNsec[s]) <= WINDOW_NS) return;
      this.firstIface[s] = null;
      this.head = (s + 1) & (this.capacity - 1);
      this.count--;
    }
  }

  /** The newest live record with this key, or NONE. */
  private find(key: number): number {
    const bucket = key & this.bucketMask;
    let s = this.buckets[bucket];
    if (s === NONE || !this.live(s) || (this.key[s] & this.bucketMask) !== bucket) return NONE;
    for (let steps = 0; steps < MAX_CHAIN; steps++) {
      if (this.key[s] === key) return s;
      const o = this.older[s];
      // Stale: expired, or reused since the link was made (a later record, or another bucket's).
      if (o === NONE || !this.live(o) || ((this.recSeq[o] - this.recSeq[s]) | 0) >= 0 || (this.key[o] & this.bucketMask) !== bucket) return NONE;
      s = o;
    }
    return NONE;
  }

  private live(s: number): boolean {
    return ((s - this.head) & (this.capacity - 1)) < this.count;
  }

  /** Takes the next slot for a record with this key, linked in; the caller fills the rest. */
  private add(key: number): number {
    if (this.count >= this.maxRecords) {
      this.firstIface[this.head] = null;
      this.head = (this.head + 1) & (this.capacity - 1);
      this.count--;
      this.evicted++;
    }
    if (this.count === this.capacity) this.resize(this.capacity * 2);
    const s = (this.head + this.count) & (this.capacity - 1);
    this.count++;
    this.key[s] = key;
    this.recSeq[s] = this.seq = (this.seq + 1) | 0;
    this.link(s);
    return s;
  }

  private link(s: number): void {
    const bucket = this.key[s] & this.bucketMask;
    const older = this.buckets[bucket];
    this.older[s] = older === s ? NONE : older;
    this.buckets[bucket] = s;
  }

  /** Room for `capacity` records (a power of two); the live ones move to the front, oldest first. */
  private resize(capacity: number): void {
    const mask = this.capacity - 1;
    const order: number[] = [];
    for (let i = 0; i < this.count; i++) order.push((this.head + i) & mask);
    const key = new Int32Array(capacity);
    const firstNo = new Float64Array(capacity);
    const side = new Float64Array(capacity);
    const tsSec = new Float64Array(capacity);
    const tsNsec = new Float64Array(capacity);
    const firstIface = new Array<string | null>(capacity).fill(null);
    order.forEach((from, i) => {
      key[i] = this.key[from];
      firstNo[i] = this.firstNo[from];
      side[i] = this.side[from];
      tsSec[i] = this.tsSec[from];
      tsNsec[i] = this.tsNsec[from];
      firstIface[i] = this.firstIface[from];
    });
    this.key = key;
    this.firstNo = firstNo;
    this.side = side;
    this.tsSec = tsSec;
    this.tsNsec = tsNsec;
    this.firstIface = firstIface;
    this.recSeq = new Int32Array(capacity);
    this.older = new Int32Array(capacity);
    this.buckets = new Int32Array(capacity * 2).fill(NONE);
    this.bucketMask = capacity * 2 - 1;
    this.capacity = capacity;
    this.head = 0;
    for (let i = 0; i < order.length; i++) {
      this.recSeq[i] = this.seq = (this.seq + 1) | 0;
      this.link(i);
    }
  }
}

/**
 * FNV-1a-style mix over source MAC, EtherType, payload length and the first payload
 * bytes taken four at a time (a u32); -1 without a link layer.
 */
function contentHash(bytes: Uint8Array, frameStart: number, frameEnd: number, layers: LayerList): number {
  let src = 0;
  let type = 0;
  let linked = false;
  let payloadOffset = -1;
  for (let i = 0; i < layers.count; i++) {
    const l = layers.items[i];
    if (l instanceof EthLayer) { linked = true; src = l.src; type = l.type; payloadOffset = l.offset + 14; }
    else if (l instanceof SllLayer) { linked = true; src = l.src; type = l.type; payloadOffset = l.offset + (l.version === 2 ? 20 : 16); }
    else if (l instanceof VlanLayer) payloadOffset = l.offset + 4;
    else break;
  }
  if (!linked) return -1;
  let h = 0x811c9dc5;
  h = Math.imul(h ^ (src % 0x100000000), 0x01000193);
  h = Math.imul(h ^ Math.floor(src / 0x100000000), 0x01000193);
  const start = frameStart + payloadOffset;
  const length = frameEnd - start;
  h = Math.imul(h ^ ((type << 16) | (length & 0xffff)), 0x01000193);
  const stop = Math.min(frameEnd, start + HASHED_BYTES);
  let i = start;
  for (; i + 3 < stop; i += 4) {
    h = Math.imul(h ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)), 0x01000193);
  }
  for (; i < stop; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

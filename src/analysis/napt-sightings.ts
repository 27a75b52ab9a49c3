// The recent packets the NAPT engine has seen, kept for WINDOW_MS so that the same
// packet seen on the other side of the NAT can be recognised. A packet keeps, through
// forwarding and NAT, its IP id, its protocol and what NAT does not touch: the TCP
// sequence/acknowledgement numbers, flags and payload length, the UDP length, the
// ICMP type, code and sequence number. Those form the `invariant` key; the tuple and
// the TTL are what differ (forwarding takes one off the TTL).
//
// This runs for every IPv4 packet, so it is laid out for the cache and allocates
// nothing in the steady state: a ring of sightings (oldest first; frames arrive in
// time order, so expiry advances the ring's head), each a 16-word record of one
// Int32Array (one cache line: a candidate is checked with one memory access), times in
// a Float64Array scanned sequentially by expiry, and a power-of-two bucket array
// indexed by the key's low bits, each bucket a chain (slot numbers) from its newest
// sighting to older ones of any key: readers compare the fields.
//
// Deletion is lazy, so expiry never touches a cold record: links to expired slots stay
// behind and are recognised when followed. A slot is live when it lies in the ring
// between head and tail; a live slot reached through a stale link has been reused for
// a later sighting, so its sequence number is not below the one of the sighting that
// links to it (links always go to strictly older sightings), or its key is in another
// bucket (it was a stale bucket head when linked). Linking a new sighting never reads
// the old head's record.

/**
 * How long a packet waits for its translated copy. Forwarding takes micro- to
 * milliseconds (at most 1.1 ms between the two sides in captures/napt*); a longer wait
 * (a congested egress queue) loses the pair. Kept short: the live sightings are the
 * working set of every lookup.
 */
export const WINDOW_MS = 20;

export const NONE = -1;

/** Record layout: word offsets inside a slot's 16 words (slot s starts at s << 4). */
export const F_KEY = 0;
/** Insertion sequence number (int32, wrapping): older sightings have lower ones. */
export const F_SEQ = 1;
export const F_OLDER = 2;
/** Capture side: the run's interface id and the SLL2 ifindex (-1 without); a copy is on another side. */
export const F_IFACE_ID = 3;
export const F_IFINDEX = 4;
export const F_TTL = 5;
export const F_PROTO = 6;
/** IPv4 addresses as int32 (`addr | 0`): compare with `| 0` too. */
export const F_SRC = 7;
export const F_DST = 8;
export const F_SPORT = 9;
export const F_DPORT = 10;
export const F_IPID = 11;
/** Invariants as int32 (`| 0`). */
export const F_INV1 = 12;
export const F_INV2 = 13;
export const F_INV3 = 14;
/** Flag bits (below), the engine's DIR_* direction hint << 4, and (role + 1) << 8. */
export const F_BITS = 15;
const STRIDE_SHIFT = 4;

/** Flag bits of a sighting (F_BITS & 0xf). */
export const COUNTED = 1; // counted in its connection's packets
export const PAIRED = 2; // paired with its other-side copy already: never a partner again
export const ERROR = 4; // an ICMP error (deduplicated per connection, not a flow packet)

export const bitsOf = (flags: number, dirHint: number, role: number): number => flags | (dirHint << 4) | ((role + 1) << 8);
export const dirHintOf = (bits: number): number => (bits >> 4) & 0xf;
export const roleOf = (bits: number): number => ((bits >> 8) & 0xf) - 1;

/** A 30-bit hash of the invariant part of a packet (a small integer: no boxing). */
export function invariantHash(proto: number, ipId: number, inv1: number, inv2: number, inv3: number): number {
  let h = Math.imul(inv1 ^ 0x85ebca6b, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 15) ^ ipId ^ (proto << 16), 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 13) ^ inv2, 0x165667b1);
  h = Math.imul(h ^ (h >>> 15) ^ inv3, 0x85ebca6b);
  h ^= h >>> 16;
  return h >>> 2;
}

const MIN_CAPACITY = 256;

/**
 * The sightings, one ring slot each: `rec` words at `slot << 4`, plus `ms`, `frameNo`,
 * `iface` and `conn` indexed by slot. `add` returns the slot to fill. Slot numbers stay
 * valid until the next `add` (which may grow and renumber) or expiry.
 */
export class SightingWindow<C> {
  capacity = 0;
  /** Most sightings kept: beyond it the oldest is dropped early (a burst stamped with one instant). */
  maxCount = Infinity;
  private head = 0;
  private count = 0;
  private mask = 0;
  private seq = 0;
  private buckets = new Int32Array(0);
  rec = new Int32Array(0);
  ms = new Float64Array(0);
  frameNo = new Float64Array(0);
  iface: (string | null)[] = [];
  conn: (C | null)[] = [];

  constructor() {
    this.resize(MIN_CAPACITY);
  }

  get size(): number {
    return this.count;
  }

  /** Drops sightings older than `oldestMs` (their links are left to be recognised as stale). */
  expire(oldestMs: number): void {
    const ms = this.ms;
    while (this.count > 0) {
      const s = this.head;
      if (ms[s] >= oldestMs) return;
      this.conn[s] = null; // let retired connections go
      this.head = s + 1 === this.capacity ? 0 : s + 1;
      this.count--;
    }
  }

  private dropOldest(): void {
    const s = this.head;
    this.conn[s] = null;
    this.head = s + 1 === this.capacity ? 0 : s + 1;
    this.count--;
  }

  /** A slot between the ring's head and tail. */
  private live(s: number): boolean {
    return ((s - this.head) & (this.capacity - 1)) < this.count;
  }

  /** The newest live sighting in `key`'s bucket (follow `older`; compare the key), or NONE. */
  first(key: number): number {
    const bucket = key & this.mask;
    const s = this.buckets[bucket];
    if (s === NONE || !this.live(s) || (this.rec[s << STRIDE_SHIFT] & this.mask) !== bucket) return NONE;
    return s;
  }

  /** The next older live sighting of the chain after `slot`, or NONE. */
  older(slot: number): number {
    const rec = this.rec;
    const b = slot << STRIDE_SHIFT;
    const o = rec[b + F_OLDER];
    if (o === NONE || !this.live(o)) return NONE;
    const ob = o << STRIDE_SHIFT;
    // Reused since the link was made: a later sighting, or one in another bucket (a stale head).
    if (((rec[ob + F_SEQ] - rec[b + F_SEQ]) | 0) >= 0 || ((rec[ob + F_KEY] ^ rec[b + F_KEY]) & this.mask) !== 0) return NONE;
    return o;
  }

  /** Takes the next slot for a sighting with this key and time, linked in; the caller fills the rest. */
  add(key: number, ms: number): number {
    if (this.count >= this.maxCount) this.dropOldest();
    if (this.count === this.capacity) this.resize(this.capacity * 2);
    let s = this.head + this.count;
    if (s >= this.capacity) s -= this.capacity;
    this.count++;
    const b = s << STRIDE_SHIFT;
    this.rec[b + F_KEY] = key;
    this.rec[b + F_SEQ] = this.seq = (this.seq + 1) | 0;
    this.ms[s] = ms;
    this.link(s);
    return s;
  }

  private link(s: number): void {
    const b = s << STRIDE_SHIFT;
    const bucket = this.rec[b + F_KEY] & this.mask;
    const older = this.buckets[bucket];
    // A stale old head (expired, or reused since) is recognised by older(); only this very
    // slot's previous sighting must not become its own older link. No cold record is read.
    this.rec[b + F_OLDER] = older === s ? NONE : older;
    this.buckets[bucket] = s;
  }

  /** Copies slot `from` of `other` into slot `to` of this window (all but the key, sequence and link). */
  copySlot(to: number, other: SightingWindow<C>, from: number, conn: C | null): void {
    const t = to << STRIDE_SHIFT;
    const f = from << STRIDE_SHIFT;
    for (let i = F_IFACE_ID; i <= F_BITS; i++) this.rec[t + i] = other.rec[f + i];
    this.frameNo[to] = other.frameNo[from];
    this.iface[to] = other.iface[from];
    this.conn[to] = conn;
  }

  /** Live slots, oldest first (for clone). */
  slots(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) out.push((this.head + i) & (this.capacity - 1));
    return out;
  }

  /** Room for `capacity` sightings (a power of two); live ones move to slots 0..count-1, oldest first. */
  private resize(capacity: number): void {
    const order = this.slots();
    const rec = new Int32Array(capacity << STRIDE_SHIFT);
    const ms = new Float64Array(capacity);
    const frameNo = new Float64Array(capacity);
    const iface: (string | null)[] = new Array<string | null>(capacity).fill(null);
    const conn: (C | null)[] = new Array<C | null>(capacity).fill(null);
    for (let i = 0; i < order.length; i++) {
      const from = order[i];
      rec.set(this.rec.subarray(from << STRIDE_SHIFT, (from + 1) << STRIDE_SHIFT), i << STRIDE_SHIFT);
      ms[i] = this.ms[from];
      frameNo[i] = this.frameNo[from];
      iface[i] = this.iface[from];
      conn[i] = this.conn[from];
    }
    this.rec = rec;
    this.ms = ms;
    this.frameNo = frameNo;
    this.iface = iface;
    this.conn = conn;
    this.buckets = new Int32Array(capacity * 2).fill(NONE);
    this.mask = capacity * 2 - 1;
    this.capacity = capacity;
    this.head = 0;
    for (let i = 0; i < order.length; i++) this.link(i);
  }
}

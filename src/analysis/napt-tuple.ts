// Connection-tracking tuples for the NAPT engine, kept as numbers: a hash table from
// (proto, src, dst, sport, dport) to a connection and the role the tuple plays in it.
// The 104 bits of a tuple do not fit a JS number, so slots are chained by a 30-bit hash
// of it; every lookup compares the full tuple.
//
// Tuples for ICMP queries (echo, timestamp, information, address mask): the
// identifier stands in for the port of the asking side: a request is
// (src, dst, id, 0), a reply (src, dst, 0, id), so a reply is the mirror of its
// request as with ports. `proto` is the IP protocol number, and for ICMP also the
// request type in bits 8-15 (an echo and a timestamp request with one id are
// different connections, as in conntrack).

/** The role a tuple plays in its connection: which direction, before or after translation. */
export const ORIG_PRE = 0; // the original direction as it arrived (conntrack's original tuple)
export const ORIG_POST = 1; // the original direction translated (the mirror of the reply tuple)
export const REPLY_PRE = 2; // the reply direction as it arrived (conntrack's reply tuple)
export const REPLY_POST = 3; // the reply direction translated back (the mirror of the original tuple)

export const isPre = (role: number): boolean => role === ORIG_PRE || role === REPLY_PRE;
export const isOriginal = (role: number): boolean => role === ORIG_PRE || role === ORIG_POST;

/** A 30-bit hash of a tuple (collisions are resolved by comparing fields). */
export function tupleHash(proto: number, src: number, dst: number, sport: number, dport: number): number {
  let h = Math.imul(src ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ dst, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ ((sport << 16) | dport), 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15) ^ proto, 0x165667b1);
  h ^= h >>> 16;
  return h >>> 2;
}

export class TupleSlot<C> {
  next: TupleSlot<C> | null = null;
  constructor(
    readonly key: number,
    readonly proto: number,
    readonly src: number,
    readonly dst: number,
    readonly sport: number,
    readonly dport: number,
    readonly conn: C,
    readonly role: number,
  ) {}
}

export class TupleIndex<C> {
  /** Chains of slots by hash (a power-of-two array that only grows: no rehashing churn as entries come and go). */
  private buckets: (TupleSlot<C> | null)[] = new Array<TupleSlot<C> | null>(64).fill(null);
  private mask = 63;
  /** Number of tuples indexed. */
  size = 0;

  get(proto: number, src: number, dst: number, sport: number, dport: number): TupleSlot<C> | null {
    let slot = this.buckets[tupleHash(proto, src, dst, sport, dport) & this.mask];
    while (slot !== null) {
      if (slot.src === src && slot.dst === dst && slot.sport === sport && slot.dport === dport && slot.proto === proto) return slot;
      slot = slot.next;
    }
    return null;
  }

  /** Adds a tuple; an existing slot for the same tuple is replaced (the caller retires its connection first). */
  add(proto: number, src: number, dst: number, sport: number, dport: number, conn: C, role: number): void {
    this.remove(proto, src, dst, sport, dport, null);
    const key = tupleHash(proto, src, dst, sport, dport);
    const slot = new TupleSlot(key, proto, src, dst, sport, dport, conn, role);
    const b = key & this.mask;
    slot.next = this.buckets[b];
    this.buckets[b] = slot;
    if (++this.size > this.buckets.length) this.grow();
  }

  /** Removes the slot of a tuple; when `conn` is given, only if it belongs to that connection. */
  remove(proto: number, src: number, dst: number, sport: number, dport: number, conn: C | null): void {
    const b = tupleHash(proto, src, dst, sport, dport) & this.mask;
    let slot = this.buckets[b];
    let prev: TupleSlot<C> | null = null;
    while (slot !== null) {
      if (slot.src === src && slot.dst === dst && slot.sport === sport && slot.dport === dport && slot.proto === proto) {
        if (conn !== null && slot.conn !== conn) return;
        if (prev !== null) prev.next = slot.next;
        else this.buckets[b] = slot.next;
        this.size--;
        return;
      }
      prev = slot;
      slot = slot.next;
    }
  }

  private grow(): void {
    const old = this.buckets;
    this.buckets = new Array<TupleSlot<C> | null>(old.length * 2).fill(null);
    this.mask = this.buckets.length - 1;
    for (let slot of old) {
      while (slot !== null) {
        const next = slot.next;
        const b = slot.key & this.mask;
        slot.next = this.buckets[b];
        this.buckets[b] = slot;
        slot = next;
      }
    }
  }
}

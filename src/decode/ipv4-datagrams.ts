// The IPv4 datagrams waiting for fragments: found by source address and identification
// (then destination, protocol and capture interface), kept in arrival order of their
// (source, id) key for expiry, as a Map keyed by (source, id) would keep them.
//
// A small hash table with chained records instead of a Map: a Map keyed by the 48-bit
// (source, id) number allocates a heap number per lookup and reallocates its table as
// datagrams come and go; this one allocates nothing once its records exist.

import { Datagram, type FragmentId } from './ipv4-datagram.js';

export { Datagram, MAX_DATAGRAM_PAYLOAD, MAX_FRAGMENTS, type FragmentId } from './ipv4-datagram.js';

/** Buckets: 2^10, for at most a few hundred pending keys. */
const BUCKET_BITS = 10;

/** The datagrams sharing a source address and identification, in arrival order. */
class KeyGroup {
  src = 0;
  id = 0;
  first: Datagram | null = null;
  last: Datagram | null = null;
  /** The next group in the same hash bucket. */
  bucketNext: KeyGroup | null = null;
  /** Neighbours in the order the groups were created: expiry starts from the oldest. */
  older: KeyGroup | null = null;
  newer: KeyGroup | null = null;
}

function bucketOf(src: number, id: number): number {
  // Multiplicative hashing: the top bits of the product depend on every input bit.
  return Math.imul(src ^ Math.imul(id, 0x85ebca6b), 0x9e3779b1) >>> (32 - BUCKET_BITS);
}

export class DatagramTable {
  private readonly buckets: (KeyGroup | null)[] = new Array<KeyGroup | null>(1 << BUCKET_BITS).fill(null);
  private oldest: KeyGroup | null = null;
  private newest: KeyGroup | null = null;
  private readonly spareGroups: KeyGroup[] = [];
  size = 0;

  find(f: FragmentId): Datagram | null {
    const g = this.group(f.src, f.id);
    if (g === null) return null;
    for (let d = g.first; d !== null; d = d.sameKey) {
      if (d.dst === f.dst && d.protocol === f.protocol && d.iface === f.iface) return d;
    }
    return null;
  }

  /** Add a datagram after the others with its (source, id); a new key becomes the newest. */
  insert(d: Datagram): void {
    const g = this.group(d.src, d.id) ?? this.newGroup(d.src, d.id);
    d.sameKey = null;
    if (g.last === null) g.first = d;
    else g.last.sameKey = d;
    g.last = d;
    this.size++;
  }

  /** Take out the datagram `f` names; null when there is none. */
  remove(f: FragmentId): Datagram | null {
    const g = this.group(f.src, f.id);
    if (g === null) return null;
    let before: Datagram | null = null;
    let d = g.first;
    while (d !== null && !(d.dst === f.dst && d.protocol === f.protocol && d.iface === f.iface)) {
      before = d;
      d = d.sameKey;
    }
    if (d === null) return null;
    if (before === null) g.first = d.sameKey;
    else before.sameKey = d.sameKey;
    if (g.last === d) g.last = before;
    d.sameKey = null;
    this.size--;
    if (g.first === null) this.dropGroup(g);
    return d;
  }

  /** The first datagram of the oldest key, or null when the table is empty. */
  oldestDatagram(): Datagram | null {
    return this.oldest === null ? null : this.oldest.first;
  }

  /** Take out every datagram of the oldest key: returns the first, the rest follow by `sameKey`. */
  removeOldestKey(): Datagram | null {
    const g = this.oldest;
    if (g === null) return null;
    const first = g.first;
    for (let d = first; d !== null; d = d.sameKey) this.size--;
    g.first = g.last = null;
    this.dropGroup(g);
    return first;
  }

  /** The earliest first-seen time of any datagram (Infinity when empty). */
  earliestFirstSeen(): number {
    let earliest = Infinity;
    for (let g = this.oldest; g !== null; g = g.newer) {
      for (let d = g.first; d !== null; d = d.sameKey) if (d.firstSeenSec < earliest) earliest = d.firstSeenSec;
    }
    return earliest;
  }

  /** Every datagram, oldest key first (allocates; for copies). */
  all(): Datagram[] {
    const list: Datagram[] = [];
    for (let g = this.oldest; g !== null; g = g.newer) for (let d = g.first; d !== null; d = d.sameKey) list.push(d);
    return list;
  }

  private group(src: number, id: number): KeyGroup | null {
    let g = this.buckets[bucketOf(src, id)];
    while (g !== null && !(g.src === src && g.id === id)) g = g.bucketNext;
    return g;
  }

  private newGroup(src: number, id: number): KeyGroup {
    const g = this.spareGroups.pop() ?? new KeyGroup();
    g.src = src;
    g.id = id;
    const b = bucketOf(src, id);
    g.bucketNext = this.buckets[b];
    this.buckets[b] = g;
    g.older = this.newest;
    g.newer = null;
    if (this.newest === null) this.oldest = g;
    else this.newest.newer = g;
    this.newest = g;
    return g;
  }

  private dropGroup(g: KeyGroup): void {
    const b = bucketOf(g.src, g.id);
    if (this.buckets[b] === g) {
      this.buckets[b] = g.bucketNext;
    } else {
      let p = this.buckets[b];
      while (p !== null && p.bucketNext !== g) p = p.bucketNext;
      if (p !== null) p.bucketNext = g.bucketNext;
    }
    if (g.older === null) this.oldest = g.newer;
    else g.older.newer = g.newer;
    if (g.newer === null) this.newest = g.older;
    else g.newer.older = g.older;
    g.bucketNext = g.older = g.newer = null;
    this.spareGroups.push(g);
  }
}

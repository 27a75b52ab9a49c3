// IPv4 fragment reassembly (RFC 791 section 3.2; holes tracked as in RFC 815).
//
// As in Wireshark's default, every fragment stays its own frame; the frame that
// completes a datagram gets the upper layers decoded from the reassembled payload.
// Memory is bounded: at most MAX_PENDING datagrams, each assembled in place in one
// reusable 64 KiB buffer (no allocation per fragment), and datagrams not completed
// within EXPIRY_SECONDS of capture time are dropped (Linux's net.ipv4.ipfrag_time is 30 s).

export const MAX_PENDING = 256;
export const EXPIRY_SECONDS = 30;
export const MAX_DATAGRAM_PAYLOAD = 65535 - 20;
/** Per datagram: more fragments than this is an attack or garbage, not a datagram. */
export const MAX_FRAGMENTS = 256;

interface Pending {
  /** What identifies the datagram besides the map key (source address and id). */
  dst: number;
  protocol: number;
  iface: number;
  buffer: Uint8Array;
  /** Byte ranges written so far, [start, end) pairs sorted by start and merged. */
  covered: number[];
  fragments: number;
  /** Payload length once the fragment with MF=0 arrived, else -1. */
  total: number;
  /** Furthest byte any fragment reached (to spot data past the end). */
  furthest: number;
  conflictingBytes: number;
  firstSeenSec: number;
}

export type ReassemblyResult =
  | { readonly state: 'pending' }
  | {
    readonly state: 'complete';
    /** The reassembled payload: valid until the next call to `add`. */
    readonly payload: Uint8Array;
    readonly fragmentCount: number;
    /** Whole sentences about inconsistent fragments (overlaps that disagree, data past the end). */
    readonly anomalies: string[];
  }
  | { readonly state: 'dropped'; readonly reason: string };

const PENDING: ReassemblyResult = { state: 'pending' };
const NO_ANOMALIES: string[] = [];

export interface FragmentId {
  src: number;
  dst: number;
  protocol: number;
  id: number;
  /** Capture interface: the same fragment seen on two interfaces is two datagrams. */
  iface: number;
}

export class Ipv4Reassembler {
  /** Keyed by source address and identification (48 bits, exact as a number). */
  private readonly pending = new Map<number, Pending[]>();
  private count = 0;
  private readonly spareBuffers: Uint8Array[] = [];
  /** The buffer of the datagram completed last: recycled on the next call. */
  private lastCompleted: Uint8Array | null = null;

  get size(): number {
    return this.count;
  }

  /** Add one fragment's payload (copied into the datagram's buffer). */
  add(f: FragmentId, fragOffset: number, more: boolean, data: Uint8Array, start: number, end: number, nowSec: number): ReassemblyResult {
    if (this.lastCompleted) {
      this.spareBuffers.push(this.lastCompleted);
      this.lastCompleted = null;
    }
    this.expire(nowSec);
    const length = end - start;
    const key = f.src * 65536 + f.id;
    if (fragOffset + length > MAX_DATAGRAM_PAYLOAD) {
      this.remove(key, f);
      return { state: 'dropped', reason: `The fragment ends at byte ${fragOffset + length}, past the largest possible IPv4 datagram.` };
    }
    const entry = this.find(key, f) ?? this.create(key, f, nowSec);
    if (entry.fragments >= MAX_FRAGMENTS) {
      this.remove(key, f);
      return { state: 'dropped', reason: `The datagram has more than ${MAX_FRAGMENTS} fragments; it is not reassembled.` };
    }
    entry.fragments++;
    write(entry, fragOffset, data, start, end);
    if (!more && entry.total < 0) entry.total = fragOffset + length;
    if (entry.total < 0 || !coversPrefix(entry.covered, entry.total)) return PENDING;

    this.remove(key, f);
    this.lastCompleted = entry.buffer;
    let anomalies = NO_ANOMALIES;
    if (entry.furthest > entry.total || entry.conflictingBytes > 0) {
      anomalies = [];
      if (entry.furthest > entry.total) {
        anomalies.push(`A fragment runs to byte ${entry.furthest}, past the ${entry.total}-byte datagram the last fragment defines.`);
      }
      if (entry.conflictingBytes > 0) {
        anomalies.push(`Overlapping fragments disagree on ${entry.conflictingBytes} bytes; the first copy was kept.`);
      }
    }
    return { state: 'complete', payload: entry.buffer.subarray(0, entry.total), fragmentCount: entry.fragments, anomalies };
  }

  private find(key: number, f: FragmentId): Pending | undefined {
    const list = this.pending.get(key);
    if (!list) return undefined;
    for (const p of list) if (p.dst === f.dst && p.protocol === f.protocol && p.iface === f.iface) return p;
    return undefined;
  }

  private create(key: number, f: FragmentId, nowSec: number): Pending {
    if (this.count >= MAX_PENDING) this.evictOldest();
    const entry: Pending = {
      dst: f.dst, protocol: f.protocol, iface: f.iface,
      buffer: this.spareBuffers.pop() ?? new Uint8Array(MAX_DATAGRAM_PAYLOAD),
      covered: [], fragments: 0, total: -1, furthest: 0, conflictingBytes: 0, firstSeenSec: nowSec,
    };
    const list = this.pending.get(key);
    if (list) list.push(entry);
    else this.pending.set(key, [entry]);
    this.count++;
    return entry;
  }

  private remove(key: number, f: FragmentId): void {
    const list = this.pending.get(key);
    if (!list) return;
    const i = list.findIndex((p) => p.dst === f.dst && p.protocol === f.protocol && p.iface === f.iface);
    if (i < 0) return;
    const [gone] = list.splice(i, 1);
    if (gone.buffer !== this.lastCompleted) this.spareBuffers.push(gone.buffer);
    if (list.length === 0) this.pending.delete(key);
    this.count--;
  }

  /** Drop datagrams older than the expiry; Map order is insertion order, roughly time order. */
  private expire(nowSec: number): void {
    if (this.count === 0) return;
    for (const [key, list] of this.pending) {
      if (nowSec - list[0].firstSeenSec <= EXPIRY_SECONDS) return;
      this.dropList(key, list);
    }
  }

  private evictOldest(): void {
    const first = this.pending.entries().next();
    if (!first.done) this.dropList(first.value[0], first.value[1]);
  }

  private dropList(key: number, list: Pending[]): void {
    for (const p of list) this.spareBuffers.push(p.buffer);
    this.count -= list.length;
    this.pending.delete(key);
  }
}

/** Copy a fragment in, keeping bytes already written (the first copy wins) and counting disagreements. */
function write(entry: Pending, offset: number, data: Uint8Array, start: number, end: number): void {
  const length = end - start;
  const stop = offset + length;
  if (stop > entry.furthest) entry.furthest = stop;
  const covered = entry.covered;
  // Walk the gaps of [offset, stop) between already covered ranges.
  let pos = offset;
  for (let i = 0; i < covered.length && pos < stop; i += 2) {
    const cs = covered[i];
    const ce = covered[i + 1];
    if (ce <= pos) continue;
    if (cs > pos) entry.buffer.set(data.subarray(start + pos - offset, start + Math.min(cs, stop) - offset), pos);
    // Overlap with bytes already there: compare, keep the first copy.
    const os = Math.max(cs, pos);
    const oe = Math.min(ce, stop);
    for (let b = os; b < oe; b++) if (entry.buffer[b] !== data[start + b - offset]) entry.conflictingBytes++;
    pos = Math.max(pos, ce);
  }
  if (pos < stop) entry.buffer.set(data.subarray(start + pos - offset, end), pos);
  addRange(covered, offset, stop);
}

/** Insert [s, e) into sorted, merged [start, end) pairs. */
function addRange(ranges: number[], s: number, e: number): void {
  const merged: number[] = [];
  let placed = false;
  for (let i = 0; i < ranges.length; i += 2) {
    const rs = ranges[i];
    const re = ranges[i + 1];
    if (re < s) merged.push(rs, re);
    else if (rs > e) {
      if (!placed) { merged.push(s, e); placed = true; }
      merged.push(rs, re);
    } else {
      s = Math.min(s, rs);
      e = Math.max(e, re);
    }
  }
  if (!placed) merged.push(s, e);
  ranges.length = 0;
  for (const v of merged) ranges.push(v);
}

function coversPrefix(ranges: number[], total: number): boolean {
  return ranges.length >= 2 && ranges[0] === 0 && ranges[1] >= total;
}

// IPv4 fragment reassembly (RFC 791 section 3.2; holes tracked as in RFC 815).
//
// As in Wireshark's default, every fragment stays its own frame; the frame that
// completes a datagram gets the upper layers decoded from the reassembled payload.
// Memory is bounded: at most MAX_PENDING datagrams, each assembled in place in one
// reusable buffer of at most 64 KiB (only as large as its fragments reach), and datagrams
// not completed within EXPIRY_SECONDS of capture time are dropped (Linux's
// net.ipv4.ipfrag_time is 30 s).
// Steady state allocates nothing: datagram records and their buffers are recycled,
// and the outcome of `add` is left in fields instead of a result object.

import { Datagram, DatagramTable, MAX_DATAGRAM_PAYLOAD, MAX_FRAGMENTS, type FragmentId } from './ipv4-datagrams.js';

export { MAX_DATAGRAM_PAYLOAD, MAX_FRAGMENTS, type FragmentId } from './ipv4-datagrams.js';
export const MAX_PENDING = 256;
export const EXPIRY_SECONDS = 30;

/** What `add` did with a fragment. */
export const enum Reassembly { Pending = 0, Complete = 1, Dropped = 2 }
export type ReassemblyState = Reassembly;

const NO_ANOMALIES: readonly string[] = [];

export class Ipv4Reassembler {
  /** Datagrams dropped (oldest first) to make room for a new one beyond maxPending. */
  evicted = 0;
  /** Datagrams dropped because their fragments did not all arrive within expirySeconds. */
  expired = 0;

  private readonly pending = new DatagramTable();
  private readonly spare: Datagram[] = [];
  /** The datagram completed last: recycled on the next call (its bytes are the payload until then). */
  private lastCompleted: Datagram | null = null;
  /** No pending datagram was first seen before this: lets `expire` skip its walk. */
  private oldestSec = 0;

  /** After Complete: the payload is payload[0, payloadLength), also readable through payloadView. Valid until the next `add`. */
  payload: Uint8Array = new Uint8Array(0);
  payloadView: DataView = new DataView(new ArrayBuffer(0));
  payloadLength = 0;
  fragmentCount = 0;
  /** After Complete: whole sentences about inconsistent fragments (overlaps that disagree, data past the end). */
  anomalies: readonly string[] = NO_ANOMALIES;
  /** After Dropped: why, as a sentence. */
  dropReason = '';

  /** `maxPending` datagrams at most (the oldest key is evicted for a new one); each waits `expirySeconds`. */
  constructor(readonly maxPending = MAX_PENDING, readonly expirySeconds = EXPIRY_SECONDS) {}

  get size(): number {
    return this.pending.size;
  }

  /** Bytes held for pending datagrams (buffers and range lists): what a checkpoint's copy costs. */
  retainedBytes(): number {
    let bytes = 0;
    for (const d of this.pending.all()) bytes += d.retainedBytes;
    return bytes;
  }

  /**
   * An independent copy of every pending datagram (for replay checkpoints). Only the
   * bytes fragments covered are kept, packed (see Datagram); spare buffers are not shared.
   */
  clone(): Ipv4Reassembler {
    const copy = new Ipv4Reassembler(this.maxPending, this.expirySeconds);
    copy.evicted = this.evicted;
    copy.expired = this.expired;
    for (const d of this.pending.all()) copy.pending.insert(d.copy());
    copy.oldestSec = this.oldestSec;
    return copy;
  }

  /** Add one fragment's payload data[start, end) (copied into the datagram's buffer). */
  add(f: FragmentId, fragOffset: number, more: boolean, data: Uint8Array, start: number, end: number, nowSec: number): ReassemblyState {
    if (this.lastCompleted !== null) {
      this.spare.push(this.lastCompleted);
      this.lastCompleted = null;
    }
    this.expire(nowSec);
    const length = end - start;
    if (fragOffset + length > MAX_DATAGRAM_PAYLOAD) {
      this.discard(f);
      return this.drop(`The fragment ends at byte ${fragOffset + length}, past the largest possible IPv4 datagram.`);
    }
    const entry = this.pending.find(f) ?? this.create(f, nowSec);
    if (entry.fragments >= MAX_FRAGMENTS) {
      this.discard(f);
      return this.drop(`The datagram has more than ${MAX_FRAGMENTS} fragments; it is not reassembled.`);
    }
    entry.fragments++;
    write(entry, fragOffset, data, start, end);
    if (!more && entry.total < 0) entry.total = fragOffset + length;
    if (entry.total < 0 || !coversPrefix(entry, entry.total)) return Reassembly.Pending;

    this.pending.remove(f);
    this.lastCompleted = entry;
    let anomalies = NO_ANOMALIES;
    if (entry.furthest > entry.total || entry.conflictingBytes > 0) {
      const found: string[] = [];
      if (entry.furthest > entry.total) {
        found.push(`A fragment runs to byte ${entry.furthest}, past the ${entry.total}-byte datagram the last fragment defines.`);
      }
      if (entry.conflictingBytes > 0) {
        found.push(`Overlapping fragments disagree on ${entry.conflictingBytes} bytes; the first copy was kept.`);
      }
      anomalies = found;
    }
    this.payload = entry.buffer;
    this.payloadView = entry.view;
    this.payloadLength = entry.total;
    this.fragmentCount = entry.fragments;
    this.anomalies = anomalies;
    return Reassembly.Complete;
  }

  private drop(reason: string): ReassemblyState {
    this.dropReason = reason;
    return Reassembly.Dropped;
  }

  private create(f: FragmentId, nowSec: number): Datagram {
    if (this.pending.size >= this.maxPending) this.evicted += this.recycleChain(this.pending.removeOldestKey());
    const entry = this.spare.pop() ?? new Datagram();
    entry.reset(f, nowSec);
    if (this.pending.size === 0 || nowSec < this.oldestSec) this.oldestSec = nowSec;
    this.pending.insert(entry);
    return entry;
  }

  /** Forget the datagram `f` belongs to, if one is pending. */
  private discard(f: FragmentId): void {
    const gone = this.pending.remove(f);
    if (gone !== null) this.spare.push(gone);
  }

  /**
   * Drop the datagrams of every key, oldest first, until one was first seen within the
   * expiry (keys are in arrival order, roughly time order).
   */
  private expire(nowSec: number): void {
    const expiry = this.expirySeconds;
    if (this.pending.size === 0 || nowSec - this.oldestSec <= expiry) return;
    for (let d = this.pending.oldestDatagram(); d !== null && nowSec - d.firstSeenSec > expiry; d = this.pending.oldestDatagram()) {
      this.expired += this.recycleChain(this.pending.removeOldestKey());
    }
    this.oldestSec = this.pending.earliestFirstSeen();
  }

  /** Returns the datagrams to the spares; how many there were. */
  private recycleChain(first: Datagram | null): number {
    let n = 0;
    for (let d = first; d !== null; n++) {
      const next: Datagram | null = d.sameKey;
      d.sameKey = null;
      this.spare.push(d);
      d = next;
    }
    return n;
  }
}

/** Copy a fragment in, keeping bytes already written (the first copy wins) and counting disagreements. */
function write(entry: Datagram, offset: number, data: Uint8Array, start: number, end: number): void {
  const length = end - start;
  const stop = offset + length;
  entry.reserve(stop);
  if (stop > entry.furthest) entry.furthest = stop;
  const covered = entry.covered;
  const buffer = entry.buffer;
  // Walk the gaps of [offset, stop) between already covered ranges.
  let pos = offset;
  for (let i = 0; i < entry.coveredLength && pos < stop; i += 2) {
    const cs = covered[i];
    const ce = covered[i + 1];
    if (ce <= pos) continue;
    if (cs > pos) buffer.set(data.subarray(start + pos - offset, start + Math.min(cs, stop) - offset), pos);
    // Overlap with bytes already there: compare, keep the first copy.
    const os = Math.max(cs, pos);
    const oe = Math.min(ce, stop);
    for (let b = os; b < oe; b++) if (buffer[b] !== data[start + b - offset]) entry.conflictingBytes++;
    pos = Math.max(pos, ce);
  }
  if (pos < stop) buffer.set(data.subarray(start + pos - offset, end), pos);
  addRange(entry, offset, stop);
}

/** Insert [s, e) into the datagram's sorted, merged ranges, in place (touching ranges merge too). */
function addRange(entry: Datagram, s: number, e: number): void {
  entry.reserveRanges(entry.coveredLength + 2);
  const ranges = entry.covered;
  const length = entry.coveredLength;
  // Ranges before [s, e) that do not touch it stay; from `first`, the ones it touches merge into it.
  let first = 0;
  while (first < length && ranges[first + 1] < s) first += 2;
  let after = first;
  while (after < length && ranges[after] <= e) {
    if (ranges[after] < s) s = ranges[after];
    if (ranges[after + 1] > e) e = ranges[after + 1];
    after += 2;
  }
  // Replace ranges[first, after) by the one pair [s, e), moving the ranges after them.
  if (after - first !== 2) ranges.copyWithin(first + 2, after, length);
  entry.coveredLength = length - (after - first) + 2;
  ranges[first] = s;
  ranges[first + 1] = e;
}

function coversPrefix(entry: Datagram, total: number): boolean {
  return entry.coveredLength >= 2 && entry.covered[0] === 0 && entry.covered[1] >= total;
}

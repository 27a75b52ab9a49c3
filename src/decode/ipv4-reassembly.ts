// IPv4 fragment reassembly (RFC 791 section 3.2, with RFC 815's hole idea kept simple:
// fragments are kept sorted and coverage is checked when the last piece is known).
//
// As in Wireshark's default, every fragment stays its own frame; the frame that
// completes a datagram gets the upper layers decoded from the reassembled payload.
// Memory is bounded: at most MAX_PENDING datagrams of at most 65535 bytes each,
// and datagrams not completed within EXPIRY_SECONDS of capture time are dropped
// (Linux's net.ipv4.ipfrag_time is 30 s).

export const MAX_PENDING = 256;
export const EXPIRY_SECONDS = 30;
export const MAX_DATAGRAM_PAYLOAD = 65535 - 20;

interface Fragment {
  offset: number;
  data: Uint8Array;
}

interface Pending {
  fragments: Fragment[];
  /** Payload length once the fragment with MF=0 arrived, else -1. */
  total: number;
  firstSeenSec: number;
}

export type ReassemblyResult =
  | { readonly state: 'pending' }
  | {
    readonly state: 'complete';
    readonly payload: Uint8Array;
    readonly fragmentCount: number;
    /** Whole sentences about inconsistent fragments (overlaps that disagree, data past the end). */
    readonly anomalies: string[];
  }
  | { readonly state: 'dropped'; readonly reason: string };

const PENDING: ReassemblyResult = { state: 'pending' };

export class Ipv4Reassembler {
  private readonly pending = new Map<string, Pending>();

  get size(): number {
    return this.pending.size;
  }

  /**
   * Add one fragment's payload (copied). `key` identifies the datagram: source,
   * destination, protocol, identification and the capture interface (the same
   * fragment seen on two interfaces of a multi-interface capture is two datagrams).
   */
  add(key: string, fragOffset: number, more: boolean, payload: Uint8Array, nowSec: number): ReassemblyResult {
    this.expire(nowSec);
    if (fragOffset + payload.length > MAX_DATAGRAM_PAYLOAD) {
      this.pending.delete(key);
      return { state: 'dropped', reason: `The fragment ends at byte ${fragOffset + payload.length}, past the largest possible IPv4 datagram.` };
    }
    let entry = this.pending.get(key);
    if (!entry) {
      if (this.pending.size >= MAX_PENDING) {
        // Drop the oldest: Map iteration order is insertion order.
        const oldest = this.pending.keys().next().value;
        if (oldest !== undefined) this.pending.delete(oldest);
      }
      entry = { fragments: [], total: -1, firstSeenSec: nowSec };
      this.pending.set(key, entry);
    }
    entry.fragments.push({ offset: fragOffset, data: payload.slice() });
    if (!more) entry.total = fragOffset + payload.length;
    if (entry.total < 0) return PENDING;
    const assembled = assemble(entry);
    if (!assembled) return PENDING;
    this.pending.delete(key);
    return { state: 'complete', payload: assembled.payload, fragmentCount: entry.fragments.length, anomalies: assembled.anomalies };
  }

  private expire(nowSec: number): void {
    for (const [key, entry] of this.pending) {
      if (nowSec - entry.firstSeenSec <= EXPIRY_SECONDS) break; // insertion order ~ time order
      this.pending.delete(key);
    }
  }
}

/** The payload if fragments cover [0, total) without a hole; the first copy of overlapping bytes wins. */
function assemble(entry: Pending): { payload: Uint8Array; anomalies: string[] } | null {
  const sorted = entry.fragments.map((f, i) => ({ f, i })).sort((a, b) => a.f.offset - b.f.offset || a.i - b.i);
  let covered = 0;
  for (const { f } of sorted) {
    if (f.offset > covered) return null;
    covered = Math.max(covered, f.offset + f.data.length);
    if (covered >= entry.total) break;
  }
  if (covered < entry.total) return null;
  const out = new Uint8Array(entry.total);
  const written = new Uint8Array(entry.total);
  const anomalies: string[] = [];
  let conflicting = 0;
  for (const f of entry.fragments) {
    if (f.offset + f.data.length > entry.total) {
      anomalies.push(`A fragment at offset ${f.offset} runs to byte ${f.offset + f.data.length}, past the ${entry.total}-byte datagram the last fragment defines.`);
    }
    for (let i = 0; i < f.data.length && f.offset + i < entry.total; i++) {
      if (!written[f.offset + i]) {
        out[f.offset + i] = f.data[i];
        written[f.offset + i] = 1;
      } else if (out[f.offset + i] !== f.data[i]) {
        conflicting++;
      }
    }
  }
  if (conflicting > 0) anomalies.push(`Overlapping fragments disagree on ${conflicting} bytes; the first copy was kept.`);
  return { payload: out, anomalies };
}

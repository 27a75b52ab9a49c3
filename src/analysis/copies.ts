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

import type { Layer, LayerList } from '../decode/index.js';
import type { MutableAnalysisFrame } from './types.js';

export const WINDOW_NS = 10_000_000; // 10 ms
const HASHED_BYTES = 96;

interface Seen {
  firstNo: number;
  firstIface: string | null;
  firstIfaceId: number;
  tsSec: number;
  tsNsec: number;
}

export class CopyTracker {
  private readonly seen = new Map<number, Seen>();
  private readonly spare: Seen[] = [];
  /** Entries in the order they were made, for expiry without iterating the map. */
  private order: Seen[] = [];
  private orderKeys: number[] = [];
  private orderHead = 0;

  /**
   * `bytes` are the frame's captured bytes with `frameStart` the offset of its first
   * byte; `layers` its decode. Fills `out` with how this frame relates to earlier copies.
   */
  observe(no: number, ifaceId: number, iface: string | null, tsSec: number, tsNsec: number,
    bytes: Uint8Array, frameStart: number, frameEnd: number, layers: LayerList, out: MutableAnalysisFrame['copy']): void {
    this.expire(tsSec, tsNsec);
    out.firstNo = no;
    out.firstIface = iface;
    out.isCopy = false;
    const key = contentHash(bytes, frameStart, frameEnd, layers);
    if (key < 0) return;
    const earlier = this.seen.get(key);
    if (earlier && earlier.firstIfaceId !== ifaceId) {
      out.firstNo = earlier.firstNo;
      out.firstIface = earlier.firstIface;
      out.isCopy = true;
      return;
    }
    // Not seen, or seen on this same interface (a retransmission): this is a new frame.
    // (A replaced entry is dropped from the map now and recycled when it expires.)
    const entry: Seen = this.spare.pop() ?? { firstNo: 0, firstIface: null, firstIfaceId: 0, tsSec: 0, tsNsec: 0 };
    entry.firstNo = no;
    entry.firstIface = iface;
    entry.firstIfaceId = ifaceId;
    entry.tsSec = tsSec;
    entry.tsNsec = tsNsec;
    this.seen.set(key, entry);
    this.order.push(entry);
    this.orderKeys.push(key);
  }

  private expire(tsSec: number, tsNsec: number): void {
    const order = this.order;
    let head = this.orderHead;
    while (head < order.length) {
      const s = order[head];
      if ((tsSec - s.tsSec) * 1e9 + (tsNsec - s.tsNsec) <= WINDOW_NS) break;
      const key = this.orderKeys[head];
      if (this.seen.get(key) === s) this.seen.delete(key);
      this.spare.push(s);
      head++;
    }
    if (head > 4096 && head * 2 > order.length) {
      this.order = order.slice(head);
      this.orderKeys = this.orderKeys.slice(head);
      head = 0;
    }
    this.orderHead = head;
  }
}

/**
 * FNV-1a-style mix over source MAC, EtherType, payload length and the first payload
 * bytes taken four at a time; -1 without a link layer.
 */
function contentHash(bytes: Uint8Array, frameStart: number, frameEnd: number, layers: LayerList): number {
  let link: Layer | null = null;
  let payloadOffset = -1;
  for (let i = 0; i < layers.count; i++) {
    const l = layers.items[i];
    if (l.proto === 'eth') { link = l; payloadOffset = l.offset + 14; }
    else if (l.proto === 'sll') { link = l; payloadOffset = l.offset + (l.version === 2 ? 20 : 16); }
    else if (l.proto === 'vlan') payloadOffset = l.offset + 4;
    else break;
  }
  if (link === null || (link.proto !== 'eth' && link.proto !== 'sll')) return -1;
  const src = link.src;
  let h = 0x811c9dc5;
  h = Math.imul(h ^ (src % 0x100000000), 0x01000193);
  h = Math.imul(h ^ Math.floor(src / 0x100000000), 0x01000193);
  const start = frameStart + payloadOffset;
  const length = frameEnd - start;
  h = Math.imul(h ^ ((link.type << 16) | (length & 0xffff)), 0x01000193);
  const stop = Math.min(frameEnd, start + HASHED_BYTES);
  let i = start;
  for (; i + 3 < stop; i += 4) {
    h = Math.imul(h ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)), 0x01000193);
  }
  for (; i < stop; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

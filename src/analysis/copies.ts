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
import type { CopyInfo } from './types.js';

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

  /**
   * `bytes` are the frame's captured bytes with `frameStart` the offset of its first
   * byte; `layers` its decode. Returns how this frame relates to earlier copies.
   */
  observe(no: number, ifaceId: number, iface: string | null, tsSec: number, tsNsec: number,
    bytes: Uint8Array, frameStart: number, frameEnd: number, layers: LayerList): CopyInfo {
    this.expire(tsSec, tsNsec);
    const key = contentHash(bytes, frameStart, frameEnd, layers);
    if (key < 0) return { firstNo: no, firstIface: iface, isCopy: false };
    const earlier = this.seen.get(key);
    if (earlier && earlier.firstIfaceId !== ifaceId) {
      return { firstNo: earlier.firstNo, firstIface: earlier.firstIface, isCopy: true };
    }
    // Not seen, or seen on this same interface (a retransmission): this is a new frame.
    this.seen.delete(key);
    this.seen.set(key, { firstNo: no, firstIface: iface, firstIfaceId: ifaceId, tsSec, tsNsec });
    return { firstNo: no, firstIface: iface, isCopy: false };
  }

  private expire(tsSec: number, tsNsec: number): void {
    for (const [key, s] of this.seen) {
      if ((tsSec - s.tsSec) * 1e9 + (tsNsec - s.tsNsec) <= WINDOW_NS) return; // insertion order is time order
      this.seen.delete(key);
    }
  }
}

/** FNV-1a over source MAC, EtherType, payload length and the first payload bytes; -1 without a link layer. */
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
  let h = 0x811c9dc5;
  const mix = (v: number) => { h = Math.imul(h ^ v, 0x01000193); };
  const src = link.src;
  for (let i = 0; i < 6; i++) mix(Math.floor(src / 2 ** (8 * i)) & 0xff);
  mix(link.type & 0xff);
  mix(link.type >>> 8);
  const start = frameStart + payloadOffset;
  const length = frameEnd - start;
  mix(length & 0xff);
  mix((length >>> 8) & 0xff);
  const stop = Math.min(frameEnd, start + HASHED_BYTES);
  for (let i = start; i < stop; i++) mix(bytes[i]);
  return h >>> 0;
}

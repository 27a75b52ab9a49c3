// Conversations per layer (Ethernet, IPv4, IPv6, UDP, TCP), counted as tshark's
// `-z conv,...` counts them, plus dockshark's VXLAN tunnel table.
//
// tshark's rules, which this follows (checked against tshark 4.0 in test/cli/stats-cli.test.ts):
// * Every header of a layer in a frame counts, so a VXLAN packet counts in the outer
//   AND the inner conversations (outer IPs and inner IPs both in the IPv4 table), each
//   with the whole frame's length. Headers quoted by an ICMP error do not count.
// * Bytes are the frame's length on the wire; a frame counts once per header, whatever
//   its direction.
// * A conversation is an unordered pair of addresses (with ports for UDP/TCP); A is the
//   source of its first frame, so "A to B" is the direction of that frame.
// * Start is relative to the first frame stepped; start/end are the earliest/latest frame
//   times (frames out of time order do not shorten a conversation).
// * IPv4 fragments count at the IPv4 layer each; UDP/TCP only once, on the frame that
//   completes the datagram (the decoder puts the transport header there).
// * A header tshark gives up on before its tap does not count: IPv4 whose Total Length is
//   shorter than its header (0 is TSO's "unknown" and counts); UDP cut by the capture, or
//   whose Length is below 8 (0 counts over IPv6: a jumbogram); TCP whose header, options
//   included, was not captured whole or does not fit its segment.
//
// The VXLAN table is one conversation per (VNI, unordered VTEP pair): the kernel picks
// the outer UDP source port from a hash of the inner flow, so tshark's UDP table splits
// one tunnel into many; `udpFlows` says into how many.
//
// The per-frame path looks up maps with numeric keys (conversation-keys.ts) and
// allocates only when a conversation or address is new.

import type { LayerList } from '../decode/index.js';
import { IpIds, PairMap, withPort } from './conversation-keys.js';

/** What the tables need of a decoded frame. `layers` is pooled: nothing of it is kept. */
export interface StatsFrame {
  readonly tsSec: number;
  readonly tsNsec: number;
  /** Length on the wire: what the tables count as bytes (tshark's frame length). */
  readonly origLen: number;
  readonly layers: LayerList;
}

/** One conversation. `a`/`b` are keys (conversation-keys.ts); A sent the first frame. */
export class Conversation {
  framesAB = 0;
  bytesAB = 0;
  framesBA = 0;
  bytesBA = 0;
  startSec: number;
  startNsec: number;
  endSec: number;
  endNsec: number;

  constructor(readonly a: number, readonly b: number, f: StatsFrame) {
    this.startSec = this.endSec = f.tsSec;
    this.startNsec = this.endNsec = f.tsNsec;
  }

  /** Counts frame `f` sent by `src`. */
  count(src: number, f: StatsFrame): void {
    if (src === this.a) {
      this.framesAB++;
      this.bytesAB += f.origLen;
    } else {
      this.framesBA++;
      this.bytesBA += f.origLen;
    }
    const s = f.tsSec;
    const ns = f.tsNsec;
    if (s < this.startSec || (s === this.startSec && ns < this.startNsec)) {
      this.startSec = s;
      this.startNsec = ns;
    } else if (s > this.endSec || (s === this.endSec && ns > this.endNsec)) {
      this.endSec = s;
      this.endNsec = ns;
    }
  }
}

/** A VXLAN tunnel: `a`/`b` are VTEP ids (IpIds). */
export class Tunnel extends Conversation {
  /**
   * (sender, outer UDP source port) pairs seen: each is a conversation of its own in
   * tshark's UDP table, which this tunnel collapses.
   */
  readonly udpFlows = new Set<number>();

  /** `port`: the UDP destination port of the first packet (the VXLAN port). */
  constructor(readonly vni: number, readonly port: number, a: number, b: number, f: StatsFrame) {
    super(a, b, f);
  }
}

/**
 * Conversations kept per table by default: tshark keeps them all, but a flood of new flows
 * (a port scan, a crafted file) would grow the table with every frame. About 150 bytes each.
 */
export const DEFAULT_MAX_CONVERSATIONS = 200_000;

/** The conversations of one layer, in order of their first frame, at most `max` of them. */
export class ConversationTable {
  readonly list: Conversation[] = [];
  /** Frames of conversations not kept because the table was full (counted, not listed). */
  uncountedFrames = 0;
  private readonly pairs = new PairMap<Conversation>();

  constructor(readonly max = DEFAULT_MAX_CONVERSATIONS) {}

  add(src: number, dst: number, f: StatsFrame): void {
    let c = this.pairs.get(src, dst);
    if (c === undefined) {
      if (this.list.length >= this.max) {
        this.uncountedFrames++;
        return;
      }
      c = new Conversation(src, dst, f);
      this.pairs.set(src, dst, c);
      this.list.push(c);
    }
    c.count(src, f);
  }
}

export class ConversationStats {
  readonly eth: ConversationTable;
  readonly ip: ConversationTable;
  readonly ipv6: ConversationTable;
  /** Keys: address id with port (withPort). */
  readonly udp: ConversationTable;
  readonly tcp: ConversationTable;
  readonly tunnels: Tunnel[] = [];
  /** Frames of tunnels not kept because `maxConversations` tunnels were (counted, not listed). */
  uncountedTunnelFrames = 0;
  readonly ids = new IpIds();
  frames = 0;
  /** Time of the first frame: starts are relative to it (tshark's frame 1). */
  baseSec = 0;
  baseNsec = 0;
  private readonly byVni = new Map<number, PairMap<Tunnel>>();

  private based = false;

  /** At most `maxConversations` conversations per table (and tunnels); the frames of others are counted. */
  constructor(readonly maxConversations = DEFAULT_MAX_CONVERSATIONS) {
    this.eth = new ConversationTable(maxConversations);
    this.ip = new ConversationTable(maxConversations);
    this.ipv6 = new ConversationTable(maxConversations);
    this.udp = new ConversationTable(maxConversations);
    this.tcp = new ConversationTable(maxConversations);
  }

  /** Starts count from this time (a filter's caller: tshark's frame 1 is the capture's, matched or not). */
  startAt(tsSec: number, tsNsec: number): void {
    this.baseSec = tsSec;
    this.baseNsec = tsNsec;
    this.based = true;
  }

  step(f: StatsFrame): void {
    this.frames++;
    if (!this.based) this.startAt(f.tsSec, f.tsNsec);
    const items = f.layers.items;
    const n = f.layers.count;
    // The addresses of the last IP header: what a UDP/TCP/VXLAN header after it rides on.
    let src = -1;
    let dst = -1;
    let v6 = false;
    for (let i = 0; i < n; i++) {
      const l = items[i];
      switch (l.proto) {
        case 'eth':
          this.eth.add(l.src, l.dst, f);
          break;
        case 'ipv4':
          if (l.partial || (l.totalLength !== 0 && l.totalLength < l.headerLength)) { src = dst = -1; break; }
          src = l.src >>> 0;
          dst = l.dst >>> 0;
          v6 = false;
          this.ip.add(src, dst, f);
          break;
        case 'ipv6':
          src = this.ids.v6(l.src0 >>> 0, l.src1 >>> 0, l.src2 >>> 0, l.src3 >>> 0);
          dst = this.ids.v6(l.dst0 >>> 0, l.dst1 >>> 0, l.dst2 >>> 0, l.dst3 >>> 0);
          v6 = true;
          this.ipv6.add(src, dst, f);
          break;
        case 'udp':
          // checksum -1: the capture cut the 8-byte header.
          if (src >= 0 && l.checksum >= 0 && (l.length >= 8 || (l.length === 0 && v6))) {
            this.udp.add(withPort(src, l.sport), withPort(dst, l.dport), f);
          }
          break;
        case 'tcp':
          if (src >= 0 && l.headerComplete) this.tcp.add(withPort(src, l.sport), withPort(dst, l.dport), f);
          break;
        case 'vxlan': {
          const udp = i > 0 ? items[i - 1] : null;
          if (src >= 0 && udp !== null && udp.proto === 'udp') this.tunnel(l.vni, udp.sport, udp.dport, src, dst, f);
          break;
        }
        default:
          break;
      }
    }
  }

  private tunnel(vni: number, sport: number, dport: number, src: number, dst: number, f: StatsFrame): void {
    let pairs = this.byVni.get(vni);
    if (pairs === undefined) this.byVni.set(vni, (pairs = new PairMap()));
    let t = pairs.get(src, dst);
    if (t === undefined) {
      if (this.tunnels.length >= this.maxConversations) {
        this.uncountedTunnelFrames++;
        return;
      }
      t = new Tunnel(vni, dport, src, dst, f);
      pairs.set(src, dst, t);
      this.tunnels.push(t);
    }
    t.count(src, f);
    t.udpFlows.add(src === t.a ? sport : 65536 + sport);
  }
}

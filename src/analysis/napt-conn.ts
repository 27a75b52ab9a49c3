// NAT connections and the packet fields the NAPT engine reads: conntrack-style
// entries (original and reply tuples, counters, expiry state) and a reusable view of
// one IPv4 packet's tuple and invariant fields. See napt.ts for the correlation rules.

import { formatIpv4, LayerKind, type IcmpLayer, type Ipv4Layer, type JsonValue, type Layer, type TcpLayer, type UdpLayer } from '../decode/index.js';

export const DIR_UNKNOWN = 0;
export const DIR_ORIGINAL = 1;
const DIR_REPLY = 2;

export const TCP = 6;
export const UDP = 17;
export const ICMP = 1;
/** Invariant-key protocol value for ICMP errors (outside 0..255, never a flow's). */
export const ICMP_ERROR_KEY = 0x1ff;

export const TCP_FIN = 0x001;
const TCP_SYN = 0x002;
export const TCP_RST = 0x004;
const TCP_ACK = 0x010;

export const SECOND = 1000;
/** Copies of one frame on several interfaces (bridge ports, `-i any`) arrive within this (as copies.ts). */
export const COPY_WINDOW_MS = 10;

/** One rebuilt conntrack entry. Tuples as numbers; ICMP ids in the port fields (napt-tuple.ts). */
export class NatConn {
  inside: string | null = null;
  outside: string | null = null;
  firstFrame = 0;
  lastFrame = 0;
  firstMs = 0;
  lastMs = 0;
  pktsOrig = 0;
  pktsReply = 0;
  /** In the tuple index (not retired). */
  active = true;
  /** Its only packet turned out to belong to another translation: not reported. */
  withdrawn = false;
  finOrig = false;
  finReply = false;
  rst = false;
  /** Its place in the expiry queue (napt-expiry.ts); -1 when not queued. */
  heapIndex = -1;
  /** Its place in the order connections were found (the report's order). */
  position = -1;
  /** Retired: its row in the table's history (napt-history.ts), where changes are written too; -1 when not stored (live, or withdrawn while live). */
  historyRow = -1;
  constructor(
    readonly proto: number,
    readonly oSrc: number, readonly oDst: number, readonly oSport: number, readonly oDport: number,
    readonly rSrc: number, readonly rDst: number, readonly rSport: number, readonly rDport: number,
  ) {}

  /** Source of the original direction translated (SNAT, MASQUERADE). */
  get snat(): boolean {
    return this.oSrc !== this.rDst || this.oSport !== this.rDport;
  }

  /** Destination of the original direction translated (DNAT, published ports). */
  get dnat(): boolean {
    return this.oDst !== this.rSrc || this.oDport !== this.rSport;
  }

  copy(): NatConn {
    const c = new NatConn(this.proto, this.oSrc, this.oDst, this.oSport, this.oDport, this.rSrc, this.rDst, this.rSport, this.rDport);
    c.inside = this.inside; c.outside = this.outside;
    c.firstFrame = this.firstFrame; c.lastFrame = this.lastFrame; c.firstMs = this.firstMs; c.lastMs = this.lastMs;
    c.pktsOrig = this.pktsOrig; c.pktsReply = this.pktsReply;
    c.active = this.active; c.withdrawn = this.withdrawn;
    c.finOrig = this.finOrig; c.finReply = this.finReply; c.rst = this.rst;
    c.heapIndex = this.heapIndex;
    c.position = this.position;
    c.historyRow = this.historyRow;
    return c;
  }

  protoName(): 'tcp' | 'udp' | 'icmp' {
    const p = this.proto & 0xff;
    return p === TCP ? 'tcp' : p === UDP ? 'udp' : 'icmp';
  }

  original(): { [key: string]: JsonValue } {
    if ((this.proto & 0xff) === ICMP) return { src: formatIpv4(this.oSrc), dst: formatIpv4(this.oDst), id: this.oSport };
    return { src: formatIpv4(this.oSrc), dst: formatIpv4(this.oDst), sport: this.oSport, dport: this.oDport };
  }

  reply(): { [key: string]: JsonValue } {
    if ((this.proto & 0xff) === ICMP) return { src: formatIpv4(this.rSrc), dst: formatIpv4(this.rDst), id: this.rDport };
    return { src: formatIpv4(this.rSrc), dst: formatIpv4(this.rDst), sport: this.rSport, dport: this.rDport };
  }

  toJson(): JsonValue {
    return {
      proto: this.protoName(), type: this.dnat ? 'dnat' : 'snat', original: this.original(), reply: this.reply(),
      inside: this.inside, outside: this.outside, firstFrame: this.firstFrame, lastFrame: this.lastFrame,
      packets: { original: this.pktsOrig, reply: this.pktsReply },
    };
  }
}

/** The request type of an ICMP query type (echo 8/0, timestamp 13/14, information 15/16, mask 17/18); -1 otherwise. */
function icmpRequestType(type: number): number {
  switch (type) {
    case 0: case 8: return 8;
    case 13: case 14: return 13;
    case 15: case 16: return 15;
    case 17: case 18: return 17;
    default: return -1;
  }
}

export function isIcmpError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/** The packet being stepped, as numbers (one reused object: no allocation per frame). */
export class Packet {
  proto = 0;
  src = 0;
  dst = 0;
  sport = 0;
  dport = 0;
  ttl = 0;
  ipId = 0;
  /** Invariants (napt-sightings.ts), as int32. */
  inv1 = 0;
  inv2 = 0;
  inv3 = 0;
  dirHint = DIR_UNKNOWN;
  tcpFlags = 0;

  /** Fills in an ICMP error as its sighting is recorded (invariants: type/code, quoted id and protocol). */
  setError(ip: Ipv4Layer, inv1: number, quoted: Ipv4Layer): void {
    this.proto = ICMP_ERROR_KEY;
    this.src = ip.src;
    this.dst = ip.dst;
    this.sport = 0;
    this.dport = 0;
    this.ttl = ip.ttl;
    this.ipId = ip.id;
    this.inv1 = inv1;
    this.inv2 = quoted.id;
    this.inv3 = quoted.protocol;
    this.dirHint = DIR_UNKNOWN;
    this.tcpFlags = 0;
  }

  /**
   * Reads the tuple of the transport layer `l4` after `ip`; false when it is not a trackable
   * flow packet. `kind` is l4's (its LayerList kind: a byte compare where a `proto` load would
   * see every layer class). `quoted`: the header quoted by an ICMP error (TCP cut after 8 bytes: no flags).
   */
  read(ip: Ipv4Layer, l4: Layer, kind: LayerKind, quoted: boolean): boolean {
    this.src = ip.src;
    this.dst = ip.dst;
    this.ttl = ip.ttl;
    this.ipId = ip.id;
    this.dirHint = DIR_UNKNOWN;
    this.tcpFlags = 0;
    if (kind === LayerKind.Tcp) {
      const tcp = l4 as TcpLayer;
      if (ip.protocol !== TCP || tcp.sport < 0 || (tcp.flags < 0 && !quoted)) return false;
      this.proto = TCP;
      this.sport = tcp.sport;
      this.dport = tcp.dport;
      this.inv1 = tcp.seq | 0;
      this.inv2 = tcp.ack | 0;
      const flags = tcp.flags < 0 ? 0 : tcp.flags;
      this.inv3 = flags + tcp.payloadLength * 512;
      this.tcpFlags = flags;
      if (flags & TCP_SYN) this.dirHint = flags & TCP_ACK ? DIR_REPLY : DIR_ORIGINAL;
      return true;
    }
    if (kind === LayerKind.Udp) {
      const udp = l4 as UdpLayer;
      if (ip.protocol !== UDP || udp.sport < 0 || udp.dport < 0) return false;
      this.proto = UDP;
      this.sport = udp.sport;
      this.dport = udp.dport;
      this.inv1 = udp.length;
      this.inv2 = 0;
      this.inv3 = 0;
      return true;
    }
    if (kind === LayerKind.Icmp) {
      const icmp = l4 as IcmpLayer;
      if (ip.protocol !== ICMP || icmp.id < 0) return false;
      const req = icmpRequestType(icmp.type);
      if (req < 0) return false;
      const request = icmp.type === req;
      this.proto = ICMP | (req << 8);
      this.sport = request ? icmp.id : 0;
      this.dport = request ? 0 : icmp.id;
      this.inv1 = icmp.seq;
      this.inv2 = icmp.type;
      this.inv3 = icmp.code;
      this.dirHint = request ? DIR_ORIGINAL : DIR_REPLY;
      return true;
    }
    return false;
  }
}

// Decoded layer records. They are mutable and pooled: the FrameDecoder overwrites
// them for every frame, so nothing is allocated per frame on the common path.
// Consumers that keep a layer beyond the current frame must copy what they need
// (or call `layerToJson`). Every decoder sets every field of the record it takes.
//
// Addresses are numbers (see addr.ts); lengths are in bytes; field names follow the RFCs.

import type { MacNumber } from './addr.js';

/**
 * Layer classes as small numbers. LayerList records each item's kind, so that consumers
 * find a layer by a byte compare (or learn it is absent from one bit test) instead of a
 * type check per item: the analysis engines look for their layer in every frame.
 */
export const enum LayerKind {
  Eth = 0, Vlan = 1, Sll = 2, Null = 3, Arp = 4, Ipv4 = 5, Icmp = 6, Udp = 7,
  Vxlan = 8, Geneve = 9, Tcp = 10, Ipv6 = 11, Icmpv6 = 12, Dns = 13,
}

/** The kind of a layer, from its class (decoders pass theirs as a constant instead). */
export function kindOf(layer: Layer): LayerKind {
  switch (layer.proto) {
    case 'eth': return LayerKind.Eth;
    case 'vlan': return LayerKind.Vlan;
    case 'sll': return LayerKind.Sll;
    case 'null': return LayerKind.Null;
    case 'arp': return LayerKind.Arp;
    case 'ipv4': return LayerKind.Ipv4;
    case 'icmp': return LayerKind.Icmp;
    case 'udp': return LayerKind.Udp;
    case 'vxlan': return LayerKind.Vxlan;
    case 'geneve': return LayerKind.Geneve;
    case 'tcp': return LayerKind.Tcp;
    case 'ipv6': return LayerKind.Ipv6;
    case 'icmpv6': return LayerKind.Icmpv6;
    case 'dns': return LayerKind.Dns;
  }
}

/** A list that is refilled in place: `items[0..count)` are valid, `kinds[0..count)` their kinds. */
export class LayerList {
  items: Layer[] = [];
  kinds = new Uint8Array(16);
  /** Bit `1 << kind` set for every kind among the valid items. */
  has = 0;
  count = 0;
  /** `kind` must be the layer's own (kindOf(layer), the default). */
  push(layer: Layer, kind: LayerKind = kindOf(layer)): void {
    const n = this.count;
    // Pools hand out the same record for the same place in frames of one shape, so the slot
    // usually holds it already: comparing first skips V8's write barrier on the store.
    if (n < this.items.length) {
      if (this.items[n] !== layer) this.items[n] = layer;
    } else this.items.push(layer);
    if (n === this.kinds.length) this.growKinds();
    this.kinds[n] = kind;
    this.has |= 1 << kind;
    this.count = n + 1;
  }
  clear(): void {
    this.count = 0;
    this.has = 0;
  }
  /** Index of the first valid item of `kind` at or after `from`, or -1. */
  indexOf(kind: LayerKind, from = 0): number {
    if ((this.has & (1 << kind)) === 0) return -1;
    const kinds = this.kinds;
    for (let i = from; i < this.count; i++) if (kinds[i] === kind) return i;
    return -1;
  }
  /** A fresh array of the valid items (allocates; for tests and slow paths). */
  toArray(): Layer[] {
    return this.items.slice(0, this.count);
  }
  private growKinds(): void {
    const bigger = new Uint8Array(this.kinds.length * 2);
    bigger.set(this.kinds);
    this.kinds = bigger;
  }
}

export class EthLayer {
  readonly proto = 'eth' as const;
  /** Offset of the header from the start of the frame (or of the reassembled data). */
  offset = 0;
  dst: MacNumber = 0;
  src: MacNumber = 0;
  /** The raw EtherType / length field. Values <= 1500 are an 802.3 length. */
  type = 0;
}

export class VlanLayer {
  readonly proto = 'vlan' as const;
  offset = 0;
  /** The tag protocol identifier that introduced this tag: 0x8100 (802.1Q), 0x88a8 (802.1ad), 0x9100. */
  tpid = 0;
  pcp = 0;
  dei = 0;
  id = 0;
  type = 0;
}

/** Linux cooked capture header, v1 (LINKTYPE_LINUX_SLL) or v2 (LINKTYPE_LINUX_SLL2). */
export class SllLayer {
  readonly proto = 'sll' as const;
  offset = 0;
  version: 1 | 2 = 1;
  /** PACKET_HOST 0, BROADCAST 1, MULTICAST 2, OTHERHOST 3, OUTGOING 4. */
  pkttype = 0;
  /** Interface index (SLL2 only); -1 for SLL v1. */
  ifindex = -1;
  /** ARPHRD_* type of the interface. */
  hatype = 0;
  /** Link-layer address length in bytes. */
  halen = 0;
  /** Source MAC when halen is 6, else 0 (see srcText). */
  src: MacNumber = 0;
  /** Source address as hex when halen is not 6; null otherwise. */
  srcText: string | null = null;
  /** Protocol type: an EtherType, or 1 (Novell 802.3), 4 (802.2 LLC), ... */
  type = 0;
}

/** BSD loopback encapsulation (LINKTYPE_NULL / LINKTYPE_LOOP). */
export class NullLayer {
  readonly proto = 'null' as const;
  offset = 0;
  /** Address family (AF_INET 2, AF_INET6 10/24/28/30). */
  family = 0;
}

export class ArpLayer {
  readonly proto = 'arp' as const;
  offset = 0;
  htype = 0;
  ptype = 0;
  /** Hardware address length in bytes. */
  hlen = 0;
  /** Protocol address length in bytes. */
  plen = 0;
  op = 0;
  /** True for the common Ethernet/IPv4 form (htype 1, ptype 0x0800, 6/4). */
  ethIpv4 = false;
  /** MACs when hlen is 6 (else 0 and see shaText/thaText). */
  sha: MacNumber = 0;
  /** IPv4 addresses when ptype is 0x0800 and plen 4 (else 0 and see spaText/tpaText). */
  spa = 0;
  tha: MacNumber = 0;
  tpa = 0;
  /** Addresses of other sizes as hex text; null when the numeric form applies. */
  shaText: string | null = null;
  spaText: string | null = null;
  thaText: string | null = null;
  tpaText: string | null = null;
}

export class Ipv4Layer {
  readonly proto = 'ipv4' as const;
  offset = 0;
  /** Header length in bytes (IHL * 4). */
  headerLength = 0;
  dscp = 0;
  ecn = 0;
  totalLength = 0;
  id = 0;
  df = false;
  mf = false;
  /** Fragment offset in bytes (the field times 8). */
  fragOffset = 0;
  ttl = 0;
  protocol = 0;
  checksum = 0;
  /** Header checksum verified; null when the header was not fully captured or is quoted. */
  checksumOk: boolean | null = null;
  src = 0;
  dst = 0;
  /** Bytes of options after the fixed header. */
  optionsLength = 0;
  /** This frame completed a fragmented datagram: the layers after this one come from the reassembled payload. */
  reassembled = false;
  /** Number of fragments the reassembled datagram was built from (0 when not reassembled). */
  fragmentCount = 0;
  /** The capture cut the fixed header: fields not captured are -1 (src/dst included), checksumOk null. */
  partial = false;
}

export class IcmpLayer {
  readonly proto = 'icmp' as const;
  offset = 0;
  type = 0;
  code = 0;
  checksum = 0;
  checksumOk: boolean | null = null;
  /** Echo/timestamp/information/address-mask identifier, -1 when the type has none. */
  id = -1;
  seq = -1;
  /** Next-hop MTU of "fragmentation needed" (type 3 code 4), -1 otherwise. */
  mtu = -1;
  /** Redirect gateway (type 5), -1 otherwise. */
  gateway = -1;
  /** Parameter problem pointer (type 12), -1 otherwise. */
  pointer = -1;
  /** Layers of the quoted datagram of an error message (IPv4 header and what follows). */
  readonly quoted = new LayerList();
}

export class UdpLayer {
  readonly proto = 'udp' as const;
  offset = 0;
  /** -1 for fields a cut header did not capture. */
  sport = 0;
  dport = 0;
  /** UDP Length field: header plus data, in bytes. */
  length = 0;
  checksum = 0;
}

/** Geneve (RFC 8926): how Open vSwitch/OVN and Cilium tunnel, beside VXLAN. */
export class GeneveLayer {
  readonly proto = 'geneve' as const;
  offset = 0;
  version = 0;
  /** Options length in bytes. */
  optionsLength = 0;
  oam = false;
  critical = false;
  /** Protocol Type of the payload: 0x6558 is an Ethernet frame. */
  protocol = 0;
  vni = 0;
}

export class VxlanLayer {
  readonly proto = 'vxlan' as const;
  offset = 0;
  flags = 0;
  vni = 0;
}

/** TCP option kinds seen, in order, with the values a summary needs. */
export class TcpLayer {
  readonly proto = 'tcp' as const;
  offset = 0;
  sport = 0;
  dport = 0;
  seq = 0;
  /** -1 when not captured (quoted headers carry only 8 bytes). */
  ack = -1;
  /** Header length in bytes (data offset * 4); 0 when not captured. */
  headerLength = 0;
  /** The 9 flag bits (NS CWR ECE URG ACK PSH RST SYN FIN); -1 when not captured. */
  flags = -1;
  /** -1 when not captured. */
  window = -1;
  checksum = -1;
  urgent = -1;
  /** Options in order: kind values; `optionCount` of them are valid. */
  readonly optionKinds = new Uint8Array(40);
  optionCount = 0;
  mss = -1;
  windowScale = -1;
  sackPermitted = false;
  /** Number of SACK blocks in a SACK option. */
  sackBlocks = 0;
  tsVal = -1;
  tsEcr = -1;
  /** Payload length in bytes (from the IP length when known, else what was captured). */
  payloadLength = 0;
  /** The whole header (data offset of at least 5, options included) was captured and fits the segment the IP layer announced. */
  headerComplete = false;
}

export class Ipv6Layer {
  readonly proto = 'ipv6' as const;
  offset = 0;
  trafficClass = 0;
  flowLabel = 0;
  payloadLength = 0;
  /** The Next Header field of the fixed header. */
  next = 0;
  hlim = 0;
  src0 = 0; src1 = 0; src2 = 0; src3 = 0;
  dst0 = 0; dst1 = 0; dst2 = 0; dst3 = 0;
  /** Extension header types walked, in order; `extCount` valid. */
  readonly extTypes = new Uint8Array(16);
  extCount = 0;
  /**
   * The upper-layer protocol after the extension headers (59 = no next header; 135 Mobility
   * and 50 ESP end the walk too). A fragment's is the Fragment header's Next Header; when
   * the walk stops at a cut or malformed extension header, it is that header's type.
   */
  upper = 0;
  /** Fragment header fields when present: offset in bytes, more-fragments flag, id; fragId -1 when absent. */
  fragOffset = 0;
  fragMore = false;
  fragId = -1;
}

export class Icmpv6Layer {
  readonly proto = 'icmpv6' as const;
  offset = 0;
  type = 0;
  code = 0;
  checksum = 0;
  /** Checksum verified with the IPv6 pseudo-header; null when not checked (cut, quoted, Routing header, not over IPv6). */
  checksumOk: boolean | null = null;
  /** Echo identifier/sequence (types 128/129), -1 otherwise. */
  id = -1;
  seq = -1;
  /** Packet Too Big MTU (type 2), or the MTU option (type 5) of a Router Advertisement; -1 otherwise. */
  mtu = -1;
  /** Parameter Problem pointer (type 4): offset in the quoted packet of the problem, -1 otherwise. */
  pointer = -1;
  /** Router Advertisement (type 134) Cur Hop Limit, flags byte (M 0x80, O 0x40, ...) and Router Lifetime in seconds; -1 otherwise. */
  curHopLimit = -1;
  raFlags = -1;
  routerLifetime = -1;
  /** Target address of NS/NA/redirect, or the multicast address of MLD; hasTarget false when absent. */
  hasTarget = false;
  target0 = 0; target1 = 0; target2 = 0; target3 = 0;
  /** Source/target link-layer address option (MAC) of ND messages, -1 when absent. */
  lladdr: MacNumber = -1;
  /** NA flags R/S/O as bits 0x80/0x40/0x20 of the flags byte, 0 otherwise. */
  naFlags = 0;
  /** Layers of the quoted packet of an error message (types 1-4). */
  readonly quoted = new LayerList();
}

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export interface DnsAnswer {
  name: string;
  type: number;
  class: number;
  ttl: number;
  /** Dotted/canonical text for A, AAAA, CNAME, PTR, NS, MX (preference then name), TXT; hex otherwise. */
  data: string;
}

export class DnsLayer {
  readonly proto = 'dns' as const;
  offset = 0;
  id = 0;
  qr = false;
  opcode = 0;
  aa = false;
  tc = false;
  rd = false;
  ra = false;
  rcode = 0;
  /** Counts from the header (what the message claims). */
  qdcount = 0;
  ancount = 0;
  nscount = 0;
  arcount = 0;
  /** Decoded entries (allocated per message: DNS is the one layer that allocates). */
  questions: DnsQuestion[] = [];
  answers: DnsAnswer[] = [];
}

export type Layer =
  | EthLayer | VlanLayer | SllLayer | NullLayer | ArpLayer | Ipv4Layer | IcmpLayer | UdpLayer
  | VxlanLayer | GeneveLayer | TcpLayer | Ipv6Layer | Icmpv6Layer | DnsLayer;

export type LayerProto = Layer['proto'];

// Protocols and fields of the display-filter language, named as in Wireshark 4.0
// (`tshark -G fields`), read from the decoded layer records. A field may occur several
// times in one layer (ip.addr: source and destination) and in several layers (the inner
// and outer IPv4 headers of a VXLAN frame, the header an ICMP error quotes).
//
// A read puts the value in a FieldValue instead of returning it: a MAC or an IPv4 address
// above 2^31 returned from a function that V8 does not inline is boxed (allocated), one
// stored in a number field of a reused object is not. An occurrence the layer does not
// have (a header the capture cut, an optional field) reads as n -1 or s null.

import type { Layer } from './layers.js';

/** How a field's values compare, and what its literals look like. */
export type FieldType = 'none' | 'uint' | 'bool' | 'ether' | 'ipv4' | 'ipv6' | 'string';

/** Who owns an address: dockshark's `container` field asks this (the topology knows). */
export interface ContainerNames {
  ofMac(mac: number): string | null;
  ofIpv4(addr: number): string | null;
}

/** What a filter looks at: the frame's layers and what higher layers know of it. */
export interface FilterFrame {
  readonly layers: { readonly items: readonly Layer[]; readonly count: number };
  /** Capture interface name (pcapng if_name), or null. */
  readonly iface: string | null;
  /** Frame number, 1-based. */
  readonly no: number;
  /** Length on the wire and captured length in bytes; -1 when the caller does not know. */
  readonly origLen: number;
  readonly capLen: number;
  /** The changes this frame caused (`change`); null or absent: none known. */
  readonly changes?: readonly { readonly kind: string }[] | null;
  /** Address owners (`container`); null or absent: no address has an owner. */
  readonly names?: ContainerNames | null;
}

/** Where a read puts an occurrence: n (numbers, -1 absent), s (strings, null absent), w0-w3 (an IPv6 address). */
export class FieldValue {
  // Fractional starts give the fields V8's double representation from the outset.
  n = 0.5;
  s: string | null = null;
  w0 = 0.5;
  w1 = 0.5;
  w2 = 0.5;
  w3 = 0.5;
}

/** A protocol: which layers are its. */
export interface ProtoDef {
  readonly name: string;
  /** 'frame': the frame itself (one pseudo-layer, before the others); 'any': every layer. */
  readonly scope: 'frame' | 'layer' | 'any';
  /** The layer records it is (`Layer['proto']`), null for every layer. */
  readonly kind: Layer['proto'] | null;
  /** A further test on a layer of that kind (null: none); `prev` is the layer before it in the same list. */
  readonly refine: ((l: Layer, prev: Layer | null) => boolean) | null;
}

export interface FieldDef {
  readonly name: string;
  readonly proto: ProtoDef;
  readonly type: FieldType;
  /** Width of an unsigned field: literals above 2^bits - 1 are refused, as tshark does. */
  readonly bits: number;
  /** Occurrences in a layer of `proto` (null: the frame pseudo-layer). */
  count(l: Layer | null, f: FilterFrame): number;
  /** Puts occurrence i into `out`. */
  read(l: Layer | null, i: number, f: FilterFrame, out: FieldValue): void;
}

type Proto = Layer['proto'];
type Of<P extends Proto> = Extract<Layer, { proto: P }>;

function proto(name: string, kind: Proto | null, refine: ProtoDef['refine'] = null, scope: ProtoDef['scope'] = 'layer'): ProtoDef {
  return { name, scope, kind, refine };
}

/** Which of DNS, mDNS and LLMNR a DNS layer is: the UDP ports decide, the lower first (as the decoder and Wireshark do). */
function dnsFlavour(prev: Layer | null): string {
  if (prev?.proto !== 'udp') return 'dns';
  const low = Math.min(prev.sport, prev.dport);
  const high = Math.max(prev.sport, prev.dport);
  const of = (p: number) => (p === 53 ? 'dns' : p === 5353 ? 'mdns' : p === 5355 ? 'llmnr' : '');
  return of(low) || of(high) || 'dns';
}

const QINQ_TPID = 0x88a8;

export const PROTOS: readonly ProtoDef[] = [
  proto('frame', null, null, 'frame'),
  proto('eth', 'eth'),
  // Wireshark files an 802.1ad tag (TPID 0x88a8) under its own protocol.
  proto('vlan', 'vlan', (l) => (l as Of<'vlan'>).tpid !== QINQ_TPID),
  proto('ieee8021ad', 'vlan', (l) => (l as Of<'vlan'>).tpid === QINQ_TPID),
  proto('sll', 'sll'),
  proto('null', 'null'),
  proto('arp', 'arp'),
  proto('ip', 'ipv4'),
  proto('ipv6', 'ipv6'),
  proto('icmp', 'icmp'),
  proto('icmpv6', 'icmpv6'),
  proto('udp', 'udp'),
  proto('tcp', 'tcp'),
  proto('vxlan', 'vxlan'),
  proto('geneve', 'geneve'),
  proto('dns', 'dns', (_l, prev) => dnsFlavour(prev) === 'dns'),
  proto('mdns', 'dns', (_l, prev) => dnsFlavour(prev) === 'mdns'),
  proto('llmnr', 'dns', (_l, prev) => dnsFlavour(prev) === 'llmnr'),
];
const P = new Map(PROTOS.map((p) => [p.name, p]));
const protoOf = (name: string): ProtoDef => P.get(name)!;
/** mDNS and LLMNR fields are dns.* in Wireshark too. */
const DNS_FIELDS = proto('dns', 'dns');
const ANY_LAYER = proto('', null, null, 'any');

const NONE = -1;
const one1 = () => 1;

/** A field with one occurrence per layer; `read` sets o.n (-1: absent). */
function one<P extends Proto>(name: string, p: ProtoDef, type: FieldType, bits: number, read: (l: Of<P>, o: FieldValue) => void): FieldDef {
  return { name, proto: p, type, bits, count: one1, read: (l, _i, _f, o) => read(l as Of<P>, o) };
}

/** A field with two occurrences per layer (source then destination, as Wireshark adds them). */
function two<P extends Proto>(name: string, p: ProtoDef, type: FieldType, bits: number, a: (l: Of<P>, o: FieldValue) => void, b: (l: Of<P>, o: FieldValue) => void): FieldDef {
  return { name, proto: p, type, bits, count: () => 2, read: (l, i, _f, o) => (i === 0 ? a : b)(l as Of<P>, o) };
}

/** A field of the frame itself. */
function frameField(name: string, type: FieldType, read: (f: FilterFrame, o: FieldValue) => void): FieldDef {
  return { name, proto: protoOf('frame'), type, bits: 32, count: one1, read: (_l, _i, f, o) => read(f, o) };
}

const flag = (v: boolean | number): number => (v ? 1 : 0);
/** A boolean field of the TCP flags; absent when the flags were not captured. */
const tcpFlag = (name: string, bit: number) => one<'tcp'>(name, protoOf('tcp'), 'bool', 1, (l, o) => { o.n = l.flags < 0 ? NONE : flag(l.flags & bit); });

/** IPv6 address fields: `which` picks source (0), destination (1) or both (2). */
function ipv6Addr(name: string, which: 0 | 1 | 2): FieldDef {
  return {
    name, proto: protoOf('ipv6'), type: 'ipv6', bits: 128,
    count: which === 2 ? () => 2 : one1,
    read: (layer, i, _f, o) => {
      const l = layer as Of<'ipv6'>;
      if (which === 1 || (which === 2 && i === 1)) { o.w0 = l.dst0; o.w1 = l.dst1; o.w2 = l.dst2; o.w3 = l.dst3; }
      else { o.w0 = l.src0; o.w1 = l.src1; o.w2 = l.src2; o.w3 = l.src3; }
    },
  };
}

/** A DNS question field: one occurrence per decoded question. */
function question(name: string, type: FieldType, read: (q: Of<'dns'>['questions'][number], o: FieldValue) => void): FieldDef {
  return {
    name, proto: DNS_FIELDS, type, bits: 16,
    count: (l) => (l as Of<'dns'>).questions.length,
    read: (l, i, _f, o) => read((l as Of<'dns'>).questions[i], o),
  };
}

/**
 * dockshark's `container`: the owner of each MAC and IPv4 address of every layer (Ethernet,
 * SLL, ARP, IPv4, ICMPv6 link-layer option), by the frame's ContainerNames.
 */
const container: FieldDef = {
  name: 'container', proto: ANY_LAYER, type: 'string', bits: 0,
  count: (l) => {
    switch (l?.proto) {
      case 'eth': case 'ipv4': return 2;
      case 'arp': return 4;
      case 'sll': case 'icmpv6': return 1;
      default: return 0;
    }
  },
  read: (l, i, f, o) => {
    const names = f.names;
    o.s = null;
    if (!names || !l) return;
    switch (l.proto) {
      case 'eth': o.s = names.ofMac(i === 0 ? l.src : l.dst); break;
      case 'sll': if (l.halen === 6 && l.srcText === null) o.s = names.ofMac(l.src); break;
      case 'icmpv6': if (l.lladdr >= 0) o.s = names.ofMac(l.lladdr); break;
      case 'ipv4': if ((i === 0 ? l.src : l.dst) >= 0) o.s = names.ofIpv4(i === 0 ? l.src : l.dst); break;
      case 'arp':
        if (i < 2) { if (l.hlen === 6) o.s = names.ofMac(i === 0 ? l.sha : l.tha); }
        else if (l.spaText === null) o.s = names.ofIpv4(i === 2 ? l.spa : l.tpa);
        break;
    }
  },
};

/** dockshark's `change`: the kinds of the changes the frame caused (fdb.move, arp.new, ...). */
const change: FieldDef = {
  name: 'change', proto: protoOf('frame'), type: 'string', bits: 0,
  count: (_l, f) => f.changes?.length ?? 0,
  read: (_l, i, f, o) => { o.s = f.changes![i].kind; },
};

const eth = protoOf('eth');
const vlan = protoOf('vlan');
const qinq = protoOf('ieee8021ad');
const sll = protoOf('sll');
const arp = protoOf('arp');
const ip = protoOf('ip');
const ipv6 = protoOf('ipv6');
const icmp = protoOf('icmp');
const icmpv6 = protoOf('icmpv6');
const udp = protoOf('udp');
const tcp = protoOf('tcp');
/** Ethernet II types start at 0x600; values up to 1500 are an 802.3 length. */
const ETHERTYPE_MIN = 0x600;
const MAX_8023_LENGTH = 1500;
const tagFields = (p: ProtoDef, prefix: string): FieldDef[] => [
  one<'vlan'>(`${prefix}.id`, p, 'uint', 16, (l, o) => { o.n = l.id; }),
  one<'vlan'>(`${prefix}.priority`, p, 'uint', 16, (l, o) => { o.n = l.pcp; }),
  one<'vlan'>(`${prefix}.dei`, p, 'bool', 1, (l, o) => { o.n = l.dei; }),
];

export const FIELDS: readonly FieldDef[] = [
  frameField('frame.number', 'uint', (f, o) => { o.n = f.no; }),
  frameField('frame.len', 'uint', (f, o) => { o.n = f.origLen; }),
  frameField('frame.cap_len', 'uint', (f, o) => { o.n = f.capLen; }),
  frameField('frame.interface_name', 'string', (f, o) => { o.s = f.iface; }),

  two<'eth'>('eth.addr', eth, 'ether', 48, (l, o) => { o.n = l.src; }, (l, o) => { o.n = l.dst; }),
  one<'eth'>('eth.src', eth, 'ether', 48, (l, o) => { o.n = l.src; }),
  one<'eth'>('eth.dst', eth, 'ether', 48, (l, o) => { o.n = l.dst; }),
  one<'eth'>('eth.type', eth, 'uint', 16, (l, o) => { o.n = l.type >= ETHERTYPE_MIN ? l.type : NONE; }),
  one<'eth'>('eth.len', eth, 'uint', 16, (l, o) => { o.n = l.type <= MAX_8023_LENGTH ? l.type : NONE; }),

  ...tagFields(vlan, 'vlan'),
  one<'vlan'>('vlan.etype', vlan, 'uint', 16, (l, o) => { o.n = l.type >= ETHERTYPE_MIN ? l.type : NONE; }),
  ...tagFields(qinq, 'ieee8021ad'),

  one<'sll'>('sll.pkttype', sll, 'uint', 16, (l, o) => { o.n = l.pkttype; }),
  one<'sll'>('sll.hatype', sll, 'uint', 16, (l, o) => { o.n = l.hatype; }),
  one<'sll'>('sll.halen', sll, 'uint', 16, (l, o) => { o.n = l.halen; }),
  one<'sll'>('sll.src.eth', sll, 'ether', 48, (l, o) => { o.n = l.halen === 6 && l.srcText === null ? l.src : NONE; }),
  one<'sll'>('sll.etype', sll, 'uint', 16, (l, o) => { o.n = l.type >= ETHERTYPE_MIN ? l.type : NONE; }),
  one<'sll'>('sll.ifindex', sll, 'uint', 32, (l, o) => { o.n = l.ifindex; }),
  one<'null'>('null.family', protoOf('null'), 'uint', 32, (l, o) => { o.n = l.family; }),

  one<'arp'>('arp.hw.type', arp, 'uint', 16, (l, o) => { o.n = l.htype; }),
  one<'arp'>('arp.proto.type', arp, 'uint', 16, (l, o) => { o.n = l.ptype; }),
  one<'arp'>('arp.hw.size', arp, 'uint', 8, (l, o) => { o.n = l.hlen; }),
  one<'arp'>('arp.proto.size', arp, 'uint', 8, (l, o) => { o.n = l.plen; }),
  one<'arp'>('arp.opcode', arp, 'uint', 16, (l, o) => { o.n = l.op; }),
  one<'arp'>('arp.src.hw_mac', arp, 'ether', 48, (l, o) => { o.n = l.hlen === 6 ? l.sha : NONE; }),
  one<'arp'>('arp.dst.hw_mac', arp, 'ether', 48, (l, o) => { o.n = l.hlen === 6 ? l.tha : NONE; }),
  one<'arp'>('arp.src.proto_ipv4', arp, 'ipv4', 32, (l, o) => { o.n = l.spaText === null ? l.spa : NONE; }),
  one<'arp'>('arp.dst.proto_ipv4', arp, 'ipv4', 32, (l, o) => { o.n = l.spaText === null ? l.tpa : NONE; }),

  two<'ipv4'>('ip.addr', ip, 'ipv4', 32, (l, o) => { o.n = l.src; }, (l, o) => { o.n = l.dst; }),
  one<'ipv4'>('ip.src', ip, 'ipv4', 32, (l, o) => { o.n = l.src; }),
  one<'ipv4'>('ip.dst', ip, 'ipv4', 32, (l, o) => { o.n = l.dst; }),
  one<'ipv4'>('ip.hdr_len', ip, 'uint', 8, (l, o) => { o.n = l.headerLength; }),
  one<'ipv4'>('ip.dsfield.dscp', ip, 'uint', 8, (l, o) => { o.n = l.dscp; }),
  one<'ipv4'>('ip.dsfield.ecn', ip, 'uint', 8, (l, o) => { o.n = l.ecn; }),
  one<'ipv4'>('ip.len', ip, 'uint', 16, (l, o) => { o.n = l.totalLength; }),
  one<'ipv4'>('ip.id', ip, 'uint', 16, (l, o) => { o.n = l.id; }),
  // 4.0's ip.flags is the 3 flag bits as a number: reserved 4, DF 2, MF 1.
  one<'ipv4'>('ip.flags', ip, 'uint', 8, (l, o) => { o.n = l.fragOffset < 0 ? NONE : flag(l.df) * 2 + flag(l.mf); }),
  one<'ipv4'>('ip.flags.df', ip, 'bool', 1, (l, o) => { o.n = l.fragOffset < 0 ? NONE : flag(l.df); }),
  one<'ipv4'>('ip.flags.mf', ip, 'bool', 1, (l, o) => { o.n = l.fragOffset < 0 ? NONE : flag(l.mf); }),
  one<'ipv4'>('ip.frag_offset', ip, 'uint', 16, (l, o) => { o.n = l.fragOffset < 0 ? NONE : l.fragOffset / 8; }),
  one<'ipv4'>('ip.ttl', ip, 'uint', 8, (l, o) => { o.n = l.ttl; }),
  one<'ipv4'>('ip.proto', ip, 'uint', 8, (l, o) => { o.n = l.protocol; }),
  one<'ipv4'>('ip.checksum', ip, 'uint', 16, (l, o) => { o.n = l.checksum; }),

  ipv6Addr('ipv6.addr', 2),
  ipv6Addr('ipv6.src', 0),
  ipv6Addr('ipv6.dst', 1),
  one<'ipv6'>('ipv6.tclass', ipv6, 'uint', 32, (l, o) => { o.n = l.trafficClass; }),
  one<'ipv6'>('ipv6.flow', ipv6, 'uint', 24, (l, o) => { o.n = l.flowLabel; }),
  one<'ipv6'>('ipv6.plen', ipv6, 'uint', 16, (l, o) => { o.n = l.payloadLength; }),
  one<'ipv6'>('ipv6.nxt', ipv6, 'uint', 8, (l, o) => { o.n = l.next; }),
  one<'ipv6'>('ipv6.hlim', ipv6, 'uint', 8, (l, o) => { o.n = l.hlim; }),

  one<'icmp'>('icmp.type', icmp, 'uint', 8, (l, o) => { o.n = l.type; }),
  one<'icmp'>('icmp.code', icmp, 'uint', 8, (l, o) => { o.n = l.code; }),
  one<'icmp'>('icmp.checksum', icmp, 'uint', 16, (l, o) => { o.n = l.checksum; }),
  one<'icmp'>('icmp.ident', icmp, 'uint', 16, (l, o) => { o.n = l.id; }),
  one<'icmp'>('icmp.seq', icmp, 'uint', 16, (l, o) => { o.n = l.seq; }),
  one<'icmp'>('icmp.mtu', icmp, 'uint', 16, (l, o) => { o.n = l.mtu; }),
  one<'icmp'>('icmp.redir_gw', icmp, 'ipv4', 32, (l, o) => { o.n = l.gateway; }),

  one<'icmpv6'>('icmpv6.type', icmpv6, 'uint', 8, (l, o) => { o.n = l.type; }),
  one<'icmpv6'>('icmpv6.code', icmpv6, 'uint', 8, (l, o) => { o.n = l.code; }),
  one<'icmpv6'>('icmpv6.checksum', icmpv6, 'uint', 16, (l, o) => { o.n = l.checksum; }),
  one<'icmpv6'>('icmpv6.echo.identifier', icmpv6, 'uint', 16, (l, o) => { o.n = l.id; }),
  one<'icmpv6'>('icmpv6.echo.sequence_number', icmpv6, 'uint', 16, (l, o) => { o.n = l.seq; }),
  one<'icmpv6'>('icmpv6.mtu', icmpv6, 'uint', 32, (l, o) => { o.n = l.type === 2 ? l.mtu : NONE; }),

  two<'udp'>('udp.port', udp, 'uint', 16, (l, o) => { o.n = l.sport; }, (l, o) => { o.n = l.dport; }),
  one<'udp'>('udp.srcport', udp, 'uint', 16, (l, o) => { o.n = l.sport; }),
  one<'udp'>('udp.dstport', udp, 'uint', 16, (l, o) => { o.n = l.dport; }),
  one<'udp'>('udp.length', udp, 'uint', 16, (l, o) => { o.n = l.length; }),
  one<'udp'>('udp.checksum', udp, 'uint', 16, (l, o) => { o.n = l.checksum; }),

  two<'tcp'>('tcp.port', tcp, 'uint', 16, (l, o) => { o.n = l.sport; }, (l, o) => { o.n = l.dport; }),
  one<'tcp'>('tcp.srcport', tcp, 'uint', 16, (l, o) => { o.n = l.sport; }),
  one<'tcp'>('tcp.dstport', tcp, 'uint', 16, (l, o) => { o.n = l.dport; }),
  one<'tcp'>('tcp.seq_raw', tcp, 'uint', 32, (l, o) => { o.n = l.seq; }),
  // Wireshark adds the acknowledgment number only once the flags byte after it is captured.
  one<'tcp'>('tcp.ack_raw', tcp, 'uint', 32, (l, o) => { o.n = l.flags < 0 ? NONE : l.ack; }),
  one<'tcp'>('tcp.hdr_len', tcp, 'uint', 8, (l, o) => { o.n = l.headerLength > 0 ? l.headerLength : NONE; }),
  one<'tcp'>('tcp.flags', tcp, 'uint', 16, (l, o) => { o.n = l.flags; }),
  tcpFlag('tcp.flags.cwr', 0x080),
  tcpFlag('tcp.flags.ece', 0x040),
  tcpFlag('tcp.flags.urg', 0x020),
  tcpFlag('tcp.flags.ack', 0x010),
  tcpFlag('tcp.flags.push', 0x008),
  tcpFlag('tcp.flags.reset', 0x004),
  tcpFlag('tcp.flags.syn', 0x002),
  tcpFlag('tcp.flags.fin', 0x001),
  one<'tcp'>('tcp.window_size_value', tcp, 'uint', 16, (l, o) => { o.n = l.window; }),
  one<'tcp'>('tcp.checksum', tcp, 'uint', 16, (l, o) => { o.n = l.checksum; }),
  one<'tcp'>('tcp.urgent_pointer', tcp, 'uint', 16, (l, o) => { o.n = l.urgent; }),
  one<'tcp'>('tcp.len', tcp, 'uint', 32, (l, o) => { o.n = l.flags < 0 ? NONE : l.payloadLength; }),
  one<'tcp'>('tcp.options.mss_val', tcp, 'uint', 16, (l, o) => { o.n = l.mss; }),

  one<'vxlan'>('vxlan.vni', protoOf('vxlan'), 'uint', 24, (l, o) => { o.n = l.vni; }),
  one<'geneve'>('geneve.vni', protoOf('geneve'), 'uint', 24, (l, o) => { o.n = l.vni; }),
  one<'geneve'>('geneve.proto_type', protoOf('geneve'), 'uint', 16, (l, o) => { o.n = l.protocol; }),

  one<'dns'>('dns.id', DNS_FIELDS, 'uint', 16, (l, o) => { o.n = l.id; }),
  one<'dns'>('dns.flags.response', DNS_FIELDS, 'bool', 1, (l, o) => { o.n = flag(l.qr); }),
  one<'dns'>('dns.flags.opcode', DNS_FIELDS, 'uint', 16, (l, o) => { o.n = l.opcode; }),
  one<'dns'>('dns.flags.authoritative', DNS_FIELDS, 'bool', 1, (l, o) => { o.n = l.qr ? flag(l.aa) : NONE; }),
  one<'dns'>('dns.flags.truncated', DNS_FIELDS, 'bool', 1, (l, o) => { o.n = flag(l.tc); }),
  one<'dns'>('dns.flags.recdesired', DNS_FIELDS, 'bool', 1, (l, o) => { o.n = flag(l.rd); }),
  one<'dns'>('dns.flags.recavail', DNS_FIELDS, 'bool', 1, (l, o) => { o.n = l.qr ? flag(l.ra) : NONE; }),
  one<'dns'>('dns.flags.rcode', DNS_FIELDS, 'uint', 16, (l, o) => { o.n = l.qr ? l.rcode : NONE; }),
  one<'dns'>('dns.count.queries', DNS_FIELDS, 'uint', 16, (l, o) => { o.n = l.qdcount; }),
  one<'dns'>('dns.count.answers', DNS_FIELDS, 'uint', 16, (l, o) => { o.n = l.ancount; }),
  one<'dns'>('dns.count.auth_rr', DNS_FIELDS, 'uint', 16, (l, o) => { o.n = l.nscount; }),
  one<'dns'>('dns.count.add_rr', DNS_FIELDS, 'uint', 16, (l, o) => { o.n = l.arcount; }),
  question('dns.qry.name', 'string', (q, o) => { o.s = q.name; }),
  question('dns.qry.type', 'uint', (q, o) => { o.n = q.type; }),

  container,
  change,
];

const BY_NAME = new Map<string, FieldDef>(FIELDS.map((f) => [f.name, f]));
for (const p of PROTOS) BY_NAME.set(p.name, { name: p.name, proto: p, type: 'none', bits: 0, count: one1, read: () => {} });

/** The field or protocol named `name`, or undefined. */
export function fieldNamed(name: string): FieldDef | undefined {
  return BY_NAME.get(name);
}

/** How a type is named in messages: `"ip.src" is an IPv4 address`. */
export const TYPE_NAMES: Record<FieldType, string> = {
  none: 'a protocol',
  uint: 'an unsigned integer',
  bool: 'a boolean',
  ether: 'a MAC address',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  string: 'a string',
};

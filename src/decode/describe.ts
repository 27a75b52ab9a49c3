// One-line text summaries of decoded layers, in the spirit of `tcpdump -e -nn`.
// Shared by the CLI's text output and (later) the TUI's packet list. Everything
// printed is built from numbers or from strings already escaped by their decoder
// (DNS names); `safeText` escapes anything else that comes from a capture.
//
// The text is written through a TextSink, so the same code builds a string
// (StringSink: describeLayers, the TUI) or writes bytes straight into an output
// buffer (the CLI's ByteWriter), without making a string per line.

import { formatIpv4, formatIpv6, formatMac, type MacNumber } from './addr.js';
import type { IcmpLayer, Icmpv6Layer, Ipv4Layer, Ipv6Layer, Layer, LayerList, TcpLayer, UdpLayer } from './layers.js';

/**
 * Where summary text goes. Every method appends exactly the text its comment gives, so
 * any two sinks produce the same characters.
 */
export interface TextSink {
  /** `s` as is (callers escape capture-supplied text first). */
  text(s: string): void;
  /** `p.text`: constant ASCII text, encoded once (a byte sink copies `p.bytes`). */
  phrase(p: Phrase): void;
  /** `String(n).padStart(zeroPadTo, '0')`. */
  num(n: number, zeroPadTo?: number): void;
  /** `n.toString(16).padStart(zeroPadTo, '0')`. */
  hex(n: number, zeroPadTo?: number): void;
  /** `formatMac(mac)`. */
  mac(mac: MacNumber): void;
  /** `formatIpv4(addr)`. */
  ipv4(addr: number): void;
  /** `formatIpv6(w0, w1, w2, w3)`. */
  ipv6(w0: number, w1: number, w2: number, w3: number): void;
  /**
   * What `write(this, a, b, c)` writes. `write` must write the same text whenever it gets
   * the same a, b, c, so that a sink may replay it from a cache instead of calling it.
   */
  memo(write: MemoWriter, a: number, b: number, c: number): void;
}

export type MemoWriter = (out: TextSink, a: number, b: number, c: number) => void;

/** Constant ASCII text with its bytes. */
export interface Phrase {
  readonly text: string;
  readonly bytes: Uint8Array;
  /** The bytes as 32-bit words in platform byte order, the last one zero-padded: copied a word at a time. */
  readonly words: Int32Array;
}

export function phrase(text: string): Phrase {
  const words = new Int32Array((text.length + 3) >> 2);
  const bytes = new Uint8Array(words.buffer, 0, text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) throw new Error(`A phrase is ASCII: ${JSON.stringify(text)}`);
    bytes[i] = c;
  }
  return { text, bytes, words };
}

/** A TextSink that builds a string. */
export class StringSink implements TextSink {
  s = '';
  text(s: string): void {
    this.s += s;
  }
  phrase(p: Phrase): void {
    this.s += p.text;
  }
  num(n: number, zeroPadTo = 0): void {
    this.s += zeroPadTo > 1 ? String(n).padStart(zeroPadTo, '0') : String(n);
  }
  hex(n: number, zeroPadTo = 0): void {
    this.s += n.toString(16).padStart(zeroPadTo, '0');
  }
  mac(mac: MacNumber): void {
    this.s += formatMac(mac);
  }
  ipv4(addr: number): void {
    this.s += formatIpv4(addr);
  }
  ipv6(w0: number, w1: number, w2: number, w3: number): void {
    this.s += formatIpv6(w0, w1, w2, w3);
  }
  memo(write: MemoWriter, a: number, b: number, c: number): void {
    write(this, a, b, c);
  }
}

const ETHERTYPE_NAMES: Record<number, string> = {
  0x0800: 'IPv4', 0x0806: 'ARP', 0x8035: 'RARP', 0x8100: '802.1Q', 0x86dd: 'IPv6', 0x88a8: '802.1Q-QinQ', 0x9100: '802.1Q-9100',
  0x88cc: 'LLDP', 0x8847: 'MPLS unicast', 0x8863: 'PPPoE D', 0x8864: 'PPPoE S',
};

const hex4 = (n: number): string => '0x' + n.toString(16).padStart(4, '0');

// Built on first use (any 16-bit value may occur), kept: at most 65536 of them.
const etherTypeTexts = new Map<number, Phrase>();
function etherTypeText(type: number): Phrase {
  let text = etherTypeTexts.get(type);
  if (text === undefined) {
    const name = ETHERTYPE_NAMES[type] ?? 'Unknown';
    text = phrase(`ethertype ${name} (${hex4(type)})`);
    etherTypeTexts.set(type, text);
  }
  return text;
}

/** Escape C0/C1 control characters and DEL so capture-supplied text cannot drive the terminal. */
export function safeText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f]/.test(text)
    // eslint-disable-next-line no-control-regex
    ? text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'))
    : text;
}

const ICMP_NAMES: Record<number, string> = {
  0: 'echo reply', 3: 'destination unreachable', 4: 'source quench', 5: 'redirect', 8: 'echo request',
  11: 'time exceeded', 12: 'parameter problem', 13: 'time stamp request', 14: 'time stamp reply',
  15: 'information request', 16: 'information reply', 17: 'address mask request', 18: 'address mask reply',
};
const UNREACH_CODES: Record<number, string> = {
  0: 'net unreachable', 1: 'host unreachable', 2: 'protocol unreachable', 3: 'port unreachable',
  4: 'fragmentation needed', 5: 'source route failed', 9: 'net prohibited', 10: 'host prohibited', 13: 'administratively prohibited',
};
const ICMPV6_NAMES: Record<number, string> = {
  1: 'destination unreachable', 2: 'packet too big', 3: 'time exceeded', 4: 'parameter problem', 128: 'echo request',
  129: 'echo reply', 130: 'multicast listener query', 131: 'multicast listener report', 132: 'multicast listener done',
  133: 'router solicitation', 134: 'router advertisement', 135: 'neighbor solicitation', 136: 'neighbor advertisement',
  137: 'redirect', 143: 'multicast listener report v2',
};
const DNS_TYPES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 41: 'OPT', 65: 'HTTPS',
};

export function dnsTypeName(type: number): string {
  return DNS_TYPES[type] ?? `TYPE${type}`;
}

/** "Flags [S.], seq " for every combination of the low 8 flag bits, in tcpdump's letter order. */
const TCP_FLAGS_TEXT: Phrase[] = [];
for (let f = 0; f < 256; f++) {
  let letters = '';
  if (f & 0x002) letters += 'S';
  if (f & 0x001) letters += 'F';
  if (f & 0x004) letters += 'R';
  if (f & 0x008) letters += 'P';
  if (f & 0x020) letters += 'U';
  if (f & 0x040) letters += 'E';
  if (f & 0x080) letters += 'W';
  if (f & 0x010) letters += '.';
  TCP_FLAGS_TEXT.push(phrase(`Flags [${letters}], seq `));
}

/** "ICMP echo request" etc.: the names with their prefix, joined once instead of per frame. */
const ICMP_TEXTS = phrases('ICMP ', ICMP_NAMES);
const ICMPV6_TEXTS = phrases('ICMP6, ', ICMPV6_NAMES);
const UNREACH_TEXTS = phrases(', ', UNREACH_CODES);
function phrases(prefix: string, names: Record<number, string>): Record<number, Phrase> {
  return Object.fromEntries(Object.entries(names).map(([k, v]) => [k, phrase(prefix + v)]));
}

function writeIcmp(out: TextSink, l: IcmpLayer): void {
  const text = ICMP_TEXTS[l.type];
  if (text !== undefined) out.phrase(text);
  else { out.text('ICMP type '); out.num(l.type); }
  if (l.type === 3) {
    const code = UNREACH_TEXTS[l.code];
    if (code !== undefined) out.phrase(code);
    else { out.text(', code '); out.num(l.code); }
  } else if (l.type !== 0 && l.type !== 8 && l.code !== 0) { out.text(', code '); out.num(l.code); }
  if (l.id >= 0) { out.text(', id '); out.num(l.id); out.text(', seq '); out.num(l.seq); }
  if (l.mtu >= 0) { out.text(', next-hop MTU '); out.num(l.mtu); }
  if (l.gateway >= 0) { out.text(', gateway '); out.ipv4(l.gateway); }
  if (l.quoted.count > 0) { out.text(' [quoting '); writeLayers(out, l.quoted); out.text(']'); }
}

function writeIcmpv6(out: TextSink, l: Icmpv6Layer): void {
  const text = ICMPV6_TEXTS[l.type];
  if (text !== undefined) out.phrase(text);
  else { out.text('ICMP6, type '); out.num(l.type); }
  if (l.hasTarget) { out.text(', '); out.ipv6(l.target0, l.target1, l.target2, l.target3); }
  if (l.lladdr >= 0) { out.text(', lladdr '); out.mac(l.lladdr); }
  if (l.id >= 0) { out.text(', id '); out.num(l.id); out.text(', seq '); out.num(l.seq); }
  if (l.mtu >= 0) { out.text(', mtu '); out.num(l.mtu); }
}

function writeUdp(out: TextSink, l: UdpLayer): void {
  if (l.length < 0) out.text('UDP, header cut');
  else { out.text('UDP, length '); out.num(Math.max(0, l.length - 8)); }
}

function writeTcp(out: TextSink, l: TcpLayer): void {
  if (l.flags < 0) { out.text('TCP, seq '); out.num(l.seq); return; }
  out.phrase(TCP_FLAGS_TEXT[l.flags & 0xff]);
  out.num(l.seq);
  if (l.flags & 0x010) { out.text(', ack '); out.num(l.ack); }
  out.text(', win ');
  out.num(l.window);
  if (l.optionCount > 0) { out.text(', options ['); writeTcpOptions(out, l); out.text(']'); }
  out.text(', length ');
  out.num(l.payloadLength);
}

/** Same text as json.ts's tcpOptionSummary, written without building a string. */
function writeTcpOptions(out: TextSink, l: TcpLayer): void {
  for (let i = 0; i < l.optionCount; i++) {
    if (i > 0) out.text(',');
    const kind = l.optionKinds[i];
    switch (kind) {
      case 0: out.text('eol'); break;
      case 1: out.text('nop'); break;
      case 2: out.text('mss '); out.num(l.mss); break;
      case 3: out.text('wscale '); out.num(l.windowScale); break;
      case 4: out.text('sackOK'); break;
      case 5: out.text('sack '); out.num(l.sackBlocks); break;
      case 8: out.text('TS val '); out.num(l.tsVal); out.text(' ecr '); out.num(l.tsEcr); break;
      default: out.text('opt-'); out.num(kind);
    }
  }
}

/** "src > dst" of an IP layer, with ports ("src.sport > dst.dport") when a UDP/TCP header follows. */
function writeIpv4Addresses(out: TextSink, l: Ipv4Layer, next: Layer | undefined): void {
  // Few address pairs (and flows) recur: one cache entry per pair and port pair.
  if (next === undefined || (next.proto !== 'udp' && next.proto !== 'tcp')) out.memo(writeIpv4Pair, l.src, l.dst, NO_PORTS);
  else if (isPort(next.sport) && isPort(next.dport)) out.memo(writeIpv4Pair, l.src, l.dst, next.sport * 0x10000 + next.dport);
  else {
    out.ipv4(l.src);
    out.text('.');
    out.num(next.sport);
    out.text(' > ');
    out.ipv4(l.dst);
    out.text('.');
    out.num(next.dport);
  }
}

const NO_PORTS = -1;
const isPort = (n: number): boolean => n >= 0 && n <= 0xffff && Number.isInteger(n);

/** `ports` is NO_PORTS or sport * 65536 + dport. */
function writeIpv4Pair(out: TextSink, src: number, dst: number, ports: number): void {
  out.ipv4(src);
  if (ports !== NO_PORTS) { out.text('.'); out.num(ports >>> 16); }
  out.text(' > ');
  out.ipv4(dst);
  if (ports !== NO_PORTS) { out.text('.'); out.num(ports & 0xffff); }
}

function writeIpv6Addresses(out: TextSink, l: Ipv6Layer, next: Layer | undefined): void {
  const ports = next !== undefined && (next.proto === 'udp' || next.proto === 'tcp');
  out.ipv6(l.src0, l.src1, l.src2, l.src3);
  if (ports) { out.text('.'); out.num(next.sport); }
  out.text(' > ');
  out.ipv6(l.dst0, l.dst1, l.dst2, l.dst3);
  if (ports) { out.text('.'); out.num(next.dport); }
}

function writeIpv4(out: TextSink, l: Ipv4Layer, next: Layer | undefined): void {
  if (l.partial) {
    if (l.src >= 0) { out.text('IPv4 header cut after the source address: '); out.ipv4(l.src); out.text(' > ?'); }
    else out.text('IPv4 header cut after fewer than 16 bytes');
    return;
  }
  writeIpv4Addresses(out, l, next);
  if (l.reassembled) {
    out.text(': (reassembled from ');
    out.num(l.fragmentCount);
    out.text(' fragments)');
  } else if (l.mf || l.fragOffset > 0) {
    out.text(': IPv4 fragment id 0x');
    out.hex(l.id, 4);
    out.text(', offset ');
    out.num(l.fragOffset);
    out.text(l.mf ? '+, proto ' : ', proto ');
    out.num(l.protocol);
    out.text(', length ');
    out.num(l.totalLength - l.headerLength);
  } else if (!next) {
    out.text(': ip-proto-');
    out.num(l.protocol);
    out.text(', length ');
    out.num(l.totalLength - l.headerLength);
  }
}

function writeIpv6(out: TextSink, l: Ipv6Layer, next: Layer | undefined): void {
  writeIpv6Addresses(out, l, next);
  if (l.fragId >= 0) {
    out.text(': IPv6 fragment id ');
    out.num(l.fragId);
    out.text(', offset ');
    out.num(l.fragOffset);
    if (l.fragMore) out.text('+');
  } else if (!next) {
    out.text(': ip-proto-');
    out.num(l.upper);
  }
}

function writeEthernet(out: TextSink, src: MacNumber, dst: MacNumber, type: number): void {
  out.mac(src);
  out.text(' > ');
  out.mac(dst);
  if (type <= 1500) { out.text(', 802.3, length '); out.num(type); }
  else { out.text(', '); out.phrase(etherTypeText(type)); }
}

/** Text of one layer; `next` is the layer after it (IP layers print ports of a following UDP/TCP header). */
function writeLayer(out: TextSink, l: Layer, next: Layer | undefined): void {
  switch (l.proto) {
    case 'eth':
      return out.memo(writeEthernet, l.src, l.dst, l.type); // few distinct headers, printed over and over
    case 'vlan':
      out.text('vlan ');
      out.num(l.id);
      out.text(', p ');
      out.num(l.pcp);
      out.text(l.dei ? ', DEI, ' : ', ');
      out.phrase(etherTypeText(l.type));
      return;
    case 'sll':
      if (l.ifindex >= 0) { out.text('ifindex '); out.num(l.ifindex); out.text(' '); }
      if (l.srcText != null) out.text(l.srcText);
      else out.mac(l.src);
      out.text(' ');
      out.phrase(etherTypeText(l.type));
      return;
    case 'null':
      out.text('loopback family ');
      out.num(l.family);
      return;
    case 'arp':
      if (!l.ethIpv4) return writeOtherArp(out, l);
      if (l.op === 1) { out.text('ARP, Request who-has '); out.ipv4(l.tpa); out.text(' tell '); out.ipv4(l.spa); return; }
      if (l.op === 2) { out.text('ARP, Reply '); out.ipv4(l.spa); out.text(' is-at '); out.mac(l.sha); return; }
      out.text('ARP, ');
      out.text(arpOpText(l.op));
      out.text(' ');
      out.mac(l.sha);
      out.text(' ');
      out.ipv4(l.spa);
      out.text(' -> ');
      out.mac(l.tha);
      out.text(' ');
      out.ipv4(l.tpa);
      return;
    case 'ipv4':
      return writeIpv4(out, l, next);
    case 'ipv6':
      return writeIpv6(out, l, next);
    case 'icmp':
      return writeIcmp(out, l);
    case 'icmpv6':
      return writeIcmpv6(out, l);
    case 'udp':
      return writeUdp(out, l);
    case 'tcp':
      return writeTcp(out, l);
    case 'geneve':
      out.text('Geneve, vni ');
      out.num(l.vni);
      out.text(', proto 0x');
      out.hex(l.protocol, 4);
      if (l.optionsLength) { out.text(', options '); out.num(l.optionsLength); out.text(' bytes'); }
      return;
    case 'vxlan':
      out.text(l.flags & 0x08 ? 'VXLAN, flags [I] (0x' : 'VXLAN, flags [.] (0x');
      out.hex(l.flags, 2);
      out.text('), vni ');
      out.num(l.vni);
      return;
    case 'dns':
      out.text('DNS ');
      out.num(l.id);
      if (l.qr) out.text(' response');
      if (l.rcode) { out.text(' rcode '); out.num(l.rcode); }
      for (const q of l.questions) { out.text(' '); out.text(dnsTypeName(q.type)); out.text('? '); out.text(q.name); }
      for (const a of l.answers) { out.text(' '); out.text(dnsTypeName(a.type)); out.text(' '); out.text(a.data); }
      return;
  }
}

function arpOpText(op: number): string {
  return op === 1 ? 'Request' : op === 2 ? 'Reply' : op === 3 ? 'Reverse Request' : op === 4 ? 'Reverse Reply' : `op ${op}`;
}

/** ARP other than Ethernet/IPv4: addresses of other sizes come as hex text. */
function writeOtherArp(out: TextSink, l: Extract<Layer, { proto: 'arp' }>): void {
  out.text('ARP, ');
  out.text(arpOpText(l.op));
  out.text(', htype ');
  out.num(l.htype);
  out.text(', ptype 0x');
  out.hex(l.ptype, 4);
  out.text(', sender ');
  if (l.shaText != null) out.text(l.shaText); else out.mac(l.sha);
  out.text(' ');
  if (l.spaText != null) out.text(l.spaText); else out.ipv4(l.spa);
  out.text(', target ');
  if (l.thaText != null) out.text(l.thaText); else out.mac(l.tha);
  out.text(' ');
  if (l.tpaText != null) out.text(l.tpaText); else out.ipv4(l.tpa);
}

const LENGTH = phrase(', length ');

/**
 * Writes the layers of a frame as one line, joined by ": "; `frameLength` is printed after
 * the link-layer header, as tcpdump -e does.
 */
export function writeLayers(out: TextSink, list: LayerList, frameLength = -1): void {
  for (let i = 0; i < list.count; i++) {
    const l = list.items[i];
    if (i > 0) out.text(': ');
    writeLayer(out, l, i + 1 < list.count ? list.items[i + 1] : undefined);
    if (i === 0 && frameLength >= 0 && (l.proto === 'eth' || l.proto === 'sll' || l.proto === 'null')) {
      out.phrase(LENGTH);
      out.num(frameLength);
    }
  }
}

/** The layers of a frame as one line (see writeLayers). */
export function describeLayers(list: LayerList, frameLength = -1): string {
  const sink = new StringSink();
  writeLayers(sink, list, frameLength);
  return sink.s;
}

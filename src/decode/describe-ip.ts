// Summaries of the network layer (describe.ts joins them into a line): IPv4 and IPv6
// addresses (with the ports of a UDP/TCP header that follows), fragments, and ICMP/ICMPv6.

import { phrase, type Phrase, type TextSink } from './describe-sink.js';
import type { IcmpLayer, Icmpv6Layer, Ipv4Layer, Ipv6Layer, Layer } from './layers.js';

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
/** "ICMP echo request" etc.: the names with their prefix, joined once instead of per frame. */
const ICMP_TEXTS = phrases('ICMP ', ICMP_NAMES);
const ICMPV6_TEXTS = phrases('ICMP6, ', ICMPV6_NAMES);
const UNREACH_TEXTS = phrases(', ', UNREACH_CODES);
function phrases(prefix: string, names: Record<number, string>): Record<number, Phrase> {
  return Object.fromEntries(Object.entries(names).map(([k, v]) => [k, phrase(prefix + v)]));
}

/** The ICMP message itself; describe.ts adds the quoted datagram of an error. */
export function writeIcmp(out: TextSink, l: IcmpLayer): void {
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
}

export function writeIcmpv6(out: TextSink, l: Icmpv6Layer): void {
  const text = ICMPV6_TEXTS[l.type];
  if (text !== undefined) out.phrase(text);
  else { out.text('ICMP6, type '); out.num(l.type); }
  if (l.hasTarget) { out.text(', '); out.ipv6(l.target0, l.target1, l.target2, l.target3); }
  if (l.lladdr >= 0) { out.text(', lladdr '); out.mac(l.lladdr); }
  if (l.id >= 0) { out.text(', id '); out.num(l.id); out.text(', seq '); out.num(l.seq); }
  if (l.mtu >= 0) { out.text(', mtu '); out.num(l.mtu); }
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

export function writeIpv4(out: TextSink, l: Ipv4Layer, next: Layer | undefined): void {
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

export function writeIpv6(out: TextSink, l: Ipv6Layer, next: Layer | undefined): void {
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

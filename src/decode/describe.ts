// One-line text summaries of decoded layers, in the spirit of `tcpdump -e -nn`.
// Shared by the CLI's text output and (later) the TUI's packet list. Everything
// printed is built from numbers or from strings already escaped by their decoder
// (DNS names); `safeText` escapes anything else that comes from a capture.

import { formatIpv4, formatIpv6, formatMac } from './addr.js';
import type { IcmpLayer, Ipv4Layer, Ipv6Layer, Layer, LayerList, TcpLayer, UdpLayer } from './layers.js';
import { tcpOptionSummary } from './json.js';

const ETHERTYPE_NAMES: Record<number, string> = {
  0x0800: 'IPv4', 0x0806: 'ARP', 0x8035: 'RARP', 0x8100: '802.1Q', 0x86dd: 'IPv6', 0x88a8: '802.1Q-QinQ', 0x9100: '802.1Q-9100',
  0x88cc: 'LLDP', 0x8847: 'MPLS unicast', 0x8863: 'PPPoE D', 0x8864: 'PPPoE S',
};

const hex4 = (n: number): string => '0x' + n.toString(16).padStart(4, '0');

const etherTypeTexts = new Map<number, string>();
function etherTypeText(type: number): string {
  let text = etherTypeTexts.get(type);
  if (text === undefined) {
    const name = ETHERTYPE_NAMES[type] ?? 'Unknown';
    text = `ethertype ${name} (${hex4(type)})`;
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

function ipv6Text(l: Ipv6Layer, which: 'src' | 'dst'): string {
  return which === 'src' ? formatIpv6(l.src0, l.src1, l.src2, l.src3) : formatIpv6(l.dst0, l.dst1, l.dst2, l.dst3);
}

function icmpText(l: IcmpLayer): string {
  let s = 'ICMP ' + (ICMP_NAMES[l.type] ?? `type ${l.type}`);
  if (l.type === 3) s += `, ${UNREACH_CODES[l.code] ?? `code ${l.code}`}`;
  else if (l.type !== 0 && l.type !== 8 && l.code !== 0) s += `, code ${l.code}`;
  if (l.id >= 0) s += `, id ${l.id}, seq ${l.seq}`;
  if (l.mtu >= 0) s += `, next-hop MTU ${l.mtu}`;
  if (l.gateway >= 0) s += `, gateway ${formatIpv4(l.gateway)}`;
  if (l.quoted.count > 0) s += ` [quoting ${describeLayers(l.quoted)}]`;
  return s;
}

function transportText(l: UdpLayer | TcpLayer): string {
  if (l.proto === 'udp') return l.length < 0 ? 'UDP, header cut' : `UDP, length ${Math.max(0, l.length - 8)}`;
  if (l.flags < 0) return `TCP, seq ${l.seq}`;
  const f = l.flags;
  let flags = '';
  if (f & 0x002) flags += 'S';
  if (f & 0x001) flags += 'F';
  if (f & 0x004) flags += 'R';
  if (f & 0x008) flags += 'P';
  if (f & 0x020) flags += 'U';
  if (f & 0x040) flags += 'E';
  if (f & 0x080) flags += 'W';
  if (f & 0x010) flags += '.';
  let s = `Flags [${flags}], seq ${l.seq}`;
  if (f & 0x010) s += `, ack ${l.ack}`;
  s += `, win ${l.window}`;
  if (l.optionCount > 0) s += `, options [${tcpOptionSummary(l)}]`;
  return s + `, length ${l.payloadLength}`;
}

/**
 * Set by a layer whose text is only a prefix for the next layer's ("a > b: "), so
 * describeLayers appends the next text directly instead of after ": ". (Checking the
 * string's end instead would flatten the growing string on every layer.)
 */
let openEnded = false;

/** Address part "a > b: " of an IP layer, with ports when a UDP/TCP header follows. */
function ipPrefix(src: string, dst: string, next: Layer | undefined): string {
  openEnded = true;
  if (next && (next.proto === 'udp' || next.proto === 'tcp')) return `${src}.${next.sport} > ${dst}.${next.dport}: `;
  return `${src} > ${dst}: `;
}

function ipv4Text(l: Ipv4Layer, next: Layer | undefined): string {
  if (l.partial) return `IPv4 header cut after ${l.src >= 0 ? 'the source address' : 'fewer than 16 bytes'}${l.src >= 0 ? `: ${formatIpv4(l.src)} > ?` : ''}`;
  let s = ipPrefix(formatIpv4(l.src), formatIpv4(l.dst), next);
  if (l.reassembled) s += `(reassembled from ${l.fragmentCount} fragments): `;
  else if (l.mf || l.fragOffset > 0) {
    s += `IPv4 fragment id ${hex4(l.id)}, offset ${l.fragOffset}${l.mf ? '+' : ''}, proto ${l.protocol}, length ${l.totalLength - l.headerLength}`;
    openEnded = false;
  } else if (!next) {
    s += `ip-proto-${l.protocol}, length ${l.totalLength - l.headerLength}`;
    openEnded = false;
  }
  return s;
}

/** Text of one layer; `next` is the layer after it (IP layers print ports of a following UDP/TCP header). */
function layerText(l: Layer, next: Layer | undefined): string {
  switch (l.proto) {
    case 'eth':
      return l.type <= 1500
        ? `${formatMac(l.src)} > ${formatMac(l.dst)}, 802.3, length ${l.type}`
        : `${formatMac(l.src)} > ${formatMac(l.dst)}, ${etherTypeText(l.type)}`;
    case 'vlan':
      return `vlan ${l.id}, p ${l.pcp}${l.dei ? ', DEI' : ''}, ${etherTypeText(l.type)}`;
    case 'sll': {
      const where = l.ifindex >= 0 ? `ifindex ${l.ifindex} ` : '';
      return `${where}${l.srcText ?? formatMac(l.src)} ${etherTypeText(l.type)}`;
    }
    case 'null':
      return `loopback family ${l.family}`;
    case 'arp': {
      const op = l.op === 1 ? 'Request' : l.op === 2 ? 'Reply' : l.op === 3 ? 'Reverse Request' : l.op === 4 ? 'Reverse Reply' : `op ${l.op}`;
      if (!l.ethIpv4) {
        const sha = l.shaText ?? formatMac(l.sha);
        const spa = l.spaText ?? formatIpv4(l.spa);
        const tha = l.thaText ?? formatMac(l.tha);
        const tpa = l.tpaText ?? formatIpv4(l.tpa);
        return `ARP, ${op}, htype ${l.htype}, ptype ${hex4(l.ptype)}, sender ${sha} ${spa}, target ${tha} ${tpa}`;
      }
      if (l.op === 1) return `ARP, Request who-has ${formatIpv4(l.tpa)} tell ${formatIpv4(l.spa)}`;
      if (l.op === 2) return `ARP, Reply ${formatIpv4(l.spa)} is-at ${formatMac(l.sha)}`;
      return `ARP, ${op} ${formatMac(l.sha)} ${formatIpv4(l.spa)} -> ${formatMac(l.tha)} ${formatIpv4(l.tpa)}`;
    }
    case 'ipv4':
      return ipv4Text(l, next);
    case 'ipv6': {
      let s = ipPrefix(ipv6Text(l, 'src'), ipv6Text(l, 'dst'), next);
      if (l.fragId >= 0) {
        s += `IPv6 fragment id ${l.fragId}, offset ${l.fragOffset}${l.fragMore ? '+' : ''}`;
        openEnded = false;
      } else if (!next) {
        s += `ip-proto-${l.upper}`;
        openEnded = false;
      }
      return s;
    }
    case 'icmp':
      return icmpText(l);
    case 'icmpv6': {
      let s = 'ICMP6, ' + (ICMPV6_NAMES[l.type] ?? `type ${l.type}`);
      if (l.hasTarget) s += `, ${formatIpv6(l.target0, l.target1, l.target2, l.target3)}`;
      if (l.lladdr >= 0) s += `, lladdr ${formatMac(l.lladdr)}`;
      if (l.id >= 0) s += `, id ${l.id}, seq ${l.seq}`;
      if (l.mtu >= 0) s += `, mtu ${l.mtu}`;
      return s;
    }
    case 'udp':
    case 'tcp':
      return transportText(l);
    case 'geneve':
      return `Geneve, vni ${l.vni}, proto ${hex4(l.protocol)}${l.optionsLength ? `, options ${l.optionsLength} bytes` : ''}`;
    case 'vxlan':
      return `VXLAN, flags [${l.flags & 0x08 ? 'I' : '.'}] (0x${l.flags.toString(16).padStart(2, '0')}), vni ${l.vni}`;
    case 'dns': {
      let s = `DNS ${l.id}${l.qr ? ' response' : ''}`;
      if (l.rcode) s += ` rcode ${l.rcode}`;
      for (const q of l.questions) s += ` ${dnsTypeName(q.type)}? ${q.name}`;
      for (const a of l.answers) s += ` ${dnsTypeName(a.type)} ${a.data}`;
      return s;
    }
  }
}

/** The layers of a frame as one line; `frameLength` is printed after the link-layer header, as tcpdump -e does. */
export function describeLayers(list: LayerList, frameLength = -1): string {
  let s = '';
  let open = false;
  for (let i = 0; i < list.count; i++) {
    const l = list.items[i];
    const next = i + 1 < list.count ? list.items[i + 1] : undefined;
    openEnded = false;
    let text = layerText(l, next);
    if (i === 0 && frameLength >= 0 && (l.proto === 'eth' || l.proto === 'sll' || l.proto === 'null')) {
      text += `, length ${frameLength}`;
    }
    if (i === 0 || open) s += text;
    else s += ': ' + text;
    open = openEnded;
  }
  return open ? s.slice(0, -2) : s;
}

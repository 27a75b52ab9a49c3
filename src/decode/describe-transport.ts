// Summaries of the transport layer and what rides on it (describe.ts joins them into a
// line): UDP, TCP with its options, the VXLAN and Geneve tunnel headers, and DNS.

import { phrase, type Phrase, type TextSink } from './describe-sink.js';
import type { DnsLayer, GeneveLayer, TcpLayer, UdpLayer, VxlanLayer } from './layers.js';

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

export function writeUdp(out: TextSink, l: UdpLayer): void {
  if (l.length < 0) out.text('UDP, header cut');
  else { out.text('UDP, length '); out.num(Math.max(0, l.length - 8)); }
}

export function writeTcp(out: TextSink, l: TcpLayer): void {
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

export function writeGeneve(out: TextSink, l: GeneveLayer): void {
  out.text('Geneve, vni ');
  out.num(l.vni);
  out.text(', proto 0x');
  out.hex(l.protocol, 4);
  if (l.optionsLength) { out.text(', options '); out.num(l.optionsLength); out.text(' bytes'); }
}

export function writeVxlan(out: TextSink, l: VxlanLayer): void {
  out.text(l.flags & 0x08 ? 'VXLAN, flags [I] (0x' : 'VXLAN, flags [.] (0x');
  out.hex(l.flags, 2);
  out.text('), vni ');
  out.num(l.vni);
}

export function writeDns(out: TextSink, l: DnsLayer): void {
  out.text('DNS ');
  out.num(l.id);
  if (l.qr) out.text(' response');
  if (l.rcode) { out.text(' rcode '); out.num(l.rcode); }
  for (const q of l.questions) { out.text(' '); out.text(dnsTypeName(q.type)); out.text('? '); out.text(q.name); }
  for (const a of l.answers) { out.text(' '); out.text(dnsTypeName(a.type)); out.text(' '); out.text(a.data); }
}

// Summaries of link-layer headers (describe.ts joins them into a line): Ethernet,
// VLAN tags, Linux cooked capture, BSD loopback, and ARP, which travels right on the link.

import type { MacNumber } from './addr.js';
import { phrase, type Phrase, type TextSink } from './describe-sink.js';
import type { ArpLayer, NullLayer, SllLayer, VlanLayer } from './layers.js';

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

/** Ethernet source, destination and type; few distinct headers recur, so callers memoise it (TextSink.memo). */
export function writeEthernet(out: TextSink, src: MacNumber, dst: MacNumber, type: number): void {
  out.mac(src);
  out.text(' > ');
  out.mac(dst);
  if (type <= 1500) { out.text(', 802.3, length '); out.num(type); }
  else { out.text(', '); out.phrase(etherTypeText(type)); }
}

export function writeVlan(out: TextSink, l: VlanLayer): void {
  out.text('vlan ');
  out.num(l.id);
  out.text(', p ');
  out.num(l.pcp);
  out.text(l.dei ? ', DEI, ' : ', ');
  out.phrase(etherTypeText(l.type));
}

export function writeSll(out: TextSink, l: SllLayer): void {
  if (l.ifindex >= 0) { out.text('ifindex '); out.num(l.ifindex); out.text(' '); }
  if (l.srcText != null) out.text(l.srcText);
  else out.mac(l.src);
  out.text(' ');
  out.phrase(etherTypeText(l.type));
}

export function writeNull(out: TextSink, l: NullLayer): void {
  out.text('loopback family ');
  out.num(l.family);
}

export function writeArp(out: TextSink, l: ArpLayer): void {
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
}

function arpOpText(op: number): string {
  return op === 1 ? 'Request' : op === 2 ? 'Reply' : op === 3 ? 'Reverse Request' : op === 4 ? 'Reverse Reply' : `op ${op}`;
}

/** ARP other than Ethernet/IPv4: addresses of other sizes come as hex text. */
function writeOtherArp(out: TextSink, l: ArpLayer): void {
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

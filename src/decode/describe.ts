// One-line text summaries of decoded layers, in the spirit of `tcpdump -e -nn`.
// Shared by the CLI's text output and (later) the TUI's packet list. Everything
// printed is built from numbers or from strings already escaped by their decoder
// (DNS names); `safeText` escapes anything else that comes from a capture.
//
// The text is written through a TextSink, so the same code builds a string
// (StringSink: describeLayers, the TUI) or writes bytes straight into an output
// buffer (the CLI's ByteWriter), without making a string per line.

// The writers live by protocol family: describe-link.ts, describe-ip.ts and
// describe-transport.ts; the sinks in describe-sink.ts.

import { writeArp, writeEthernet, writeNull, writeSll, writeVlan } from './describe-link.js';
import { writeIcmp, writeIcmpv6, writeIpv4, writeIpv6 } from './describe-ip.js';
import { phrase, StringSink, type TextSink } from './describe-sink.js';
import { writeDns, writeGeneve, writeTcp, writeUdp, writeVxlan } from './describe-transport.js';
import type { Layer, LayerList } from './layers.js';

export { phrase, safeText, StringSink, type MemoWriter, type Phrase, type TextSink } from './describe-sink.js';
export { dnsTypeName } from './describe-transport.js';

/** Text of one layer; `next` is the layer after it (IP layers print ports of a following UDP/TCP header). */
function writeLayer(out: TextSink, l: Layer, next: Layer | undefined): void {
  switch (l.proto) {
    case 'eth':
      return out.memo(writeEthernet, l.src, l.dst, l.type); // few distinct headers, printed over and over
    case 'vlan':
      return writeVlan(out, l);
    case 'sll':
      return writeSll(out, l);
    case 'null':
      return writeNull(out, l);
    case 'arp':
      return writeArp(out, l);
    case 'ipv4':
      return writeIpv4(out, l, next);
    case 'ipv6':
      return writeIpv6(out, l, next);
    case 'icmp':
      writeIcmp(out, l);
      if (l.quoted.count > 0) { out.text(' [quoting '); writeLayers(out, l.quoted); out.text(']'); }
      return;
    case 'icmpv6':
      return writeIcmpv6(out, l);
    case 'udp':
      return writeUdp(out, l);
    case 'tcp':
      return writeTcp(out, l);
    case 'geneve':
      return writeGeneve(out, l);
    case 'vxlan':
      return writeVxlan(out, l);
    case 'dns':
      return writeDns(out, l);
  }
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

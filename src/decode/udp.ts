// UDP (RFC 768).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |          Source Port          |       Destination Port        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |            Length             |           Checksum            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// The payload goes to VXLAN, Geneve or DNS by port (the lower port is tried first, as Wireshark does).

import { Next, type DecodeContext, type NextKind } from './context.js';
import { LayerKind } from './layers.js';

/** Lengths in bytes (a const enum, like the field offsets: tsc writes the numbers in place). */
export const enum UdpLength { HEADER = 8 }
export const enum UdpField { SPORT = 0, DPORT = 2, LENGTH = 4, CHECKSUM = 6 }

export function decodeUdp(ctx: DecodeContext, offset: number, end: number): NextKind {
  const available = end - offset;
  const dv = ctx.dv;
  if (available < UdpLength.HEADER) {
    ctx.truncated('udp', offset, UdpLength.HEADER, available, 'UDP header');
    // Ports that were captured are still worth a record (Wireshark shows them too).
    if (available >= 2) {
      const cut = ctx.udp.take();
      cut.offset = offset - ctx.frameStart;
      cut.sport = dv.getUint16(offset + UdpField.SPORT);
      cut.dport = available >= 4 ? dv.getUint16(offset + UdpField.DPORT) : -1;
      cut.length = available >= 6 ? dv.getUint16(offset + UdpField.LENGTH) : -1;
      cut.checksum = -1;
      ctx.target.push(cut, LayerKind.Udp);
    }
    return Next.None;
  }
  const ports = dv.getUint32(offset + UdpField.SPORT);
  const lengthChecksum = dv.getUint32(offset + UdpField.LENGTH);
  const sport = ports >>> 16;
  const dport = ports & 0xffff;
  const length = lengthChecksum >>> 16;
  const udp = ctx.udp.take();
  udp.offset = offset - ctx.frameStart;
  udp.sport = sport;
  udp.dport = dport;
  udp.length = length;
  udp.checksum = lengthChecksum & 0xffff;
  ctx.target.push(udp, LayerKind.Udp);
  let payloadEnd = end;
  if (length < UdpLength.HEADER) {
    // Length 0 is how jumbograms and GSO super-packets leave it; use what was captured.
    if (length !== 0) {
      ctx.issue('udp', offset + UdpField.LENGTH, 'bad-field',
        `UDP Length ${length} is shorter than the 8-byte UDP header.`);
      return Next.None;
    }
  } else if (length > available) {
    if (!ctx.snapTruncated && ctx.quotedDepth === 0) {
      ctx.issue('udp', offset + UdpField.LENGTH, 'bad-field',
        `UDP Length ${length} runs past the ${available} bytes the IP packet holds.`);
    }
  } else {
    payloadEnd = offset + length;
  }
  const low = sport < dport ? sport : dport;
  const high = sport < dport ? dport : sport;
  const next = ctx.udpPorts[low] || ctx.udpPorts[high];
  // No payload by the UDP Length: nothing to decode. (A payload the capture cut is
  // handed on, so the next decoder reports the truncation.)
  if (next === Next.None || length === UdpLength.HEADER) return Next.None;
  return ctx.then(next as NextKind, offset + UdpLength.HEADER, payloadEnd);
}

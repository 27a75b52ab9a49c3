// IPv6 header and extension headers (RFC 8200).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version| Traffic Class |           Flow Label                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Payload Length        |  Next Header  |   Hop Limit   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                                                               |
// +                    Source Address (16 bytes)                  +
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                                                               |
// +                 Destination Address (16 bytes)                +
// |                                                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Extension headers chain through their first byte (Next Header):
//   Hop-by-Hop Options (0), Routing (43), Destination Options (60):
//     | Next Header | Hdr Ext Len | ... |   length (Hdr Ext Len + 1) * 8 bytes
//   Fragment (44), always 8 bytes:
//     | Next Header |  Reserved   | Fragment Offset (13) |Res|M| Identification (32) |
//   Authentication Header (51, RFC 4302): | Next Header | Payload Len | ... |
//     length (Payload Len + 2) * 4 bytes
//   Mobility (135, RFC 6275) is treated as the upper layer (its Next Header must be 59).
// Payload Length counts the extension headers and the upper layer; bytes after it are
// link-layer padding.

import { Next, type DecodeContext, type NextKind } from './context.js';
import { ipProtoNext } from './dispatch.js';
import { LayerKind, type Ipv6Layer } from './layers.js';

/** Lengths in bytes (a const enum, like the field offsets: tsc writes the numbers in place). */
export const enum Ipv6Length {
  HEADER = 40,
  FRAGMENT_HEADER = 8,
  /** Every extension header has at least Next Header and a length byte, and is 8 bytes at least. */
  EXT_MIN = 8,
}
export const enum Ipv6Field {
  VERSION_TC_FLOW = 0, PAYLOAD_LENGTH = 4, NEXT_HEADER = 6, HOP_LIMIT = 7, SRC = 8, DST = 24,
}
/** Offsets inside an extension header. */
export const enum Ipv6ExtField { NEXT_HEADER = 0, LENGTH = 1, FRAG_OFFSET_FLAGS = 2, FRAG_ID = 4 }

export const enum Ipv6Ext {
  HOP_BY_HOP = 0,
  ROUTING = 43,
  FRAGMENT = 44,
  AH = 51,
  DEST_OPTIONS = 60,
  MOBILITY = 135,
  NO_NEXT_HEADER = 59,
}
/** The Fragment header's offset and M flag 16 bits (offset in 8-byte units, in place: a byte count once masked). */
const enum FragmentWord { OFFSET_MASK = 0xfff8, MORE = 0x0001 }

export function decodeIpv6(ctx: DecodeContext, offset: number, end: number): NextKind {
  const available = end - offset;
  if (available < Ipv6Length.HEADER) {
    ctx.truncated('ipv6', offset, Ipv6Length.HEADER, available, 'IPv6 header');
    return Next.None;
  }
  const dv = ctx.dv;
  const first = dv.getUint32(offset + Ipv6Field.VERSION_TC_FLOW);
  const version = first >>> 28;
  if (version !== 6) {
    ctx.issue('ipv6', offset, 'bad-field', `The IP version field is ${version}, not 6.`);
    return Next.None;
  }
  const ip = ctx.ipv6.take();
  ip.offset = offset - ctx.frameStart;
  ip.trafficClass = (first >>> 20) & 0xff;
  ip.flowLabel = first & 0xfffff;
  ip.payloadLength = dv.getUint16(offset + Ipv6Field.PAYLOAD_LENGTH);
  ip.next = ctx.bytes[offset + Ipv6Field.NEXT_HEADER];
  ip.hlim = ctx.bytes[offset + Ipv6Field.HOP_LIMIT];
  ip.src0 = dv.getUint32(offset + Ipv6Field.SRC);
  ip.src1 = dv.getUint32(offset + Ipv6Field.SRC + 4);
  ip.src2 = dv.getUint32(offset + Ipv6Field.SRC + 8);
  ip.src3 = dv.getUint32(offset + Ipv6Field.SRC + 12);
  ip.dst0 = dv.getUint32(offset + Ipv6Field.DST);
  ip.dst1 = dv.getUint32(offset + Ipv6Field.DST + 4);
  ip.dst2 = dv.getUint32(offset + Ipv6Field.DST + 8);
  ip.dst3 = dv.getUint32(offset + Ipv6Field.DST + 12);
  ip.extCount = 0;
  ip.upper = ip.next;
  ip.fragOffset = 0;
  ip.fragMore = false;
  ip.fragId = -1;
  ctx.target.push(ip, LayerKind.Ipv6);

  // Where the payload ends. `declaredEnd` may lie past the captured bytes; `payloadEnd` does not.
  const headerEnd = offset + Ipv6Length.HEADER;
  let declaredEnd: number;
  let payloadEnd: number;
  if (ip.payloadLength === 0) {
    // A jumbogram (RFC 2675: the length is in a Hop-by-Hop Jumbo Payload option), or a
    // GSO/BIG TCP packet that the kernel hands to taps before the length is filled in:
    // either way the captured bytes are the payload.
    declaredEnd = payloadEnd = end;
  } else if (ip.payloadLength > available - Ipv6Length.HEADER) {
    if (!ctx.snapTruncated && ctx.quotedDepth === 0) {
      ctx.issue('ipv6', offset + Ipv6Field.PAYLOAD_LENGTH, 'bad-field',
        `The IPv6 Payload Length ${ip.payloadLength} runs past the ${available - Ipv6Length.HEADER} bytes captured after the header.`);
    }
    declaredEnd = headerEnd + ip.payloadLength;
    payloadEnd = end;
  } else {
    declaredEnd = payloadEnd = headerEnd + ip.payloadLength; // bytes after it are link-layer padding
  }

  // Walk the extension headers.
  const bytes = ctx.bytes;
  let next = ip.next;
  let at = headerEnd;
  for (;;) {
    let length: number;
    if (next === Ipv6Ext.HOP_BY_HOP || next === Ipv6Ext.ROUTING || next === Ipv6Ext.DEST_OPTIONS) {
      length = at + 2 <= payloadEnd ? (bytes[at + Ipv6ExtField.LENGTH] + 1) * 8 : Ipv6Length.EXT_MIN;
    } else if (next === Ipv6Ext.FRAGMENT) {
      length = Ipv6Length.FRAGMENT_HEADER;
    } else if (next === Ipv6Ext.AH) {
      length = at + 2 <= payloadEnd ? (bytes[at + Ipv6ExtField.LENGTH] + 2) * 4 : Ipv6Length.EXT_MIN;
    } else {
      break; // the upper layer (or Mobility, ESP, No Next Header, ...)
    }
    if (ip.extCount === ip.extTypes.length) {
      ctx.issue('ipv6', at, 'unsupported',
        `The IPv6 packet chains more than ${ip.extTypes.length} extension headers; the rest is not decoded.`);
      return Next.None;
    }
    if (at + length > payloadEnd) {
      // Stop at a header we cannot read: `upper` stays the type of that header.
      if (at + length > declaredEnd) {
        ctx.issue('ipv6', at, 'bad-field',
          `The IPv6 ${extName(next)} header needs ${length} bytes but the Payload Length leaves ${Math.max(0, declaredEnd - at)}.`);
      } else {
        ctx.truncated('ipv6', at, length, payloadEnd - at, `IPv6 ${extName(next)} header`);
      }
      ip.upper = next;
      return Next.None;
    }
    ip.extTypes[ip.extCount++] = next;
    if (next === Ipv6Ext.FRAGMENT) {
      const word = dv.getUint16(at + Ipv6ExtField.FRAG_OFFSET_FLAGS);
      ip.fragOffset = word & FragmentWord.OFFSET_MASK; // 13 bits of 8-byte units: already a byte count
      ip.fragMore = (word & FragmentWord.MORE) !== 0;
      ip.fragId = dv.getUint32(at + Ipv6ExtField.FRAG_ID);
    }
    next = bytes[at + Ipv6ExtField.NEXT_HEADER];
    at += length;
    if (ip.fragId >= 0 && (ip.fragOffset > 0 || ip.fragMore)) {
      // A real fragment (not an RFC 6946 atomic one). IPv6 reassembly is not done yet,
      // so the upper layer is not decoded, except the first fragment inside an ICMP
      // error, whose quoted transport header is still worth reading (as for IPv4).
      if (ctx.quotedDepth === 0 || ip.fragOffset > 0) {
        ip.upper = next;
        return Next.None;
      }
    }
  }
  ip.upper = next;
  // What the header claims (as ipv4.ts does), so ICMPv6/TCP can tell a whole message from a cut one.
  ctx.ipPayloadLength = ip.payloadLength === 0 ? -1 : declaredEnd - at;
  return ctx.then(ipProtoNext(next), at, payloadEnd);
}

function extName(type: number): string {
  switch (type) {
    case Ipv6Ext.HOP_BY_HOP: return 'Hop-by-Hop Options';
    case Ipv6Ext.ROUTING: return 'Routing';
    case Ipv6Ext.FRAGMENT: return 'Fragment';
    case Ipv6Ext.AH: return 'Authentication';
    default: return 'Destination Options';
  }
}

/** The IPv6 layer's source and destination as seen by the upper-layer checksum (no Routing header). */
export function ipv6PseudoHeaderSum(ip: Ipv6Layer, upperLength: number, nextHeader: number): number {
  return (
    (ip.src0 >>> 16) + (ip.src0 & 0xffff) + (ip.src1 >>> 16) + (ip.src1 & 0xffff) +
    (ip.src2 >>> 16) + (ip.src2 & 0xffff) + (ip.src3 >>> 16) + (ip.src3 & 0xffff) +
    (ip.dst0 >>> 16) + (ip.dst0 & 0xffff) + (ip.dst1 >>> 16) + (ip.dst1 & 0xffff) +
    (ip.dst2 >>> 16) + (ip.dst2 & 0xffff) + (ip.dst3 >>> 16) + (ip.dst3 & 0xffff) +
    Math.floor(upperLength / 0x10000) + (upperLength & 0xffff) + nextHeader
  );
}

// ICMP for IPv4 (RFC 792; fragmentation needed's next-hop MTU from RFC 1191).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type      |     Code      |          Checksum             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  echo/timestamp/info/mask: Identifier  |  Sequence Number     |
// |  unreachable: unused (16) | Next-Hop MTU (code 4)              |
// |  redirect: Gateway Internet Address                            |
// |  parameter problem: Pointer (8) | unused (24)                  |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  error messages: the quoted IPv4 header + at least 8 bytes     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import { Next, type DecodeContext, type NextKind } from './context.js';
import { LayerKind } from './layers.js';
import { internetChecksum } from './checksum.js';

/** Lengths in bytes (a const enum, like the field offsets: tsc writes the numbers in place). */
export const enum IcmpLength { HEADER = 8 }
export const enum IcmpField { TYPE = 0, CODE = 1, CHECKSUM = 2, ID = 4, SEQ = 6, MTU = 6, GATEWAY = 4, POINTER = 4, REST = 4 }

export const enum IcmpType {
  ECHO_REPLY = 0,
  DEST_UNREACHABLE = 3,
  SOURCE_QUENCH = 4,
  REDIRECT = 5,
  ECHO_REQUEST = 8,
  TIME_EXCEEDED = 11,
  PARAMETER_PROBLEM = 12,
  TIMESTAMP = 13,
  TIMESTAMP_REPLY = 14,
  INFO_REQUEST = 15,
  INFO_REPLY = 16,
  ADDRESS_MASK_REQUEST = 17,
  ADDRESS_MASK_REPLY = 18,
}
/** Destination unreachable code 4: fragmentation needed and DF set (RFC 1191). */
export const enum IcmpCode { FRAG_NEEDED = 4 }
/** How deep ICMP errors may quote ICMP errors (RFC 1122 forbids it; hostile input does it anyway). */
const enum IcmpLimit { MAX_QUOTED_DEPTH = 2 }

export function isIcmpError(type: number): boolean {
  return type === IcmpType.DEST_UNREACHABLE || type === IcmpType.SOURCE_QUENCH || type === IcmpType.REDIRECT ||
    type === IcmpType.TIME_EXCEEDED || type === IcmpType.PARAMETER_PROBLEM;
}

function hasIdSeq(type: number): boolean {
  return type === IcmpType.ECHO_REPLY || type === IcmpType.ECHO_REQUEST || (type >= IcmpType.TIMESTAMP && type <= IcmpType.ADDRESS_MASK_REPLY);
}

export function decodeIcmp(ctx: DecodeContext, offset: number, end: number): NextKind {
  const available = end - offset;
  if (available < IcmpLength.HEADER) {
    // Inside a quoted datagram, 4 bytes still give type/code/checksum; but keep it simple: skip.
    ctx.truncated('icmp', offset, IcmpLength.HEADER, available, 'ICMP header');
    return Next.None;
  }
  // The header as two 32-bit words: type, code, checksum; then the type's own 32 bits.
  const dv = ctx.dv;
  const w0 = dv.getUint32(offset);
  const rest = dv.getUint32(offset + IcmpField.REST);
  const type = w0 >>> 24;
  const code = (w0 >>> 16) & 0xff;
  const icmp = ctx.icmp.take();
  icmp.offset = offset - ctx.frameStart;
  icmp.type = type;
  icmp.code = code;
  icmp.checksum = w0 & 0xffff;
  icmp.id = icmp.seq = icmp.mtu = icmp.gateway = icmp.pointer = -1;
  icmp.quoted.clear();
  if (hasIdSeq(type)) {
    icmp.id = rest >>> 16;
    icmp.seq = rest & 0xffff;
  } else if (type === IcmpType.DEST_UNREACHABLE && code === IcmpCode.FRAG_NEEDED) {
    icmp.mtu = rest & 0xffff;
  } else if (type === IcmpType.REDIRECT) {
    icmp.gateway = rest;
  } else if (type === IcmpType.PARAMETER_PROBLEM) {
    icmp.pointer = rest >>> 24;
  }
  // The checksum covers the whole message; only checkable when all of it was captured.
  const whole = ctx.ipPayloadLength >= 0 && ctx.quotedDepth === 0 && ctx.ipPayloadLength === available;
  if (ctx.verifyChecksums && whole) {
    const headerSum = (w0 >>> 16) + (w0 & 0xffff) + (rest >>> 16) + (rest & 0xffff);
    icmp.checksumOk = internetChecksum(dv, offset + IcmpLength.HEADER, available - IcmpLength.HEADER, headerSum) === 0;
    if (!icmp.checksumOk) {
      ctx.issue('icmp', offset + IcmpField.CHECKSUM, 'bad-checksum',
        `The ICMP checksum 0x${icmp.checksum.toString(16).padStart(4, '0')} does not match the message.`);
    }
  } else {
    icmp.checksumOk = null;
  }
  ctx.target.push(icmp, LayerKind.Icmp);

  if (isIcmpError(type) && available > IcmpLength.HEADER && ctx.quotedDepth < IcmpLimit.MAX_QUOTED_DEPTH) {
    ctx.decodeQuoted(icmp.quoted, Next.Ipv4, offset + IcmpLength.HEADER, end);
  }
  return Next.None;
}

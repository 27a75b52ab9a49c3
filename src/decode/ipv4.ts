// IPv4 header (RFC 791).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Version|  IHL  |   DSCP    |ECN|          Total Length         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Identification        |0|D|M|     Fragment Offset     |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Time to Live |    Protocol   |         Header Checksum       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                       Source Address                          |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Destination Address                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Options (IHL > 5)          |    Padding    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import { Next, type DecodeContext, type NextKind } from './context.js';
import { ipProtoNext } from './dispatch.js';
import { internetChecksum } from './checksum.js';
import { Reassembly } from './ipv4-reassembly.js';
import { LayerKind, type Ipv4Layer } from './layers.js';

/** Lengths in bytes (a const enum, like the field offsets: tsc writes the numbers in place). */
export const enum Ipv4Length { MIN_HEADER = 20 }
export const enum Ipv4Field {
  VERSION_IHL = 0, TOS = 1, TOTAL_LENGTH = 2, ID = 4, FLAGS_FRAG = 6, TTL = 8, PROTOCOL = 9, CHECKSUM = 10, SRC = 12, DST = 16,
}
/** The flags and Fragment Offset 16 bits (offset in 8-byte units). */
const enum FlagsFrag { DF = 0x4000, MF = 0x2000, OFFSET_MASK = 0x1fff }

export function decodeIpv4(ctx: DecodeContext, offset: number, end: number): NextKind {
  const available = end - offset;
  if (available <= 0) {
    ctx.truncated('ipv4', offset, Ipv4Length.MIN_HEADER, available, 'IPv4 header');
    return Next.None;
  }
  const dv = ctx.dv;
  const versionIhl = ctx.bytes[offset + Ipv4Field.VERSION_IHL];
  const version = versionIhl >>> 4;
  if (version !== 4) {
    ctx.issue('ipv4', offset, 'bad-field', `The IP version field is ${version}, not 4.`);
    return Next.None;
  }
  if (available < Ipv4Length.MIN_HEADER) {
    ctx.truncated('ipv4', offset, Ipv4Length.MIN_HEADER, available, 'IPv4 header');
    decodePartial(ctx, offset, available);
    return Next.None;
  }
  const headerLength = (versionIhl & 0x0f) * 4;
  if (headerLength < Ipv4Length.MIN_HEADER) {
    ctx.issue('ipv4', offset, 'bad-field',
      `The IPv4 header length is ${headerLength} bytes (IHL ${headerLength / 4}), below the minimum of 20.`);
    return Next.None;
  }
  if (available < headerLength) {
    ctx.truncated('ipv4', offset, headerLength, available, 'IPv4 header with options');
    return Next.None;
  }
  // The fixed header as its five 32-bit words (rows of the diagram above): five reads,
  // and their 16-bit halves are also what the header checksum adds up.
  const w0 = dv.getUint32(offset); // version, IHL, DSCP, ECN, Total Length
  const w1 = dv.getUint32(offset + Ipv4Field.ID); // Identification, flags, Fragment Offset
  const w2 = dv.getUint32(offset + Ipv4Field.TTL); // TTL, Protocol, Header Checksum
  const src = dv.getUint32(offset + Ipv4Field.SRC);
  const dst = dv.getUint32(offset + Ipv4Field.DST);
  const totalLength = w0 & 0xffff;
  const mf = (w1 & FlagsFrag.MF) !== 0;
  const fragOffset = (w1 & FlagsFrag.OFFSET_MASK) * 8;
  const protocol = (w2 >>> 16) & 0xff;
  const ip = ctx.ipv4.take();
  ip.offset = offset - ctx.frameStart;
  ip.headerLength = headerLength;
  ip.dscp = (w0 >>> 18) & 0x3f;
  ip.ecn = (w0 >>> 16) & 3;
  ip.totalLength = totalLength;
  ip.id = w1 >>> 16;
  ip.df = (w1 & FlagsFrag.DF) !== 0;
  ip.mf = mf;
  ip.fragOffset = fragOffset;
  ip.ttl = w2 >>> 24;
  ip.protocol = protocol;
  ip.checksum = w2 & 0xffff;
  ip.src = src;
  ip.dst = dst;
  ip.optionsLength = headerLength - Ipv4Length.MIN_HEADER;
  ip.reassembled = false;
  ip.fragmentCount = 0;
  ip.partial = false;
  ctx.target.push(ip, LayerKind.Ipv4);
  if (headerLength > Ipv4Length.MIN_HEADER) checkOptions(ctx, offset + Ipv4Length.MIN_HEADER, offset + headerLength);

  if (ctx.verifyChecksums) {
    const fixedSum = (w0 >>> 16) + (w0 & 0xffff) + (w1 >>> 16) + (w1 & 0xffff) + (w2 >>> 16) + (w2 & 0xffff) +
      (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
    ip.checksumOk = internetChecksum(dv, offset + Ipv4Length.MIN_HEADER, headerLength - Ipv4Length.MIN_HEADER, fixedSum) === 0;
    if (!ip.checksumOk && ctx.quotedDepth === 0) {
      ctx.issue('ipv4', offset + Ipv4Field.CHECKSUM, 'bad-checksum',
        `The IPv4 header checksum 0x${ip.checksum.toString(16).padStart(4, '0')} does not match the header.`);
    }
  } else {
    ip.checksumOk = null;
  }

  // Where the payload ends: Total Length, unless the capture or a TSO/GSO packet says otherwise.
  let payloadEnd: number;
  if (totalLength === 0) {
    payloadEnd = end; // TSO/GSO: the NIC fills Total Length in later (Wireshark's "TSO support").
  } else if (totalLength < headerLength) {
    ctx.issue('ipv4', offset + Ipv4Field.TOTAL_LENGTH, 'bad-field',
      `The IPv4 Total Length ${totalLength} is shorter than the ${headerLength}-byte header.`);
    return Next.None;
  } else if (totalLength > available) {
    if (!ctx.snapTruncated && ctx.quotedDepth === 0) {
      ctx.issue('ipv4', offset + Ipv4Field.TOTAL_LENGTH, 'bad-field',
        `The IPv4 Total Length ${totalLength} runs past the ${available} bytes captured for the packet.`);
    }
    payloadEnd = end;
  } else {
    payloadEnd = offset + totalLength; // bytes after it are link-layer padding
  }
  const payloadOffset = offset + headerLength;

  if (mf || fragOffset > 0) {
    // Inside an ICMP error only the first fragment's transport header is worth decoding.
    if (ctx.quotedDepth > 0) {
      if (fragOffset > 0) return Next.None;
      return ctx.then(ipProtoNext(protocol), payloadOffset, payloadEnd);
    }
    return reassemble(ctx, ip, payloadOffset, payloadEnd);
  }
  // What the header claims, so ICMP/TCP can tell a whole message from a cut one.
  ctx.ipPayloadLength = totalLength === 0 ? -1 : totalLength - headerLength;
  return ctx.then(ipProtoNext(protocol), payloadOffset, payloadEnd);
}

const fragmentId = { src: 0, dst: 0, protocol: 0, id: 0, iface: 0 };

function reassemble(ctx: DecodeContext, ip: Ipv4Layer, payloadOffset: number, payloadEnd: number): NextKind {
  // A fragment the capture cut short cannot be reassembled faithfully.
  if (ip.totalLength !== 0 && payloadEnd - payloadOffset < ip.totalLength - ip.headerLength) return Next.None;
  fragmentId.src = ip.src;
  fragmentId.dst = ip.dst;
  fragmentId.protocol = ip.protocol;
  fragmentId.id = ip.id;
  fragmentId.iface = ctx.ifaceId;
  const reassembler = ctx.reassembler;
  const state = reassembler.add(fragmentId, ip.fragOffset, ip.mf, ctx.bytes, payloadOffset, payloadEnd, ctx.tsSec);
  if (state === Reassembly.Pending) return Next.None;
  if (state === Reassembly.Dropped) {
    ctx.issue('ipv4', payloadOffset, 'bad-field', reassembler.dropReason);
    return Next.None;
  }
  ip.reassembled = true;
  ip.fragmentCount = reassembler.fragmentCount;
  for (const anomaly of reassembler.anomalies) ctx.issue('ipv4', payloadOffset, 'bad-field', anomaly);
  // Upper layers now read the reassembled payload. Issue offsets inside it are
  // reported as if it started where this fragment's payload starts.
  const payloadFrameOffset = payloadOffset - ctx.frameStart;
  ctx.bytes = reassembler.payload;
  ctx.dv = reassembler.payloadView;
  ctx.frameStart = -payloadFrameOffset;
  ctx.ipPayloadLength = reassembler.payloadLength;
  return ctx.then(ipProtoNext(ip.protocol), 0, reassembler.payloadLength);
}

/** What a header cut before 20 bytes still tells (Wireshark shows these fields too); the rest stays -1. */
function decodePartial(ctx: DecodeContext, offset: number, available: number): void {
  const has = (field: number, size: number) => available >= field + size;
  const dv = ctx.dv;
  const ip = ctx.ipv4.take();
  ip.offset = offset - ctx.frameStart;
  ip.partial = true;
  ip.headerLength = (ctx.bytes[offset] & 0x0f) * 4;
  const tos = has(Ipv4Field.TOS, 1) ? ctx.bytes[offset + Ipv4Field.TOS] : -1;
  ip.dscp = tos < 0 ? -1 : tos >>> 2;
  ip.ecn = tos < 0 ? -1 : tos & 3;
  ip.totalLength = has(Ipv4Field.TOTAL_LENGTH, 2) ? dv.getUint16(offset + Ipv4Field.TOTAL_LENGTH) : -1;
  ip.id = has(Ipv4Field.ID, 2) ? dv.getUint16(offset + Ipv4Field.ID) : -1;
  const flagsFrag = has(Ipv4Field.FLAGS_FRAG, 2) ? dv.getUint16(offset + Ipv4Field.FLAGS_FRAG) : -1;
  ip.df = flagsFrag >= 0 && (flagsFrag & FlagsFrag.DF) !== 0;
  ip.mf = flagsFrag >= 0 && (flagsFrag & FlagsFrag.MF) !== 0;
  ip.fragOffset = flagsFrag < 0 ? -1 : (flagsFrag & FlagsFrag.OFFSET_MASK) * 8;
  ip.ttl = has(Ipv4Field.TTL, 1) ? ctx.bytes[offset + Ipv4Field.TTL] : -1;
  ip.protocol = has(Ipv4Field.PROTOCOL, 1) ? ctx.bytes[offset + Ipv4Field.PROTOCOL] : -1;
  ip.checksum = has(Ipv4Field.CHECKSUM, 2) ? dv.getUint16(offset + Ipv4Field.CHECKSUM) : -1;
  ip.checksumOk = null;
  ip.src = has(Ipv4Field.SRC, 4) ? dv.getUint32(offset + Ipv4Field.SRC) : -1;
  ip.dst = -1;
  ip.optionsLength = 0;
  ip.reassembled = false;
  ip.fragmentCount = 0;
  ctx.target.push(ip, LayerKind.Ipv4);
}

/**
 * Options (RFC 791 section 3.1): EOL (0) and NOP (1) are one byte, every other
 * option is type, length (counting both), data. A length below 2, past the header,
 * or wrong for a fixed-size option is malformed, as Wireshark reports it.
 */
const FIXED_OPTION_LENGTHS: Record<number, number> = {
  130: 11, // Security (RFC 1108)
  136: 4, // Stream ID
  148: 4, // Router Alert (RFC 2113)
};
const OPTION_EOL = 0;
const OPTION_NOP = 1;

function checkOptions(ctx: DecodeContext, start: number, end: number): void {
  let o = start;
  while (o < end) {
    const type = ctx.bytes[o];
    if (type === OPTION_EOL) return;
    if (type === OPTION_NOP) { o++; continue; }
    if (o + 1 >= end) {
      ctx.issue('ipv4', o, 'bad-field', `IPv4 option ${type} has no room for its length byte in the header.`);
      return;
    }
    const length = ctx.bytes[o + 1];
    const fixed = FIXED_OPTION_LENGTHS[type];
    if (length < 2 || o + length > end || (fixed !== undefined && length !== fixed)) {
      const rule = fixed !== undefined ? `must be ${fixed}` : `must be at least 2 and fit the ${end - o} bytes left in the header`;
      ctx.issue('ipv4', o + 1, 'bad-field', `IPv4 option ${type} has length ${length}, which ${rule}.`);
      return;
    }
    o += length;
  }
}

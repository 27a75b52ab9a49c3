// BSD loopback encapsulation: LINKTYPE_NULL (family in the capturing host's byte
// order) and LINKTYPE_LOOP (family in network byte order), then a raw IP packet.
//
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |             Address family (4 bytes, e.g. AF_INET = 2)        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

import { Next, type DecodeContext, type NextKind } from './context.js';
import { LayerKind } from './layers.js';
import { etherTypeNext, EtherTypeLimit } from './dispatch.js';

export const NULL_HEADER_LEN = 4;
const AF_INET = 2;
/** AF_INET6 differs per BSD: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30. */
const AF_INET6 = new Set([10, 24, 28, 30]);

function decodeFamily(ctx: DecodeContext, offset: number, end: number, family: number): NextKind {
  const nul = ctx.nul.take();
  nul.offset = offset - ctx.frameStart;
  nul.family = family;
  ctx.target.push(nul, LayerKind.Null);
  // Some captures put an EtherType where the family goes; Wireshark reads any value
  // above the 802.3 length range that way, and so do we.
  if (family > EtherTypeLimit.MAX_8023_LENGTH) {
    ctx.etherType = family & 0xffff;
    return ctx.then(etherTypeNext(family & 0xffff), offset + NULL_HEADER_LEN, end);
  }
  if (family === AF_INET) return ctx.then(Next.Ipv4, offset + NULL_HEADER_LEN, end);
  if (AF_INET6.has(family)) return ctx.then(Next.Ipv6, offset + NULL_HEADER_LEN, end);
  ctx.issue('null', offset, 'unsupported', `Address family ${family} in the loopback header is not decoded.`);
  return Next.None;
}

export function decodeNull(ctx: DecodeContext, offset: number, end: number): NextKind {
  if (end - offset < NULL_HEADER_LEN) {
    ctx.truncated('null', offset, NULL_HEADER_LEN, end - offset, 'loopback header');
    return Next.None;
  }
  // The capturing host's byte order is unknown. Read little-endian; a value with the
  // high half set was written big-endian, unless only its second byte is set (a
  // 16-bit family shifted by one byte). This is Wireshark's packet-null.c reasoning.
  let family = ctx.dv.getUint32(offset, true);
  const shifted16 = (family & 0xff) === 0 && (family & 0xff00) !== 0;
  if ((family & 0xffff0000) !== 0) family = shifted16 ? family >>> 8 : ctx.dv.getUint32(offset, false);
  else if (shifted16) family >>>= 8;
  return decodeFamily(ctx, offset, end, family);
}

export function decodeLoop(ctx: DecodeContext, offset: number, end: number): NextKind {
  if (end - offset < NULL_HEADER_LEN) {
    ctx.truncated('null', offset, NULL_HEADER_LEN, end - offset, 'loopback header');
    return Next.None;
  }
  return decodeFamily(ctx, offset, end, ctx.dv.getUint32(offset, false));
}

/** LINKTYPE_RAW: an IPv4 or IPv6 packet with no link header; the version nibble decides. */
export function decodeRawIp(ctx: DecodeContext, offset: number, end: number): NextKind {
  if (end - offset < 1) {
    ctx.truncated('ipv4', offset, 1, 0, 'raw IP packet');
    return Next.None;
  }
  const version = ctx.bytes[offset] >>> 4;
  if (version === 6) return ctx.then(Next.Ipv6, offset, end);
  // Anything else goes to IPv4, which reports a wrong version itself.
  return ctx.then(Next.Ipv4, offset, end);
}

/**
 * LINKTYPE_IPV4 / LINKTYPE_IPV6 promise one version. A packet of the other version
 * is reported and then decoded as what it is, as Wireshark's IP dissector does
 * (tcpdump stops at "[version 6 != 4]").
 */
function decodeRawLink(ctx: DecodeContext, offset: number, end: number, promised: 4 | 6): NextKind {
  if (end - offset < 1) {
    ctx.truncated(promised === 4 ? 'ipv4' : 'ipv6', offset, 1, 0, `IPv${promised} packet`);
    return Next.None;
  }
  const version = ctx.bytes[offset] >>> 4;
  const other = promised === 4 ? 6 : 4;
  if (version === other) {
    ctx.issue(promised === 4 ? 'ipv4' : 'ipv6', offset, 'bad-field',
      `The link type promises IPv${promised} but the packet is IP version ${version}; it is decoded as IPv${version}.`);
    return ctx.then(version === 6 ? Next.Ipv6 : Next.Ipv4, offset, end);
  }
  return ctx.then(promised === 4 ? Next.Ipv4 : Next.Ipv6, offset, end);
}

export function decodeIpv4Link(ctx: DecodeContext, offset: number, end: number): NextKind {
  return decodeRawLink(ctx, offset, end, 4);
}

export function decodeIpv6Link(ctx: DecodeContext, offset: number, end: number): NextKind {
  return decodeRawLink(ctx, offset, end, 6);
}

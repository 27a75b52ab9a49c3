// ICMPv6 (RFC 4443), Neighbor Discovery (RFC 4861) and MLD (RFC 2710, RFC 3810).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |     Type      |     Code      |          Checksum             |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  echo (128/129): Identifier   |  Sequence Number              |
// |  packet too big (2): MTU                                      |
// |  parameter problem (4): Pointer                               |
// |  other errors (1, 3): unused                                  |
// |  RA (134): Cur Hop Limit | M|O| flags | Router Lifetime       |
// |  NA (136): R|S|O| reserved                                    |
// |  MLDv1 (130-132): Maximum Response Delay | Reserved           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  errors: as much of the invoking packet as fits (IPv6 header first)
// |  NS/NA/Redirect (135-137): Target Address (16 bytes)          |
// |  Redirect: Destination Address (16 bytes)                     |
// |  MLDv1: Multicast Address (16 bytes)                          |
// |  RA: Reachable Time (4), Retrans Timer (4)                    |
// |  RS/RA/NS/NA/Redirect: ND options ...                         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// ND options (RFC 4861 section 4.6): | Type | Length (units of 8 bytes) | data ... |
//   1 Source / 2 Target Link-Layer Address: on Ethernet length 1, a 6-byte MAC;
//   5 MTU: 2 reserved bytes, then the 32-bit MTU.
//
// The checksum covers an IPv6 pseudo-header (RFC 8200 section 8.1): source,
// destination, upper-layer length, next header 58.

import { readMac } from './addr.js';
import { internetChecksum } from './checksum.js';
import { Next, type DecodeContext, type NextKind } from './context.js';
import { IpProto } from './dispatch.js';
import { ipv6PseudoHeaderSum, Ipv6Ext } from './ipv6.js';
import { LayerKind, type Icmpv6Layer } from './layers.js';

/** Lengths in bytes (a const enum, like the field offsets: tsc writes the numbers in place). */
export const enum Icmpv6Length { HEADER = 8 }
export const enum Icmpv6Field {
  TYPE = 0, CODE = 1, CHECKSUM = 2, ID = 4, SEQ = 6, MTU = 4, POINTER = 4, NA_FLAGS = 4,
  CUR_HOP_LIMIT = 4, RA_FLAGS = 5, ROUTER_LIFETIME = 6, TARGET = 8, MLD_ADDRESS = 8,
}

export const enum Icmpv6Type {
  DEST_UNREACHABLE = 1,
  PACKET_TOO_BIG = 2,
  TIME_EXCEEDED = 3,
  PARAMETER_PROBLEM = 4,
  ECHO_REQUEST = 128,
  ECHO_REPLY = 129,
  MLD_QUERY = 130,
  MLD_REPORT = 131,
  MLD_DONE = 132,
  ROUTER_SOLICITATION = 133,
  ROUTER_ADVERTISEMENT = 134,
  NEIGHBOR_SOLICITATION = 135,
  NEIGHBOR_ADVERTISEMENT = 136,
  REDIRECT = 137,
  MLDV2_REPORT = 143,
}

export const enum NdOption { SOURCE_LLADDR = 1, TARGET_LLADDR = 2, PREFIX_INFO = 3, REDIRECTED_HEADER = 4, MTU = 5 }
const ND_OPTION_UNIT = 8;
/** Link-layer address option length on Ethernet: 1 unit = type, length, 6-byte MAC. */
const ND_LLADDR_OPTION_LEN = 8;
const ND_MTU_OPTION_LEN = 8;
const ND_MTU_OFFSET = 4;
const NA_FLAGS_MASK = 0xe0;
const enum Icmpv6Limit {
  /** Longer messages need a jumbogram; they are not checked. */
  MAX_CHECKED_LENGTH = 65535,
  /** How deep ICMPv6 errors may quote ICMPv6 errors (RFC 4443 section 2.4 (e.1) forbids it; hostile input does it anyway). */
  MAX_QUOTED_DEPTH = 2,
}

export function isIcmpv6Error(type: number): boolean {
  return type >= Icmpv6Type.DEST_UNREACHABLE && type <= Icmpv6Type.PARAMETER_PROBLEM;
}

/** Bytes a message of this type needs, header included, and where its ND options start (0 = none). */
function layout(type: number): { min: number; options: number; name: string } {
  switch (type) {
    case Icmpv6Type.MLD_QUERY: return MLD_QUERY;
    case Icmpv6Type.MLD_REPORT: return MLD_REPORT;
    case Icmpv6Type.MLD_DONE: return MLD_DONE;
    case Icmpv6Type.ROUTER_SOLICITATION: return RS;
    case Icmpv6Type.ROUTER_ADVERTISEMENT: return RA;
    case Icmpv6Type.NEIGHBOR_SOLICITATION: return NS;
    case Icmpv6Type.NEIGHBOR_ADVERTISEMENT: return NA;
    case Icmpv6Type.REDIRECT: return REDIRECT;
    default: return PLAIN;
  }
}
const PLAIN = { min: Icmpv6Length.HEADER, options: 0, name: 'header' };
const MLD_QUERY = { min: 24, options: 0, name: 'Multicast Listener Query' };
const MLD_REPORT = { min: 24, options: 0, name: 'Multicast Listener Report' };
const MLD_DONE = { min: 24, options: 0, name: 'Multicast Listener Done' };
const RS = { min: 8, options: 8, name: 'Router Solicitation' };
const RA = { min: 16, options: 16, name: 'Router Advertisement' };
const NS = { min: 24, options: 24, name: 'Neighbor Solicitation' };
const NA = { min: 24, options: 24, name: 'Neighbor Advertisement' };
const REDIRECT = { min: 40, options: 40, name: 'Redirect' };

export function decodeIcmpv6(ctx: DecodeContext, offset: number, end: number): NextKind {
  const available = end - offset;
  if (available < Icmpv6Length.HEADER) {
    // Inside a quoted packet the 4 bytes of type/code/checksum are not worth a record.
    ctx.truncated('icmpv6', offset, Icmpv6Length.HEADER, available, 'ICMPv6 header');
    return Next.None;
  }
  const dv = ctx.dv;
  const bytes = ctx.bytes;
  // The IPv6 header that carried this message, for the pseudo-header (taken before pushing ours).
  const carrier = ctx.target.count > 0 ? ctx.target.items[ctx.target.count - 1] : null;
  const icmp = ctx.icmpv6.take();
  icmp.offset = offset - ctx.frameStart;
  const type = bytes[offset + Icmpv6Field.TYPE];
  icmp.type = type;
  icmp.code = bytes[offset + Icmpv6Field.CODE];
  icmp.checksum = dv.getUint16(offset + Icmpv6Field.CHECKSUM);
  icmp.id = icmp.seq = icmp.mtu = icmp.pointer = -1;
  icmp.curHopLimit = icmp.raFlags = icmp.routerLifetime = -1;
  icmp.hasTarget = false;
  icmp.target0 = icmp.target1 = icmp.target2 = icmp.target3 = 0;
  icmp.lladdr = -1;
  icmp.naFlags = 0;
  icmp.quoted.clear();

  // The checksum covers the whole message: checkable only when all of it was captured,
  // it is not quoted, and the pseudo-header addresses are the IPv6 header's own
  // (a Routing header or a Home Address destination option would change them).
  let checkable = false;
  if (ctx.verifyChecksums && ctx.quotedDepth === 0 && ctx.ipPayloadLength === available &&
      available <= Icmpv6Limit.MAX_CHECKED_LENGTH && carrier !== null && carrier.proto === 'ipv6') {
    checkable = true;
    for (let i = 0; i < carrier.extCount; i++) {
      const ext = carrier.extTypes[i];
      if (ext === Ipv6Ext.ROUTING || ext === Ipv6Ext.DEST_OPTIONS) checkable = false;
    }
    if (checkable) {
      const sum = ipv6PseudoHeaderSum(carrier, available, IpProto.ICMPv6);
      icmp.checksumOk = internetChecksum(ctx.dv, offset, available, sum) === 0;
      if (!icmp.checksumOk) {
        ctx.issue('icmpv6', offset + Icmpv6Field.CHECKSUM, 'bad-checksum',
          `The ICMPv6 checksum 0x${icmp.checksum.toString(16).padStart(4, '0')} does not match the message and its IPv6 pseudo-header.`);
      }
    }
  }
  if (!checkable) icmp.checksumOk = null;
  ctx.target.push(icmp, LayerKind.Icmpv6);

  // The message was cut by the capture (not malformed) when the IP layer announced more than we hold.
  const cut = ctx.quotedDepth > 0 || ctx.ipPayloadLength < 0 || ctx.ipPayloadLength > available;

  switch (type) {
    case Icmpv6Type.ECHO_REQUEST:
    case Icmpv6Type.ECHO_REPLY:
      icmp.id = dv.getUint16(offset + Icmpv6Field.ID);
      icmp.seq = dv.getUint16(offset + Icmpv6Field.SEQ);
      return Next.None;
    case Icmpv6Type.PACKET_TOO_BIG:
      icmp.mtu = dv.getUint32(offset + Icmpv6Field.MTU);
      break;
    case Icmpv6Type.PARAMETER_PROBLEM:
      icmp.pointer = dv.getUint32(offset + Icmpv6Field.POINTER);
      break;
    default:
      break;
  }
  if (isIcmpv6Error(type)) {
    if (available > Icmpv6Length.HEADER && ctx.quotedDepth < Icmpv6Limit.MAX_QUOTED_DEPTH) {
      ctx.decodeQuoted(icmp.quoted, Next.Ipv6, offset + Icmpv6Length.HEADER, end);
    }
    return Next.None;
  }

  const shape = layout(type);
  if (available < shape.min) {
    if (cut) {
      ctx.truncated('icmpv6', offset, shape.min, available, `ICMPv6 ${shape.name}`);
    } else {
      ctx.issue('icmpv6', offset, 'bad-field',
        `The ICMPv6 ${shape.name} is ${available} bytes long; it needs at least ${shape.min}.`);
    }
    return Next.None;
  }
  switch (type) {
    case Icmpv6Type.ROUTER_ADVERTISEMENT:
      icmp.curHopLimit = bytes[offset + Icmpv6Field.CUR_HOP_LIMIT];
      icmp.raFlags = bytes[offset + Icmpv6Field.RA_FLAGS];
      icmp.routerLifetime = dv.getUint16(offset + Icmpv6Field.ROUTER_LIFETIME);
      break;
    case Icmpv6Type.NEIGHBOR_ADVERTISEMENT:
      icmp.naFlags = bytes[offset + Icmpv6Field.NA_FLAGS] & NA_FLAGS_MASK;
      readTarget(ctx, icmp, offset + Icmpv6Field.TARGET);
      break;
    case Icmpv6Type.NEIGHBOR_SOLICITATION:
    case Icmpv6Type.REDIRECT:
      readTarget(ctx, icmp, offset + Icmpv6Field.TARGET);
      break;
    case Icmpv6Type.MLD_QUERY:
    case Icmpv6Type.MLD_REPORT:
    case Icmpv6Type.MLD_DONE:
      readTarget(ctx, icmp, offset + Icmpv6Field.MLD_ADDRESS);
      break;
    default:
      break;
  }
  if (shape.options > 0) {
    // Options announced by the IP layer beyond what was captured are cut, even at an option boundary.
    const missing = ctx.ipPayloadLength > available ? ctx.ipPayloadLength - available : 0;
    decodeNdOptions(ctx, icmp, offset + shape.options, end, cut, missing);
  }
  return Next.None;
}

function readTarget(ctx: DecodeContext, icmp: Icmpv6Layer, at: number): void {
  const dv = ctx.dv;
  icmp.hasTarget = true;
  icmp.target0 = dv.getUint32(at);
  icmp.target1 = dv.getUint32(at + 4);
  icmp.target2 = dv.getUint32(at + 8);
  icmp.target3 = dv.getUint32(at + 12);
}

/**
 * Walk the ND options in [start, end): the first Ethernet link-layer address option, and
 * an RA's MTU. `missing` bytes of the message were not captured.
 */
function decodeNdOptions(
  ctx: DecodeContext, icmp: Icmpv6Layer, start: number, end: number, cut: boolean, missing: number,
): void {
  const bytes = ctx.bytes;
  let i = start;
  while (i < end) {
    if (i + 2 > end) {
      if (cut) ctx.truncated('icmpv6', i, 2, end - i, 'ND option');
      else ctx.issue('icmpv6', i, 'bad-field', `An ND option starts in the last byte of the ICMPv6 message and has no length byte.`);
      return;
    }
    const type = bytes[i];
    const length = bytes[i + 1] * ND_OPTION_UNIT;
    if (length === 0) {
      ctx.issue('icmpv6', i + 1, 'bad-field',
        `ND option type ${type} has length 0; RFC 4861 section 4.6 requires at least 1 (8 bytes).`);
      return;
    }
    if (i + length > end) {
      if (cut) ctx.truncated('icmpv6', i, length, end - i, `ND option type ${type}`);
      else ctx.issue('icmpv6', i + 1, 'bad-field',
        `ND option type ${type} has length ${length} bytes, which runs ${i + length - end} bytes past the end of the ICMPv6 message.`);
      return;
    }
    if ((type === NdOption.SOURCE_LLADDR || type === NdOption.TARGET_LLADDR) &&
        length === ND_LLADDR_OPTION_LEN && icmp.lladdr < 0) {
      icmp.lladdr = readMac(ctx.dv, i + 2);
    } else if (type === NdOption.MTU && length === ND_MTU_OPTION_LEN && icmp.type === Icmpv6Type.ROUTER_ADVERTISEMENT) {
      icmp.mtu = ctx.dv.getUint32(i + ND_MTU_OFFSET);
    }
    i += length;
  }
  if (missing > 0) ctx.truncated('icmpv6', i, missing, 0, 'rest of the ND options');
}

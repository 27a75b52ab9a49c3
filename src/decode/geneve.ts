// Geneve (RFC 8926) on UDP 6081: Open vSwitch/OVN and Cilium tunnels.
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |        Virtual Network Identifier (VNI)       |    Reserved   |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Variable-Length Options                    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Opt Len counts 4-byte words. Protocol Type 0x6558 (Transparent Ethernet Bridging)
// carries an Ethernet frame; other types are EtherTypes of a bare network packet.

import { Next, type DecodeContext, type NextKind } from './context.js';
import { LayerKind } from './layers.js';
import { etherTypeNext } from './dispatch.js';

/** Lengths in bytes (a const enum, like the field offsets: tsc writes the numbers in place). */
export const enum GeneveLength { HEADER = 8 }
export const enum GeneveField { VER_OPTLEN = 0, FLAGS = 1, PROTOCOL = 2, VNI = 4 }
const TRANSPARENT_ETHERNET_BRIDGING = 0x6558;
const SUPPORTED_VERSION = 0;

export function decodeGeneve(ctx: DecodeContext, offset: number, end: number): NextKind {
  if (end - offset < GeneveLength.HEADER) {
    ctx.truncated('geneve', offset, GeneveLength.HEADER, end - offset, 'Geneve header');
    return Next.None;
  }
  const g = ctx.geneve.take();
  g.offset = offset - ctx.frameStart;
  const first = ctx.bytes[offset + GeneveField.VER_OPTLEN];
  g.version = first >>> 6;
  g.optionsLength = (first & 0x3f) * 4;
  const flags = ctx.bytes[offset + GeneveField.FLAGS];
  g.oam = (flags & 0x80) !== 0;
  g.critical = (flags & 0x40) !== 0;
  g.protocol = ctx.dv.getUint16(offset + GeneveField.PROTOCOL);
  g.vni = ctx.dv.getUint32(offset + GeneveField.VNI) >>> 8;
  ctx.target.push(g, LayerKind.Geneve);
  if (g.version !== SUPPORTED_VERSION) {
    ctx.issue('geneve', offset, 'unsupported', `Geneve version ${g.version} is not decoded (only version 0 exists).`);
    return Next.None;
  }
  const payload = offset + GeneveLength.HEADER + g.optionsLength;
  if (payload > end) {
    ctx.truncated('geneve', offset, GeneveLength.HEADER + g.optionsLength, end - offset, 'Geneve header with options');
    return Next.None;
  }
  if (g.protocol === TRANSPARENT_ETHERNET_BRIDGING) return ctx.then(Next.Ethernet, payload, end);
  ctx.etherType = g.protocol;
  return ctx.then(etherTypeNext(g.protocol), payload, end);
}

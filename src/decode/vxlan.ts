// VXLAN (RFC 7348), usually on UDP 4789 (Linux/Flannel default 8472, Docker swarm configurable).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |R|R|R|R|I|R|R|R|            Reserved                           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                VXLAN Network Identifier (VNI) |   Reserved    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// An inner Ethernet frame follows, decoded by the same decoders to any depth.

import { Next, type DecodeContext, type NextKind } from './context.js';
import { LayerKind } from './layers.js';

/** Lengths in bytes (a const enum, like the field offsets: tsc writes the numbers in place). */
export const enum VxlanLength { HEADER = 8 }
export const enum VxlanField { FLAGS = 0, VNI = 4 }
/** The I flag: the VNI is valid (RFC 7348 section 5). */
export const enum VxlanFlag { I = 0x08 }

export function decodeVxlan(ctx: DecodeContext, offset: number, end: number): NextKind {
  if (end - offset < VxlanLength.HEADER) {
    ctx.truncated('vxlan', offset, VxlanLength.HEADER, end - offset, 'VXLAN header');
    return Next.None;
  }
  const vx = ctx.vxlan.take();
  vx.offset = offset - ctx.frameStart;
  vx.flags = ctx.bytes[offset + VxlanField.FLAGS];
  vx.vni = ctx.dv.getUint32(offset + VxlanField.VNI) >>> 8;
  ctx.target.push(vx, LayerKind.Vxlan);
  if ((vx.flags & VxlanFlag.I) === 0) {
    ctx.issue('vxlan', offset + VxlanField.FLAGS, 'bad-field',
      `VXLAN flags 0x${vx.flags.toString(16).padStart(2, '0')} lack the I bit, so the VNI is not valid (RFC 7348).`);
  }
  return ctx.then(Next.Ethernet, offset + VxlanLength.HEADER, end);
}

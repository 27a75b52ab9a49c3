// IEEE 802.1Q / 802.1ad VLAN tag (the 4 bytes after a TPID of 0x8100, 0x88a8 or 0x9100).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | PCP |D|        VLAN ID        |      EtherType / Length       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// The TPID itself is the previous header's type field. Tags stack (QinQ and deeper).

import { Next, type DecodeContext, type NextKind } from './context.js';
import { LayerKind } from './layers.js';
import { etherTypeNext, EtherTypeLimit } from './dispatch.js';

/** Lengths in bytes (a const enum, like the field offsets: tsc writes the numbers in place). */
export const enum VlanLength { TAG = 4 }
export const enum VlanField { TCI = 0, TYPE = 2 }

export function decodeVlan(ctx: DecodeContext, offset: number, end: number): NextKind {
  if (end - offset < VlanLength.TAG) {
    ctx.truncated('vlan', offset, VlanLength.TAG, end - offset, '802.1Q tag');
    return Next.None;
  }
  const tag = ctx.vlan.take();
  tag.offset = offset - ctx.frameStart;
  tag.tpid = ctx.etherType;
  const tci = ctx.dv.getUint16(offset + VlanField.TCI);
  tag.pcp = tci >>> 13;
  tag.dei = (tci >>> 12) & 1;
  tag.id = tci & 0x0fff;
  tag.type = ctx.dv.getUint16(offset + VlanField.TYPE);
  ctx.target.push(tag, LayerKind.Vlan);
  if (tag.type <= EtherTypeLimit.MAX_8023_LENGTH) return Next.None;
  ctx.etherType = tag.type;
  return ctx.then(etherTypeNext(tag.type), offset + VlanLength.TAG, end);
}

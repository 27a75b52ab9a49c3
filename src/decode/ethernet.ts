// Ethernet II / IEEE 802.3 header (IEEE 802.3 clause 3.1.1).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                  Destination MAC (6 bytes)                    |
// +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                               |                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
// |                     Source MAC (6 bytes)                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |      EtherType / Length       |  payload ...
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// A type <= 1500 is an 802.3 length: an LLC header follows, which we do not decode.

import { Next, type DecodeContext, type NextKind } from './context.js';
import { LayerKind } from './layers.js';
import { etherTypeNext, EtherTypeLimit } from './dispatch.js';

/** Lengths in bytes (a const enum, like the field offsets: tsc writes the numbers in place). */
export const enum EthLength { HEADER = 14 }
export const enum EthField { DST = 0, SRC = 6, TYPE = 12 }

export function decodeEthernet(ctx: DecodeContext, offset: number, end: number): NextKind {
  if (end - offset < EthLength.HEADER) {
    ctx.truncated('eth', offset, EthLength.HEADER, end - offset, 'Ethernet header');
    return Next.None;
  }
  // The two MACs are 12 bytes: three 32-bit reads, the middle one split between them.
  const dv = ctx.dv;
  const w0 = dv.getUint32(offset + EthField.DST);
  const w1 = dv.getUint32(offset + EthField.DST + 4);
  const w2 = dv.getUint32(offset + EthField.SRC + 2);
  const type = dv.getUint16(offset + EthField.TYPE);
  const eth = ctx.eth.take();
  eth.offset = offset - ctx.frameStart;
  eth.dst = w0 * 0x10000 + (w1 >>> 16);
  eth.src = (w1 & 0xffff) * 0x100000000 + w2;
  eth.type = type;
  ctx.target.push(eth, LayerKind.Eth);
  if (type <= EtherTypeLimit.MAX_8023_LENGTH) return Next.None;
  ctx.etherType = type;
  return ctx.then(etherTypeNext(type), offset + EthLength.HEADER, end);
}

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

import { readMac } from './addr.js';
import { Next, type DecodeContext, type NextKind } from './context.js';
import { etherTypeNext, MAX_8023_LENGTH } from './dispatch.js';

export const ETH_HEADER_LEN = 14;
export const EthField = { DST: 0, SRC: 6, TYPE: 12 } as const;

export function decodeEthernet(ctx: DecodeContext, offset: number, end: number): NextKind {
  if (end - offset < ETH_HEADER_LEN) {
    ctx.truncated('eth', offset, ETH_HEADER_LEN, end - offset, 'Ethernet header');
    return Next.None;
  }
  const eth = ctx.eth.take();
  eth.offset = offset - ctx.frameStart;
  eth.dst = readMac(ctx.bytes, offset + EthField.DST);
  eth.src = readMac(ctx.bytes, offset + EthField.SRC);
  eth.type = ctx.dv.getUint16(offset + EthField.TYPE);
  ctx.target.push(eth);
  if (eth.type <= MAX_8023_LENGTH) return Next.None;
  ctx.etherType = eth.type;
  return ctx.then(etherTypeNext(eth.type), offset + ETH_HEADER_LEN, end);
}

// Linux cooked capture headers, written by `tcpdump -i any`
// (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html, .../LINKTYPE_LINUX_SLL2.html).
//
// SLL (v1), 16 bytes:                      SLL2, 20 bytes:
// +---------------+---------------+        +---------------+---------------+
// | Packet type   | ARPHRD type   |        | Protocol type | Reserved (MBZ)|
// +---------------+---------------+        +---------------+---------------+
// | LL addr len   | LL address    |        |        Interface index        |
// +---------------+  (8 bytes,    +        +---------------+-------+-------+
// |                zero padded)   |        | ARPHRD type   |PktType|AddrLen|
// +               +---------------+        +---------------+-------+-------+
// |               | Protocol type |        |      LL address (8 bytes)     |
// +---------------+---------------+        +-------------------------------+
// Both carry only the SOURCE link-layer address: the destination MAC is lost.

import { formatHexBytes, readMac } from './addr.js';
import { Next, type DecodeContext, type NextKind } from './context.js';
import { LayerKind } from './layers.js';
import { etherTypeNext } from './dispatch.js';

export const SLL_HEADER_LEN = 16;
export const SLL2_HEADER_LEN = 20;
export const enum SllField { PKTTYPE = 0, HATYPE = 2, HALEN = 4, ADDR = 6, PROTOCOL = 14 }
export const enum Sll2Field { PROTOCOL = 0, RESERVED = 2, IFINDEX = 4, HATYPE = 8, PKTTYPE = 10, HALEN = 11, ADDR = 12 }
const SLL_ADDR_LEN = 8;

/** ARPHRD types whose protocol field is not an EtherType. */
const ARPHRD_NETLINK = 824;
/** Protocol values that mean "802.3 frame without an Ethernet header" / "802.2 LLC" (Linux ETH_P_802_3 / ETH_P_802_2). */
const LINUX_ETH_P_802_3 = 0x0001;
const LINUX_ETH_P_802_2 = 0x0004;

function fillAddress(ctx: DecodeContext, layerAddr: number, halen: number, sll: { src: number; srcText: string | null; halen: number }): void {
  sll.halen = halen;
  if (halen === 6) {
    sll.src = readMac(ctx.dv, layerAddr);
    sll.srcText = null;
  } else {
    sll.src = 0;
    sll.srcText = formatHexBytes(ctx.bytes, layerAddr, Math.min(halen, SLL_ADDR_LEN));
  }
}

function nextFor(ctx: DecodeContext, hatype: number, protocol: number, offset: number, end: number): NextKind {
  if (hatype === ARPHRD_NETLINK || protocol === LINUX_ETH_P_802_3 || protocol === LINUX_ETH_P_802_2) return Next.None;
  // A few interfaces (e.g. ARPHRD_IPGRE carrying Ethernet) put a whole Ethernet frame after the header.
  ctx.etherType = protocol;
  return ctx.then(etherTypeNext(protocol), offset, end);
}

export function decodeSll(ctx: DecodeContext, offset: number, end: number): NextKind {
  if (end - offset < SLL_HEADER_LEN) {
    ctx.truncated('sll', offset, SLL_HEADER_LEN, end - offset, 'Linux cooked (SLL) header');
    return Next.None;
  }
  const sll = ctx.sll.take();
  sll.offset = offset - ctx.frameStart;
  sll.version = 1;
  sll.pkttype = ctx.dv.getUint16(offset + SllField.PKTTYPE);
  sll.hatype = ctx.dv.getUint16(offset + SllField.HATYPE);
  sll.ifindex = -1;
  fillAddress(ctx, offset + SllField.ADDR, ctx.dv.getUint16(offset + SllField.HALEN), sll);
  sll.type = ctx.dv.getUint16(offset + SllField.PROTOCOL);
  ctx.target.push(sll, LayerKind.Sll);
  ctx.sllPkttype = sll.pkttype;
  return nextFor(ctx, sll.hatype, sll.type, offset + SLL_HEADER_LEN, end);
}

export function decodeSll2(ctx: DecodeContext, offset: number, end: number): NextKind {
  if (end - offset < SLL2_HEADER_LEN) {
    ctx.truncated('sll', offset, SLL2_HEADER_LEN, end - offset, 'Linux cooked (SLL2) header');
    return Next.None;
  }
  const sll = ctx.sll.take();
  sll.offset = offset - ctx.frameStart;
  sll.version = 2;
  sll.type = ctx.dv.getUint16(offset + Sll2Field.PROTOCOL);
  sll.ifindex = ctx.dv.getUint32(offset + Sll2Field.IFINDEX);
  sll.hatype = ctx.dv.getUint16(offset + Sll2Field.HATYPE);
  sll.pkttype = ctx.bytes[offset + Sll2Field.PKTTYPE];
  fillAddress(ctx, offset + Sll2Field.ADDR, ctx.bytes[offset + Sll2Field.HALEN], sll);
  ctx.target.push(sll, LayerKind.Sll);
  ctx.sllPkttype = sll.pkttype;
  ctx.sllIfindex = sll.ifindex;
  return nextFor(ctx, sll.hatype, sll.type, offset + SLL2_HEADER_LEN, end);
}

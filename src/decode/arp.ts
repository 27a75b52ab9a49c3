// ARP (RFC 826), also RARP (RFC 903, EtherType 0x8035, opcodes 3/4).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |         Hardware type         |         Protocol type         |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  HW addr len  | Proto addr len|           Operation           |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Sender HW addr (hlen) | Sender proto addr (plen) | Target HW addr (hlen) | Target proto addr (plen) |
// For Ethernet/IPv4 (htype 1, ptype 0x0800, 6/4) the whole message is 28 bytes.

import { formatHexBytes, readMac } from './addr.js';
import { Next, type DecodeContext, type NextKind } from './context.js';
import { LayerKind } from './layers.js';

/** Lengths in bytes (a const enum, like the field offsets: tsc writes the numbers in place). */
export const enum ArpLength { FIXED = 8, ETH_IPV4 = 28 }
export const enum ArpField { HTYPE = 0, PTYPE = 2, HLEN = 4, PLEN = 5, OPER = 6, SHA = 8 }
const enum ArpType { HTYPE_ETHERNET = 1, PTYPE_IPV4 = 0x0800 }

export function decodeArp(ctx: DecodeContext, offset: number, end: number): NextKind {
  const available = end - offset;
  if (available < ArpLength.FIXED) {
    ctx.truncated('arp', offset, ArpLength.FIXED, available, 'ARP fixed header');
    return Next.None;
  }
  const dv = ctx.dv;
  const hlen = ctx.bytes[offset + ArpField.HLEN];
  const plen = ctx.bytes[offset + ArpField.PLEN];
  const required = ArpLength.FIXED + 2 * (hlen + plen);
  if (available < required) {
    ctx.truncated('arp', offset, required, available,
      `ARP message with ${hlen}-byte hardware and ${plen}-byte protocol addresses`);
    return Next.None;
  }
  const arp = ctx.arp.take();
  arp.offset = offset - ctx.frameStart;
  arp.htype = dv.getUint16(offset + ArpField.HTYPE);
  arp.ptype = dv.getUint16(offset + ArpField.PTYPE);
  arp.hlen = hlen;
  arp.plen = plen;
  arp.op = dv.getUint16(offset + ArpField.OPER);
  const sha = offset + ArpField.SHA;
  const spa = sha + hlen;
  const tha = spa + plen;
  const tpa = tha + hlen;
  // Hardware and protocol addresses are read independently, as Wireshark does: a
  // 6-byte hardware address is a MAC whatever htype says, a 4-byte IPv4 (ptype
  // 0x0800) address is dotted even beside an odd hardware address.
  const macs = hlen === 6;
  const ipv4 = plen === 4 && arp.ptype === ArpType.PTYPE_IPV4;
  arp.ethIpv4 = macs && ipv4 && arp.htype === ArpType.HTYPE_ETHERNET;
  arp.sha = macs ? readMac(dv, sha) : 0;
  arp.tha = macs ? readMac(dv, tha) : 0;
  arp.shaText = macs ? null : formatHexBytes(ctx.bytes, sha, hlen);
  arp.thaText = macs ? null : formatHexBytes(ctx.bytes, tha, hlen);
  arp.spa = ipv4 ? dv.getUint32(spa) : 0;
  arp.tpa = ipv4 ? dv.getUint32(tpa) : 0;
  arp.spaText = ipv4 ? null : formatHexBytes(ctx.bytes, spa, plen);
  arp.tpaText = ipv4 ? null : formatHexBytes(ctx.bytes, tpa, plen);
  ctx.target.push(arp, LayerKind.Arp);
  return Next.None;
}

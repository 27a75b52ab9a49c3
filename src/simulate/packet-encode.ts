// Serialises the simulator's structured frames to wire bytes, with every checksum
// computed (IPv4 header, ICMP, UDP and TCP with their pseudo-headers). No padding to
// the 60-byte Ethernet minimum: veths and bridges hand frames to capture unpadded.

import { internetChecksum } from '../decode/checksum.js';
import {
  isVxlan, type ArpPacket, type EthFrame, type Ipv4Packet, type L4, type Mac,
} from './packet-types.js';

const ETH_HEADER = 14;
const IPV4_HEADER = 20;
const ARP_LENGTH = 28;
const UDP_HEADER = 8;
const TCP_HEADER = 20;
const ICMP_HEADER = 8;
const VXLAN_HEADER = 8;

function writeMac(view: DataView, at: number, mac: Mac): void {
  view.setUint16(at, Math.floor(mac / 0x100000000));
  view.setUint32(at + 2, mac % 0x100000000);
}

export function encodeFrame(frame: EthFrame): Uint8Array {
  const body = frame.body.kind === 'arp' ? encodeArp(frame.body) : encodeIpv4(frame.body);
  const out = new Uint8Array(ETH_HEADER + body.length);
  const view = new DataView(out.buffer);
  writeMac(view, 0, frame.dst);
  writeMac(view, 6, frame.src);
  view.setUint16(12, frame.body.kind === 'arp' ? 0x0806 : 0x0800);
  out.set(body, ETH_HEADER);
  return out;
}

function encodeArp(arp: ArpPacket): Uint8Array {
  const out = new Uint8Array(ARP_LENGTH);
  const view = new DataView(out.buffer);
  view.setUint16(0, 1); // htype Ethernet
  view.setUint16(2, 0x0800); // ptype IPv4
  view.setUint8(4, 6); // hlen
  view.setUint8(5, 4); // plen
  view.setUint16(6, arp.oper);
  writeMac(view, 8, arp.sha);
  view.setUint32(14, arp.spa);
  writeMac(view, 18, arp.tha);
  view.setUint32(24, arp.tpa);
  return out;
}

/** The IPv4 Protocol field of each kind of payload. */
export const PROTOCOL = { icmp: 1, 'icmp-error': 1, udp: 17, tcp: 6 } as const;

/** The IPv4 payload a datagram carries whole (a fragment's is a slice of it). */
export function encodeIpv4Payload(packet: Ipv4Packet): Uint8Array {
  return encodeL4(packet.l4, packet.src, packet.dst);
}

/** Total Length of the packet as sent: header and payload, in bytes (counted, not encoded). */
export function ipv4Length(packet: Ipv4Packet): number {
  return IPV4_HEADER + (packet.frag !== undefined ? packet.frag.payload.length : l4Length(packet.l4));
}

/** Bytes encodeL4 makes of `l4`. */
function l4Length(l4: L4): number {
  switch (l4.proto) {
    case 'icmp': return ICMP_HEADER + l4.data.length;
    case 'icmp-error': return ICMP_HEADER + l4.quoted.length;
    case 'tcp': return TCP_HEADER + l4.data.length;
    case 'udp': {
      if (!isVxlan(l4.data)) return UDP_HEADER + l4.data.length;
      const inner = l4.data.inner.body;
      return UDP_HEADER + VXLAN_HEADER + ETH_HEADER + (inner.kind === 'arp' ? ARP_LENGTH : ipv4Length(inner));
    }
  }
}

export function encodeIpv4(packet: Ipv4Packet): Uint8Array {
  const frag = packet.frag;
  const payload = frag !== undefined ? frag.payload : encodeL4(packet.l4, packet.src, packet.dst);
  const out = new Uint8Array(IPV4_HEADER + payload.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, 0x45); // version 4, IHL 5 words
  view.setUint8(1, 0); // DSCP/ECN
  view.setUint16(2, out.length); // Total Length
  view.setUint16(4, packet.id & 0xffff);
  // flags (DF 0x4000, MF 0x2000) and the fragment offset in 8-byte units
  view.setUint16(6, (packet.df ? 0x4000 : 0) | (frag?.mf === true ? 0x2000 : 0) | ((frag?.offset ?? 0) >> 3));
  view.setUint8(8, packet.ttl);
  view.setUint8(9, PROTOCOL[packet.l4.proto]);
  view.setUint32(12, packet.src);
  view.setUint32(16, packet.dst);
  view.setUint16(10, internetChecksum(view, 0, IPV4_HEADER, 0));
  out.set(payload, IPV4_HEADER);
  return out;
}

/** Sum of the pseudo-header's 16-bit words (RFC 768 / RFC 9293), as the checksum's initial value. */
function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

function encodeL4(l4: L4, src: number, dst: number): Uint8Array {
  switch (l4.proto) {
    case 'icmp': {
      const out = new Uint8Array(ICMP_HEADER + l4.data.length);
      const view = new DataView(out.buffer);
      view.setUint8(0, l4.type);
      view.setUint16(4, l4.id);
      view.setUint16(6, l4.seq);
      out.set(l4.data, ICMP_HEADER);
      view.setUint16(2, internetChecksum(view, 0, out.length, 0));
      return out;
    }
    case 'icmp-error': {
      const out = new Uint8Array(ICMP_HEADER + l4.quoted.length);
      const view = new DataView(out.buffer);
      view.setUint8(0, l4.type);
      view.setUint8(1, l4.code);
      if (l4.mtu !== undefined) view.setUint16(6, l4.mtu); // RFC 1191: next-hop MTU
      out.set(l4.quoted, ICMP_HEADER);
      view.setUint16(2, internetChecksum(view, 0, out.length, 0));
      return out;
    }
    case 'udp': {
      const data = isVxlan(l4.data) ? encodeVxlan(l4.data.vni, encodeFrame(l4.data.inner)) : l4.data;
      const out = new Uint8Array(UDP_HEADER + data.length);
      const view = new DataView(out.buffer);
      view.setUint16(0, l4.sport);
      view.setUint16(2, l4.dport);
      view.setUint16(4, out.length);
      out.set(data, UDP_HEADER);
      if (l4.checksum) {
        const sum = internetChecksum(view, 0, out.length, pseudoHeaderSum(src, dst, 17, out.length));
        view.setUint16(6, sum === 0 ? 0xffff : sum); // 0 means "no checksum": send all ones instead
      }
      return out;
    }
    case 'tcp': {
      const out = new Uint8Array(TCP_HEADER + l4.data.length);
      const view = new DataView(out.buffer);
      view.setUint16(0, l4.sport);
      view.setUint16(2, l4.dport);
      view.setUint32(4, l4.seq >>> 0);
      view.setUint32(8, l4.ack >>> 0);
      view.setUint8(12, (TCP_HEADER / 4) << 4); // Data Offset in 32-bit words, no options
      view.setUint8(13, l4.flags);
      view.setUint16(14, l4.window);
      out.set(l4.data, TCP_HEADER);
      view.setUint16(16, internetChecksum(view, 0, out.length, pseudoHeaderSum(src, dst, 6, out.length)));
      return out;
    }
  }
}

function encodeVxlan(vni: number, inner: Uint8Array): Uint8Array {
  const out = new Uint8Array(VXLAN_HEADER + inner.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, 0x08); // flags: I (VNI valid)
  view.setUint32(4, (vni << 8) >>> 0); // VNI, then a reserved byte
  out.set(inner, VXLAN_HEADER);
  return out;
}

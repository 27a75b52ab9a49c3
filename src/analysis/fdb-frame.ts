// What the FDB engine reads of a frame: link-layer source and destination, VLAN,
// SLL packet type, and a small signature of the payload that recognises the same
// frame captured on several interfaces at the same instant (the ingress port and the
// bridge device share the kernel timestamp of the skb). Filled into a reused object.

import {
  ArpLayer, EthLayer, IcmpLayer, Icmpv6Layer, Ipv4Layer, Ipv6Layer, LayerKind, SllLayer, TcpLayer, UdpLayer, VlanLayer, VxlanLayer, type LayerList,
} from '../decode/index.js';

export class Observation {
  src = 0;
  /** Destination MAC, -1 when the capture does not have it (SLL/SLL2). */
  dst = -1;
  /** VLAN id of the first tag, 0 when untagged (or priority-tagged). */
  vlan = 0;
  /** SLL packet type (0 host, 1 broadcast, 2 multicast, 3 otherhost, 4 outgoing), -1 for Ethernet. */
  pkttype = -1;
  sll = false;
  /** EtherType after any VLAN tags. */
  etype = 0;
  /** Index of the first layer after the link layer and its tags. */
  next = 0;
  /** Payload signature (see signature()); computed on demand by withSignature(). */
  sig = 0;
  sigReady = false;

  copyFrom(o: Observation): void {
    this.src = o.src; this.dst = o.dst; this.vlan = o.vlan; this.pkttype = o.pkttype;
    this.sll = o.sll; this.etype = o.etype; this.next = o.next; this.sig = o.sig; this.sigReady = o.sigReady;
  }
}

/** The observation with its signature computed (`list` must be the frame it was read from). */
export function withSignature(list: LayerList, o: Observation): Observation {
  if (!o.sigReady) {
    o.sig = signature(list, o.next, o.etype);
    o.sigReady = true;
  }
  return o;
}

/** Reads the link layer at `at` (Ethernet, or SLL with a 6-byte Ethernet address). False when there is none. */
export function readLink(list: LayerList, at: number, o: Observation): boolean {
  if (at >= list.count) return false;
  // The kinds byte says the class, and the casts keep the field loads below monomorphic (a
  // `proto` test, or instanceof on the layer after the link, would see every layer class).
  const kinds = list.kinds;
  const kind = kinds[at];
  if (kind === LayerKind.Eth) {
    const l = list.items[at] as EthLayer;
    o.src = l.src; o.dst = l.dst; o.etype = l.type; o.pkttype = -1; o.sll = false;
  } else if (kind === LayerKind.Sll) {
    const l = list.items[at] as SllLayer;
    if (l.halen !== 6 || l.hatype !== 1) return false; // ARPHRD_ETHER only
    o.src = l.src; o.dst = -1; o.etype = l.type; o.pkttype = l.pkttype; o.sll = true;
  } else return false;
  let i = at + 1;
  o.vlan = 0;
  for (; i < list.count && kinds[i] === LayerKind.Vlan; i++) {
    const v = list.items[i] as VlanLayer;
    if (i === at + 1) o.vlan = v.id;
    o.etype = v.type;
  }
  o.next = i;
  o.sigReady = false;
  return true;
}

function mix(h: number, v: number): number {
  return Math.imul(h ^ (v | 0), 0x01000193);
}

/** FNV-style hash of the fields that tell one frame from another of the same source at the same instant. */
function signature(list: LayerList, at: number, etype: number): number {
  let h = mix(0x811c9dc5, etype);
  if (at >= list.count) return h >>> 0;
  const l = list.items[at];
  // The layer after a fragment depends on the decoder's reassembly state, which is
  // not the same for every copy: only whole datagrams add their transport checksum.
  let whole = true;
  if (l instanceof Ipv4Layer) {
    h = mix(mix(mix(h, l.id), l.totalLength), l.checksum);
    h = mix(mix(mix(h, l.src), l.dst), l.fragOffset);
    whole = !l.mf && l.fragOffset === 0 && !l.reassembled;
  } else if (l instanceof Ipv6Layer) {
    h = mix(mix(mix(h, l.payloadLength), l.flowLabel), l.next);
    h = mix(mix(mix(h, l.src3), l.dst3), l.fragOffset);
    whole = l.fragId < 0;
  } else if (l instanceof ArpLayer) {
    h = mix(mix(mix(h, l.op), l.spa), l.tpa);
    h = mix(h, l.tha % 0x1000000);
  }
  if (whole && at + 1 < list.count) {
    const u = list.items[at + 1];
    if (u instanceof UdpLayer) h = mix(h, u.checksum);
    else if (u instanceof IcmpLayer || u instanceof Icmpv6Layer) h = mix(h, u.checksum);
    else if (u instanceof TcpLayer) h = mix(mix(h, u.seq), u.ack);
  }
  return h >>> 0;
}

/** Index of a VXLAN layer with an Ethernet frame inside, preceded by UDP over IPv4; -1 when none. */
export function findVxlan(list: LayerList, from: number): number {
  if ((list.has & (1 << LayerKind.Vxlan)) === 0) return -1;
  for (let i = from + 2; i + 1 < list.count; i++) {
    if (!(list.items[i] instanceof VxlanLayer)) continue;
    if (!(list.items[i - 1] instanceof UdpLayer) || !(list.items[i - 2] instanceof Ipv4Layer) || !(list.items[i + 1] instanceof EthLayer)) return -1;
    return i;
  }
  return -1;
}

export const BROADCAST = 0xffffffffffff;

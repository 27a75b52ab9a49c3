// VXLAN (RFC 7348) as the Linux vxlan driver does it. Sending: with `proxy`, an ARP
// request is answered locally from the device's neighbour entries and never leaves;
// otherwise the inner destination MAC is looked up (programmed and learned entries),
// and broadcast, multicast and unknown unicast go to every flood (all-zero MAC) entry;
// with no entry the frame is dropped. The outer packet: UDP to the VNI's port, source
// port from a hash of the inner flow, checksum 0 (`udpcsum` is off by default), IPv4
// TTL 64 and DF clear (the driver's default `df unset`), so an outer packet larger than
// the underlay's MTU leaves in IPv4 fragments. Bridged PMTU discovery (Linux >= 5.9,
// skb_tunnel_check_pmtu): an inner IPv4 packet with DF (and nothing else) in its
// fragment field that does not fit the underlay MTU less the 50 bytes of encapsulation
// is dropped, and an ICMP fragmentation needed is injected back into the bridge as if
// from its destination. Receiving: learn inner source MAC -> outer source IP (with
// `learning`), then the inner frame enters the bridge.

import { isGroupMac } from '../decode/addr.js';
import { STACK_NS } from './clock.js';
import type { DataPath } from './datapath.js';
import { ICMP_QUOTE_MAX } from './endpoints.js';
import { fnv1a } from './nat.js';
import { encodeIpv4, ipv4Length } from './packet-encode.js';
import type { EthFrame, Ip, Ipv4Packet, UdpDatagram, VxlanPayload } from './packet-types.js';
import { ipOutput, lookupRoute } from './stack.js';
import type { Device, Ns } from './world.js';

/** Outer IPv4 (20), UDP (8), VXLAN (8) and inner Ethernet (14) header bytes. */
const VXLAN_HEADROOM = 50;
/** iptunnel_pmtud_check_icmp() stays quiet below IPv4's minimum reassembly size. */
const MIN_PMTUD_MTU = 576;

/** Linux's default ip_local_port_range, which the driver uses for source ports. */
const PORT_MIN = 32768;
const PORT_MAX = 60999;

export function vxlanXmit(dp: DataPath, dev: Device, frame: EthFrame, t: number): void {
  const vx = dev.vxlan;
  if (vx === null) return;
  const body = frame.body;
  if (vx.spec.proxy && body.kind === 'arp') {
    // arp_reduce(): a request for a known neighbour is answered as if from the remote side
    const mac = body.oper === 1 ? vx.neigh.get(body.tpa) : undefined;
    if (mac !== undefined) {
      const reply: EthFrame = { dst: body.sha, src: mac, body: { kind: 'arp', oper: 2, sha: mac, spa: body.tpa, tha: body.sha, tpa: body.spa } };
      dp.clock.at(t + STACK_NS, () => dp.receive(dev, reply, t + STACK_NS));
    }
    return;
  }
  const known = isGroupMac(frame.dst) ? undefined : vx.fdb.get(frame.dst);
  const vteps = known !== undefined ? [known] : vx.spec.remotes;
  const sport = sourcePort(frame);
  for (const vtep of vteps) {
    if (tooBigForTunnel(dp, dev, vtep, frame, t)) continue;
    const outer: Ipv4Packet = {
      kind: 'ipv4', src: vx.spec.local, dst: vtep, ttl: 64, id: dev.ns.nextIpId(), df: false,
      l4: { proto: 'udp', sport, dport: vx.spec.port, checksum: false, data: { vni: vx.spec.vni, inner: frame } },
    };
    dp.clock.at(t + STACK_NS, () => {
      if (!ipOutput(dp, dev.ns, outer, t + STACK_NS)) dp.notes.push(`${dev.ns.name}: no route to VTEP for ${dev.name}.`);
    });
  }
}

/** Bridged PMTU discovery: true when the frame was dropped and an ICMP 3/4 injected into the bridge instead. */
function tooBigForTunnel(dp: DataPath, dev: Device, vtep: Ip, frame: EthFrame, t: number): boolean {
  const inner = frame.body;
  if (inner.kind !== 'ipv4' || !inner.df || inner.frag !== undefined) return false;
  const mtu = (lookupRoute(dev.ns, vtep)?.dev.mtu ?? 1500) - VXLAN_HEADROOM;
  if (mtu < MIN_PMTUD_MTU || ipv4Length(inner) <= mtu) return false;
  // iptunnel_pmtud_build_icmp(): addresses and MACs swapped, TTL 64, DF, identification 0
  const icmp: Ipv4Packet = {
    kind: 'ipv4', src: inner.dst, dst: inner.src, ttl: 64, id: 0, df: true,
    l4: { proto: 'icmp-error', type: 3, code: 4, mtu, quoted: encodeIpv4(inner).subarray(0, ICMP_QUOTE_MAX) },
  };
  const reply: EthFrame = { dst: frame.src, src: frame.dst, body: icmp };
  dp.clock.at(t + STACK_NS, () => dp.receive(dev, reply, t + STACK_NS));
  return true;
}

/** Decapsulates a datagram for one of the namespace's VXLAN devices; false when it is not one. */
export function vxlanReceive(dp: DataPath, ns: Ns, packet: Ipv4Packet, udp: UdpDatagram, t: number): boolean {
  if (udp.data instanceof Uint8Array) return false;
  const payload: VxlanPayload = udp.data;
  const dev = ns.devices.find((d) => d.vxlan !== null && d.vxlan.spec.port === udp.dport && d.vxlan.spec.vni === payload.vni
    && d.vxlan.spec.local === packet.dst);
  if (dev === undefined || dev.vxlan === null) return false;
  if (dev.vxlan.spec.learning && !isGroupMac(payload.inner.src)) dev.vxlan.fdb.set(payload.inner.src, packet.src);
  dp.receive(dev, payload.inner, t);
  return true;
}

/**
 * udp_flow_src_port(): min + (hash × (max − min)) >> 32, over the inner flow. Linux's
 * hash is symmetric (both directions of a flow get the same port, as the recordings
 * show) and seeded per boot; ours is FNV-1a of the sorted addresses and ports.
 */
export function sourcePort(frame: EthFrame): number {
  const body = frame.body;
  let a: Ip;
  let b: Ip;
  let ports = '';
  let proto = 'arp';
  if (body.kind === 'arp') {
    [a, b] = [body.spa, body.tpa];
  } else {
    [a, b] = [body.src, body.dst];
    proto = body.l4.proto === 'icmp-error' ? 'icmp' : body.l4.proto;
    if (body.l4.proto === 'udp' || body.l4.proto === 'tcp') {
      const [p, q] = [body.l4.sport, body.l4.dport].sort((x, y) => x - y);
      ports = ` ${p} ${q}`;
    }
  }
  const [lo, hi] = a < b ? [a, b] : [b, a];
  const hash = fnv1a(`${proto} ${lo} ${hi}${ports}`);
  return PORT_MIN + Math.floor((hash * (PORT_MAX - PORT_MIN)) / 2 ** 32);
}

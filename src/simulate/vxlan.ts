// VXLAN (RFC 7348) as the Linux vxlan driver does it. Sending: with `proxy`, an ARP
// request is answered locally from the device's neighbour entries and never leaves;
// otherwise the inner destination MAC is looked up (programmed and learned entries),
// and broadcast, multicast and unknown unicast go to every flood (all-zero MAC) entry;
// with no entry the frame is dropped. The outer packet: UDP to the VNI's port, source
// port from a hash of the inner flow, checksum 0 (`udpcsum` is off by default), IPv4
// TTL 64 and DF clear (the driver's default `df unset`). Receiving: learn inner source
// MAC -> outer source IP (with `learning`), then the inner frame enters the bridge.

import { isGroupMac } from '../decode/addr.js';
import { STACK_NS } from './clock.js';
import type { DataPath } from './datapath.js';
import { fnv1a } from './nat.js';
import type { EthFrame, Ip, Ipv4Packet, UdpDatagram, VxlanPayload } from './packet-types.js';
import { ipOutput } from './stack.js';
import type { Device, Ns } from './world.js';

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
    const outer: Ipv4Packet = {
      kind: 'ipv4', src: vx.spec.local, dst: vtep, ttl: 64, id: dev.ns.nextIpId(), df: false,
      l4: { proto: 'udp', sport, dport: vx.spec.port, checksum: false, data: { vni: vx.spec.vni, inner: frame } },
    };
    dp.clock.at(t + STACK_NS, () => {
      if (!ipOutput(dp, dev.ns, outer, t + STACK_NS)) dp.notes.push(`${dev.ns.name}: no route to VTEP for ${dev.name}.`);
    });
  }
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

// Layer 3 of a namespace: ARP (answer requests for our addresses, cache the sender,
// resolve next hops and hold packets until the reply comes: a cached neighbour needs
// no ARP the second time), IPv4 input (local delivery, or forwarding with TTL - 1 when
// the namespace forwards), conntrack/NAT on hosts (nat.ts), and the MTU: forwarding a
// packet too big for the next link sends ICMP fragmentation needed when it has DF and
// fragments it otherwise; a namespace's own packets are fragmented to the smaller of
// the link's MTU and the path MTU it learnt, unless the sender forbids it (`ping -M do`).

import { formatIpv4, isGroupMac } from '../decode/addr.js';
import { STACK_NS } from './clock.js';
import type { DataPath } from './datapath.js';
import { deliverLocal, ICMP_QUOTE_MAX } from './endpoints.js';
import { fragment, reassemble } from './fragments.js';
import { invert, tupleOf, withTuple, type Tuple } from './nat.js';
import { encodeIpv4, ipv4Length } from './packet-encode.js';
import { BROADCAST_MAC, type ArpPacket, type EthFrame, type Ip, type Ipv4Packet } from './packet-types.js';
import { inSubnet, type Device, type Ns, type Route } from './world.js';

export function nsInput(dp: DataPath, dev: Device, frame: EthFrame, t: number): void {
  const body = frame.body;
  if (body.kind === 'arp') {
    arpInput(dp, dev, body, t);
    return;
  }
  if (frame.dst !== dev.mac && !isGroupMac(frame.dst)) return; // not for us (PACKET_OTHERHOST)
  ipInput(dp, dev, body, t);
}

function arpInput(dp: DataPath, dev: Device, arp: ArpPacket, t: number): void {
  const ns = dev.ns;
  if (!dev.addresses.some((a) => a.ip === arp.tpa)) return;
  ns.neigh.set(arp.spa, arp.sha);
  if (arp.oper === 1) {
    const reply: ArpPacket = { kind: 'arp', oper: 2, sha: dev.mac, spa: arp.tpa, tha: arp.sha, tpa: arp.spa };
    dp.clock.at(t + STACK_NS, () => dp.xmit(dev, { dst: arp.sha, src: dev.mac, body: reply }, t + STACK_NS));
  }
  const waiting = ns.pending.get(arp.spa);
  if (waiting !== undefined) {
    ns.pending.delete(arp.spa);
    for (const packet of waiting) sendResolved(dp, dev, arp.sha, packet, t + STACK_NS);
  }
}

function ipInput(dp: DataPath, inDev: Device, packet: Ipv4Packet, t: number): void {
  const ns = inDev.ns;
  // conntrack needs whole datagrams (Linux's nf_defrag_ipv4): NAT hosts reassemble first
  // and fragment again on the way out; a plain router forwards fragments as they come
  if (packet.frag !== undefined && (ns.conntrack !== null || ns.ownsIp(packet.dst))) {
    const whole = reassemble(ns, packet);
    if (whole === null) return;
    packet = whole;
  }
  let fresh: Tuple | null = null;
  if (ns.conntrack !== null) {
    const tuple = tupleOf(packet);
    const hit = tuple === null ? undefined : ns.conntrack.lookup(tuple);
    if (hit !== undefined) {
      packet = withTuple(packet, invert(hit.dir === 'orig' ? hit.conn.reply : hit.conn.orig));
    } else if (tuple !== null) {
      fresh = tuple;
      packet = dnat(ns, inDev, packet);
    }
  }
  if (ns.ownsIp(packet.dst)) {
    if (fresh !== null && ns.conntrack !== null) ns.conntrack.add({ orig: fresh, reply: invert(tupleOf(packet) as Tuple) });
    dp.clock.at(t + STACK_NS, () => deliverLocal(dp, ns, packet, t + STACK_NS));
    return;
  }
  if (!ns.forwarding || packet.ttl <= 1) return;
  const route = lookupRoute(ns, packet.dst);
  if (route === null) return;
  if (packet.df && ipv4Length(packet) > route.dev.mtu) {
    fragmentationNeeded(dp, inDev, packet, route.dev.mtu, t);
    return;
  }
  packet = { ...packet, ttl: packet.ttl - 1 };
  if (fresh !== null && ns.conntrack !== null) {
    packet = masquerade(ns, route.dev, fresh, packet);
    ns.conntrack.add({ orig: fresh, reply: invert(tupleOf(packet) as Tuple) });
  }
  const limit = Math.min(route.dev.mtu, packet.fragMax ?? Infinity);
  const pieces = ipv4Length(packet) > limit ? fragment(packet, limit) : [packet];
  dp.clock.at(t + STACK_NS, () => {
    for (const piece of pieces) routeOut(dp, ns, route, piece, t + STACK_NS);
  });
}

/** ICMP 3/4 to the sender, from the address of the interface the packet came in on, quoting it as received. */
function fragmentationNeeded(dp: DataPath, inDev: Device, packet: Ipv4Packet, mtu: number, t: number): void {
  const ns = inDev.ns;
  const src = inDev.addresses[0]?.ip ?? sourceFor(ns, packet.src);
  if (src === null) return;
  const quoted = encodeIpv4(packet).subarray(0, ICMP_QUOTE_MAX);
  const error: Ipv4Packet = {
    kind: 'ipv4', src, dst: packet.src, ttl: 64, id: ns.nextIpId(), df: false, l4: { proto: 'icmp-error', type: 3, code: 4, mtu, quoted },
  };
  dp.clock.at(t + STACK_NS, () => ipOutput(dp, ns, error, t + STACK_NS));
}

/** Published ports: a new UDP/TCP connection to one of the host's addresses, from outside its bridges. */
function dnat(ns: Ns, inDev: Device, packet: Ipv4Packet): Ipv4Packet {
  const l4 = packet.l4;
  if (inDev.bridge !== null || (l4.proto !== 'udp' && l4.proto !== 'tcp') || !ns.ownsIp(packet.dst)) return packet;
  const rule = ns.publish.find((p) => p.proto === l4.proto && p.hostPort === l4.dport);
  if (rule === undefined) return packet;
  return { ...packet, dst: rule.target, l4: { ...l4, dport: rule.port } };
}

function masquerade(ns: Ns, outDev: Device, orig: Tuple, packet: Ipv4Packet): Ipv4Packet {
  const source = ns.devices.find((d) => d.bridge !== null && d.bridge.masquerade && d !== outDev
    && d.addresses.some((a) => inSubnet(packet.src, a.ip, a.prefix)));
  const uplinkAddress = outDev.addresses[0];
  if (source === undefined || uplinkAddress === undefined || ns.conntrack === null) return packet;
  const translated = { ...(tupleOf(packet) as Tuple), src: uplinkAddress.ip };
  const sport = ns.conntrack.freeSourcePort(orig, translated);
  return withTuple(packet, { ...translated, sport, dport: translated.proto === 'icmp' ? sport : translated.dport });
}

export function lookupRoute(ns: Ns, dst: Ip): Route | null {
  let best: Route | null = null;
  for (const route of ns.routes) {
    if (inSubnet(dst, route.net, route.prefix) && (best === null || route.prefix > best.prefix)) best = route;
  }
  return best;
}

/**
 * How a socket treats a packet larger than the path MTU (Linux's IP_MTU_DISCOVER, ping -M):
 * `want` (the default) fragments it, `do` refuses to send it (EMSGSIZE), `dont` never sets DF.
 */
export type PmtuDiscovery = 'want' | 'do' | 'dont';

/** Sends a packet the namespace originates (its source already chosen); false when there is no route. */
export function ipOutput(dp: DataPath, ns: Ns, packet: Ipv4Packet, t: number, discovery: PmtuDiscovery = 'want'): boolean {
  const route = lookupRoute(ns, packet.dst);
  if (route === null) return false;
  const mtu = Math.min(route.dev.mtu, ns.pmtu.get(packet.dst) ?? Infinity);
  const length = ipv4Length(packet);
  if (length <= mtu) {
    routeOut(dp, ns, route, packet, t);
  } else if (discovery === 'do') {
    dp.notes.push(`${ns.name}: a ${length}-byte packet to ${formatIpv4(packet.dst)} does not fit the path MTU ${mtu} and may not be fragmented: not sent (message too long).`);
  } else {
    for (const piece of fragment(packet, mtu)) routeOut(dp, ns, route, piece, t);
  }
  return true;
}

/** The source address a namespace uses toward `dst`, or null without a route. */
export function sourceFor(ns: Ns, dst: Ip): Ip | null {
  const route = lookupRoute(ns, dst);
  return route?.dev.addresses[0]?.ip ?? null;
}

function routeOut(dp: DataPath, ns: Ns, route: Route, packet: Ipv4Packet, t: number): void {
  const nextHop = route.via ?? packet.dst;
  const mac = ns.neigh.get(nextHop);
  if (mac !== undefined) {
    sendResolved(dp, route.dev, mac, packet, t);
    return;
  }
  const waiting = ns.pending.get(nextHop);
  if (waiting !== undefined) {
    waiting.push(packet);
    return;
  }
  ns.pending.set(nextHop, [packet]);
  const spa = route.dev.addresses[0]?.ip ?? 0;
  const request: ArpPacket = { kind: 'arp', oper: 1, sha: route.dev.mac, spa, tha: 0, tpa: nextHop };
  dp.xmit(route.dev, { dst: BROADCAST_MAC, src: route.dev.mac, body: request }, t);
}

function sendResolved(dp: DataPath, dev: Device, mac: number, packet: Ipv4Packet, t: number): void {
  dp.xmit(dev, { dst: mac, src: dev.mac, body: packet }, t);
}

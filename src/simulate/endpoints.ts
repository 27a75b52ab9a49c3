// What a namespace does with a packet for one of its own addresses: answer echo
// requests; UDP: decapsulate VXLAN, echo on a listening port, take replies to a --run
// command's socket, else ICMP port unreachable; TCP: a minimal exchange, enough to show
// the handshake and teardown through NAT (SYN, SYN-ACK, ACK, data, echoed data,
// FIN-ACK both ways, last ACK), or RST-ACK when nothing listens.

import type { DataPath } from './datapath.js';
import { encodeIpv4 } from './packet-encode.js';
import {
  TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type Ipv4Packet, type L4, type TcpSegment,
} from './packet-types.js';
import { ipOutput } from './stack.js';
import { vxlanReceive } from './vxlan.js';
import type { Ns, TcpConn } from './world.js';

/** RFC 1812: an ICMP error quotes as much of the datagram as fits in 576 bytes. */
export const ICMP_QUOTE_MAX = 576 - 20 - 8;
/** Linux's net.ipv4.route.min_pmtu: a smaller next-hop MTU is raised to it. */
const MIN_PMTU = 552;
const TCP_WINDOW = 64240;

export function reply(dp: DataPath, ns: Ns, to: Ipv4Packet, l4: L4, df: boolean, t: number): void {
  const packet: Ipv4Packet = { kind: 'ipv4', src: to.dst, dst: to.src, ttl: 64, id: ns.nextIpId(), df, l4 };
  ipOutput(dp, ns, packet, t);
}

export function deliverLocal(dp: DataPath, ns: Ns, packet: Ipv4Packet, t: number): void {
  const l4 = packet.l4;
  switch (l4.proto) {
    case 'icmp':
      // Linux sends echo replies without DF (as the recordings show)
      if (l4.type === 8) reply(dp, ns, packet, { ...l4, type: 0 }, false, t);
      return;
    case 'icmp-error':
      // fragmentation needed: remember the path MTU toward the quoted packet's destination
      if (l4.code === 4 && l4.mtu !== undefined && l4.quoted.length >= 20) {
        const view = new DataView(l4.quoted.buffer, l4.quoted.byteOffset, l4.quoted.byteLength);
        ns.pmtu.set(view.getUint32(16), Math.max(MIN_PMTU, l4.mtu));
      }
      return;
    case 'udp':
      if (vxlanReceive(dp, ns, packet, l4, t)) return;
      if (ns.udpClients.has(l4.dport)) return;
      if (ns.listen.some((l) => l.proto === 'udp' && l.port === l4.dport)) {
        reply(dp, ns, packet, { ...l4, sport: l4.dport, dport: l4.sport }, true, t);
      } else {
        const quoted = encodeIpv4(packet).subarray(0, ICMP_QUOTE_MAX);
        reply(dp, ns, packet, { proto: 'icmp-error', type: 3, code: 3, quoted }, false, t);
      }
      return;
    case 'tcp':
      tcpInput(dp, ns, packet, l4, t);
  }
}

function connKey(local: number, lport: number, remote: number, rport: number): string {
  return `${local}:${lport} ${remote}:${rport}`;
}

function segment(to: TcpSegment, flags: number, seq: number, ack: number, data: Uint8Array = new Uint8Array(0)): TcpSegment {
  return { proto: 'tcp', sport: to.dport, dport: to.sport, seq, ack, flags, window: TCP_WINDOW, data };
}

function tcpInput(dp: DataPath, ns: Ns, packet: Ipv4Packet, seg: TcpSegment, t: number): void {
  const key = connKey(packet.dst, seg.dport, packet.src, seg.sport);
  const conn = ns.tcp.get(key);
  const send = (s: TcpSegment, at = t): void => reply(dp, ns, packet, s, true, at);
  if (conn === undefined) {
    if ((seg.flags & (TCP_SYN | TCP_ACK)) !== TCP_SYN) return;
    if (!ns.listen.some((l) => l.proto === 'tcp' && l.port === seg.dport)) {
      send(segment(seg, TCP_RST | TCP_ACK, 0, (seg.seq + 1) >>> 0));
      return;
    }
    const isn = ns.nextIsn();
    ns.tcp.set(key, { role: 'server', sndNxt: (isn + 1) >>> 0, rcvNxt: (seg.seq + 1) >>> 0, data: new Uint8Array(0) });
    send(segment(seg, TCP_SYN | TCP_ACK, isn, (seg.seq + 1) >>> 0));
    return;
  }
  if (seg.flags & TCP_RST) {
    ns.tcp.delete(key);
    return;
  }
  if (conn.role === 'client') clientSegment(conn, seg, send);
  else serverSegment(conn, seg, send);
  if (seg.flags & TCP_FIN && conn.role === 'client') ns.tcp.delete(key);
}

function clientSegment(conn: TcpConn, seg: TcpSegment, send: (s: TcpSegment, at?: number) => void): void {
  if ((seg.flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) {
    conn.rcvNxt = (seg.seq + 1) >>> 0;
    send(segment(seg, TCP_ACK, conn.sndNxt, conn.rcvNxt));
    send(segment(seg, TCP_PSH | TCP_ACK, conn.sndNxt, conn.rcvNxt, conn.data));
    conn.sndNxt = (conn.sndNxt + conn.data.length) >>> 0;
  } else if (seg.flags & TCP_FIN) {
    conn.rcvNxt = (conn.rcvNxt + seg.data.length + 1) >>> 0;
    send(segment(seg, TCP_ACK, conn.sndNxt, conn.rcvNxt));
  } else if (seg.data.length > 0) {
    // the echo came back: close our side
    conn.rcvNxt = (conn.rcvNxt + seg.data.length) >>> 0;
    send(segment(seg, TCP_FIN | TCP_ACK, conn.sndNxt, conn.rcvNxt));
    conn.sndNxt = (conn.sndNxt + 1) >>> 0;
  }
}

function serverSegment(conn: TcpConn, seg: TcpSegment, send: (s: TcpSegment, at?: number) => void): void {
  if (seg.data.length > 0) {
    conn.rcvNxt = (conn.rcvNxt + seg.data.length) >>> 0;
    send(segment(seg, TCP_PSH | TCP_ACK, conn.sndNxt, conn.rcvNxt, seg.data));
    conn.sndNxt = (conn.sndNxt + seg.data.length) >>> 0;
  }
  if (seg.flags & TCP_FIN) {
    conn.rcvNxt = (conn.rcvNxt + 1) >>> 0;
    send(segment(seg, TCP_FIN | TCP_ACK, conn.sndNxt, conn.rcvNxt));
    conn.sndNxt = (conn.sndNxt + 1) >>> 0;
  }
}

/** Opens a client connection and sends its SYN; the rest follows from the replies. */
export function tcpConnect(dp: DataPath, ns: Ns, src: number, sport: number, dst: number, dport: number, data: Uint8Array, t: number): boolean {
  const isn = ns.nextIsn();
  ns.tcp.set(connKey(src, sport, dst, dport), { role: 'client', sndNxt: (isn + 1) >>> 0, rcvNxt: 0, data });
  const syn: TcpSegment = { proto: 'tcp', sport, dport, seq: isn, ack: 0, flags: TCP_SYN, window: TCP_WINDOW, data: new Uint8Array(0) };
  return ipOutput(dp, ns, { kind: 'ipv4', src, dst, ttl: 64, id: ns.nextIpId(), df: true, l4: syn }, t);
}

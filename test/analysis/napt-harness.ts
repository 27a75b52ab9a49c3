// Hand-built NAT traffic for the NaptEngine tests: a harness that decodes frames and
// steps an engine, and builders for packets seen inside (docker0) and outside (eth0).
import { NaptEngine } from '../../src/analysis/napt.js';
import type { AnalysisFrame, Change, Engine, EngineOptions } from '../../src/analysis/types.js';
import { FrameDecoder } from '../../src/decode/index.js';
import { Topology } from '../../src/topology/model.js';
import { bytes, eth, icmpEcho, ipv4, udp } from '../helpers/build.js';

export const OPTIONS: EngineOptions = { topology: Topology.empty(), ageingSeconds: 300, vxlanPorts: [4789] };
export const T0 = 1_700_000_000_000; // ms

export interface Side {
  ifaceId: number;
  iface: string | null;
}
export const INSIDE: Side = { ifaceId: 0, iface: 'docker0' };
export const OUTSIDE: Side = { ifaceId: 1, iface: 'eth0' };

/** Decodes frames and steps an engine, numbering frames 1, 2, ... */
export class Harness {
  readonly decoder = new FrameDecoder();
  readonly events: Change[] = [];
  no = 0;
  constructor(readonly engine: Engine) {}
  push(data: Uint8Array, side: Side, at: number, o: { linkType?: number; isCopy?: boolean } = {}): Change[] {
    const ms = T0 + at;
    const tsSec = Math.floor(ms / 1000);
    const tsNsec = Math.round((ms - tsSec * 1000) * 1e6);
    const d = this.decoder.decode({ data, start: 0, end: data.length, origLen: data.length, tsSec, direction: null, iface: { id: side.ifaceId, linkType: o.linkType ?? 1 } });
    const no = ++this.no;
    const frame: AnalysisFrame = {
      no, tsSec, tsNsec, ifaceId: side.ifaceId, iface: side.iface, ifindex: d.ifindex, direction: d.direction, layers: d.layers,
      copy: { firstNo: no, firstIface: side.iface, isCopy: o.isCopy ?? false },
    };
    const out: Change[] = [];
    this.engine.step(frame, out);
    this.events.push(...out);
    return out;
  }
}

export const C1 = '172.17.0.2';
export const C2 = '172.17.0.3';
export const HOST = '198.51.100.2';
export const WAN = '198.51.100.1';
export const GW_IN = '172.17.0.1';
export const M_C1 = '02:42:ac:11:00:02';
export const M_C2 = '02:42:ac:11:00:03';
export const M_BR = '02:42:5e:00:00:01';
export const M_HOST = '72:85:dd:fe:cb:3b';
export const M_WAN = '2e:c7:ce:3e:62:08';

export const u16 = (n: number) => [(n >>> 8) & 0xff, n & 0xff];
export const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
export const TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10;
export function tcp(sport: number, dport: number, seq: number, ack: number, flags: number, payload = new Uint8Array(0)): Uint8Array {
  return bytes(u16(sport), u16(dport), u32(seq), u32(ack), [0x50, flags], u16(65535), [0, 0, 0, 0], payload);
}

export interface Pkt {
  src: string;
  dst: string;
  ttl: number;
  id: number;
}
/** An Ethernet frame with an IPv4 packet; the MACs follow the side the packet is on. */
export function frameOn(side: Side, p: Pkt, protocol: number, payload: Uint8Array): Uint8Array {
  const inside = side === INSIDE;
  const fromInside = p.src.startsWith('172.17.');
  const srcMac = inside ? (fromInside ? (p.src === C2 ? M_C2 : M_C1) : M_BR) : (p.src === WAN ? M_WAN : M_HOST);
  const dstMac = inside ? (fromInside ? M_BR : (p.dst === C2 ? M_C2 : M_C1)) : (p.dst === WAN ? M_WAN : M_HOST);
  return eth(dstMac, srcMac, 0x0800, ipv4({ src: p.src, dst: p.dst, protocol, ttl: p.ttl, id: p.id }, payload));
}
export const udpOn = (side: Side, p: Pkt, sport: number, dport: number, len = 8) => frameOn(side, p, 17, udp(sport, dport, new Uint8Array(len)));
export const tcpOn = (side: Side, p: Pkt, sport: number, dport: number, seq: number, ack: number, flags: number, len = 0) =>
  frameOn(side, p, 6, tcp(sport, dport, seq, ack, flags, new Uint8Array(len)));
export const echoOn = (side: Side, p: Pkt, type: 0 | 8, id: number, seq: number) => frameOn(side, p, 1, icmpEcho(type, id, seq, new Uint8Array(56)));

export type Row = {
  proto: string; type: string; original: Record<string, unknown>; reply: Record<string, unknown>;
  inside: string | null; outside: string | null; firstFrame: number; lastFrame: number; packets: { original: number; reply: number };
};
export const rows = (engine: NaptEngine) => engine.report() as Row[];
export const kinds = (events: Change[]) => events.map((e) => e.kind);

/** One UDP exchange through MASQUERADE: c:sport -> WAN:dport leaves as HOST:mapped, and the answer comes back. */
export function udpExchange(h: Harness, at: number, c: string, sport: number, mapped: number, ids: [number, number], dport = 7): void {
  h.push(udpOn(INSIDE, { src: c, dst: WAN, ttl: 64, id: ids[0] }, sport, dport), INSIDE, at);
  h.push(udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: ids[0] }, mapped, dport), OUTSIDE, at + 0.2);
  h.push(udpOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: ids[1] }, dport, mapped), OUTSIDE, at + 1);
  h.push(udpOn(INSIDE, { src: WAN, dst: c, ttl: 63, id: ids[1] }, dport, sport), INSIDE, at + 1.1);
}

// IPv4 fragmentation and reassembly (RFC 791), as Linux does them: a datagram larger
// than the MTU leaves as fragments whose payloads are multiples of 8 bytes but the
// last (1500-byte packet at MTU 1450: 1424 + 56 bytes of payload); a receiver keeps the
// fragments of each datagram (source, destination, protocol, identification) until it
// holds them all, then delivers the datagram whole.

import { encodeIpv4Payload, PROTOCOL } from './packet-encode.js';
import type { Ipv4Packet } from './packet-types.js';
import type { Ns } from './world.js';

const IPV4_HEADER = 20;

/** The fragments of `packet` (itself possibly a fragment being split again) for a link of `mtu` bytes. */
export function fragment(packet: Ipv4Packet, mtu: number): Ipv4Packet[] {
  const whole = packet.frag?.whole ?? { ...packet, fragMax: undefined };
  const bytes = packet.frag?.payload ?? encodeIpv4Payload(packet);
  const base = packet.frag?.offset ?? 0;
  const lastMf = packet.frag?.mf ?? false;
  const chunk = Math.floor((mtu - IPV4_HEADER) / 8) * 8;
  const out: Ipv4Packet[] = [];
  for (let at = 0; at < bytes.length; at += chunk) {
    const end = Math.min(at + chunk, bytes.length);
    out.push({
      ...packet, df: false,
      frag: { offset: base + at, mf: end < bytes.length || lastMf, payload: bytes.subarray(at, end), whole },
    });
  }
  return out;
}

function datagramKey(p: Ipv4Packet): string {
  return `${p.src} ${p.dst} ${PROTOCOL[p.l4.proto]} ${p.id}`;
}

/** Keeps a fragment; returns the whole datagram once every byte of it has arrived, else null. */
export function reassemble(ns: Ns, piece: Ipv4Packet): Ipv4Packet | null {
  const frag = piece.frag;
  if (frag === undefined) return piece;
  const key = datagramKey(piece);
  const held = ns.reassembly.get(key) ?? [];
  held.push(piece);
  ns.reassembly.set(key, held);
  const sorted = held.map((p) => p.frag as NonNullable<Ipv4Packet['frag']>).sort((a, b) => a.offset - b.offset);
  let covered = 0;
  for (const f of sorted) {
    if (f.offset > covered) return null; // a hole
    covered = Math.max(covered, f.offset + f.payload.length);
    if (!f.mf) {
      ns.reassembly.delete(key);
      const fragMax = IPV4_HEADER + Math.max(...sorted.map((s) => s.payload.length));
      return { ...frag.whole, ttl: piece.ttl, fragMax };
    }
  }
  return null;
}

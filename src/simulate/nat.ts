// Conntrack and NAT on a host: every connection crossing the host gets an entry with
// its original and reply tuples; published ports DNAT new inbound connections (as
// Docker's PREROUTING rules), MASQUERADE rewrites the source of new outbound ones from
// a masqueraded bridge subnet to the uplink's address (as `-s SUBNET ! -o BRIDGE`).
//
// Source port choice (documented in docs/simulate.md): keep the original source port
// (ICMP: echo identifier) when no entry holds the resulting reply tuple; otherwise try
// 1024 + FNV-1a(original tuple) mod 64512 and count up, wrapping within 1024-65535
// (ICMP identifiers: within 0-65535), until the reply tuple is free. Linux also starts
// from a hash but seeds it randomly per boot, so the remapped values differ from it.

import type { Ip, Ipv4Packet } from './packet-types.js';

export interface Tuple {
  readonly proto: 'icmp' | 'udp' | 'tcp';
  readonly src: Ip;
  readonly dst: Ip;
  /** Source port, or the ICMP echo identifier. */
  readonly sport: number;
  /** Destination port, or the ICMP echo identifier again. */
  readonly dport: number;
}

export interface Conn {
  readonly orig: Tuple;
  readonly reply: Tuple;
}

export function tupleOf(packet: Ipv4Packet): Tuple | null {
  const l4 = packet.l4;
  if (l4.proto === 'icmp') return { proto: 'icmp', src: packet.src, dst: packet.dst, sport: l4.id, dport: l4.id };
  if (l4.proto === 'udp' || l4.proto === 'tcp') return { proto: l4.proto, src: packet.src, dst: packet.dst, sport: l4.sport, dport: l4.dport };
  return null; // ICMP errors are not translated (see docs/simulate.md)
}

export function invert(t: Tuple): Tuple {
  return { proto: t.proto, src: t.dst, dst: t.src, sport: t.dport, dport: t.sport };
}

function key(t: Tuple): string {
  return `${t.proto} ${t.src}:${t.sport} ${t.dst}:${t.dport}`;
}

/** The packet with its addresses and ports (or echo identifier) set from a tuple. */
export function withTuple(packet: Ipv4Packet, t: Tuple): Ipv4Packet {
  const l4 = packet.l4;
  if (l4.proto === 'icmp') return { ...packet, src: t.src, dst: t.dst, l4: { ...l4, id: t.sport } };
  if (l4.proto === 'udp' || l4.proto === 'tcp') return { ...packet, src: t.src, dst: t.dst, l4: { ...l4, sport: t.sport, dport: t.dport } };
  return packet;
}

export class Conntrack {
  private readonly byTuple = new Map<string, { conn: Conn; dir: 'orig' | 'reply' }>();
  readonly conns: Conn[] = [];

  lookup(t: Tuple): { conn: Conn; dir: 'orig' | 'reply' } | undefined {
    return this.byTuple.get(key(t));
  }

  add(conn: Conn): void {
    this.conns.push(conn);
    this.byTuple.set(key(conn.orig), { conn, dir: 'orig' });
    this.byTuple.set(key(conn.reply), { conn, dir: 'reply' });
  }

  /** A source port (or ICMP id) for `translated` whose reply tuple no entry holds. */
  freeSourcePort(orig: Tuple, translated: Tuple): number {
    const taken = (port: number): boolean => this.byTuple.has(key(invert({ ...translated, sport: port, dport: translated.proto === 'icmp' ? port : translated.dport })));
    if (!taken(translated.sport)) return translated.sport;
    const [low, size] = orig.proto === 'icmp' ? [0, 65536] : [1024, 65536 - 1024];
    const start = fnv1a(key(orig)) % size;
    for (let i = 0; i < size; i++) {
      const port = low + ((start + i) % size);
      if (!taken(port)) return port;
    }
    return translated.sport; // every port taken: Linux drops the packet; keep it visible instead
  }
}

export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

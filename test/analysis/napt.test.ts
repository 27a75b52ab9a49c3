// NaptEngine on hand-built frames: SNAT/DNAT pairing, port and id collisions, ICMP
// errors mapped back, copies, expiry and reuse, ambiguity, determinism and clone.
import { describe, expect, it } from 'vitest';
import { NaptEngine } from '../../src/analysis/napt.js';
import { F_KEY, NONE, SightingWindow } from '../../src/analysis/napt-sightings.js';
import { Topology } from '../../src/topology/model.js';
import { bytes, eth, icmp, ipv4, sll2, udp } from '../helpers/build.js';
import {
  C1, C2, GW_IN, HOST, Harness, INSIDE, M_BR, M_C1, M_HOST, M_WAN, OPTIONS, OUTSIDE, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, WAN,
  echoOn, frameOn, kinds, rows, tcpOn, u16, u32, udpExchange, udpOn, type Pkt, type Row, type Side,
} from './napt-harness.js';

describe('NaptEngine SNAT (MASQUERADE)', () => {
  it('pairs a UDP packet seen inside and outside into a conntrack entry, counts the answer once', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    expect(h.push(udpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 100 }, 40000, 7), INSIDE, 0)).toEqual([]);
    const created = h.push(udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 100 }, 40000, 7), OUTSIDE, 0.2);
    expect(created).toEqual([{
      frame: 2, kind: 'nat.new', proto: 'udp', type: 'snat', translated: 'src',
      original: { src: C1, dst: WAN, sport: 40000, dport: 7 }, reply: { src: WAN, dst: HOST, sport: 7, dport: 40000 },
      inside: 'docker0', outside: 'eth0',
    }]);
    h.push(udpOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 200 }, 7, 40000), OUTSIDE, 1);
    h.push(udpOn(INSIDE, { src: WAN, dst: C1, ttl: 63, id: 200 }, 7, 40000), INSIDE, 1.1);
    expect(rows(engine)).toEqual([{
      proto: 'udp', type: 'snat', original: { src: C1, dst: WAN, sport: 40000, dport: 7 }, reply: { src: WAN, dst: HOST, sport: 7, dport: 40000 },
      inside: 'docker0', outside: 'eth0', firstFrame: 1, lastFrame: 4, packets: { original: 1, reply: 1 },
    }]);
    expect(kinds(h.events)).toEqual(['nat.new']); // the port was kept: no remap
    expect(engine.name).toBe('nat');
  });

  it('port collision: the second container\'s source port is remapped, each flow maps back to its container', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    udpExchange(h, 0, C1, 40000, 40000, [10, 11]);
    udpExchange(h, 1000, C2, 40000, 49383, [20, 21]);
    // A second datagram of each flow, after both exist, maps by tuple.
    udpExchange(h, 2000, C2, 40000, 49383, [22, 23]);
    udpExchange(h, 3000, C1, 40000, 40000, [12, 13]);
    expect(rows(engine).map((r) => [r.original, r.reply, r.packets])).toEqual([
      [{ src: C1, dst: WAN, sport: 40000, dport: 7 }, { src: WAN, dst: HOST, sport: 7, dport: 40000 }, { original: 2, reply: 2 }],
      [{ src: C2, dst: WAN, sport: 40000, dport: 7 }, { src: WAN, dst: HOST, sport: 7, dport: 49383 }, { original: 2, reply: 2 }],
    ]);
    const remap = h.events.filter((e) => e.kind === 'nat.remap');
    expect(remap).toEqual([{
      frame: 6, kind: 'nat.remap', proto: 'udp', original: { src: C2, dst: WAN, sport: 40000, dport: 7 },
      reply: { src: WAN, dst: HOST, sport: 7, dport: 49383 }, from: 40000, to: 49383,
    }]);
  });

  it('ICMP echo: the id is the port; a colliding id is remapped (nat.remap) and replies map back by id', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    for (let seq = 1; seq <= 2; seq++) {
      const at = seq * 1000;
      h.push(echoOn(INSIDE, { src: C2, dst: WAN, ttl: 64, id: 300 + seq }, 8, 4660, seq), INSIDE, at);
      h.push(echoOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 300 + seq }, 8, 4660, seq), OUTSIDE, at + 0.1);
      h.push(echoOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 400 + seq }, 8, 4660, seq), INSIDE, at + 1);
      h.push(echoOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 400 + seq }, 8, 37473, seq), OUTSIDE, at + 1.1);
      h.push(echoOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 500 + seq }, 0, 37473, seq), OUTSIDE, at + 2);
      h.push(echoOn(INSIDE, { src: WAN, dst: C1, ttl: 63, id: 500 + seq }, 0, 4660, seq), INSIDE, at + 2.1);
      h.push(echoOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 600 + seq }, 0, 4660, seq), OUTSIDE, at + 3);
      h.push(echoOn(INSIDE, { src: WAN, dst: C2, ttl: 63, id: 600 + seq }, 0, 4660, seq), INSIDE, at + 3.1);
    }
    expect(rows(engine).map((r) => [r.proto, r.original, r.reply, r.packets])).toEqual([
      ['icmp', { src: C2, dst: WAN, id: 4660 }, { src: WAN, dst: HOST, id: 4660 }, { original: 2, reply: 2 }],
      ['icmp', { src: C1, dst: WAN, id: 4660 }, { src: WAN, dst: HOST, id: 37473 }, { original: 2, reply: 2 }],
    ]);
    expect(h.events.filter((e) => e.kind === 'nat.remap').map((e) => [e.from, e.to])).toEqual([[4660, 37473]]);
  });

  it('decides pre/post translation by TTL, not by time: a post copy stamped first still gives the right tuples', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 7 }, 1024, 53), OUTSIDE, 0);
    h.push(udpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 7 }, 5353, 53), INSIDE, 0);
    expect(rows(engine)[0]).toMatchObject({
      original: { src: C1, dst: WAN, sport: 5353, dport: 53 }, reply: { src: WAN, dst: HOST, sport: 53, dport: 1024 },
      inside: 'docker0', outside: 'eth0', firstFrame: 1, lastFrame: 2,
    });
  });

  it('one connection, not two, when a copy is stamped before the packet that creates the entry (live capture, one session per side)', () => {
    // Measured with `dockshark capture -i docker0 -i eth0`: each interface and direction is its
    // own libpcap session, stamped on arrival, so the reply's inside copy (or the third
    // handshake packet) can be stamped before the request is seen outside. Its partner then
    // was recorded before the connection existed; the pair agrees with the connection and
    // must count in it, not start an identical second entry.
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(echoOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 1 }, 8, 4660, 1), INSIDE, 0);
    h.push(echoOn(INSIDE, { src: WAN, dst: C1, ttl: 63, id: 2 }, 0, 4660, 1), INSIDE, 0.1); // the reply, inside, stamped early
    h.push(echoOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 1 }, 8, 4660, 1), OUTSIDE, 0.2);
    h.push(echoOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 2 }, 0, 4660, 1), OUTSIDE, 0.3);
    h.push(tcpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 10 }, 45000, 80, 1000, 0, TCP_SYN), INSIDE, 1);
    h.push(tcpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 11 }, 45000, 80, 1001, 5001, TCP_ACK), INSIDE, 1.1); // third packet, stamped early
    h.push(tcpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 10 }, 45000, 80, 1000, 0, TCP_SYN), OUTSIDE, 1.2);
    h.push(tcpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 11 }, 45000, 80, 1001, 5001, TCP_ACK), OUTSIDE, 1.3);
    h.push(tcpOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 0 }, 80, 45000, 5000, 1001, TCP_SYN | TCP_ACK), OUTSIDE, 1.4);
    h.push(tcpOn(INSIDE, { src: WAN, dst: C1, ttl: 63, id: 0 }, 80, 45000, 5000, 1001, TCP_SYN | TCP_ACK), INSIDE, 1.5);
    expect(rows(engine).map((r) => [r.proto, r.original, r.reply, r.packets, r.firstFrame, r.lastFrame])).toEqual([
      ['icmp', { src: C1, dst: WAN, id: 4660 }, { src: WAN, dst: HOST, id: 4660 }, { original: 1, reply: 1 }, 1, 4],
      ['tcp', { src: C1, dst: WAN, sport: 45000, dport: 80 }, { src: WAN, dst: HOST, sport: 80, dport: 45000 }, { original: 2, reply: 1 }, 5, 10],
    ]);
    expect(kinds(h.events)).toEqual(['nat.new', 'nat.new']);
  });

  it('a flow first caught on its reply (capture started mid-flow) still gets conntrack\'s direction for ICMP and SYN-ACK', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(echoOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 9 }, 0, 999, 1), OUTSIDE, 0);
    h.push(echoOn(INSIDE, { src: WAN, dst: C1, ttl: 63, id: 9 }, 0, 77, 1), INSIDE, 0.1);
    h.push(tcpOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 0 }, 80, 2000, 555, 1001, TCP_SYN | TCP_ACK), OUTSIDE, 1);
    h.push(tcpOn(INSIDE, { src: WAN, dst: C1, ttl: 63, id: 0 }, 80, 45000, 555, 1001, TCP_SYN | TCP_ACK), INSIDE, 1.1);
    expect(rows(engine).map((r) => [r.original, r.reply, r.packets, r.inside])).toEqual([
      [{ src: C1, dst: WAN, id: 77 }, { src: WAN, dst: HOST, id: 999 }, { original: 0, reply: 1 }, 'docker0'],
      [{ src: C1, dst: WAN, sport: 45000, dport: 80 }, { src: WAN, dst: HOST, sport: 80, dport: 2000 }, { original: 0, reply: 1 }, 'docker0'],
    ]);
  });
});

describe('NaptEngine DNAT (published ports)', () => {
  it('rebuilds a TCP connection to host:8081 forwarded to container:80 and counts each packet once', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    const o = (id: number, ttl = 64) => ({ src: WAN, dst: HOST, ttl, id });
    const i = (id: number) => ({ src: WAN, dst: C1, ttl: 63, id });
    const ri = (id: number) => ({ src: C1, dst: WAN, ttl: 64, id });
    const ro = (id: number) => ({ src: HOST, dst: WAN, ttl: 63, id });
    let t = 0;
    const both = (a: Uint8Array, sa: Side, b: Uint8Array, sb: Side) => {
      h.push(a, sa, (t += 1));
      h.push(b, sb, (t += 0.05));
    };
    both(tcpOn(OUTSIDE, o(1), 58352, 8081, 100, 0, TCP_SYN), OUTSIDE, tcpOn(INSIDE, i(1), 58352, 80, 100, 0, TCP_SYN), INSIDE);
    expect(h.events[0]).toMatchObject({
      kind: 'nat.new', proto: 'tcp', type: 'dnat', translated: 'dst',
      original: { src: WAN, dst: HOST, sport: 58352, dport: 8081 }, reply: { src: C1, dst: WAN, sport: 80, dport: 58352 },
      inside: 'docker0', outside: 'eth0',
    });
    both(tcpOn(INSIDE, ri(0), 80, 58352, 900, 101, TCP_SYN | TCP_ACK), INSIDE, tcpOn(OUTSIDE, ro(0), 8081, 58352, 900, 101, TCP_SYN | TCP_ACK), OUTSIDE);
    both(tcpOn(OUTSIDE, o(2), 58352, 8081, 101, 901, TCP_ACK), OUTSIDE, tcpOn(INSIDE, i(2), 58352, 80, 101, 901, TCP_ACK), INSIDE);
    both(tcpOn(OUTSIDE, o(3), 58352, 8081, 101, 901, TCP_ACK | TCP_PSH, 12), OUTSIDE, tcpOn(INSIDE, i(3), 58352, 80, 101, 901, TCP_ACK | TCP_PSH, 12), INSIDE);
    // One packet only seen inside (the outside copy was lost): still counted, once.
    h.push(tcpOn(INSIDE, ri(5), 80, 58352, 901, 113, TCP_ACK | TCP_FIN), INSIDE, (t += 1));
    expect(rows(engine)).toEqual([{
      proto: 'tcp', type: 'dnat', original: { src: WAN, dst: HOST, sport: 58352, dport: 8081 }, reply: { src: C1, dst: WAN, sport: 80, dport: 58352 },
      inside: 'docker0', outside: 'eth0', firstFrame: 1, lastFrame: 9, packets: { original: 3, reply: 2 },
    }]);
    expect(kinds(h.events)).toEqual(['nat.new']);
  });

  it('hairpin NAT (DNAT and SNAT of one packet) is dnat with translated src+dst', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(udpOn(INSIDE, { src: C1, dst: HOST, ttl: 64, id: 42 }, 33000, 8080), INSIDE, 0);
    const out = h.push(udpOn(INSIDE, { src: GW_IN, dst: C2, ttl: 63, id: 42 }, 33000, 80), INSIDE, 0.1);
    expect(out[0]).toMatchObject({
      kind: 'nat.new', type: 'dnat', translated: 'src+dst',
      original: { src: C1, dst: HOST, sport: 33000, dport: 8080 }, reply: { src: C2, dst: GW_IN, sport: 80, dport: 33000 },
    });
  });
});

describe('NaptEngine ICMP errors', () => {
  /** A port unreachable from `from` to `to` quoting a UDP header src:sport -> dst:dport with IP id `qid`. */
  const unreachable = (side: Side, p: Pkt, q: { src: string; dst: string; sport: number; dport: number; qid: number }) =>
    frameOn(side, p, 1, icmp(3, 3, [0, 0, 0, 0], ipv4({ src: q.src, dst: q.dst, protocol: 17, ttl: 63, id: q.qid }, udp(q.sport, q.dport, new Uint8Array(8)))));

  it('maps an error quoting the translated header (outside) back to its connection, once for both copies', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    udpExchange(h, 0, C1, 40000, 40000, [10, 11]);
    udpExchange(h, 1000, C2, 40000, 49383, [20, 21]);
    h.push(udpOn(INSIDE, { src: C2, dst: WAN, ttl: 64, id: 22 }, 40000, 7), INSIDE, 2000);
    h.push(udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 22 }, 49383, 7), OUTSIDE, 2000.1);
    const outside = h.push(unreachable(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 77 }, { src: HOST, dst: WAN, sport: 49383, dport: 7, qid: 22 }), OUTSIDE, 2001);
    expect(outside).toEqual([{
      frame: 11, kind: 'nat.icmp-error', proto: 'udp', type: 'snat',
      original: { src: C2, dst: WAN, sport: 40000, dport: 7 }, reply: { src: WAN, dst: HOST, sport: 7, dport: 49383 },
      icmpType: 3, icmpCode: 3, from: WAN, to: HOST, quoted: 'original', translated: true, iface: 'eth0',
    }]);
    // The kernel rewrites the error for the inside: outer destination and quoted header.
    const inside = h.push(unreachable(INSIDE, { src: WAN, dst: C2, ttl: 63, id: 77 }, { src: C2, dst: WAN, sport: 40000, dport: 7, qid: 22 }), INSIDE, 2001.1);
    expect(inside).toEqual([]);
    // Errors do not count as packets of the flow.
    expect(rows(engine)[1].packets).toEqual({ original: 2, reply: 1 });
  });

  it('maps an error quoting a TCP header (8 bytes: ports and sequence only)', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(tcpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 5 }, 45000, 80, 1, 0, TCP_SYN), INSIDE, 0);
    h.push(tcpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 5 }, 17238, 80, 1, 0, TCP_SYN), OUTSIDE, 0.1);
    const quoted = bytes(ipv4({ src: HOST, dst: WAN, protocol: 6, ttl: 1, id: 5, totalLength: 40 }, new Uint8Array(0)), u16(17238), u16(80), u32(1));
    const err = h.push(frameOn(OUTSIDE, { src: '203.0.113.9', dst: HOST, ttl: 250, id: 1 }, 1, icmp(11, 0, [0, 0, 0, 0], quoted)), OUTSIDE, 1);
    expect(err).toMatchObject([{ kind: 'nat.icmp-error', proto: 'tcp', icmpType: 11, quoted: 'original', translated: true, original: { sport: 45000 } }]);
  });

  it('ignores errors quoting a flow that is not translated', () => {
    const h = new Harness(new NaptEngine(OPTIONS));
    expect(h.push(unreachable(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 1 }, { src: HOST, dst: WAN, sport: 5000, dport: 7, qid: 3 }), OUTSIDE, 0)).toEqual([]);
  });
});

describe('NaptEngine: what is not NAT', () => {
  it('a packet forwarded unchanged (routing between bridges) creates nothing', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    const p = { src: '172.18.0.2', dst: '172.19.0.2', id: 9 };
    h.push(frameOn(INSIDE, { ...p, ttl: 64 }, 17, udp(1000, 2000, new Uint8Array(8))), INSIDE, 0);
    h.push(frameOn(OUTSIDE, { ...p, ttl: 63 }, 17, udp(1000, 2000, new Uint8Array(8))), OUTSIDE, 0.1);
    expect(rows(engine)).toEqual([]);
    expect(h.events).toEqual([]);
  });

  it('different packets that only look alike are not paired: same TTL, other IP id, other length, too late', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(udpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 1 }, 40000, 7), INSIDE, 0);
    h.push(udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 64, id: 1 }, 40000, 7), OUTSIDE, 0.1); // same TTL: not forwarded
    h.push(udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 2 }, 40000, 7), OUTSIDE, 0.2); // other IP id
    h.push(udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 1 }, 40000, 7, 9), OUTSIDE, 0.3); // other length
    h.push(udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 1 }, 40000, 7), OUTSIDE, 500); // beyond the window
    expect(rows(engine)).toEqual([]);
  });

  it('both halves changed is only accepted when the invariant key is strong (TCP, or a non-zero IP id)', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(udpOn(INSIDE, { src: C1, dst: HOST, ttl: 64, id: 0 }, 33000, 8080), INSIDE, 0);
    h.push(udpOn(INSIDE, { src: GW_IN, dst: C2, ttl: 63, id: 0 }, 33000, 80), INSIDE, 0.1);
    expect(rows(engine)).toEqual([]);
  });

  it('one side alone shows no translation', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(udpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 1 }, 40000, 7), INSIDE, 0);
    h.push(udpOn(INSIDE, { src: WAN, dst: C1, ttl: 63, id: 2 }, 7, 40000), INSIDE, 1);
    expect(rows(engine)).toEqual([]);
  });

  it('ignores IPv4 fragments that do not complete a datagram', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    const frag = (side: Side, src: string, ttl: number) =>
      eth(M_BR, M_C1, 0x0800, ipv4({ src, dst: WAN, protocol: 17, ttl, id: 99, mf: true }, udp(40000, 7, new Uint8Array(16), 1000)));
    h.push(frag(INSIDE, C1, 64), INSIDE, 0);
    h.push(frag(OUTSIDE, HOST, 63), OUTSIDE, 0.1);
    expect(rows(engine)).toEqual([]);
  });
});

describe('NaptEngine copies', () => {
  it('skips frames marked as copies', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(udpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 1 }, 40000, 7), INSIDE, 0);
    h.push(udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 1 }, 40000, 7), OUTSIDE, 0.1, { isCopy: true });
    expect(rows(engine)).toEqual([]);
  });

  it('-i any: the veth and bridge copies of one packet (other SLL2 ifindex, same TTL) count once', () => {
    const engine = new NaptEngine({ ...OPTIONS, topology: new Topology([
      { ifindex: 2, name: 'docker0', kind: 'bridge', mac: null, master: null, mtu: 1500, vxlan: null },
      { ifindex: 3, name: 'vethc1', kind: 'veth', mac: null, master: 'docker0', mtu: 1500, vxlan: null },
      { ifindex: 5, name: 'eth0', kind: 'device', mac: null, master: null, mtu: 1500, vxlan: null },
    ]) });
    const h = new Harness(engine);
    const any = (ifindex: number, pkttype: number, mac: string, p: Pkt, sport: number, dport: number) =>
      sll2(0x0800, ifindex, pkttype, mac, ipv4({ src: p.src, dst: p.dst, protocol: 17, ttl: p.ttl, id: p.id }, udp(sport, dport, new Uint8Array(8))));
    const names: Record<number, string> = { 2: 'docker0', 3: 'vethc1', 5: 'eth0' };
    const push = (bytesIn: Uint8Array, ifindex: number, at: number) => h.push(bytesIn, { ifaceId: 0, iface: names[ifindex] }, at, { linkType: 276 });
    push(any(3, 0, M_C1, { src: C1, dst: WAN, ttl: 64, id: 1 }, 40000, 7), 3, 0);
    push(any(2, 0, M_C1, { src: C1, dst: WAN, ttl: 64, id: 1 }, 40000, 7), 2, 0);
    push(any(5, 4, M_HOST, { src: HOST, dst: WAN, ttl: 63, id: 1 }, 40000, 7), 5, 0.1);
    push(any(5, 0, M_WAN, { src: WAN, dst: HOST, ttl: 64, id: 2 }, 7, 40000), 5, 1);
    push(any(2, 4, M_BR, { src: WAN, dst: C1, ttl: 63, id: 2 }, 7, 40000), 2, 1.1);
    push(any(3, 4, M_BR, { src: WAN, dst: C1, ttl: 63, id: 2 }, 7, 40000), 3, 1.11);
    expect(rows(engine)).toEqual([{
      proto: 'udp', type: 'snat', original: { src: C1, dst: WAN, sport: 40000, dport: 7 }, reply: { src: WAN, dst: HOST, sport: 7, dport: 40000 },
      inside: 'docker0', outside: 'eth0', firstFrame: 1, lastFrame: 5, packets: { original: 1, reply: 1 },
    }]);
  });
});

describe('NaptEngine expiry, reuse and ambiguity', () => {
  it('after conntrack\'s UDP timeout the same inside tuple may get another mapping: a new entry, the old one kept in the report', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    udpExchange(h, 0, C1, 40000, 40000, [1, 2]);
    udpExchange(h, 31_000, C1, 40000, 1234, [3, 4]);
    expect(rows(engine).map((r) => [r.reply.dport, r.packets])).toEqual([[40000, { original: 1, reply: 1 }], [1234, { original: 1, reply: 1 }]]);
    expect(engine.activeCount).toBe(1);
  });

  it('a pair that disagrees with the mapping in force is authoritative (the old entry is retired)', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    udpExchange(h, 0, C1, 40000, 40000, [1, 2]);
    udpExchange(h, 5000, C1, 40000, 2222, [3, 4]); // within the timeout, but the outside copy says otherwise
    expect(rows(engine).map((r) => [r.reply.dport, r.packets])).toEqual([[40000, { original: 1, reply: 1 }], [2222, { original: 1, reply: 1 }]]);
    expect(kinds(h.events)).toEqual(['nat.new', 'nat.new', 'nat.remap']);
    expect(engine.activeCount).toBe(1);
  });

  it('UDP with IP id 0 (unconnected DF sockets): two look-alike packets pair by the kept port, oldest first', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(udpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 0 }, 5000, 53), INSIDE, 0);
    h.push(udpOn(INSIDE, { src: C2, dst: WAN, ttl: 64, id: 0 }, 6000, 53), INSIDE, 0.01);
    h.push(udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 0 }, 6000, 53), OUTSIDE, 0.1);
    h.push(udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 0 }, 5000, 53), OUTSIDE, 0.11);
    expect(rows(engine).map((r) => [r.original.src, r.reply.dport])).toEqual([[C2, 6000], [C1, 5000]]);
  });

  it('TCP: an entry reset by RST expires after 10 s, an established one is kept for days', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    const syn = (at: number, id: number, mapped: number) => {
      h.push(tcpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id }, 45000, 80, id * 1000, 0, TCP_SYN), INSIDE, at);
      h.push(tcpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id }, mapped, 80, id * 1000, 0, TCP_SYN), OUTSIDE, at + 0.1);
    };
    syn(0, 1, 45000);
    h.push(tcpOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 50 }, 80, 45000, 0, 1001, TCP_RST | TCP_ACK), OUTSIDE, 1);
    // 11 s later a packet of the old tuple seen on one side only no longer maps.
    h.push(tcpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 60 }, 45000, 80, 1001, 0, TCP_ACK), INSIDE, 12_000);
    expect(rows(engine)[0].packets).toEqual({ original: 1, reply: 1 });
    expect(engine.activeCount).toBe(0);

    const est = new NaptEngine(OPTIONS);
    const e = new Harness(est);
    e.push(tcpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 1 }, 45000, 80, 1000, 0, TCP_SYN), INSIDE, 0);
    e.push(tcpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 1 }, 45000, 80, 1000, 0, TCP_SYN), OUTSIDE, 0.1);
    e.push(tcpOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 0 }, 80, 45000, 7, 1001, TCP_SYN | TCP_ACK), OUTSIDE, 1);
    // An hour of silence, then a packet seen inside only: still the same connection.
    e.push(tcpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 2 }, 45000, 80, 1001, 8, TCP_ACK), INSIDE, 3_600_000);
    expect(rows(est)[0].packets).toEqual({ original: 2, reply: 1 });
    expect(est.activeCount).toBe(1);
  });
});

describe('NaptEngine determinism and clone', () => {
  /** A scripted capture: two UDP flows, a collision, an ICMP flow and an error. */
  function script(): [Uint8Array, Side, number][] {
    const f: [Uint8Array, Side, number][] = [];
    const ex = (at: number, c: string, sport: number, mapped: number, ids: [number, number]) => {
      f.push([udpOn(INSIDE, { src: c, dst: WAN, ttl: 64, id: ids[0] }, sport, 7), INSIDE, at]);
      f.push([udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: ids[0] }, mapped, 7), OUTSIDE, at + 0.2]);
      f.push([udpOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: ids[1] }, 7, mapped), OUTSIDE, at + 1]);
      f.push([udpOn(INSIDE, { src: WAN, dst: c, ttl: 63, id: ids[1] }, 7, sport), INSIDE, at + 1.1]);
    };
    ex(0, C1, 40000, 40000, [1, 2]);
    f.push([udpOn(INSIDE, { src: C2, dst: WAN, ttl: 64, id: 3 }, 40000, 7), INSIDE, 1000]); // clone point falls after this one
    f.push([udpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 3 }, 49383, 7), OUTSIDE, 1000.2]);
    f.push([udpOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 4 }, 7, 49383), OUTSIDE, 1001]);
    f.push([udpOn(INSIDE, { src: WAN, dst: C2, ttl: 63, id: 4 }, 7, 40000), INSIDE, 1001.1]);
    f.push([echoOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 5 }, 8, 4660, 1), INSIDE, 2000]);
    f.push([echoOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 5 }, 8, 4660, 1), OUTSIDE, 2000.1]);
    ex(3000, C1, 40000, 40000, [6, 7]);
    return f;
  }

  it('the same frames give the same report and the same changes', () => {
    const run = () => {
      const engine = new NaptEngine(OPTIONS);
      const h = new Harness(engine);
      for (const [b, side, at] of script()) h.push(b, side, at);
      return { report: engine.report(), events: h.events };
    };
    const a = run();
    expect(a).toEqual(run());
    expect((a.report as Row[]).length).toBe(3);
  });

  it('a clone taken mid-flow (a packet waiting for its other-side copy) continues identically and independently', () => {
    const frames = script();
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    const cut = 5; // after C2's inside packet, before its outside copy
    for (const [b, side, at] of frames.slice(0, cut)) h.push(b, side, at);
    const clone = engine.clone();
    const before = JSON.stringify(clone.report());
    const hc = new Harness(clone);
    hc.no = h.no;
    for (const [b, side, at] of frames.slice(cut)) h.push(b, side, at);
    expect(JSON.stringify(clone.report())).toBe(before);
    for (const [b, side, at] of frames.slice(cut)) hc.push(b, side, at);
    expect(clone.report()).toEqual(engine.report());
    expect(kinds(hc.events)).toEqual(['nat.new', 'nat.remap', 'nat.new']);
    // Stepping the clone further leaves the original alone.
    hc.push(udpOn(INSIDE, { src: C2, dst: WAN, ttl: 64, id: 8 }, 40000, 7), INSIDE, 4000);
    expect((clone.report() as Row[])[1].packets.original).toBe(2);
    expect((engine.report() as Row[])[1].packets.original).toBe(1);
  });
});

describe('SightingWindow (lazy deletion)', () => {
  it('walks exactly the live sightings of a key, newest first, through expiry, slot reuse, bucket collisions and growth', () => {
    const w = new SightingWindow<null>();
    let live: { key: number; ms: number; id: number }[] = [];
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    // Keys that share low bits collide in buckets whatever the table size.
    const keys = Array.from({ length: 40 }, (_, i) => (i % 8) + ((i >> 3) << 20));
    let t = 0;
    for (let i = 0; i < 30_000; i++) {
      // Mostly steady traffic, sometimes a burst at one instant (the ring must grow), sometimes a pause.
      t += rand(100) === 0 ? 30 : rand(50) === 0 ? 0 : rand(3) * 0.05;
      w.expire(t - 20);
      live = live.filter((x) => x.ms >= t - 20);
      const burst = rand(500) === 0 ? 600 : 1;
      for (let j = 0; j < burst; j++) {
        const key = keys[rand(keys.length)];
        const s = w.add(key, t);
        w.frameNo[s] = i * 1000 + j;
        live.push({ key, ms: t, id: i * 1000 + j });
      }
      const probe = keys[rand(keys.length)];
      const walked: number[] = [];
      for (let s = w.first(probe); s !== NONE; s = w.older(s)) if (w.rec[(s << 4) + F_KEY] === probe) walked.push(w.frameNo[s]);
      const expected = live.filter((x) => x.key === probe).map((x) => x.id).reverse();
      if (walked.join() !== expected.join()) expect({ i, walked, expected }).toEqual({ i, walked: expected, expected });
    }
    expect(w.size).toBe(live.length);
    expect(w.capacity).toBeGreaterThanOrEqual(1024); // the bursts made it grow
  });
});

// NAT connections expire by conntrack's default timeouts at the first frame past the
// timeout, whatever that frame is ('nat.expire'), not only when a packet looks them up;
// expired connections stay in the report (connections seen), and clones expire alike.
import { describe, expect, it } from 'vitest';
import { NaptEngine } from '../../src/analysis/napt.js';
import { ExpiryQueue } from '../../src/analysis/napt-expiry.js';
import { NatConn } from '../../src/analysis/napt-conn.js';
import { arp, eth } from '../helpers/build.js';
import { C1, HOST, Harness, INSIDE, OPTIONS, OUTSIDE, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, WAN, kinds, rows, tcpOn, udpExchange } from './napt-harness.js';

/** A frame that is no IPv4 at all (an ARP request): it still moves the engine's clock. */
const tick = (h: Harness, at: number) => h.push(eth('ff:ff:ff:ff:ff:ff', '02:42:ac:11:00:09', 0x0806, arp(1, '02:42:ac:11:00:09', '172.17.0.9', '00:00:00:00:00:00', '172.17.0.1')), INSIDE, at);

function tcpHandshake(h: Harness, at: number, sport: number): void {
  h.push(tcpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 1 }, sport, 80, 1000, 0, TCP_SYN), INSIDE, at);
  h.push(tcpOn(OUTSIDE, { src: HOST, dst: WAN, ttl: 63, id: 1 }, sport, 80, 1000, 0, TCP_SYN), OUTSIDE, at + 0.1);
  h.push(tcpOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 9 }, 80, sport, 7, 1001, TCP_SYN | TCP_ACK), OUTSIDE, at + 1);
  h.push(tcpOn(INSIDE, { src: WAN, dst: C1, ttl: 63, id: 9 }, 80, sport, 7, 1001, TCP_SYN | TCP_ACK), INSIDE, at + 1.1);
}

describe('NAT expiry', () => {
  it('a UDP entry expires 30 s after its last packet, at the first frame past that, even one that is not IP', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    udpExchange(h, 0, C1, 40000, 40000, [1, 2]); // last packet at 1.1 ms
    expect(tick(h, 30_001)).toEqual([]);
    const out = tick(h, 30_002);
    expect(out).toEqual([{
      frame: 6, kind: 'nat.expire', proto: 'udp', original: { src: C1, dst: WAN, sport: 40000, dport: 7 },
      reply: { src: WAN, dst: HOST, sport: 7, dport: 40000 }, lastFrame: 4, idleSeconds: expect.closeTo(30.0009, 6),
    }]);
    expect(engine.activeCount).toBe(0);
    expect(rows(engine)).toHaveLength(1); // still reported: a connection that was seen
  });

  it('a refreshed entry is not expired: its deadline moves with its last packet', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    udpExchange(h, 0, C1, 40000, 40000, [1, 2]);
    udpExchange(h, 20_000, C1, 40000, 40000, [3, 4]); // the same mapping again: counted, and now replied for 20 s
    expect(kinds(h.events)).toEqual(['nat.new']);
    tick(h, 60_000);
    expect(engine.activeCount).toBe(1); // a UDP stream: 120 s
    tick(h, 140_002);
    expect(kinds(h.events)).toEqual(['nat.new', 'nat.expire']);
  });

  it('TCP: RST shortens the timeout to 10 s and FIN to 120 s; an established entry stays for days', () => {
    const reset = new NaptEngine(OPTIONS);
    const r = new Harness(reset);
    tcpHandshake(r, 0, 45000);
    r.push(tcpOn(OUTSIDE, { src: WAN, dst: HOST, ttl: 64, id: 50 }, 80, 45000, 8, 1001, TCP_RST | TCP_ACK), OUTSIDE, 2);
    tick(r, 10_001);
    expect(reset.activeCount).toBe(1);
    tick(r, 10_003);
    expect(kinds(r.events)).toEqual(['nat.new', 'nat.expire']);

    const closed = new NaptEngine(OPTIONS);
    const c = new Harness(closed);
    tcpHandshake(c, 0, 45001);
    c.push(tcpOn(INSIDE, { src: C1, dst: WAN, ttl: 64, id: 2 }, 45001, 80, 1001, 8, TCP_FIN | TCP_ACK), INSIDE, 5);
    tick(c, 119_000);
    expect(closed.activeCount).toBe(1);
    tick(c, 120_006);
    expect(closed.activeCount).toBe(0);

    const open = new NaptEngine(OPTIONS);
    const o = new Harness(open);
    tcpHandshake(o, 0, 45002);
    tick(o, 86_400_000);
    expect(open.activeCount).toBe(1);
  });

  it('a clone expires its entries as the original does, and neither affects the other', () => {
    const engine = new NaptEngine(OPTIONS);
    const h = new Harness(engine);
    udpExchange(h, 0, C1, 40000, 40000, [1, 2]);
    udpExchange(h, 1000, C1, 40001, 40001, [3, 4]);
    const copy = engine.clone();
    const cut = h.no;
    tick(h, 30_500);
    expect(engine.activeCount).toBe(1);
    expect(copy.activeCount).toBe(2);
    const c = new Harness(copy);
    c.no = cut;
    tick(c, 30_500);
    tick(c, 31_500);
    tick(h, 31_500);
    expect(kinds(c.events)).toEqual(['nat.expire', 'nat.expire']);
    expect(c.events.map((e) => e.frame)).toEqual([cut + 1, cut + 2]);
    expect(h.events.filter((e) => e.kind === 'nat.expire').map((e) => e.frame)).toEqual([cut + 1, cut + 2]);
  });

  it('the queue keeps the earliest deadline first through arming, moving and removal', () => {
    const q = new ExpiryQueue();
    const conns = [5, 1, 4, 1, 3, 9, 2, 6].map((ms, i) => {
      const conn = new NatConn(17, i, 0, 0, 0, 0, i, 0, 0); // UDP, unreplied: 30 s after its last packet
      conn.lastMs = ms;
      q.arm(conn);
      return conn;
    });
    q.remove(conns[2]); // 4
    conns[5].rst = true; // no effect on UDP: arming again keeps it
    q.arm(conns[5]);
    const order: number[] = [];
    while (q.size > 0) {
      order.push(q.nextDeadline - 30_000);
      q.remove(q.nextConn);
    }
    expect(order).toEqual([1, 1, 2, 3, 5, 6, 9]);
    expect(q.nextDeadline).toBe(Infinity);
    expect(conns.every((c) => c.heapIndex === -1)).toBe(true);
  });
});

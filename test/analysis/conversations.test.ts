// The conversation tables on hand-made frames: who is A, what counts as a frame and a
// byte, which headers count (tshark's rules), and VXLAN tunnels collapsing outer ports.
import { describe, expect, it } from 'vitest';
import { statsReport, STATS_LAYERS, type StatsReport } from '../../src/analysis/conversation-report.js';
import { ConversationStats } from '../../src/analysis/conversations.js';
import { FrameDecoder } from '../../src/decode/index.js';
import { bytes, eth, fill, icmp, icmpEcho, ipv4, udp, vxlan } from '../helpers/build.js';

const M1 = '02:00:00:00:00:01';
const M2 = '02:00:00:00:00:02';
const BCAST = 'ff:ff:ff:ff:ff:ff';

/** A TCP header (no options unless `dataOffset` says more words than 5; they are zero, i.e. EOL). */
function tcp(sport: number, dport: number, dataOffset = 5, payload = new Uint8Array(0)): Uint8Array {
  const h = new Uint8Array(dataOffset * 4 > 20 ? dataOffset * 4 : 20);
  h.set([sport >>> 8, sport & 0xff, dport >>> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, dataOffset << 4, 0x10, 0xff, 0xff]);
  return bytes(h, payload);
}

const udpIp = (src: string, dst: string, sport: number, dport: number, payload = fill(4)) =>
  ipv4({ src, dst, protocol: 17 }, udp(sport, dport, payload));

/** VXLAN from VTEP `src` (outer UDP source port `sport`) carrying an inner UDP packet. */
function vxlanFrame(src: string, dst: string, sport: number, vni: number, inner: Uint8Array): Uint8Array {
  return eth(M2, M1, 0x0800, udpIp(src, dst, sport, 4789, vxlan(vni, inner)));
}

const innerUdp = (sport: number) => eth('02:42:0a:00:00:03', '02:42:0a:00:00:02', 0x0800, udpIp('10.0.0.2', '10.0.0.3', sport, 53));

class Run {
  readonly stats = new ConversationStats();
  private readonly decoder = new FrameDecoder();

  /** Steps a frame at time `t` seconds; `origLen` is its length on the wire (default: the bytes given). */
  push(data: Uint8Array, t: number, origLen = data.length): this {
    const tsSec = Math.floor(t);
    const layers = this.decoder.decode({ data, start: 0, end: data.length, origLen, tsSec, direction: null, iface: { id: 0, linkType: 1 } }).layers;
    this.stats.step({ tsSec, tsNsec: Math.round((t - tsSec) * 1e9), origLen, layers });
    return this;
  }

  report(endpoints = false): StatsReport {
    return statsReport(this.stats, { layers: STATS_LAYERS, endpoints });
  }
}

describe('conversations', () => {
  it('A is the first sender; frames and wire bytes are counted each way; times are relative to the first frame', () => {
    const r = new Run()
      .push(eth(BCAST, M2, 0x0806, fill(28)), 100.5, 60)
      .push(eth(M2, M1, 0x0800, udpIp('10.0.0.1', '10.0.0.2', 5000, 53)), 101, 1500) // cut by the capture: counts 1500
      .push(eth(M1, M2, 0x0800, udpIp('10.0.0.2', '10.0.0.1', 53, 5000)), 101.25)
      .push(eth(M2, M1, 0x0800, udpIp('10.0.0.1', '10.0.0.2', 5000, 53)), 102)
      .report();
    expect(r.frames).toBe(4);
    // Most frames first, then in order of the first frame.
    expect(r.eth?.conversations.map((c) => [c.a, c.b, c.aToB.frames, c.aToB.bytes, c.bToA.frames, c.bToA.bytes, c.start, c.duration])).toEqual([
      [M1, M2, 2, 1500 + 46, 1, 46, 0.5, 1],
      [M2, BCAST, 1, 60, 0, 0, 0, 0],
    ]);
    expect(r.ip?.conversations).toEqual([{
      a: '10.0.0.1', b: '10.0.0.2', aToB: { frames: 2, bytes: 1546 }, bToA: { frames: 1, bytes: 46 }, frames: 3, bytes: 1592, start: 0.5, duration: 1,
    }]);
    expect(r.udp?.conversations.map((c) => [c.a, c.aPort, c.b, c.bPort, c.frames])).toEqual([['10.0.0.1', 5000, '10.0.0.2', 53, 3]]);
  });

  it('a frame earlier than the first one gives a negative start and stretches the duration', () => {
    const r = new Run()
      .push(eth(M2, M1, 0x0800, udpIp('10.0.0.1', '10.0.0.2', 1, 2)), 10)
      .push(eth(M1, M2, 0x0800, udpIp('10.0.0.2', '10.0.0.1', 2, 1)), 9.75)
      .report();
    expect(r.eth?.conversations[0]).toMatchObject({ a: M1, start: -0.25, duration: 0.25 });
  });

  it('keys UDP and TCP conversations by address and port', () => {
    const tcpIp = (sport: number, dport: number) => eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6 }, tcp(sport, dport)));
    const r = new Run().push(tcpIp(40000, 80), 1).push(tcpIp(40001, 80), 2).push(tcpIp(40000, 80), 3).report();
    expect(r.tcp?.conversations.map((c) => `${c.a}:${c.aPort} ${c.b}:${c.bPort} ${c.frames}`)).toEqual([
      '10.0.0.1:40000 10.0.0.2:80 2', '10.0.0.1:40001 10.0.0.2:80 1',
    ]);
    expect(r.ip?.conversations).toHaveLength(1);
  });

  it('counts VXLAN packets in the outer and the inner tables, and one tunnel whatever the outer source port', () => {
    const run = new Run();
    // The kernel hashes each inner flow to its own outer source port: three ports one way, one the other.
    run.push(vxlanFrame('192.0.2.1', '192.0.2.2', 41000, 42, innerUdp(1111)), 1);
    run.push(vxlanFrame('192.0.2.1', '192.0.2.2', 52000, 42, innerUdp(2222)), 2);
    run.push(vxlanFrame('192.0.2.2', '192.0.2.1', 41000, 42, eth('02:42:0a:00:00:02', '02:42:0a:00:00:03', 0x0800, udpIp('10.0.0.3', '10.0.0.2', 53, 1111))), 3, 200);
    run.push(vxlanFrame('192.0.2.1', '192.0.2.2', 63000, 42, innerUdp(3333)), 4);
    run.push(vxlanFrame('192.0.2.1', '192.0.2.2', 41000, 7, innerUdp(1111)), 5); // another VNI: another tunnel
    const r = run.report();
    const len = vxlanFrame('192.0.2.1', '192.0.2.2', 41000, 42, innerUdp(1111)).length;
    expect(r.vxlan?.tunnels).toEqual([
      {
        vni: 42, port: 4789, a: '192.0.2.1', b: '192.0.2.2', aToB: { frames: 3, bytes: 3 * len }, bToA: { frames: 1, bytes: 200 },
        frames: 4, bytes: 3 * len + 200, start: 0, duration: 3, udpFlows: 4,
      },
      { vni: 7, port: 4789, a: '192.0.2.1', b: '192.0.2.2', aToB: { frames: 1, bytes: len }, bToA: { frames: 0, bytes: 0 }, frames: 1, bytes: len, start: 4, duration: 0, udpFlows: 1 },
    ]);
    // tshark's UDP table: one conversation per outer source port and direction, plus the inner flows.
    const udpKeys = r.udp?.conversations.map((c) => `${c.a}:${c.aPort} ${c.b}:${c.bPort} ${c.frames}`);
    expect(udpKeys).toEqual([
      '10.0.0.2:1111 10.0.0.3:53 3', '192.0.2.1:41000 192.0.2.2:4789 2', '192.0.2.1:52000 192.0.2.2:4789 1', '10.0.0.2:2222 10.0.0.3:53 1',
      '192.0.2.2:41000 192.0.2.1:4789 1', '192.0.2.1:63000 192.0.2.2:4789 1', '10.0.0.2:3333 10.0.0.3:53 1',
    ]);
    // Outer and inner IPv4 pairs, each frame counted in both with its whole length.
    expect(r.ip?.conversations.map((c) => `${c.a} ${c.b} ${c.frames} ${c.bytes}`)).toEqual([
      `192.0.2.1 192.0.2.2 5 ${4 * len + 200}`, `10.0.0.2 10.0.0.3 5 ${4 * len + 200}`,
    ]);
    expect(r.eth?.conversations.map((c) => `${c.a} ${c.b} ${c.frames}`)).toEqual([`${M1} ${M2} 5`, `02:42:0a:00:00:02 02:42:0a:00:00:03 5`]);
  });

  it('does not count the headers an ICMP error quotes', () => {
    const quoted = udpIp('10.0.0.2', '10.0.0.9', 5000, 53);
    const r = new Run().push(eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 1 }, icmp(3, 3, [0, 0, 0, 0], quoted))), 1).report();
    expect(r.ip?.conversations.map((c) => `${c.a} ${c.b}`)).toEqual(['10.0.0.1 10.0.0.2']);
    expect(r.udp?.conversations).toEqual([]);
  });

  it('skips the headers tshark gives up on: cut UDP/TCP headers, bogus lengths', () => {
    const run = new Run();
    const cutUdp = eth(M2, M1, 0x0800, udpIp('10.0.0.1', '10.0.0.2', 1, 2)).subarray(0, 14 + 20 + 6);
    run.push(cutUdp, 1, 60);
    run.push(eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17 }, udp(3, 4, fill(4), 4))), 2); // UDP Length 4
    run.push(eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6 }, tcp(5, 6, 4))), 3); // data offset 4
    const withOptions = eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6 }, tcp(7, 8, 8)));
    run.push(withOptions.subarray(0, withOptions.length - 4), 4, withOptions.length); // options cut by the capture
    run.push(eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.7', dst: '10.0.0.8', protocol: 17, totalLength: 12 }, udp(9, 10, fill(4)))), 5);
    run.push(eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 6 }, tcp(11, 12, 8))), 6); // a whole TCP header: counts
    const r = run.report();
    expect(r.udp?.conversations).toEqual([]);
    expect(r.tcp?.conversations.map((c) => `${c.aPort} ${c.bPort}`)).toEqual(['11 12']);
    // Total Length below the header: no IPv4 conversation either.
    expect(r.ip?.conversations.map((c) => `${c.a} ${c.b} ${c.frames}`)).toEqual(['10.0.0.1 10.0.0.2 5']);
    expect(r.eth?.conversations[0].frames).toBe(6);
  });

  it('derives endpoints from the conversations; an address talking to itself sends and receives each frame', () => {
    const r = new Run()
      .push(eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 1 }, icmpEcho(8, 1, 1, fill(8)))), 1, 100)
      .push(eth(M1, M2, 0x0800, ipv4({ src: '10.0.0.2', dst: '10.0.0.1', protocol: 1 }, icmpEcho(0, 1, 1, fill(8)))), 2, 90)
      .push(eth(M1, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.1', protocol: 1 }, icmpEcho(8, 2, 1, fill(8)))), 3, 80)
      .report(true);
    expect(r.ip?.endpoints).toEqual([
      { address: '10.0.0.1', frames: 4, bytes: 350, tx: { frames: 2, bytes: 180 }, rx: { frames: 2, bytes: 170 } },
      { address: '10.0.0.2', frames: 2, bytes: 190, tx: { frames: 1, bytes: 90 }, rx: { frames: 1, bytes: 100 } },
    ]);
    expect(r.ip?.conversations[1]).toMatchObject({ a: '10.0.0.1', b: '10.0.0.1', aToB: { frames: 1, bytes: 80 }, bToA: { frames: 0, bytes: 0 } });
  });

  it('reports IPv6 addresses and ports, and only the layers asked for', () => {
    const ip6 = bytes(
      [0x60, 0, 0, 0, 0, 12, 17, 64], [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1], [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 2],
      udp(546, 547, fill(4)),
    );
    const run = new Run().push(eth(M2, M1, 0x86dd, ip6), 1);
    const r = statsReport(run.stats, { layers: ['ipv6', 'udp'], endpoints: true });
    expect(Object.keys(r)).toEqual(['frames', 'ipv6', 'udp']);
    expect(r.udp?.conversations.map((c) => `${c.a} ${c.aPort} ${c.b} ${c.bPort}`)).toEqual(['2001:db8::1 546 2001:db8::2 547']);
    expect(r.udp?.endpoints?.map((e) => `${e.address} ${e.port}`)).toEqual(['2001:db8::1 546', '2001:db8::2 547']);
  });
});

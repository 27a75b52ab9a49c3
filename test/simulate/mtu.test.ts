// MTU in the simulated data path: IPv4 fragmentation and reassembly, a router's ICMP
// fragmentation needed for DF packets, the path MTU a sender learns from it, ping's
// -M modes, the vxlan driver's outer fragmentation and bridged PMTU discovery, and a
// bridge dropping a frame too big for a port. The byte-level expectations are the ones
// the lab's overlay-mtu and overlay-pmtu-bridged recordings show.
import { describe, expect, it } from 'vitest';
import { parseIpv4, parseMac } from '../../src/decode/addr.js';
import { internetChecksum } from '../../src/decode/checksum.js';
import { fragment, reassemble } from '../../src/simulate/fragments.js';
import { encodeIpv4, encodeIpv4Payload, ipv4Length } from '../../src/simulate/packet-encode.js';
import type { Ipv4Packet } from '../../src/simulate/packet-types.js';
import { parseRun } from '../../src/simulate/run-grammar.js';
import { Ns } from '../../src/simulate/world.js';
import { decodeBytes, on, run } from './helpers.js';

// decoded layers hold addresses as numbers
const ip = (text: string): number => parseIpv4(text) as number;
const mac = (text: string): number => parseMac(text) as number;
/** The IPv4 source of a captured frame's outer packet. */
const sourceOf = (bytes: Uint8Array): unknown => (decodeBytes(bytes).layers[1] as { src?: unknown }).src;

const ping = (size: number, df = true): Ipv4Packet => ({
  kind: 'ipv4', src: 0xac110002, dst: 0x0a000103, ttl: 64, id: 0x72dc, df,
  l4: { proto: 'icmp', type: 8, id: 7, seq: 1, data: new Uint8Array(size).map((_, i) => i & 0xff) },
});

describe('fragment and reassemble', () => {
  it('splits a 1500-byte packet at MTU 1450 into 1424 + 56 bytes of payload, as Linux does', () => {
    const whole = ping(1472, false);
    const pieces = fragment(whole, 1450);
    const bytes = pieces.map(encodeIpv4);
    expect(bytes.map((b) => b.length)).toEqual([1444, 76]);
    const fields = bytes.map((b) => new DataView(b.buffer, b.byteOffset).getUint16(6));
    expect(fields).toEqual([0x2000, 1424 / 8]); // MF and offset 0, then offset 178 without MF
    for (const b of bytes) {
      const view = new DataView(b.buffer, b.byteOffset, 20);
      expect(internetChecksum(view, 0, 20, 0)).toBe(0);
      expect(view.getUint16(4)).toBe(0x72dc);
    }
    // the payloads laid end to end are the whole datagram's, checksum included
    const joined = Buffer.concat(bytes.map((b) => b.subarray(20)));
    expect(Buffer.from(encodeIpv4Payload(whole)).equals(joined)).toBe(true);
    // a fragment decodes as one: our decoder reassembles the pair into the echo request
    const eth = (b: Uint8Array): Uint8Array => Uint8Array.from([...new Uint8Array(12), 0x08, 0x00, ...b]);
    expect(decodeBytes(eth(bytes[0])).issues).toEqual([]);
  });

  it('counts a packet\'s length without encoding it: the same as the encoded bytes, VXLAN and fragments included', () => {
    const vxlan = (inner: Ipv4Packet['l4'] | null): Ipv4Packet => ({
      ...ping(0), l4: { proto: 'udp', sport: 40000, dport: 4789, checksum: false, data: { vni: 42, inner: {
        dst: 1, src: 2, body: inner === null ? { kind: 'arp', oper: 1, sha: 2, spa: 3, tha: 0, tpa: 4 } : { ...ping(0), l4: inner },
      } } },
    });
    const packets: Ipv4Packet[] = [
      ping(0), ping(1472), vxlan(null), vxlan(ping(1400).l4), ...fragment(ping(3000, false), 1000),
      { ...ping(0), l4: { proto: 'tcp', sport: 1, dport: 2, seq: 0, ack: 0, flags: 0x02, window: 100, data: new Uint8Array(7) } },
      { ...ping(0), l4: { proto: 'icmp-error', type: 3, code: 4, mtu: 1450, quoted: new Uint8Array(548) } },
    ];
    for (const p of packets) expect(ipv4Length(p)).toBe(encodeIpv4(p).length);
  });

  it('splits a fragment again on a smaller link, keeping offsets and MF', () => {
    const [first, last] = fragment(ping(1472, false), 1450);
    const again = fragment(first, 600);
    expect(again.map((p) => [p.frag?.offset, p.frag?.mf, p.frag?.payload.length])).toEqual([[0, true, 576], [576, true, 576], [1152, true, 272]]);
    expect(fragment(last, 600).map((p) => [p.frag?.offset, p.frag?.mf])).toEqual([[1424, false]]);
  });

  it('delivers the datagram once every byte has arrived, in any order', () => {
    const whole = ping(3000, false);
    const pieces = fragment(whole, 1000);
    expect(pieces).toHaveLength(4);
    const ns = new Ns('c2');
    expect(reassemble(ns, pieces[3])).toBeNull();
    expect(reassemble(ns, pieces[0])).toBeNull();
    expect(reassemble(ns, pieces[2])).toBeNull(); // still a hole at the second piece
    const done = reassemble(ns, pieces[1]);
    expect(done?.l4).toBe(whole.l4);
    expect(done?.frag).toBeUndefined();
    expect(ns.reassembly.size).toBe(0);
  });
});

// h routes between two bridges: docker0 (MTU 1500) and br1, whose MTU is 1400.
const ROUTER = `
hosts:
  - name: h
    bridges:
      - { name: docker0, address: 172.17.0.1/16 }
      - { name: br1, address: 10.0.1.1/24, mtu: 1400 }
containers:
  - { name: c1, network: docker0, address: 172.17.0.2 }
  - { name: c2, network: br1, address: 10.0.1.3, mtu: 1400 }
`;

describe('a router on the path', () => {
  it('answers a DF packet too big for the next link with ICMP fragmentation needed, and the sender then refuses to send', () => {
    const result = run(ROUTER, ['c1 ping c2 size 1472 pmtu do count 2']);
    const icmp = on(result, 'c1:eth0').filter((f) => f.text === 'eth ipv4 icmp 3');
    expect(icmp).toHaveLength(1);
    const layers = decodeBytes(icmp[0].bytes).layers;
    expect(layers[1]).toMatchObject({ proto: 'ipv4', src: ip('172.17.0.1'), dst: ip('172.17.0.2'), totalLength: 576 });
    expect(layers[2]).toMatchObject({ proto: 'icmp', type: 3, code: 4, mtu: 1400 });
    expect((layers[2] as unknown as { quoted: { toArray(): unknown[] } }).quoted.toArray()[0]).toMatchObject({ src: ip('172.17.0.2'), dst: ip('10.0.1.3'), df: true, totalLength: 1500, ttl: 64 });
    // nothing crossed br1; the second echo request was refused by c1 itself
    expect(on(result, 'h:br1').filter((f) => f.text.includes('icmp'))).toEqual([]);
    expect(on(result, 'c1:eth0').filter((f) => f.text === 'eth ipv4 icmp 8')).toHaveLength(1);
    expect(result.notes).toEqual(['c1: a 1500-byte packet to 10.0.1.3 does not fit the path MTU 1400 and may not be fragmented: not sent (message too long).']);
  });

  it('fragments a packet without DF, and the fragments are reassembled and answered', () => {
    const result = run(ROUTER, ['c1 ping c2 size 1472 pmtu dont']);
    const intoBr1 = on(result, 'h:br1').filter((f) => f.text.startsWith('eth ipv4'));
    // two fragments of the request out, two of the reply (c2's eth0 is 1400 too) back
    expect(intoBr1.map((f) => f.bytes.length)).toEqual([14 + 1396, 14 + 124, 14 + 1396, 14 + 124]);
    // c2 answered, so it reassembled the request; its reply reached c1 in the same two pieces
    expect(on(result, 'c1:eth0').filter((f) => sourceOf(f.bytes) === ip('10.0.1.3')).map((f) => f.bytes.length)).toEqual([14 + 1396, 14 + 124]);
    expect(result.notes).toEqual([]);
  });

  it('fragments its own packets to a learnt path MTU (ping -M want, the default)', () => {
    const result = run(ROUTER, ['c1 ping c2 size 1472 pmtu do', 'c1 ping c2 size 1472']);
    const sent = on(result, 'c1:eth0').filter((f) => sourceOf(f.bytes) === ip('172.17.0.2'));
    // the DF probe whole, then two fragments sized for the 1400-byte path
    expect(sent.map((f) => f.bytes.length)).toEqual([14 + 1500, 14 + 1396, 14 + 124]);
  });
});

// Two hosts back to back, a VXLAN overlay bridged on both; vxlan0's MTU is `mtu`.
const overlay = (mtu: number): string => `
hosts:
  - name: h1
    bridges: [{ name: br0 }]
    uplink: { name: eth0, address: 192.0.2.1/24, peer: h2 }
    vxlan: [{ vni: 42, local: 192.0.2.1, bridge: br0, remotes: [192.0.2.2], mtu: ${mtu} }]
  - name: h2
    bridges: [{ name: br0 }]
    uplink: { name: eth0, address: 192.0.2.2/24 }
    vxlan: [{ vni: 42, local: 192.0.2.2, bridge: br0, remotes: [192.0.2.1], mtu: ${mtu} }]
containers:
  - { name: c1, host: h1, address: 10.0.1.2/24 }
  - { name: c2, host: h2, address: 10.0.1.3/24 }
`;

describe('VXLAN and the underlay MTU', () => {
  it('a VXLAN MTU of 1500 on a 1500-byte underlay: outer fragments without DF, injected ICMP with DF', () => {
    const result = run(overlay(1500), ['c1 ping c2', 'c1 ping c2 size 1472 pmtu dont', 'c1 ping c2 size 1472 pmtu do']);
    const underlay = on(result, 'h1:eth0').map((f) => decodeBytes(f.bytes).layers[1]).filter((l) => l?.proto === 'ipv4');
    // outer fragments of the 1530-byte UDP datagram: 1480 bytes of payload, then 50; both ways
    const fragments = underlay.filter((l) => (l as { mf: boolean }).mf || (l as { fragOffset: number }).fragOffset > 0);
    expect(fragments.map((l) => (l as { totalLength: number }).totalLength)).toEqual([1500, 70, 1500, 70]);
    // the DF ping: dropped by h1's vxlan driver, answered into br0 as if from c2
    const icmp = on(result, 'c1:eth0').filter((f) => f.text === 'eth ipv4 icmp 3');
    expect(icmp).toHaveLength(1);
    const [eth, header, err] = decodeBytes(icmp[0].bytes).layers;
    expect(eth).toMatchObject({ src: mac('02:42:0a:00:01:03'), dst: mac('02:42:0a:00:01:02') }); // c2's and c1's MACs
    expect(header).toMatchObject({ src: ip('10.0.1.3'), dst: ip('10.0.1.2'), id: 0, df: true, ttl: 64, totalLength: 576 });
    expect(err).toMatchObject({ type: 3, code: 4, mtu: 1450 });
    expect(on(result, 'h1:vxlan0').filter((f) => f.text === 'eth ipv4 icmp 3')).toHaveLength(1);
  });

  it('a VXLAN MTU of 1450 leaves the underlay whole; the bridge drops what its vxlan port cannot take', () => {
    const result = run(overlay(1450), ['c1 ping c2 size 1472 pmtu dont', 'c1 ping c2 size 1400']);
    expect(on(result, 'h1:eth0').filter((f) => f.text.includes('vxlan') && f.text.includes('icmp 8'))).toHaveLength(1); // the 1428-byte one
    expect(result.notes).toEqual(['h1: br0 dropped a 1500-byte packet too big for vxlan0 (MTU 1450).']);
  });
});

describe('ping -M in --run', () => {
  it('takes want, do or dont, and says so otherwise', () => {
    expect(parseRun('c1 ping c2 size 1472 pmtu do')).toMatchObject({ kind: 'ping', size: 1472, pmtu: 'do' });
    expect(parseRun('c1 ping c2')).toMatchObject({ pmtu: 'want' });
    expect(() => parseRun('c1 ping c2 pmtu maybe')).toThrow(/pmtu takes want, do or dont \(as ping -M\)/);
    expect(() => parseRun('c1 ping c2 size 65508')).toThrow(/size needs a number from 16 to 65507/);
  });
});

// MASQUERADE on the path: conntrack reassembles before NAT.
const NAT_SMALL_MTU = `
hosts:
  - name: host
    bridges: [{ name: docker0, address: 172.17.0.1/16, masquerade: true }]
    uplink: { name: eth0, address: 198.51.100.2/24, gateway: 198.51.100.1, peer: { name: wan, address: 198.51.100.1/24 } }
containers:
  - { name: c1, address: 172.17.0.2, mtu: 1000 }
`;

describe('fragments through NAT', () => {
  it('a NAT host reassembles, translates, and fragments again to the largest fragment it received', () => {
    const result = run(NAT_SMALL_MTU, ['c1 ping wan size 1472']);
    const fromC1 = on(result, 'c1:eth0').filter((f) => sourceOf(f.bytes) === ip('172.17.0.2'));
    expect(fromC1.map((f) => f.bytes.length)).toEqual([14 + 996, 14 + 524]); // c1 fragments at its MTU
    const out = on(result, 'host:eth0').filter((f) => sourceOf(f.bytes) === ip('198.51.100.2'));
    // translated, and no larger than c1's largest fragment (Linux's frag_max_size), not whole
    expect(out.map((f) => f.bytes.length)).toEqual([14 + 996, 14 + 524]);
    // wan's 1500-byte reply is translated back, but c1's eth0 cannot take it: the veth drops it
    expect(result.notes).toEqual(['c1: eth0 dropped a 1500-byte packet larger than its MTU 1000.']);
    expect(on(result, 'host:vethc1').filter((f) => sourceOf(f.bytes) === ip('198.51.100.1'))).toHaveLength(1);
  });
});

// ARP, IPv4 (checksum, options, bad fields, reassembly), ICMP, UDP and VXLAN.
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../../src/decode/index.js';
import { decodeOnce, protos } from '../helpers/decode.js';
import { arp, bytes, eth, fill, icmpEcho, ipv4, udp, vxlan } from '../helpers/build.js';
import { FIXTURES, VXLAN_REAL } from './fixtures.js';

const byName = (name: string) => FIXTURES.find((f) => f.name === name)!;
const M1 = '02:00:00:00:00:01';
const M2 = '02:00:00:00:00:02';

describe('arp', () => {
  it('decodes an Ethernet/IPv4 request', () => {
    const d = decodeOnce(byName('ARP request').bytes);
    expect(d.layers[1]).toEqual({ proto: 'arp', op: 1, sha: '02:42:ac:11:00:02', spa: '172.17.0.2', tha: '00:00:00:00:00:00', tpa: '172.17.0.3', htype: 1, ptype: 0x0800 });
  });
  it('decodes other address sizes generically', () => {
    const msg = bytes([0, 6, 0x08, 0x00, 2, 4, 0, 1], [0xaa, 0xbb], [10, 0, 0, 1], [0xcc, 0xdd], [10, 0, 0, 2]);
    const d = decodeOnce(eth('ff:ff:ff:ff:ff:ff', M1, 0x0806, msg));
    expect(d.layers[1]).toEqual({ proto: 'arp', op: 1, sha: 'aa:bb', spa: '10.0.0.1', tha: 'cc:dd', tpa: '10.0.0.2', htype: 6, ptype: 0x0800, hlen: 2, plen: 4 });
  });
  it('reports addresses that run past the frame', () => {
    const msg = bytes([0, 1, 0x08, 0x00, 200, 4, 0, 1], fill(20));
    const d = decodeOnce(eth('ff:ff:ff:ff:ff:ff', M1, 0x0806, msg));
    expect(d.issues).toEqual([expect.objectContaining({ layer: 'arp', kind: 'truncated', offset: 14 })]);
  });
});

describe('ipv4', () => {
  it('decodes every field of the header', () => {
    const d = decodeOnce(byName('ICMP echo request').bytes);
    expect(d.layers[1]).toEqual({
      proto: 'ipv4', src: '172.17.0.2', dst: '172.17.0.3', ttl: 64, id: 0x1234, protocol: 1, df: true, mf: false,
      fragOffset: 0, totalLength: 84, checksumOk: true, headerLength: 20,
    });
  });
  it('decodes the real VXLAN frame as tshark does', () => {
    const d = decodeOnce(VXLAN_REAL);
    expect(d.layers[1]).toMatchObject({ src: '192.168.203.1', dst: '192.168.202.1', id: 0xd2c0, ttl: 64, totalLength: 134, checksumOk: true });
    expect(d.layers[2]).toEqual({ proto: 'udp', sport: 45149, dport: 4789, length: 114 });
    expect(d.layers[3]).toEqual({ proto: 'vxlan', vni: 100, flags: 8 });
    expect(d.layers[4]).toEqual({ proto: 'eth', src: '00:16:3e:37:f6:04', dst: '00:30:88:01:00:02', type: 0x0800 });
    expect(d.layers[6]).toMatchObject({ proto: 'icmp', type: 8, code: 0, id: 1292, seq: 1, checksumOk: true });
  });
  it('keeps options out of the payload', () => {
    const d = decodeOnce(byName('IPv4 with options (record route)').bytes);
    expect(d.layers[1]).toMatchObject({ headerLength: 28, checksumOk: true });
    expect(d.layers[2]).toMatchObject({ proto: 'icmp', id: 0x1d, seq: 1, checksumOk: true });
  });
  it('reports a bad header checksum at the checksum field', () => {
    const d = decodeOnce(eth(M2, M1, 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17, checksum: 0xdead }, udp(1, 2, fill(2)))));
    expect(d.layers[1]).toMatchObject({ checksumOk: false });
    expect(d.issues).toEqual([expect.objectContaining({ layer: 'ipv4', kind: 'bad-checksum', offset: 24 })]);
    expect(protos(d.layers)).toEqual(['eth', 'ipv4', 'udp']);
  });
  it('keeps the fields of a header the capture cut before 20 bytes', () => {
    const frame = eth(M2, M1, 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17, id: 0xbeef, ttl: 9 }, udp(1, 2, fill(2))));
    const d = decodeOnce(frame.subarray(0, 14 + 16), 1, { origLen: frame.length });
    expect(d.layers[1]).toEqual({
      proto: 'ipv4', src: '1.1.1.1', dst: null, ttl: 9, id: 0xbeef, protocol: 17, df: false, mf: false, fragOffset: 0,
      totalLength: 30, checksumOk: null, headerLength: 20, partial: true,
    });
    expect(d.issues).toEqual([expect.objectContaining({ layer: 'ipv4', kind: 'truncated', offset: 14 })]);
  });
  it('reports malformed options (a security option must be 11 bytes)', () => {
    const d = decodeOnce(eth(M2, M1, 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17, options: [0x82, 2, 0, 0] }, udp(1, 2, fill(2)))));
    expect(d.issues).toEqual([expect.objectContaining({ layer: 'ipv4', kind: 'bad-field', offset: 35 })]);
  });
  it('decodes a packet of the other IP version on LINKTYPE_IPV4, with an issue', () => {
    const v6 = Uint8Array.from([0x60, 0, 0, 0, 0, 0, 59, 64, ...new Array(32).fill(0)]);
    const d = decodeOnce(v6, 228);
    expect(d.layers.map((l) => l.proto)).toEqual(['ipv6']);
    expect(d.issues[0]).toMatchObject({ layer: 'ipv4', kind: 'bad-field', offset: 0 });
  });
  it('rejects a wrong version and a short IHL with bad-field issues', () => {
    const v6 = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17 }, fill(8));
    v6[0] = 0x65;
    expect(decodeOnce(eth(M2, M1, 0x0800, v6)).issues[0]).toMatchObject({ layer: 'ipv4', kind: 'bad-field', offset: 14 });
    const shortIhl = ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17 }, fill(8));
    shortIhl[0] = 0x44;
    expect(decodeOnce(eth(M2, M1, 0x0800, shortIhl)).issues[0]).toMatchObject({ layer: 'ipv4', kind: 'bad-field', offset: 14 });
  });
  it('reports a total length beyond the frame, unless the capture was cut (snaplen)', () => {
    const frame = eth(M2, M1, 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17, totalLength: 400 }, udp(1, 2, fill(20))));
    expect(decodeOnce(frame).issues[0]).toMatchObject({ layer: 'ipv4', kind: 'bad-field', offset: 16 });
    expect(decodeOnce(frame, 1, { origLen: 414 }).issues).toEqual([]);
  });
  it('treats total length 0 as a TSO/GSO packet and uses the captured length', () => {
    const d = decodeOnce(eth(M2, M1, 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17, totalLength: 0 }, udp(1, 2, fill(30)))));
    expect(d.issues).toEqual([]);
    expect(protos(d.layers)).toEqual(['eth', 'ipv4', 'udp']);
  });
});

describe('ipv4 reassembly', () => {
  const datagram = udp(5000, 7777, fill(3000 - 8));
  const frag = (offset: number, length: number, more: boolean, id = 7) =>
    eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, id, mf: more, fragOffset: offset }, datagram.subarray(offset, offset + length)));

  it('decodes the upper layers on the frame that completes the datagram', () => {
    const decoder = new FrameDecoder();
    const first = decodeOnce(frag(0, 1480, true), 1, { decoder });
    expect(protos(first.layers)).toEqual(['eth', 'ipv4']);
    expect(first.layers[1]).toMatchObject({ mf: true, fragOffset: 0 });
    const last = decodeOnce(frag(2960, 40, false), 1, { decoder });
    expect(protos(last.layers)).toEqual(['eth', 'ipv4']);
    const middle = decodeOnce(frag(1480, 1480, true), 1, { decoder });
    expect(protos(middle.layers)).toEqual(['eth', 'ipv4', 'udp']);
    expect(middle.layers[1]).toMatchObject({ reassembled: true, fragments: 3, fragOffset: 1480 });
    expect(middle.layers[2]).toEqual({ proto: 'udp', sport: 5000, dport: 7777, length: 3000 });
    expect(decoder.ctx.reassembler.size).toBe(0);
  });
  it('keeps datagrams of different interfaces apart', () => {
    const decoder = new FrameDecoder();
    decodeOnce(frag(0, 1480, true), 1, { decoder, ifaceId: 0 });
    decodeOnce(frag(1480, 1480, true), 1, { decoder, ifaceId: 1 });
    const d = decodeOnce(frag(2960, 40, false), 1, { decoder, ifaceId: 0 });
    expect(protos(d.layers)).toEqual(['eth', 'ipv4']);
    expect(decoder.ctx.reassembler.size).toBe(2);
  });
  it('forgets fragments after 30 s of capture time', () => {
    const decoder = new FrameDecoder();
    decodeOnce(frag(0, 1480, true), 1, { decoder, tsSec: 100 });
    decodeOnce(frag(1480, 1480, true), 1, { decoder, tsSec: 200 });
    const d = decodeOnce(frag(2960, 40, false), 1, { decoder, tsSec: 200 });
    expect(protos(d.layers)).toEqual(['eth', 'ipv4']);
  });
  it('reports a fragment beyond 65535 bytes', () => {
    const d = decodeOnce(eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, mf: true, fragOffset: 65528 }, fill(16))));
    expect(d.issues[0]).toMatchObject({ layer: 'ipv4', kind: 'bad-field' });
  });
});

describe('icmp', () => {
  it('decodes echo id and sequence and verifies the checksum', () => {
    const d = decodeOnce(byName('ICMP echo request').bytes);
    expect(d.layers[2]).toEqual({ proto: 'icmp', type: 8, code: 0, id: 0x1d, seq: 1, mtu: null, quoted: [], checksumOk: true });
  });
  it('reports a wrong checksum', () => {
    const frame = Uint8Array.from(byName('ICMP echo request').bytes);
    frame[14 + 20 + 2] ^= 0xff;
    const d = decodeOnce(frame);
    expect(d.issues).toEqual([expect.objectContaining({ layer: 'icmp', kind: 'bad-checksum', offset: 36 })]);
  });
  it('decodes the quoted header of a port unreachable', () => {
    const d = decodeOnce(byName('ICMP port unreachable quoting UDP').bytes);
    const icmp = d.layers[2];
    expect(icmp).toMatchObject({ type: 3, code: 3, id: null, mtu: null, checksumOk: true });
    expect(protos(icmp.quoted as never)).toEqual(['ipv4', 'udp']);
    expect((icmp.quoted as Record<string, unknown>[])[1]).toEqual({ proto: 'udp', sport: 40001, dport: 9999, length: 14 });
  });
  it('decodes the next-hop MTU of fragmentation needed and a quoted header cut short', () => {
    const d = decodeOnce(byName('ICMP fragmentation needed').bytes);
    expect(d.issues).toEqual([]);
    expect(d.layers[2]).toMatchObject({ type: 3, code: 4, mtu: 1450 });
    const quoted = d.layers[2].quoted as Record<string, unknown>[];
    expect(quoted[0]).toMatchObject({ proto: 'ipv4', src: '10.0.1.2', dst: '10.0.1.3', totalLength: 1500, df: true });
    expect(quoted[1]).toMatchObject({ proto: 'icmp', type: 8, id: 7, seq: 3, checksumOk: null });
  });
});

describe('udp and vxlan', () => {
  it('reports a UDP length shorter than the header', () => {
    const d = decodeOnce(eth(M2, M1, 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17 }, udp(1, 2, fill(4), 5))));
    expect(d.issues[0]).toMatchObject({ layer: 'udp', kind: 'bad-field', offset: 38 });
  });
  it('decodes VXLAN on 4789 by default and on ports the user names', () => {
    const inner = eth(M2, M1, 0x0806, arp(2, M1, '10.0.0.1', M2, '10.0.0.2'));
    const frame = eth(M2, M1, 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17 }, udp(40000, 8472, vxlan(1, inner))));
    expect(protos(decodeOnce(frame).layers)).toEqual(['eth', 'ipv4', 'udp']);
    const flannel = new FrameDecoder({ vxlanPorts: [4789, 8472] });
    expect(protos(decodeOnce(frame, 1, { decoder: flannel }).layers)).toEqual(['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'arp']);
  });
  it('flags a VXLAN header without the I bit but still decodes the inner frame', () => {
    const inner = eth(M2, M1, 0x0806, arp(2, M1, '10.0.0.1', M2, '10.0.0.2'));
    const d = decodeOnce(eth(M2, M1, 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17 }, udp(40000, 4789, vxlan(5, inner, 0)))));
    expect(d.issues[0]).toMatchObject({ layer: 'vxlan', kind: 'bad-field', offset: 42 });
    expect(protos(d.layers)).toEqual(['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'arp']);
  });
  it('stops hostile nesting at 64 layers', () => {
    let frame = eth(M2, M1, 0x0806, arp(1, M1, '10.0.0.1', M2, '10.0.0.2'));
    for (let i = 0; i < 30; i++) frame = eth(M2, M1, 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17 }, udp(1, 4789, vxlan(i, frame))));
    const d = decodeOnce(frame);
    expect(d.layers.length).toBe(64);
    expect(d.issues.at(-1)).toMatchObject({ layer: 'frame', kind: 'unsupported' });
  });
  it('decodes an echo in a VXLAN in a VXLAN', () => {
    const inner = eth(M2, M1, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 1 }, icmpEcho(0, 1, 2, fill(8))));
    const mid = eth(M2, M1, 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17 }, udp(1, 4789, vxlan(2, inner))));
    const outer = eth(M2, M1, 0x0800, ipv4({ src: '3.3.3.3', dst: '4.4.4.4', protocol: 17 }, udp(1, 4789, vxlan(1, mid))));
    const d = decodeOnce(outer);
    expect(d.issues).toEqual([]);
    expect(d.layers.filter((l) => l.proto === 'vxlan').map((l) => l.vni)).toEqual([1, 2]);
  });
});

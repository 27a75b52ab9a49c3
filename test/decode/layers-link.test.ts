// Ethernet, 802.1Q/802.1ad, Linux SLL/SLL2, NULL/LOOP and raw IP link layers.
import { describe, expect, it } from 'vitest';
import { decodeOnce, protos } from '../helpers/decode.js';
import { bytes, eth, fill, ipv4, sll2, udp } from '../helpers/build.js';
import { FIXTURES } from './fixtures.js';

const byName = (name: string) => FIXTURES.find((f) => f.name === name)!;

describe('every fixture decodes to its layer stack without issues', () => {
  it.each(FIXTURES)('$name', (f) => {
    const d = decodeOnce(f.bytes, f.linkType);
    expect(d.issues).toEqual([]);
    expect(protos(d.layers)).toEqual(f.stack);
  });
});

describe('ethernet', () => {
  it('reads addresses and the raw type field', () => {
    const d = decodeOnce(byName('ARP request').bytes);
    expect(d.layers[0]).toEqual({ proto: 'eth', src: '02:42:ac:11:00:02', dst: 'ff:ff:ff:ff:ff:ff', type: 0x0806 });
  });
  it('stops at an 802.3 length field without an issue', () => {
    const d = decodeOnce(eth('01:80:c2:00:00:00', '02:00:00:00:00:01', 38, fill(38)));
    expect(protos(d.layers)).toEqual(['eth']);
    expect(d.layers[0].type).toBe(38);
    expect(d.issues).toEqual([]);
  });
  it('ignores trailing padding after the IPv4 total length', () => {
    const frame = bytes(eth('02:00:00:00:00:02', '02:00:00:00:00:01', 0x0800, ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17 }, udp(1, 2, fill(2)))), new Uint8Array(20));
    const d = decodeOnce(frame);
    expect(d.issues).toEqual([]);
    expect(d.layers[2]).toMatchObject({ proto: 'udp', length: 10 });
  });
});

describe('vlan', () => {
  it('decodes stacked 802.1ad and 802.1Q tags', () => {
    const d = decodeOnce(byName('UDP in 802.1Q in 802.1ad').bytes);
    expect(d.layers[1]).toEqual({ proto: 'vlan', id: 100, pcp: 0, type: 0x8100, tpid: 0x88a8, dei: 0 });
    expect(d.layers[2]).toEqual({ proto: 'vlan', id: 200, pcp: 5, type: 0x0800, tpid: 0x8100, dei: 0 });
  });
});

describe('linux cooked captures', () => {
  it('SLL2 gives ifindex, packet type, source MAC and direction', () => {
    const d = decodeOnce(byName('SLL2 outgoing ICMP').bytes, 276);
    expect(d.layers[0]).toEqual({ proto: 'sll', pkttype: 4, ifindex: 7, src: '02:42:ac:11:00:02', type: 0x0800, version: 2, hatype: 1 });
    expect(d.direction).toBe('out');
    expect(d.ifindex).toBe(7);
  });
  it('SLL2 incoming is "in"', () => {
    const d = decodeOnce(sll2(0x0800, 3, 0, '02:42:ac:11:00:03', ipv4({ src: '1.1.1.1', dst: '2.2.2.2', protocol: 17 }, udp(1, 2, fill(2)))), 276);
    expect(d.direction).toBe('in');
  });
  it('SLL v1 has no ifindex', () => {
    const d = decodeOnce(byName('SLL v1 ARP').bytes, 113);
    expect(d.layers[0]).toMatchObject({ proto: 'sll', version: 1, ifindex: null, pkttype: 1, type: 0x0806 });
    expect(d.ifindex).toBe(-1);
  });
});

describe('NULL / LOOP / RAW', () => {
  it('NULL reads the family in either byte order', () => {
    const frame = byName('NULL loopback IPv4').bytes;
    expect(decodeOnce(frame, 0).layers[0]).toEqual({ proto: 'null', family: 2 });
    const swapped = Uint8Array.from(frame);
    swapped.set([0, 0, 0, 2], 0);
    expect(decodeOnce(swapped, 0).layers[0]).toEqual({ proto: 'null', family: 2 });
    expect(protos(decodeOnce(swapped, 108).layers)).toEqual(['null', 'ipv4', 'udp']);
  });
  it('an unknown family is an unsupported issue', () => {
    const d = decodeOnce(bytes([99, 0, 0, 0], fill(20)), 0);
    expect(d.issues[0]).toMatchObject({ layer: 'null', kind: 'unsupported', offset: 0 });
  });
  it('an unknown link type is reported, not thrown', () => {
    const d = decodeOnce(fill(30), 147);
    expect(d.layers).toEqual([]);
    expect(d.issues[0]).toMatchObject({ layer: 'frame', kind: 'unsupported' });
  });
});

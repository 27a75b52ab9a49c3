// IPv6 decoder (src/decode/ipv6.ts): fixed header, extension headers, fragments, lengths.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv6 } from '../../src/decode/addr.js';
import { MAX_LAYERS } from '../../src/decode/frame.js';
import type { Ipv6Layer } from '../../src/decode/layers.js';
import { hex } from '../helpers/hex.js';
import { decode, decoder, layerOf, protos, sweep, type Region } from '../helpers/sweep.js';

const src = (ip: Ipv6Layer): string => formatIpv6(ip.src0, ip.src1, ip.src2, ip.src3);
const dst = (ip: Ipv6Layer): string => formatIpv6(ip.dst0, ip.dst1, ip.dst2, ip.dst3);
const exts = (ip: Ipv6Layer): number[] => [...ip.extTypes.subarray(0, ip.extCount)];

// tcpdump tests/LINKTYPE_RAW_ipv6.pcap ("IP6 2001:db8::1.12345 > 2620:fe::9.53: 4660+ A? example.com.").
// LINKTYPE_RAW: IPv6[UDP[DNS query]]
const RAW_DNS = hex(`
  60000000 0025 11 40                   # IPv6: payload 37, UDP, hop limit 64
  20010db8000000000000000000000001      # src 2001:db8::1
  262000fe000000000000000000000009      # dst 2620:fe::9
  3039 0035 0025 98b3                   # UDP 12345 -> 53, length 37
  1234 0100 0001 0000 0000 0000         # DNS id 0x1234, RD, 1 question
  076578616d706c6503636f6d00 0001 0001  # example.com A IN
`);

// zeek icmp6-nd-options.pcap frame 4 (tshark: "Multicast Listener Report Message v2").
// Ethernet[IPv6[Hop-by-Hop (Router Alert)[ICMPv6 MLDv2 report]]]
const MLDV2 = hex(`
  333300000016 c20054f50000 86dd        # Ethernet to 33:33:00:00:00:16
  6e000000 0024 00 01                   # IPv6: traffic class 0xe0, payload 36, Hop-by-Hop, hop limit 1
  fe80000000000000c00054fffef50000      # src fe80::c000:54ff:fef5:0
  ff020000000000000000000000000016      # dst ff02::16
  3a 00 0502 0000 0100                  # Hop-by-Hop: next ICMPv6, 8 bytes, Router Alert (MLD), PadN
  8f00 5c13 0000 0001                   # ICMPv6 MLDv2 report, 1 record
  04 00 0000 ff020000000000000000000000000002   # CHANGE_TO_EXCLUDE ff02::2
`);

// Ethernet[IPv6[Hop-by-Hop[Destination Options[Routing type 2[AH[UDP]]]]]] (Mobile IPv6 route optimisation with IPsec AH)
const CHAIN = hex(`
  0242ac120003 0242ac120002 86dd
  60000000 0058 00 40                   # IPv6: payload 88, Hop-by-Hop, hop limit 64
  fd00deadbeef00000000000000000002      # src fd00:dead:beef::2
  fd00deadbeef00000000000000000003      # dst fd00:dead:beef::3
  3c 00 0502 0000 0100                  # Hop-by-Hop (8 bytes): next Destination Options
  2b 00 0104 00000000                   # Destination Options (8 bytes): next Routing, PadN
  33 02 02 01 00000000                  # Routing (24 bytes): next AH, type 2, segments left 1
  20010db8000000010000000000000042      #   home address 2001:db8:0:1::42
  11 04 0000 0000c0de 00000007          # AH (24 bytes): next UDP, SPI 0xc0de, sequence 7
  a1b2c3d4e5f6a7b8c9d0e1f2              #   ICV (HMAC-SHA1-96)
  9c40 270f 0018 4c0c                   # UDP 40000 -> 9999, length 24
  70696e672d6f7665722d636861696e21      # "ping-over-chain!"
`);

// A DNS response over IPv6 fragmented by its sender; the first and the last fragment.
// Ethernet[IPv6[Fragment (offset 0, M)[UDP header + 48 bytes]]]
const FRAG_FIRST = hex(`
  0242ac120002 0242ac120003 86dd
  60000000 0040 2c 40                   # IPv6: payload 64, Fragment, hop limit 64
  fd00deadbeef00000000000000000003      # src fd00:dead:beef::3
  fd00deadbeef00000000000000000002      # dst fd00:dead:beef::2
  11 00 0001 8e2f0a11                   # Fragment: next UDP, offset 0, M, id 0x8e2f0a11
  0035 a028 006c 2472                   # UDP 53 -> 41000, length 108 (of the whole datagram)
  2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e
`);
// Ethernet[IPv6[Fragment (offset 56, last)[52 bytes]]]
const FRAG_LAST = hex(`
  0242ac120002 0242ac120003 86dd
  60000000 003c 2c 40                   # IPv6: payload 60, Fragment
  fd00deadbeef00000000000000000003
  fd00deadbeef00000000000000000002
  11 00 0038 8e2f0a11                   # Fragment: next UDP, offset 7 (56 bytes), last, id 0x8e2f0a11
  2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e2e
`);

// Ethernet[IPv6[Mobility (Binding Refresh Request)]]
const MOBILITY = hex(`
  0242ac120003 0242ac120002 86dd
  60000000 0008 87 40                   # IPv6: payload 8, Mobility (135)
  fd00deadbeef00000000000000000002
  fd00deadbeef00000000000000000003
  3b 00 00 00 0000 0000                 # MH: payload proto 59, length 0, type 0 (BRR)
`);

describe('IPv6 fields', () => {
  it('decodes the fixed header and dispatches UDP (LINKTYPE_RAW)', () => {
    const out = decode(RAW_DNS, RAW_DNS.length, 101);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['ipv6', 'udp', 'dns']);
    const ip = layerOf(out.layers, 0, 'ipv6');
    expect(ip.offset).toBe(0);
    expect(ip.trafficClass).toBe(0);
    expect(ip.flowLabel).toBe(0);
    expect(ip.payloadLength).toBe(37);
    expect(ip.next).toBe(17);
    expect(ip.hlim).toBe(64);
    expect(src(ip)).toBe('2001:db8::1');
    expect(dst(ip)).toBe('2620:fe::9');
    expect([ip.src0, ip.src1, ip.src2, ip.src3]).toEqual([0x20010db8, 0, 0, 1]);
    expect([ip.dst0, ip.dst1, ip.dst2, ip.dst3]).toEqual([0x262000fe, 0, 0, 9]);
    expect(exts(ip)).toEqual([]);
    expect(ip.extCount).toBe(0);
    expect(ip.upper).toBe(17);
    expect(ip.fragOffset).toBe(0);
    expect(ip.fragMore).toBe(false);
    expect(ip.fragId).toBe(-1);
    expect(layerOf(out.layers, 1, 'udp').offset).toBe(40);
    expect(layerOf(out.layers, 2, 'dns').questions).toEqual([{ name: 'example.com', type: 1, class: 1 }]);
  });

  it('walks a Hop-by-Hop header to ICMPv6 (MLDv2 report)', () => {
    const out = decode(MLDV2);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6', 'icmpv6']);
    const ip = layerOf(out.layers, 1, 'ipv6');
    expect(ip.offset).toBe(14);
    expect(ip.trafficClass).toBe(0xe0);
    expect(ip.flowLabel).toBe(0);
    expect(ip.payloadLength).toBe(36);
    expect(ip.next).toBe(0);
    expect(ip.hlim).toBe(1);
    expect(src(ip)).toBe('fe80::c000:54ff:fef5:0');
    expect(dst(ip)).toBe('ff02::16');
    expect(exts(ip)).toEqual([0]);
    expect(ip.upper).toBe(58);
    expect(ip.fragId).toBe(-1);
    expect(layerOf(out.layers, 2, 'icmpv6').offset).toBe(62);
  });

  it('walks Hop-by-Hop, Destination Options, Routing and AH (its own length rule) to UDP', () => {
    const out = decode(CHAIN);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6', 'udp']);
    const ip = layerOf(out.layers, 1, 'ipv6');
    expect(ip.payloadLength).toBe(88);
    expect(ip.next).toBe(0);
    expect(exts(ip)).toEqual([0, 60, 43, 51]);
    expect(ip.extCount).toBe(4);
    expect(ip.upper).toBe(17);
    expect(src(ip)).toBe('fd00:dead:beef::2');
    expect(dst(ip)).toBe('fd00:dead:beef::3');
    const udp = layerOf(out.layers, 2, 'udp');
    expect(udp.offset).toBe(14 + 40 + 8 + 8 + 24 + 24);
    expect(udp.sport).toBe(40000);
    expect(udp.dport).toBe(9999);
    expect(udp.length).toBe(24);
  });

  it('records a first fragment and does not decode its upper layer', () => {
    const out = decode(FRAG_FIRST);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6']);
    const ip = layerOf(out.layers, 1, 'ipv6');
    expect(ip.payloadLength).toBe(64);
    expect(ip.next).toBe(44);
    expect(exts(ip)).toEqual([44]);
    expect(ip.upper).toBe(17);
    expect(ip.fragOffset).toBe(0);
    expect(ip.fragMore).toBe(true);
    expect(ip.fragId).toBe(0x8e2f0a11);
    expect(src(ip)).toBe('fd00:dead:beef::3');
  });

  it('records a later fragment (offset in bytes) and stops', () => {
    const out = decode(FRAG_LAST);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6']);
    const ip = layerOf(out.layers, 1, 'ipv6');
    expect(ip.fragOffset).toBe(56);
    expect(ip.fragMore).toBe(false);
    expect(ip.fragId).toBe(0x8e2f0a11);
    expect(ip.upper).toBe(17);
  });

  it('decodes through an atomic fragment (offset 0, no M; RFC 6946)', () => {
    const frame = hex(`
      0242ac120002 0242ac120003 86dd
      60000000 0018 2c 40 fd00deadbeef00000000000000000003 fd00deadbeef00000000000000000002
      11 00 0000 00000001                 # Fragment: offset 0, last: the whole datagram
      a028 270f 0010 0000 0102030405060708  # UDP 41000 -> 9999, length 16
    `);
    const out = decode(frame);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6', 'udp']);
    const ip = layerOf(out.layers, 1, 'ipv6');
    expect(ip.fragId).toBe(1);
    expect(ip.fragOffset).toBe(0);
    expect(ip.fragMore).toBe(false);
    expect(ip.upper).toBe(17);
  });

  it('treats Mobility as the upper layer', () => {
    const out = decode(MOBILITY);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6']);
    const ip = layerOf(out.layers, 1, 'ipv6');
    expect(exts(ip)).toEqual([]);
    expect(ip.upper).toBe(135);
  });

  it('stops at No Next Header (59) and at ESP (50)', () => {
    for (const next of [59, 50]) {
      const frame = MOBILITY.slice();
      frame[20] = next;
      const out = decode(frame);
      expect(out.issues).toEqual([]);
      expect(protos(out.layers)).toEqual(['eth', 'ipv6']);
      expect(layerOf(out.layers, 1, 'ipv6').upper).toBe(next);
    }
  });

  it('ignores Ethernet padding after the Payload Length', () => {
    const frame = new Uint8Array(MOBILITY.length + 10).fill(0xff);
    frame.set(MOBILITY);
    frame[20] = 17; // 8 bytes of UDP claiming 18: the 10 padding bytes must not count as UDP data
    frame.set([0x9c, 0x40, 0x27, 0x0f, 0x00, 0x12, 0x00, 0x00], 54);
    const out = decode(frame);
    expect(out.issues).toEqual([expect.objectContaining({ layer: 'udp', offset: 58, kind: 'bad-field' })]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6', 'udp']);
  });

  it('uses the captured length for a jumbogram (Payload Length 0, Jumbo Payload option)', () => {
    const frame = hex(`
      0242ac120003 0242ac120002 86dd
      60000000 0000 00 40                 # Payload Length 0: see the Hop-by-Hop Jumbo Payload option
      fd00deadbeef00000000000000000002 fd00deadbeef00000000000000000003
      11 00 c204 00010010                 # Hop-by-Hop: next UDP, Jumbo Payload length 65552
      9c40 270f 0000 0000                 # UDP, length 0 (RFC 2675)
      6a756d626f6a756d626f6a756d626f      # "jumbojumbojumbo": the capture kept 15 bytes
    `);
    const out = decode(frame, 14 + 40 + 65552);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6', 'udp']);
    const ip = layerOf(out.layers, 1, 'ipv6');
    expect(ip.payloadLength).toBe(0);
    expect(exts(ip)).toEqual([0]);
    expect(ip.upper).toBe(17);
  });

  it('sets every field again when a pooled record is reused', () => {
    decode(FRAG_LAST);
    decode(CHAIN);
    const ip = layerOf(decode(RAW_DNS, RAW_DNS.length, 101).layers, 0, 'ipv6');
    expect(ip.extCount).toBe(0);
    expect(ip.fragId).toBe(-1);
    expect(ip.fragOffset).toBe(0);
    expect(ip.fragMore).toBe(false);
    expect(ip.upper).toBe(17);
  });

  it('reads at absolute offsets when the frame is a view into a larger buffer', () => {
    const chunk = new Uint8Array(600).fill(0x66);
    chunk.set(CHAIN, 201);
    // As a capture reader passes frames: the chunk, with the frame at [start, end).
    const out = decoder.decode({
      data: chunk, start: 201, end: 201 + CHAIN.length, origLen: CHAIN.length, tsSec: 0, direction: null, iface: { id: 0, linkType: 1 },
    });
    expect(out.issues).toEqual([]);
    const ip = layerOf(out.layers, 1, 'ipv6');
    expect(ip.offset).toBe(14);
    expect(exts(ip)).toEqual([0, 60, 43, 51]);
    expect(layerOf(out.layers, 2, 'udp').offset).toBe(118);
  });
});

describe('malformed IPv6', () => {
  it('reports a version other than 6 as bad-field and adds no layer', () => {
    const frame = MLDV2.slice();
    frame[14] = 0x4e;
    const out = decode(frame);
    expect(out.issues).toEqual([
      { layer: 'ipv6', offset: 14, kind: 'bad-field', message: 'The IP version field is 4, not 6.' },
    ]);
    expect(protos(out.layers)).toEqual(['eth']);
  });

  it('reports a Payload Length past the captured bytes as bad-field, unless the capture was cut', () => {
    const frame = MLDV2.slice();
    frame[19] = 0x40; // payload 64, 36 bytes there
    const out = decode(frame);
    expect(out.issues[0]).toEqual({
      layer: 'ipv6', offset: 18, kind: 'bad-field',
      message: 'The IPv6 Payload Length 64 runs past the 36 bytes captured after the header.',
    });
    expect(layerOf(out.layers, 1, 'ipv6').upper).toBe(58);
    expect(decode(frame, frame.length + 28).issues).toEqual([]);
  });

  it('reports an extension header that runs past the Payload Length as bad-field', () => {
    const frame = CHAIN.slice();
    frame[19] = 24; // payload 24: Hop-by-Hop, Destination Options, then the Routing header does not fit
    const out = decode(frame);
    expect(out.issues).toEqual([{
      layer: 'ipv6', offset: 70, kind: 'bad-field',
      message: 'The IPv6 Routing header needs 24 bytes but the Payload Length leaves 8.',
    }]);
    const ip = layerOf(out.layers, 1, 'ipv6');
    expect(exts(ip)).toEqual([0, 60]);
    expect(ip.upper).toBe(43);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6']);
  });

  it('reports an extension header cut by the capture as truncated at that header', () => {
    const out = decode(CHAIN.subarray(0, 80), CHAIN.length);
    expect(out.issues).toEqual([{
      layer: 'ipv6', offset: 70, kind: 'truncated',
      message: 'The IPv6 Routing header needs 24 bytes but only 10 were captured.',
    }]);
  });

  it('stops after 16 extension headers', () => {
    const count = 20;
    const frame = new Uint8Array(54 + count * 8);
    frame.set(MOBILITY.subarray(0, 54));
    frame[18] = (count * 8) >>> 8;
    frame[19] = (count * 8) & 0xff;
    frame[20] = 60;
    for (let i = 0; i < count; i++) frame.set([i === count - 1 ? 59 : 60, 0, 1, 4, 0, 0, 0, 0], 54 + i * 8);
    const out = decode(frame);
    expect(out.issues).toEqual([{
      layer: 'ipv6', offset: 54 + 16 * 8, kind: 'unsupported',
      message: 'The IPv6 packet chains more than 16 extension headers; the rest is not decoded.',
    }]);
    expect(layerOf(out.layers, 1, 'ipv6').extCount).toBe(16);
  });
});

describe('IPv6 truncation sweeps', () => {
  it('LINKTYPE_RAW DNS query', () => {
    sweep(RAW_DNS, [
      { start: 0, end: 1, layer: 'ipv4' }, // no version nibble yet: the raw-IP decoder cannot tell
      { start: 0, end: 40, layer: 'ipv6' },
      { start: 40, end: 48, layer: 'udp' },
      { start: 48, end: 60, layer: 'dns' },
      { start: 60, end: 77, layer: 'dns' },
    ], 101);
  });

  it('Hop-by-Hop then MLDv2', () => {
    sweep(MLDV2, [
      { start: 0, end: 14, layer: 'eth' },
      { start: 14, end: 54, layer: 'ipv6' },
      { start: 54, end: 62, layer: 'ipv6' },
      { start: 62, end: 70, layer: 'icmpv6' },
    ]);
  });

  it('extension header chain', () => {
    sweep(CHAIN, [
      { start: 0, end: 14, layer: 'eth' },
      { start: 14, end: 54, layer: 'ipv6' },
      { start: 54, end: 62, layer: 'ipv6' },
      { start: 62, end: 70, layer: 'ipv6' },
      { start: 70, end: 94, layer: 'ipv6' },
      { start: 94, end: 118, layer: 'ipv6' },
      { start: 118, end: 126, layer: 'udp' },
    ]);
  });

  it('fragments', () => {
    const regions: Region[] = [
      { start: 0, end: 14, layer: 'eth' },
      { start: 14, end: 54, layer: 'ipv6' },
      { start: 54, end: 62, layer: 'ipv6' },
    ];
    sweep(FRAG_FIRST, regions);
    sweep(FRAG_LAST, regions);
  });
});

describe('IPv6 properties', () => {
  const nextHeaders = fc.constantFrom(0, 6, 17, 43, 44, 50, 51, 58, 59, 60, 135, 41, 255);

  it('arbitrary bytes after an Ethernet+IPv6 header never throw nor exceed the layer limit', () => {
    fc.assert(
      fc.property(nextHeaders, fc.uint8Array({ maxLength: 200 }), fc.option(fc.integer({ min: 0, max: 0xffff })), fc.boolean(),
        (next, tail, payloadLength, cutByCapture) => {
          const frame = new Uint8Array(54 + tail.length);
          frame.set(MOBILITY.subarray(0, 54));
          const length = payloadLength ?? tail.length;
          frame[18] = length >>> 8;
          frame[19] = length & 0xff;
          frame[20] = next;
          frame.set(tail, 54);
          const out = decode(frame, cutByCapture ? frame.length + 64 : frame.length);
          expect(out.layers.count).toBeLessThanOrEqual(MAX_LAYERS);
          const ip = layerOf(out.layers, 1, 'ipv6');
          expect(ip.extCount).toBeLessThanOrEqual(16);
          for (const issue of out.issues) {
            expect(issue.offset).toBeGreaterThanOrEqual(0);
            expect(issue.offset).toBeLessThanOrEqual(frame.length);
            expect(issue.message).toMatch(/^[A-Z].*\.$/);
          }
        }),
      { numRuns: 3000 },
    );
  });

  it('IPv6 in VXLAN nested as deep as the frame allows stays within the layer limit', () => {
    // Ethernet[IPv4[UDP 4789[VXLAN[Ethernet[IPv4[UDP[VXLAN[...]]]]]]]] ending in IPv6: built from arbitrary depth.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (depth) => {
        const level = hex(`
          0242ac120003 0242ac120002 0800
          4500 0000 0000 4000 4011 0000 0a000001 0a000002   # Total Length 0: TSO, the captured length counts
          c000 12b5 0000 0000                               # UDP -> 4789, length 0
          08000000 00006400                                 # VXLAN VNI 100
        `);
        const frame = new Uint8Array(level.length * depth + MOBILITY.length);
        for (let i = 0; i < depth; i++) frame.set(level, i * level.length);
        frame.set(MOBILITY, depth * level.length);
        const out = decode(frame);
        expect(out.layers.count).toBeLessThanOrEqual(MAX_LAYERS);
      }),
      { numRuns: 40 },
    );
  });
});

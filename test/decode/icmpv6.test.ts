// ICMPv6 decoder (src/decode/icmpv6.ts): errors with quoted packets, echo, ND, MLD, checksum.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv6, formatMac } from '../../src/decode/addr.js';
import { FrameDecoder, MAX_LAYERS, type DecodedFrame } from '../../src/decode/frame.js';
import type { Icmpv6Layer } from '../../src/decode/layers.js';
import { hex } from '../helpers/hex.js';
import { decode, decoder, layerOf, protos, sweep, type Region } from '../helpers/sweep.js';

/** The ICMPv6 record of a frame with the plain Ethernet[IPv6[ICMPv6]] stack (or with one Hop-by-Hop header). */
function icmpv6(out: DecodedFrame): Icmpv6Layer {
  expect(protos(out.layers)).toEqual(['eth', 'ipv6', 'icmpv6']);
  return layerOf(out.layers, 2, 'icmpv6');
}

const target = (l: Icmpv6Layer): string => formatIpv6(l.target0, l.target1, l.target2, l.target3);

/** Every field of an ICMPv6 record, with the values a message without them must have. */
function fields(l: Icmpv6Layer): Record<string, unknown> {
  return {
    offset: l.offset, type: l.type, code: l.code, checksum: l.checksum, checksumOk: l.checksumOk,
    id: l.id, seq: l.seq, mtu: l.mtu, pointer: l.pointer,
    curHopLimit: l.curHopLimit, raFlags: l.raFlags, routerLifetime: l.routerLifetime,
    hasTarget: l.hasTarget, target: l.hasTarget ? target(l) : null,
    targetWords: [l.target0, l.target1, l.target2, l.target3],
    lladdr: l.lladdr >= 0 ? formatMac(l.lladdr) : l.lladdr, naFlags: l.naFlags, quoted: l.quoted.count,
  };
}
const NONE = {
  checksumOk: true, id: -1, seq: -1, mtu: -1, pointer: -1, curHopLimit: -1, raFlags: -1, routerLifetime: -1,
  hasTarget: false, target: null, targetWords: [0, 0, 0, 0], lladdr: -1, naFlags: 0, quoted: 0,
};

// zeek icmp6-ping.pcap frames 1 and 2 (Windows ping: 32 bytes "abcdefghijklmnopqrstuvwabcdefghi").
// Ethernet[IPv6[ICMPv6 echo request]]
const ECHO_REQUEST = hex(`
  b0c69ada3280 0023aea00b33 86dd
  60000000 0028 3a 80                 # IPv6: payload 40, ICMPv6, hop limit 128
  262000000e00400e0d1ddb370beb5aac    # src 2620:0:e00:400e:d1d:db37:beb:5aac
  20014860800600000000000000000063    # dst 2001:4860:8006::63
  8000 2910 0001 0003                 # echo request, id 1, seq 3
  6162636465666768696a6b6c6d6e6f7071727374757677616263646566676869
`);
// Ethernet[IPv6[ICMPv6 echo reply]]
const ECHO_REPLY = hex(`
  0023aea00b33 b0c69ada3280 86dd
  60000000 0028 3a 2f                 # hop limit 47
  20014860800600000000000000000063
  262000000e00400e0d1ddb370beb5aac
  8100 2810 0001 0003                 # echo reply, id 1, seq 3
  6162636465666768696a6b6c6d6e6f7071727374757677616263646566676869
`);

// zeek icmp6-neighbor-solicit.pcap: Ethernet[IPv6[ICMPv6 NS for fe80::babe]]
const NS = hex(`
  ffffffffffff 000000000000 86dd
  60000000 0018 3a ff                 # IPv6: payload 24, ICMPv6, hop limit 255
  fe80000000000000000000000000dead    # src fe80::dead
  fe80000000000000000000000000beef    # dst fe80::beef
  8700 24ce 00000000                  # neighbor solicitation
  fe80000000000000000000000000babe    # target fe80::babe
`);

// zeek icmp6-nd-options.pcap frame 2 (tshark: "Neighbor Advertisement fe80::c000:54ff:fef5:0 (rtr, ovr) is at c2:00:54:f5:00:00").
// Ethernet[IPv6[ICMPv6 NA + target link-layer address option]]
const NA = hex(`
  333300000001 c20054f50000 86dd
  6e000000 0020 3a ff                 # traffic class 0xe0, payload 32
  fe80000000000000c00054fffef50000    # src fe80::c000:54ff:fef5:0
  ff020000000000000000000000000001    # dst ff02::1
  8800 9abb a0000000                  # neighbor advertisement, flags R O
  fe80000000000000c00054fffef50000    # target
  0201 c20054f50000                   # option 2 (target link-layer address), 8 bytes
`);

// zeek icmp6-nd-options.pcap frame 3 (tshark: "Router Advertisement from c2:00:54:f5:00:00").
// Ethernet[IPv6[ICMPv6 RA + source link-layer address, MTU, prefix information options]]
const RA = hex(`
  333300000001 c20054f50000 86dd
  6e000000 0040 3a ff
  fe80000000000000c00054fffef50000
  ff020000000000000000000000000001
  8600 c4fe 40 00 0708                # RA: cur hop limit 64, flags 0, router lifetime 1800
  00000000 00000000                   # reachable time, retrans timer
  0101 c20054f50000                   # option 1 (source link-layer address)
  0501 0000 000005dc                  # option 5 (MTU 1500)
  0304 40 c0 00278d00 00093a80 00000000 20010db8000000010000000000000000   # option 3 (prefix 2001:db8:0:1::/64)
`);

// zeek icmp6-router-solicit.pcap: Ethernet[IPv6[ICMPv6 RS]]
const RS = hex(`
  ffffffffffff 000000000000 86dd
  60000000 0008 3a ff
  fe80000000000000000000000000dead
  fe80000000000000000000000000beef
  8500 e01d 00000000                  # router solicitation, no options
`);

// zeek icmp6-redirect.pcap: Ethernet[IPv6[ICMPv6 redirect]]
const REDIRECT = hex(`
  ffffffffffff 000000000000 86dd
  60000000 0028 3a ff
  fe80000000000000000000000000dead
  fe80000000000000000000000000beef
  8900 593e 00000000                  # redirect
  fe80000000000000000000000000cafe    # target fe80::cafe
  fe80000000000000000000000000babe    # destination fe80::babe
`);

// zeek icmp6-nd-options.pcap frame 12 (tshark: "Multicast Listener Report"), from the unspecified address.
// Ethernet[IPv6[Hop-by-Hop[ICMPv6 MLDv1 report]]]
const MLD_REPORT = hex(`
  3333ff0e4c67 000c290e4c67 86dd
  60000000 0020 00 01                 # payload 32, Hop-by-Hop, hop limit 1
  00000000000000000000000000000000    # src ::
  ff0200000000000000000001ff0e4c67    # dst ff02::1:ff0e:4c67
  3a 00 0502 0000 0100                # Hop-by-Hop: Router Alert (MLD), PadN
  8300 e7b8 0000 0000                 # MLD report, max response delay 0
  ff0200000000000000000001ff0e4c67    # multicast address
`);

// zeek icmp6-nd-options.pcap frame 4: Ethernet[IPv6[Hop-by-Hop[ICMPv6 MLDv2 report]]]
const MLDV2_REPORT = hex(`
  333300000016 c20054f50000 86dd
  6e000000 0024 00 01
  fe80000000000000c00054fffef50000
  ff020000000000000000000000000016
  3a 00 0502 0000 0100
  8f00 5c13 0000 0001                 # MLDv2 report, 1 record
  04 00 0000 ff020000000000000000000000000002
`);

// zeek icmp6-destunreach-ip6ext-udp.pcap.
// Ethernet[IPv6[ICMPv6 destination unreachable[IPv6[Hop-by-Hop[UDP]]]]]
const DEST_UNREACH = hex(`
  ffffffffffff 000000000000 86dd
  60000000 0044 3a 40                 # payload 68
  fe80000000000000000000000000dead
  fe80000000000000000000000000beef
  0100 f1a6 00000000                  # destination unreachable, no route
  60000000 0014 00 40                 # quoted IPv6: payload 20, Hop-by-Hop
  fe80000000000000000000000000beef
  fe80000000000000000000000000dead
  11 00 0104 00000000                 # Hop-by-Hop: next UDP, PadN
  7530 32c8 000c 0c8e 58585858        # UDP 30000 -> 13000, length 12, "XXXX"
`);

// A Docker host's gateway telling a container the path to 2001:db8:a::80 has an MTU of 1280
// (the quote is shortened to the headers and 8 bytes of data).
// Ethernet[IPv6[ICMPv6 packet too big[IPv6[TCP]]]]
const PACKET_TOO_BIG = hex(`
  0242ac120002 02425e3d1a01 86dd
  60000000 0058 3a 40                 # payload 88
  fd00deadbeef00000000000000000001    # src fd00:dead:beef::1
  fd00deadbeef00000000000000000002    # dst fd00:dead:beef::2
  0200 23ba 00000500                  # packet too big, MTU 1280
  60000000 0598 06 40                 # quoted IPv6: payload 1432, TCP
  fd00deadbeef00000000000000000002
  20010db8000a00000000000000000080    # 2001:db8:a::80
  b26e 01bb 075bcd15 3ade68b1 8018 01f6 5c38 0000   # TCP 45678 -> 443, PSH ACK
  0101 080a 0a1b2c3d 00d4c3b2
  1717171717171717
`);

// Ethernet[IPv6[ICMPv6 parameter problem (unrecognized Next Header, pointer 6)[IPv6 next 253]]]
const PARAM_PROBLEM = hex(`
  0242ac120002 02425e3d1a01 86dd
  60000000 0038 3a 40
  fd00deadbeef00000000000000000001
  fd00deadbeef00000000000000000002
  0401 33bd 00000006                  # parameter problem, code 1, pointer 6
  60000000 0008 fd 40                 # quoted IPv6: next header 253 (experimental)
  fd00deadbeef00000000000000000002
  fd00deadbeef00000000000000000001
  0000000000000000
`);

describe('ICMPv6 messages', () => {
  it('echo request and reply', () => {
    const req = icmpv6(decode(ECHO_REQUEST));
    expect(fields(req)).toEqual({ ...NONE, offset: 54, type: 128, code: 0, checksum: 0x2910, id: 1, seq: 3 });
    const reply = icmpv6(decode(ECHO_REPLY));
    expect(fields(reply)).toEqual({ ...NONE, offset: 54, type: 129, code: 0, checksum: 0x2810, id: 1, seq: 3 });
    expect(decode(ECHO_REPLY).issues).toEqual([]);
  });

  it('neighbor solicitation: target address', () => {
    const out = decode(NS);
    expect(out.issues).toEqual([]);
    expect(fields(icmpv6(out))).toEqual({
      ...NONE, offset: 54, type: 135, code: 0, checksum: 0x24ce,
      hasTarget: true, target: 'fe80::babe', targetWords: [0xfe800000, 0, 0, 0xbabe],
    });
  });

  it('neighbor advertisement: target, R/S/O flags and the target link-layer address option', () => {
    const out = decode(NA);
    expect(out.issues).toEqual([]);
    expect(fields(icmpv6(out))).toEqual({
      ...NONE, offset: 54, type: 136, code: 0, checksum: 0x9abb, naFlags: 0xa0,
      hasTarget: true, target: 'fe80::c000:54ff:fef5:0', targetWords: [0xfe800000, 0, 0xc00054ff, 0xfef50000],
      lladdr: 'c2:00:54:f5:00:00',
    });
  });

  it('router advertisement: hop limit, flags, lifetime, source link-layer address and MTU options', () => {
    const out = decode(RA);
    expect(out.issues).toEqual([]);
    expect(fields(icmpv6(out))).toEqual({
      ...NONE, offset: 54, type: 134, code: 0, checksum: 0xc4fe,
      curHopLimit: 64, raFlags: 0, routerLifetime: 1800, mtu: 1500, lladdr: 'c2:00:54:f5:00:00',
    });
  });

  it('router solicitation: type and code only', () => {
    const out = decode(RS);
    expect(out.issues).toEqual([]);
    expect(fields(icmpv6(out))).toEqual({ ...NONE, offset: 54, type: 133, code: 0, checksum: 0xe01d });
  });

  it('redirect: target address', () => {
    const out = decode(REDIRECT);
    expect(out.issues).toEqual([]);
    expect(fields(icmpv6(out))).toEqual({
      ...NONE, offset: 54, type: 137, code: 0, checksum: 0x593e,
      hasTarget: true, target: 'fe80::cafe', targetWords: [0xfe800000, 0, 0, 0xcafe],
    });
  });

  it('MLDv1 report after a Hop-by-Hop header: the multicast address, checksum verified', () => {
    const out = decode(MLD_REPORT);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6', 'icmpv6']);
    expect(fields(layerOf(out.layers, 2, 'icmpv6'))).toEqual({
      ...NONE, offset: 62, type: 131, code: 0, checksum: 0xe7b8,
      hasTarget: true, target: 'ff02::1:ff0e:4c67', targetWords: [0xff020000, 0, 1, 0xff0e4c67],
    });
  });

  it('MLDv2 report: type and code only', () => {
    const out = decode(MLDV2_REPORT);
    expect(out.issues).toEqual([]);
    expect(fields(layerOf(out.layers, 2, 'icmpv6'))).toEqual({ ...NONE, offset: 62, type: 143, code: 0, checksum: 0x5c13 });
  });

  it('destination unreachable: the quoted IPv6 packet, its extension header and UDP', () => {
    const out = decode(DEST_UNREACH);
    expect(out.issues).toEqual([]);
    const l = icmpv6(out);
    expect(fields(l)).toEqual({ ...NONE, offset: 54, type: 1, code: 0, checksum: 0xf1a6, quoted: 2 });
    expect(protos(l.quoted)).toEqual(['ipv6', 'udp']);
    const ip = layerOf(l.quoted, 0, 'ipv6');
    expect(ip.offset).toBe(62);
    expect(formatIpv6(ip.src0, ip.src1, ip.src2, ip.src3)).toBe('fe80::beef');
    expect(formatIpv6(ip.dst0, ip.dst1, ip.dst2, ip.dst3)).toBe('fe80::dead');
    expect([...ip.extTypes.subarray(0, ip.extCount)]).toEqual([0]);
    expect(ip.upper).toBe(17);
    const udp = layerOf(l.quoted, 1, 'udp');
    expect(udp.offset).toBe(110);
    expect([udp.sport, udp.dport, udp.length]).toEqual([30000, 13000, 12]);
  });

  it('packet too big: the MTU and the quoted TCP segment', () => {
    const out = decode(PACKET_TOO_BIG);
    expect(out.issues).toEqual([]);
    const l = icmpv6(out);
    expect(fields(l)).toEqual({ ...NONE, offset: 54, type: 2, code: 0, checksum: 0x23ba, mtu: 1280, quoted: 2 });
    expect(protos(l.quoted)).toEqual(['ipv6', 'tcp']);
    const tcp = layerOf(l.quoted, 1, 'tcp');
    expect([tcp.sport, tcp.dport, tcp.seq, tcp.ack, tcp.flags]).toEqual([45678, 443, 123456789, 987654321, 0x018]);
    expect(tcp.payloadLength).toBe(1400); // from the quoted IPv6 Payload Length, not from what was quoted
    expect(tcp.tsVal).toBe(169552957);
  });

  it('parameter problem: the pointer and the quoted header', () => {
    const out = decode(PARAM_PROBLEM);
    expect(out.issues).toEqual([]);
    const l = icmpv6(out);
    expect(fields(l)).toEqual({ ...NONE, offset: 54, type: 4, code: 1, checksum: 0x33bd, pointer: 6, quoted: 1 });
    expect(layerOf(l.quoted, 0, 'ipv6').upper).toBe(253);
  });

  it('sets every field again when a pooled record is reused', () => {
    decode(RA);
    decode(NA);
    decode(PACKET_TOO_BIG);
    const l = icmpv6(decode(ECHO_REQUEST));
    expect(fields(l)).toEqual({ ...NONE, offset: 54, type: 128, code: 0, checksum: 0x2910, id: 1, seq: 3 });
  });

  it('reads at absolute offsets when the frame is a view into a larger buffer', () => {
    const chunk = new Uint8Array(400).fill(0x5a);
    chunk.set(NA, 77);
    // As a capture reader passes frames: the chunk, with the frame at [start, end).
    const out = decoder.decode({
      data: chunk, start: 77, end: 77 + NA.length, origLen: NA.length, tsSec: 0, direction: null, iface: { id: 0, linkType: 1 },
    });
    expect(out.issues).toEqual([]);
    const l = icmpv6(out);
    expect(l.offset).toBe(54);
    expect(l.checksumOk).toBe(true);
    expect(formatMac(l.lladdr)).toBe('c2:00:54:f5:00:00');
  });
});

describe('ICMPv6 checksum', () => {
  it('reports a wrong checksum as bad-checksum', () => {
    const frame = NS.slice();
    frame[56] ^= 0x01;
    const out = decode(frame);
    expect(out.issues).toEqual([{
      layer: 'icmpv6', offset: 56, kind: 'bad-checksum',
      message: 'The ICMPv6 checksum 0x25ce does not match the message and its IPv6 pseudo-header.',
    }]);
    expect(icmpv6(out).checksumOk).toBe(false);
  });

  it('catches a changed pseudo-header address', () => {
    const frame = ECHO_REQUEST.slice();
    frame[53] ^= 0x01; // destination address
    expect(decode(frame).issues.map((i) => i.kind)).toEqual(['bad-checksum']);
  });

  it('does not verify a message the capture cut', () => {
    const out = decode(ECHO_REQUEST.subarray(0, 70), ECHO_REQUEST.length);
    expect(out.issues).toEqual([]);
    expect(icmpv6(out).checksumOk).toBeNull();
    expect(icmpv6(out).seq).toBe(3);
  });

  it('does not verify behind a Routing header (the pseudo-header uses the final destination)', () => {
    // Ethernet[IPv6[Routing (type 4, segments left 0)[ICMPv6 echo request]]] with a checksum we cannot check.
    const frame = hex(`
      0242ac120003 0242ac120002 86dd
      60000000 0020 2b 40 fd00deadbeef00000000000000000002 fd00deadbeef00000000000000000003
      3a 02 04 00 00 00 0000 20010db8000000000000000000000001   # Routing: next ICMPv6, SRH, segments left 0
      8000 0000 0007 0001                                       # echo request id 7 seq 1, checksum 0
    `);
    const out = decode(frame);
    expect(out.issues).toEqual([]);
    const l = layerOf(out.layers, 2, 'icmpv6');
    expect(l.checksumOk).toBeNull();
    expect([l.id, l.seq]).toEqual([7, 1]);
  });

  it('does not verify ICMPv6 carried by IPv4 (no IPv6 pseudo-header)', () => {
    const frame = hex(`
      0242ac120003 0242ac120002 0800
      4500 0024 0001 0000 403a 0000 ac120002 ac120003   # IPv4, protocol 58
      8000 0000 0007 0001 00000000 00000000
    `);
    const out = decode(frame);
    expect(out.issues.filter((i) => i.layer === 'icmpv6')).toEqual([]);
    const l = layerOf(out.layers, 2, 'icmpv6');
    expect(l.checksumOk).toBeNull();
    expect(l.id).toBe(7);
  });

  it('skips verification when the decoder is told not to verify', () => {
    const quiet = new FrameDecoder({ verifyChecksums: false });
    const frame = NS.slice();
    frame[56] ^= 0x01;
    const out = quiet.decode({ data: frame, start: 0, end: frame.length, origLen: frame.length, tsSec: 0, direction: null, iface: { id: 0, linkType: 1 } });
    expect(out.issues).toEqual([]);
    expect((out.layers.items[2] as Icmpv6Layer).checksumOk).toBeNull();
  });
});

describe('malformed ICMPv6', () => {
  it('reports an ND message shorter than its fixed part as bad-field', () => {
    const frame = NS.slice(0, 54 + 16);
    frame[19] = 16; // Payload Length 16: the target address does not fit
    const out = decode(frame);
    const issues = out.issues.filter((i) => i.kind !== 'bad-checksum');
    expect(issues).toEqual([{
      layer: 'icmpv6', offset: 54, kind: 'bad-field',
      message: 'The ICMPv6 Neighbor Solicitation is 16 bytes long; it needs at least 24.',
    }]);
    const l = icmpv6(out);
    expect(l.type).toBe(135);
    expect(l.hasTarget).toBe(false);
  });

  it('reports an ND option of length 0 (RFC 4861 section 4.6)', () => {
    const frame = NA.slice();
    frame[79] = 0;
    const out = decode(frame);
    expect(out.issues.filter((i) => i.kind === 'bad-field')).toEqual([{
      layer: 'icmpv6', offset: 79, kind: 'bad-field',
      message: 'ND option type 2 has length 0; RFC 4861 section 4.6 requires at least 1 (8 bytes).',
    }]);
    expect(icmpv6(out).lladdr).toBe(-1);
    expect(target(icmpv6(out))).toBe('fe80::c000:54ff:fef5:0');
  });

  it('reports an ND option running past the end of the message', () => {
    const frame = RA.slice();
    frame[79 + 8] = 5; // the MTU option still fits; the prefix option now claims 40 bytes, 32 are left
    const out = decode(frame);
    expect(out.issues.filter((i) => i.kind === 'bad-field')).toEqual([{
      layer: 'icmpv6', offset: 87, kind: 'bad-field',
      message: 'ND option type 3 has length 40 bytes, which runs 8 bytes past the end of the ICMPv6 message.',
    }]);
    const l = icmpv6(out);
    expect(l.mtu).toBe(1500);
    expect(formatMac(l.lladdr)).toBe('c2:00:54:f5:00:00');
  });

  it('ignores a link-layer address option that is not Ethernet-sized', () => {
    const frame = hex(`
      333300000002 c20054f50000 86dd
      60000000 0018 3a ff fe80000000000000c00054fffef50000 ff020000000000000000000000000002
      8500 0000 00000000                   # RS (checksum 0: not what is tested)
      0102 00112233445566778899aabbccdd   # option 1, length 2 (16 bytes): not a MAC
    `);
    const out = decode(frame);
    expect(out.issues.map((i) => i.kind)).toEqual(['bad-checksum']);
    expect(icmpv6(out).lladdr).toBe(-1);
  });

  it('limits ICMPv6 errors quoting ICMPv6 errors to two levels', () => {
    // An error quoting an error quoting an error quoting an echo request.
    const echo = ECHO_REQUEST.subarray(14);
    let inner: Uint8Array = echo;
    for (let i = 0; i < 3; i++) {
      const wrapped = new Uint8Array(48 + inner.length);
      wrapped.set(NS.subarray(14, 54));
      wrapped[4] = (8 + inner.length) >>> 8;
      wrapped[5] = (8 + inner.length) & 0xff;
      wrapped.set([0x01, 0x03, 0, 0, 0, 0, 0, 0], 40); // destination unreachable, address unreachable
      wrapped.set(inner, 48);
      inner = wrapped;
    }
    const frame = new Uint8Array(14 + inner.length);
    frame.set(NS.subarray(0, 14));
    frame.set(inner, 14);
    const out = decode(frame);
    const outer = layerOf(out.layers, 2, 'icmpv6');
    const level1 = layerOf(outer.quoted, 1, 'icmpv6');
    const level2 = layerOf(level1.quoted, 1, 'icmpv6');
    expect(level2.type).toBe(1);
    expect(level2.quoted.count).toBe(0);
    expect(out.issues.map((i) => i.kind)).toEqual(['bad-checksum']); // checksums of the made-up wrappers
  });
});

describe('ICMPv6 truncation sweeps', () => {
  const base: Region[] = [
    { start: 0, end: 14, layer: 'eth' },
    { start: 14, end: 54, layer: 'ipv6' },
  ];

  it('echo request: the data is payload', () => {
    sweep(ECHO_REQUEST, [...base, { start: 54, end: 62, layer: 'icmpv6' }]);
  });

  it('neighbor solicitation', () => {
    sweep(NS, [...base, { start: 54, end: 78, layer: 'icmpv6' }]);
  });

  it('neighbor advertisement with an option', () => {
    sweep(NA, [...base, { start: 54, end: 78, layer: 'icmpv6' }, { start: 78, end: 86, layer: 'icmpv6' }]);
  });

  it('router advertisement with three options', () => {
    sweep(RA, [
      ...base,
      { start: 54, end: 70, layer: 'icmpv6' },
      { start: 70, end: 78, layer: 'icmpv6' },
      { start: 78, end: 86, layer: 'icmpv6' },
      { start: 86, end: 118, layer: 'icmpv6' },
    ]);
  });

  it('redirect', () => {
    sweep(REDIRECT, [...base, { start: 54, end: 94, layer: 'icmpv6' }]);
  });

  it('MLDv1 report after Hop-by-Hop', () => {
    sweep(MLD_REPORT, [...base, { start: 54, end: 62, layer: 'ipv6' }, { start: 62, end: 86, layer: 'icmpv6' }]);
  });

  it('errors: cuts inside the quoted packet are not reported', () => {
    sweep(DEST_UNREACH, [...base, { start: 54, end: 62, layer: 'icmpv6' }]);
    sweep(PACKET_TOO_BIG, [...base, { start: 54, end: 62, layer: 'icmpv6' }]);
  });
});

describe('ICMPv6 properties', () => {
  const types = fc.constantFrom(1, 2, 3, 4, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 143, 0, 255);

  it('arbitrary ICMPv6 bodies never throw nor exceed the layer limit', () => {
    fc.assert(
      fc.property(types, fc.uint8Array({ maxLength: 160 }), fc.boolean(), (type, body, cutByCapture) => {
        const frame = new Uint8Array(54 + 1 + body.length);
        frame.set(NS.subarray(0, 54));
        const length = 1 + body.length;
        frame[18] = length >>> 8;
        frame[19] = length & 0xff;
        frame[54] = type;
        frame.set(body, 55);
        const out = decode(frame, cutByCapture ? frame.length + 40 : frame.length);
        expect(out.layers.count).toBeLessThanOrEqual(MAX_LAYERS);
        for (const issue of out.issues) {
          expect(issue.offset).toBeGreaterThanOrEqual(0);
          expect(issue.offset).toBeLessThanOrEqual(frame.length);
          expect(issue.message).toMatch(/^[A-Z].*\.$/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('errors quoting arbitrary IPv6 packets never throw', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 2, 3, 4), fc.constantFrom(0, 6, 17, 43, 44, 58, 60), fc.uint8Array({ maxLength: 120 }), (type, next, tail) => {
        const quoted = new Uint8Array(40 + tail.length);
        quoted.set(NS.subarray(14, 54));
        quoted[6] = next;
        quoted.set(tail, 40);
        const frame = new Uint8Array(62 + quoted.length);
        frame.set(NS.subarray(0, 54));
        frame[18] = (8 + quoted.length) >>> 8;
        frame[19] = (8 + quoted.length) & 0xff;
        frame[54] = type;
        frame.set(quoted, 62);
        const out = decode(frame);
        expect(out.issues.filter((i) => i.kind === 'truncated')).toEqual([]);
        const l = layerOf(out.layers, 2, 'icmpv6');
        expect(l.quoted.count).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 1500 },
    );
  });
});

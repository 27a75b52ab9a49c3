// TCP decoder (src/decode/tcp.ts): fields, options, quoted headers, malformed input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LAYERS } from '../../src/decode/frame.js';
import { hex } from '../helpers/hex.js';
import { decode, decoder, layerOf, protos, sweep } from '../helpers/sweep.js';

// zeek testing/btest/Traces/tcp/options.pcap frame 1 (tshark: "36861 → 80 [SYN] Seq=0 Win=5840
// Len=0 MSS=1460 SACK_PERM TSval=4294923497 TSecr=0 WS=64").
// Ethernet[IPv4[TCP SYN (MSS, SACK permitted, timestamps, NOP, window scale)]] + 4-byte trailer
const SYN = hex(`
  0019e3e75d23 000bdb6358a6 0800                    # Ethernet: dst, src, IPv4
  4500 003c a912 4000 4006 4d59 c0a80166 c101c140   # IPv4 192.168.1.102 -> 193.1.193.64, total 60, DF, TCP
  8ffd 0050 df91fdfb 00000000                       # TCP 36861 -> 80, seq 3750886907, ack 0
  a002 16d0 2a1c 0000                               # data offset 10 (40 bytes), SYN, window 5840, checksum, urgent 0
  020405b4                                          # MSS 1460
  0402                                              # SACK permitted
  080a ffff54e9 00000000                            # timestamps: TSval 4294923497, TSecr 0
  01                                                # NOP
  030306                                            # window scale 6
  6199607c                                          # 4 bytes after the IP packet (trailer)
`);

// zeek tcp/options.pcap frame 4 (tshark: "GET /main-49.cdiff HTTP/1.0", TCP Len=104).
// Ethernet[IPv4[TCP PSH,ACK (NOP, NOP, timestamps) [HTTP 104 bytes]]] + 4-byte trailer
const PSH = hex(`
  0019e3e75d23 000bdb6358a6 0800                    # Ethernet
  4500 009c a914 4000 4006 4cf7 c0a80166 c101c140   # IPv4 192.168.1.102 -> 193.1.193.64, total 156
  8ffd 0050 df91fdfc 2b28180d                       # TCP 36861 -> 80, seq 3750886908, ack 724047885
  8018 005c 57a6 0000                               # data offset 8 (32 bytes), PSH ACK, window 92
  0101 080a ffff5519 19003c97                       # NOP NOP timestamps 4294923545 / 419445911
  474554202f6d61696e2d34392e636469666620485454502f312e300d0a   # "GET /main-49.cdiff HTTP/1.0\\r\\n"
  486f73743a2064622e6c6f63616c2e636c616d61762e6e65740d0a       # "Host: db.local.clamav.net\\r\\n"
  557365722d4167656e743a20636c616d61762f302e39322e310d0a       # "User-Agent: clamav/0.92.1\\r\\n"
  436f6e6e656374696f6e3a20636c6f73650d0a0d0a                   # "Connection: close\\r\\n\\r\\n"
  34e240dc                                                     # trailer
`);

// A duplicate ACK between two containers on a Docker IPv6 network, with SACK.
// Ethernet[IPv6[TCP ACK (NOP, NOP, timestamps, NOP, NOP, SACK 2 blocks)]]
const SACK6 = hex(`
  0242ac120003 0242ac120002 86dd                    # Ethernet
  6005a3c1 0034 06 40                               # IPv6: flow label 0x5a3c1, payload 52, TCP, hop limit 64
  fd00deadbeef00000000000000000002                  # src fd00:dead:beef::2
  fd00deadbeef00000000000000000003                  # dst fd00:dead:beef::3
  b26e 1f90 3b9aca00 b2d05e00                       # TCP 45678 -> 8080, seq 1000000000, ack 3000000000
  d010 01f5 8a41 0000                               # data offset 13 (52 bytes), ACK, window 501
  0101 080a 0a1b2c3d 00d4c3b2                       # NOP NOP timestamps 169552957 / 13943730
  0101 0512 b2d063a8 b2d06950 b2d06ef8 b2d074a0     # NOP NOP SACK: 2 blocks
`);

// A router's ICMP time exceeded for a TCP SYN (traceroute -T), quoting only 8 bytes of TCP.
// Ethernet[IPv4[ICMP time exceeded[IPv4[TCP (ports and sequence number only)]]]]
const TIME_EXCEEDED = hex(`
  0242ac120003 0242e1550a01 0800                    # Ethernet
  4500 0038 9a41 0000 fe01 6c6d 0a000001 ac120003   # IPv4 10.0.0.1 -> 172.18.0.3, ICMP
  0b00 ff15 00000000                                # ICMP time exceeded in transit
  4500 003c 3039 4000 0106 6793 ac120003 5db8d822   # quoted IPv4 172.18.0.3 -> 93.184.216.34, TTL 1, TCP
  afc8 01bb 11223344                                # quoted TCP 45000 -> 443, seq 287454020
`);

describe('TCP fields', () => {
  it('decodes a SYN with MSS, SACK permitted, timestamps and window scale', () => {
    const out = decode(SYN);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv4', 'tcp']);
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect(tcp.offset).toBe(34);
    expect(tcp.sport).toBe(36861);
    expect(tcp.dport).toBe(80);
    expect(tcp.seq).toBe(3750886907);
    expect(tcp.ack).toBe(0);
    expect(tcp.headerLength).toBe(40);
    expect(tcp.flags).toBe(0x002);
    expect(tcp.window).toBe(5840);
    expect(tcp.checksum).toBe(0x2a1c);
    expect(tcp.urgent).toBe(0);
    expect([...tcp.optionKinds.subarray(0, tcp.optionCount)]).toEqual([2, 4, 8, 1, 3]);
    expect(tcp.optionCount).toBe(5);
    expect(tcp.mss).toBe(1460);
    expect(tcp.windowScale).toBe(6);
    expect(tcp.sackPermitted).toBe(true);
    expect(tcp.sackBlocks).toBe(0);
    expect(tcp.tsVal).toBe(4294923497);
    expect(tcp.tsEcr).toBe(0);
    expect(tcp.payloadLength).toBe(0);
  });

  it('decodes a PSH/ACK with data: payload length from the IP length, trailer ignored', () => {
    const out = decode(PSH);
    expect(out.issues).toEqual([]);
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect(tcp.offset).toBe(34);
    expect(tcp.sport).toBe(36861);
    expect(tcp.dport).toBe(80);
    expect(tcp.seq).toBe(3750886908);
    expect(tcp.ack).toBe(724047885);
    expect(tcp.headerLength).toBe(32);
    expect(tcp.flags).toBe(0x018);
    expect(tcp.window).toBe(92);
    expect(tcp.checksum).toBe(0x57a6);
    expect(tcp.urgent).toBe(0);
    expect([...tcp.optionKinds.subarray(0, tcp.optionCount)]).toEqual([1, 1, 8]);
    expect(tcp.mss).toBe(-1);
    expect(tcp.windowScale).toBe(-1);
    expect(tcp.sackPermitted).toBe(false);
    expect(tcp.sackBlocks).toBe(0);
    expect(tcp.tsVal).toBe(4294923545);
    expect(tcp.tsEcr).toBe(419445911);
    expect(tcp.payloadLength).toBe(104);
  });

  it('decodes SACK blocks over IPv6', () => {
    const out = decode(SACK6);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6', 'tcp']);
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect(tcp.offset).toBe(54);
    expect(tcp.sport).toBe(45678);
    expect(tcp.dport).toBe(8080);
    expect(tcp.seq).toBe(1000000000);
    expect(tcp.ack).toBe(3000000000);
    expect(tcp.headerLength).toBe(52);
    expect(tcp.flags).toBe(0x010);
    expect(tcp.window).toBe(501);
    expect(tcp.checksum).toBe(0x8a41);
    expect(tcp.urgent).toBe(0);
    expect([...tcp.optionKinds.subarray(0, tcp.optionCount)]).toEqual([1, 1, 8, 1, 1, 5]);
    expect(tcp.mss).toBe(-1);
    expect(tcp.windowScale).toBe(-1);
    expect(tcp.sackPermitted).toBe(false);
    expect(tcp.sackBlocks).toBe(2);
    expect(tcp.tsVal).toBe(169552957);
    expect(tcp.tsEcr).toBe(13943730);
    expect(tcp.payloadLength).toBe(0);
  });

  it('keeps all 9 flag bits (NS CWR ECE URG ACK PSH RST SYN FIN) and drops the reserved ones', () => {
    const frame = SYN.slice();
    frame[34 + 12] = 0xaf; // data offset 10, reserved bits 111, NS
    frame[34 + 13] = 0xff;
    const tcp = layerOf(decode(frame).layers, 2, 'tcp');
    expect(tcp.flags).toBe(0x1ff);
    expect(tcp.headerLength).toBe(40);
  });

  it('sets every field again when a pooled record is reused', () => {
    decode(SYN);
    const tcp = layerOf(decode(PSH).layers, 2, 'tcp');
    expect(tcp.mss).toBe(-1);
    expect(tcp.windowScale).toBe(-1);
    expect(tcp.sackPermitted).toBe(false);
    decode(SACK6);
    const again = layerOf(decode(SYN).layers, 2, 'tcp');
    expect(again.sackBlocks).toBe(0);
    expect(again.optionCount).toBe(5);
    decode(TIME_EXCEEDED);
    const full = layerOf(decode(SYN).layers, 2, 'tcp');
    expect(full.ack).toBe(0);
    expect(full.window).toBe(5840);
    expect(full.checksum).toBe(0x2a1c);
  });

  it('reads at absolute offsets when the frame is a view into a larger buffer', () => {
    const chunk = new Uint8Array(1000).fill(0xee);
    chunk.set(PSH, 333);
    // As a capture reader passes frames: the chunk, with the frame at [start, end).
    const out = decoder.decode({
      data: chunk, start: 333, end: 333 + PSH.length, origLen: PSH.length, tsSec: 0, direction: null, iface: { id: 0, linkType: 1 },
    });
    expect(out.issues).toEqual([]);
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect(tcp.offset).toBe(34);
    expect(tcp.tsVal).toBe(4294923545);
    expect(tcp.payloadLength).toBe(104);
  });
});

describe('TCP quoted in an ICMP error', () => {
  it('fills ports and sequence number from 8 bytes, leaves the rest unknown, reports nothing', () => {
    const out = decode(TIME_EXCEEDED);
    expect(out.issues).toEqual([]);
    const icmp = layerOf(out.layers, 2, 'icmp');
    expect(protos(icmp.quoted)).toEqual(['ipv4', 'tcp']);
    const tcp = layerOf(icmp.quoted, 1, 'tcp');
    expect(tcp.offset).toBe(62);
    expect(tcp.sport).toBe(45000);
    expect(tcp.dport).toBe(443);
    expect(tcp.seq).toBe(287454020);
    expect(tcp.ack).toBe(-1);
    expect(tcp.headerLength).toBe(0);
    expect(tcp.flags).toBe(-1);
    expect(tcp.window).toBe(-1);
    expect(tcp.checksum).toBe(-1);
    expect(tcp.urgent).toBe(-1);
    expect(tcp.optionCount).toBe(0);
    expect(tcp.mss).toBe(-1);
    expect(tcp.windowScale).toBe(-1);
    expect(tcp.sackPermitted).toBe(false);
    expect(tcp.sackBlocks).toBe(0);
    expect(tcp.tsVal).toBe(-1);
    expect(tcp.tsEcr).toBe(-1);
    expect(tcp.payloadLength).toBe(0);
  });

  it('keeps the acknowledgment number and flags when 16 bytes are quoted', () => {
    const frame = new Uint8Array(TIME_EXCEEDED.length + 8);
    frame.set(TIME_EXCEEDED);
    frame.set([0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0], TIME_EXCEEDED.length);
    frame[17] += 8; // IPv4 total length 64
    const out = decode(frame);
    expect(out.issues.filter((i) => i.layer === 'tcp')).toEqual([]);
    const tcp = layerOf(layerOf(out.layers, 2, 'icmp').quoted, 1, 'tcp');
    expect(tcp.ack).toBe(0);
    expect(tcp.headerLength).toBe(40);
    expect(tcp.flags).toBe(0x002);
    expect(tcp.window).toBe(64240);
    expect(tcp.checksum).toBe(-1);
    expect(tcp.urgent).toBe(-1);
  });
});

describe('malformed TCP', () => {
  it('reports a data offset below 5 words as bad-field and walks no options', () => {
    const frame = SYN.slice();
    frame[34 + 12] = 0x40; // 16 bytes
    const out = decode(frame);
    expect(out.issues).toEqual([expect.objectContaining({ layer: 'tcp', offset: 46, kind: 'bad-field' })]);
    expect(out.issues[0].message).toMatch(/data offset is 4 \(16 bytes\).*minimum of 5/);
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect(tcp.headerLength).toBe(16);
    expect(tcp.sport).toBe(36861);
    expect(tcp.optionCount).toBe(0);
    expect(tcp.mss).toBe(-1);
  });

  it('reports a data offset past a wholly captured segment as bad-field (pcpp tcp-malformed.pcap)', () => {
    // Ethernet[IPv4 total 40[TCP data offset 7 (28 bytes) in a 20-byte segment]] + Ethernet padding
    const frame = hex(`
      00005e000102 6c277936301c 0800
      4500 0028 0958 4000 8006 3f3a ac132a4a 57f083f0   # IPv4 172.19.42.74 -> 87.240.131.240, total 40
      c207 61b6 5744505b 4da490b9 7010 0891 bbe7 e00a   # TCP data offset 7, ACK, urgent 0xe00a
      000000000000                                      # Ethernet padding
    `);
    const out = decode(frame);
    expect(out.issues).toHaveLength(1);
    expect(out.issues[0]).toMatchObject({ layer: 'tcp', offset: 46, kind: 'bad-field' });
    expect(out.issues[0].message).toMatch(/data offset is 7 \(28 bytes\), past the 20-byte segment/);
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect(tcp.sport).toBe(49671);
    expect(tcp.dport).toBe(25014);
    expect(tcp.flags).toBe(0x010);
    expect(tcp.headerLength).toBe(28);
    expect(tcp.payloadLength).toBe(0);
    expect(tcp.optionCount).toBe(0);
  });

  it('reports a segment shorter than 20 bytes by the IP length as bad-field, keeping ports', () => {
    const frame = SYN.slice(0, 34 + 12);
    frame[17] = 20 + 12; // IPv4 total length 32
    frame[24] = 0; frame[25] = 0; // (checksum now wrong: only the IPv4 layer cares)
    const out = decode(frame);
    const tcpIssues = out.issues.filter((i) => i.layer === 'tcp');
    expect(tcpIssues).toEqual([expect.objectContaining({ offset: 34, kind: 'bad-field' })]);
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect(tcp.sport).toBe(36861);
    expect(tcp.seq).toBe(3750886907);
    expect(tcp.ack).toBe(0);
    expect(tcp.flags).toBe(-1);
  });

  it('reports an option length below 2 and keeps the options before it', () => {
    const frame = SYN.slice();
    frame[54 + 6] = 0x08; frame[54 + 7] = 0x01; // timestamps with length 1
    const out = decode(frame);
    expect(out.issues).toEqual([expect.objectContaining({ layer: 'tcp', offset: 61, kind: 'bad-field' })]);
    expect(out.issues[0].message).toMatch(/kind 8 has length 1/);
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect(tcp.mss).toBe(1460);
    expect(tcp.sackPermitted).toBe(true);
    expect(tcp.tsVal).toBe(-1);
    expect(tcp.windowScale).toBe(-1);
    expect([...tcp.optionKinds.subarray(0, tcp.optionCount)]).toEqual([2, 4, 8]);
  });

  it('reports an option running past the header', () => {
    const frame = SYN.slice();
    frame.set([0x01, 0x05, 0x0a], 71); // NOP, then a SACK of length 10 in the last 2 header bytes
    const out = decode(frame);
    expect(out.issues).toEqual([expect.objectContaining({ layer: 'tcp', offset: 73, kind: 'bad-field' })]);
    expect(out.issues[0].message).toMatch(/runs 8 bytes past the end of the TCP header/);
  });

  it('reports a known option with the wrong length and goes on with the next ones', () => {
    const frame = hex(`
      0242ac120003 0242ac120002 0800
      4500 0030 0001 4000 4006 0000 ac120002 ac120003   # IPv4, total 48 (checksum not checked here)
      c350 0050 00000001 00000000 7002 faf0 0000 0000   # TCP SYN, data offset 7 (28 bytes)
      0205 05b4 00                                      # MSS with length 5
      030307                                            # window scale 7
    `);
    const out = decode(frame);
    const tcpIssues = out.issues.filter((i) => i.layer === 'tcp');
    expect(tcpIssues).toEqual([expect.objectContaining({ offset: 55, kind: 'bad-field' })]);
    expect(tcpIssues[0].message).toBe('The TCP MSS option (kind 2) has length 5; it must be 4.');
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect(tcp.mss).toBe(-1);
    expect(tcp.windowScale).toBe(7);
    expect([...tcp.optionKinds.subarray(0, tcp.optionCount)]).toEqual([2, 3]);
  });

  it('reports a SACK option whose length is not 2 plus 8 per block', () => {
    const frame = hex(`
      0242ac120003 0242ac120002 0800
      4500 0034 0001 4000 4006 0000 ac120002 ac120003
      c350 0050 00000001 00000001 8010 faf0 0000 0000   # data offset 8 (32 bytes)
      050b 0000000a 00000014 00                         # SACK length 11
      00                                                # EOL
    `);
    const out = decode(frame);
    const tcpIssues = out.issues.filter((i) => i.layer === 'tcp');
    expect(tcpIssues).toHaveLength(1);
    expect(tcpIssues[0].message).toMatch(/SACK option \(kind 5\) has length 11; it must be 2 plus 8 per block/);
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect(tcp.sackBlocks).toBe(0);
    expect([...tcp.optionKinds.subarray(0, tcp.optionCount)]).toEqual([5, 0]);
  });

  it('reports an option kind in the last header byte with no length byte', () => {
    const frame = SYN.slice();
    frame.set([0x01, 0x01, 0x03], 54 + 17); // NOP NOP, then window scale kind alone at the end
    const out = decode(frame);
    expect(out.issues).toEqual([expect.objectContaining({ layer: 'tcp', offset: 73, kind: 'bad-field' })]);
    expect(out.issues[0].message).toMatch(/no length byte/);
  });

  it('stops at End of Option List and ignores the padding after it', () => {
    const frame = SYN.slice();
    frame.set([0x00, 0xff, 0xff], 54 + 17); // EOL, then junk
    const out = decode(frame);
    expect(out.issues).toEqual([]);
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect([...tcp.optionKinds.subarray(0, tcp.optionCount)]).toEqual([2, 4, 8, 1, 0]);
    expect(tcp.windowScale).toBe(-1);
  });

  it('reports a header cut by the capture as truncated and keeps the captured fields', () => {
    const out = decode(PSH.subarray(0, 34 + 16), PSH.length);
    expect(out.issues).toEqual([expect.objectContaining({ layer: 'tcp', offset: 34, kind: 'truncated' })]);
    expect(out.issues[0].message).toBe('The TCP header needs 20 bytes but only 16 were captured.');
    const tcp = layerOf(out.layers, 2, 'tcp');
    expect(tcp.sport).toBe(36861);
    expect(tcp.ack).toBe(724047885);
    expect(tcp.flags).toBe(0x018);
    expect(tcp.window).toBe(92);
    expect(tcp.checksum).toBe(-1);
  });

  it('takes the payload length from the IP header when the capture cut the payload', () => {
    const out = decode(PSH.subarray(0, 96), PSH.length);
    expect(out.issues).toEqual([]);
    expect(layerOf(out.layers, 2, 'tcp').payloadLength).toBe(104);
  });
});

describe('TCP truncation sweeps', () => {
  it('SYN with options', () => {
    sweep(SYN, [
      { start: 0, end: 14, layer: 'eth' },
      { start: 14, end: 34, layer: 'ipv4' },
      { start: 34, end: 74, layer: 'tcp' },
    ]);
  });

  it('PSH/ACK with data', () => {
    sweep(PSH, [
      { start: 0, end: 14, layer: 'eth' },
      { start: 14, end: 34, layer: 'ipv4' },
      { start: 34, end: 66, layer: 'tcp' },
    ]);
  });

  it('IPv6 ACK with SACK', () => {
    sweep(SACK6, [
      { start: 0, end: 14, layer: 'eth' },
      { start: 14, end: 54, layer: 'ipv6' },
      { start: 54, end: 106, layer: 'tcp' },
    ]);
  });

  it('ICMP error quoting TCP (cuts inside the quote are not reported)', () => {
    sweep(TIME_EXCEEDED, [
      { start: 0, end: 14, layer: 'eth' },
      { start: 14, end: 34, layer: 'ipv4' },
      { start: 34, end: 42, layer: 'icmp' },
    ]);
  });
});

describe('TCP properties', () => {
  const prefix = SYN.subarray(0, 34); // Ethernet + IPv4 (protocol 6)

  it('arbitrary bytes after an Ethernet+IPv4 header with protocol TCP never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), fc.integer({ min: 0, max: 0xffff }), (tail, cutByCapture, totalLength) => {
        const frame = new Uint8Array(34 + tail.length);
        frame.set(prefix);
        frame.set(tail, 34);
        frame[16] = totalLength >>> 8;
        frame[17] = totalLength & 0xff;
        const out = decode(frame, cutByCapture ? frame.length + 100 : frame.length);
        expect(out.layers.count).toBeLessThanOrEqual(MAX_LAYERS);
        for (const issue of out.issues) {
          expect(issue.offset).toBeGreaterThanOrEqual(0);
          expect(issue.offset).toBeLessThanOrEqual(frame.length);
          expect(issue.message).toMatch(/^[A-Z].*\.$/);
        }
        if (out.layers.count === 3) {
          const tcp = layerOf(out.layers, 2, 'tcp');
          expect(tcp.optionCount).toBeLessThanOrEqual(40);
          expect(tcp.payloadLength).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('an ICMP error quoting arbitrary bytes as TCP never throws and reports nothing for TCP', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (tail) => {
        const frame = new Uint8Array(TIME_EXCEEDED.length - 8 + tail.length);
        frame.set(TIME_EXCEEDED.subarray(0, TIME_EXCEEDED.length - 8));
        frame.set(tail, TIME_EXCEEDED.length - 8);
        const out = decode(frame);
        expect(out.issues.filter((i) => i.layer === 'tcp' && i.kind === 'truncated')).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

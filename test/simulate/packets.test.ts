// Byte-level checks of the simulator's packet builders: field placement, and checksums
// that our own decoder (IPv4, ICMP) and the pseudo-header sums (UDP, TCP) accept.
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/simulate/packet-encode.js';
import { TCP_ACK, TCP_SYN, type EthFrame } from '../../src/simulate/packet-types.js';
import { checksumsOk, decodeBytes } from './helpers.js';

const A = 0x0242ac110002;
const B = 0x0242ac110003;
const ip = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

describe('packet builders', () => {
  it('builds an ARP request byte for byte', () => {
    const bytes = encodeFrame({ dst: 0xffffffffffff, src: A, body: { kind: 'arp', oper: 1, sha: A, spa: ip(172, 17, 0, 2), tha: 0, tpa: ip(172, 17, 0, 1) } });
    expect(Buffer.from(bytes).toString('hex')).toBe(
      'ffffffffffff' + '0242ac110002' + '0806' + '0001' + '0800' + '06' + '04' + '0001'
      + '0242ac110002' + 'ac110002' + '000000000000' + 'ac110001');
    expect(decodeBytes(bytes).issues).toEqual([]);
  });

  it('builds an ICMP echo request with correct IPv4 and ICMP checksums', () => {
    const frame: EthFrame = { dst: B, src: A, body: { kind: 'ipv4', src: ip(172, 17, 0, 2), dst: ip(172, 17, 0, 3), ttl: 64, id: 1, df: true, l4: { proto: 'icmp', type: 8, id: 0x1234, seq: 1, data: new Uint8Array(56).fill(0x10) } } };
    const bytes = encodeFrame(frame);
    expect(bytes.length).toBe(98);
    expect(bytes[14]).toBe(0x45);
    expect(bytes[20]).toBe(0x40); // DF
    const { layers, issues } = decodeBytes(bytes);
    expect(issues).toEqual([]);
    const ipv4 = layers.find((l) => l.proto === 'ipv4');
    const icmp = layers.find((l) => l.proto === 'icmp');
    expect(ipv4 && 'checksumOk' in ipv4 && ipv4.checksumOk).toBe(true);
    expect(icmp && 'checksumOk' in icmp && icmp.checksumOk).toBe(true);
    expect(checksumsOk(bytes)).toBe(true);
  });

  it('computes UDP and TCP checksums over the pseudo-header', () => {
    const udp = encodeFrame({ dst: B, src: A, body: { kind: 'ipv4', src: ip(172, 17, 0, 2), dst: ip(198, 51, 100, 1), ttl: 64, id: 7, df: true, l4: { proto: 'udp', sport: 40000, dport: 7, checksum: true, data: new TextEncoder().encode('from-c1\n') } } });
    const tcp = encodeFrame({ dst: B, src: A, body: { kind: 'ipv4', src: ip(172, 17, 0, 2), dst: ip(198, 51, 100, 1), ttl: 64, id: 8, df: true, l4: { proto: 'tcp', sport: 45000, dport: 80, seq: 0xfffffff0, ack: 0, flags: TCP_SYN, window: 64240, data: new Uint8Array(0) } } });
    for (const bytes of [udp, tcp]) {
      expect(decodeBytes(bytes).issues).toEqual([]);
      expect(checksumsOk(bytes)).toBe(true);
    }
    expect(new DataView(udp.buffer).getUint16(14 + 20 + 4)).toBe(16); // UDP length: header + 8 bytes
    expect(tcp[14 + 20 + 13]).toBe(TCP_SYN);
    expect(TCP_ACK).toBe(0x10);
    // a corrupted byte is caught by the same check
    const bad = udp.slice();
    bad[bad.length - 1] ^= 0xff;
    expect(checksumsOk(bad)).toBe(false);
  });

  it('encapsulates in VXLAN: outer UDP checksum 0, flags I, the VNI, then the inner frame', () => {
    const inner: EthFrame = { dst: B, src: A, body: { kind: 'arp', oper: 1, sha: A, spa: ip(10, 0, 1, 2), tha: 0, tpa: ip(10, 0, 1, 3) } };
    const bytes = encodeFrame({ dst: 0xfa6cc0321941, src: 0xbe03bf41f703, body: { kind: 'ipv4', src: ip(192, 0, 2, 1), dst: ip(192, 0, 2, 2), ttl: 64, id: 1, df: false, l4: { proto: 'udp', sport: 50000, dport: 4789, checksum: false, data: { vni: 4097, inner } } } });
    const view = new DataView(bytes.buffer);
    expect(view.getUint16(14 + 20 + 6)).toBe(0);
    expect(bytes[14 + 20 + 8]).toBe(0x08);
    expect(view.getUint32(14 + 20 + 8 + 4) >>> 8).toBe(4097);
    expect(bytes.length).toBe(14 + 20 + 8 + 8 + 42);
    const { layers, issues } = decodeBytes(bytes);
    expect(issues).toEqual([]);
    expect(layers.map((l) => l.proto)).toEqual(['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'arp']);
    expect(checksumsOk(bytes)).toBe(true);
  });
});

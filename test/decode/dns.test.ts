// DNS decoder (src/decode/dns.ts): header, questions, answers, name compression, hostile input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DNS_RECORDS, MAX_POINTER_JUMPS } from '../../src/decode/dns.js';
import { MAX_LAYERS, type DecodedFrame } from '../../src/decode/frame.js';
import type { DnsLayer } from '../../src/decode/layers.js';
import { hex } from '../helpers/hex.js';
import { decode, decoder, layerOf, protos, sweep, type Region } from '../helpers/sweep.js';

/** The DNS record of an Ethernet[IPv4[UDP[DNS]]] frame. */
function dnsOf(out: DecodedFrame): DnsLayer {
  expect(protos(out.layers)).toEqual(['eth', 'ipv4', 'udp', 'dns']);
  return layerOf(out.layers, 3, 'dns');
}

/** The header fields of a DNS record, to compare whole. */
function header(d: DnsLayer): Record<string, unknown> {
  return {
    offset: d.offset, id: d.id, qr: d.qr, opcode: d.opcode, aa: d.aa, tc: d.tc, rd: d.rd, ra: d.ra, rcode: d.rcode,
    qdcount: d.qdcount, ancount: d.ancount, nscount: d.nscount, arcount: d.arcount,
  };
}

/**
 * A DNS message (hex, comments allowed) in Ethernet[IPv4 172.18.0.3 -> 127.0.0.11[UDP 40000 -> 53]]
 * (a container asking Docker's embedded DNS server), lengths and IPv4 checksum filled in.
 * DNS starts at frame offset 42, so message offset N is frame offset 42 + N.
 */
function inUdp(message: string): Uint8Array {
  const msg = hex(message);
  const frame = new Uint8Array(42 + msg.length);
  frame.set(hex(`
    0242ac12000b 0242ac120003 0800
    4500 0000 4d2a 4000 4011 0000 ac120003 7f00000b
    9c40 0035 0000 0000
  `));
  frame[16] = (28 + msg.length) >>> 8;
  frame[17] = (28 + msg.length) & 0xff;
  let sum = 0;
  for (let i = 14; i < 34; i += 2) sum += (frame[i] << 8) | frame[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  frame[24] = (~sum >>> 8) & 0xff;
  frame[25] = ~sum & 0xff;
  frame[38] = (8 + msg.length) >>> 8;
  frame[39] = (8 + msg.length) & 0xff;
  frame.set(msg, 42);
  return frame;
}

const UDP4: Region[] = [
  { start: 0, end: 14, layer: 'eth' },
  { start: 14, end: 34, layer: 'ipv4' },
  { start: 34, end: 42, layer: 'udp' },
  { start: 42, end: 54, layer: 'dns' },
];

// tcpdump tests/dns_udp.pcap frame 1 ("4660+ [1au] A? www.tcpdump.org.").
// Ethernet[IPv4[UDP[DNS query + EDNS OPT record]]]
const QUERY = hex(`
  001122334466 001122334455 0800
  4500 0054 59cd 0000 4011 94ae c0a8010b d157f912   # IPv4 192.168.1.11 -> 209.87.249.18
  abbe 0035 0040 7824                               # UDP 43966 -> 53, length 64
  5934 0120 0001 0000 0000 0001                     # id 0x5934, RD AD, 1 question, 1 additional
  03777777 0774637064756d70 036f7267 00 0001 0001   # www.tcpdump.org A IN
  00 0029 1000 00000000 000c 000a0008 42f5d00996f90b13   # OPT (additional: not decoded), cookie
`);

// tcpdump tests/dns_udp.pcap frame 2: the answer, with authority and additional sections.
// Ethernet[IPv4[UDP[DNS response: 2 A answers, 2 NS, 5 additional]]]
const RESPONSE = hex(`
  001122334455 001122334466 0800
  4500 00fc 002d 0000 8011 ada6 d157f912 c0a8010b   # IPv4 209.87.249.18 -> 192.168.1.11
  0035 abbe 00e8 c454                               # UDP 53 -> 43966, length 232
  5934 8500 0001 0002 0002 0005                     # response, AA RD, 1/2/2/5
  03777777 0774637064756d70 036f7267 00 0001 0001   # www.tcpdump.org A IN
  c00c 0001 0001 0000003c 0004 c08b2e42             # A 192.139.46.66, TTL 60
  c00c 0001 0001 0000003c 0004 c6c75868             # A 198.199.88.104
  c010 0002 0001 00015180 0012 03736e7308636f6f7065726978036e657400               # NS (authority)
  c010 0002 0001 00015180 0012 036e69630973616e64656c6d616e02636100               # NS
  c06b 0001 0001 0000012c 0004 d157f912                                         # additional ...
  c06b 001c 0001 0000012c 0010 2607f0b0000f000000000000babef00d
  c04d 0001 0001 00001c20 0004 616b850f
  c04d 001c 0001 00001c20 0010 26003c0300000000f03c91fffe96e8ef
  00 0029 1000 00000000 0000
`);

// A resolver's answer to a container: a CNAME chain to two addresses.
// Ethernet[IPv4[UDP[DNS response: CNAME, A, A]]]
const CNAME = hex(`
  0242ac120003 0242e1550a01 0800
  4500 007d 6b1f 0000 7511 1e2c 08080808 ac120003   # IPv4 8.8.8.8 -> 172.18.0.3
  0035 c822 0069 1bce                               # UDP 53 -> 51234, length 105
  b7e2 8180 0001 0003 0000 0000                     # id 0xb7e2, response, RD RA, 1 question, 3 answers
  03617069 076578616d706c65 03636f6d 00 0001 0001   # api.example.com A IN                    (message offset 12)
  c00c 0005 0001 0000012c 0014                      # api.example.com CNAME, TTL 300, 20 bytes (offset 33)
  066170692d6c62 076578616d706c65 036e6574 00       #   api-lb.example.net                     (offset 45)
  c02d 0001 0001 0000003c 0004 5db8d822             # api-lb.example.net A 93.184.216.34       (offset 65)
  c02d 0001 0001 0000003c 0004 5db8d823             # api-lb.example.net A 93.184.216.35       (offset 81)
`);

// A printer announcing itself over mDNS (DNS-SD): PTR, SRV, TXT, A, AAAA with cache-flush classes.
// Ethernet[IPv6[UDP 5353[DNS response]]]
const MDNS = hex(`
  3333000000fb 001b6384a5f1 86dd
  60000000 00c3 11 ff fe80000000000000021b63fffe84a5f1 ff0200000000000000000000000000fb
  14e9 14e9 00c3 5895                               # UDP 5353 -> 5353, length 195
  0000 8400 0000 0005 0000 0000                     # response, AA, 5 answers
  045f697070 045f746370 056c6f63616c 00             # _ipp._tcp.local                         (offset 12)
  000c 0001 00001194 001b                           # PTR IN, TTL 4500, 27 bytes
  18 4850204c617365724a657420342e30202841314232433329 c00c   # "HP LaserJet 4.0 (A1B2C3)"._ipp._tcp.local (offset 39)
  c027 0021 8001 00000078 0010                      # SRV, cache flush + IN, TTL 120
  0000 0000 0277 077072696e746572 c016              #   0 0 631 printer.local                 (printer at offset 84)
  c027 0010 8001 00001194 0025                      # TXT
  09 747874766572733d31 0c 72703d6970702f7072696e74 0d 6e6f74653d526f6f6d20223422   # txtvers=1, rp=ipp/print, note=Room "4"
  c054 0001 8001 00000078 0004 c0a80132             # printer.local A 192.168.1.50
  c054 001c 8001 00000078 0010 fe80000000000000021b63fffe84a5f1   # printer.local AAAA
`);

// Ethernet[IPv4[UDP[DNS response: MX, TXT]]]
const MX_TXT = hex(`
  0242ac120003 0242e1550a01 0800
  4500 0066 1c02 0000 7511 6d60 08080808 ac120003
  0035 9d13 0052 d4aa
  4a1d 8180 0001 0002 0000 0000
  076578616d706c65 03636f6d 00 000f 0001            # example.com MX IN
  c00c 000f 0001 00000e10 0009 000a 046d61696c c00c # MX 10 mail.example.com, TTL 3600
  c00c 0010 0001 00000e10 000c 0b763d73706631202d616c6c   # TXT "v=spf1 -all"
`);

describe('DNS messages', () => {
  it('decodes a query: header, question; the additional OPT record is counted only', () => {
    const out = decode(QUERY);
    expect(out.issues).toEqual([]);
    const d = dnsOf(out);
    expect(header(d)).toEqual({
      offset: 42, id: 0x5934, qr: false, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 0,
      qdcount: 1, ancount: 0, nscount: 0, arcount: 1,
    });
    expect(d.questions).toEqual([{ name: 'www.tcpdump.org', type: 1, class: 1 }]);
    expect(d.answers).toEqual([]);
  });

  it('decodes a response: compressed answer names; authority and additional are skipped', () => {
    const out = decode(RESPONSE);
    expect(out.issues).toEqual([]);
    const d = dnsOf(out);
    expect(header(d)).toEqual({
      offset: 42, id: 0x5934, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: false, rcode: 0,
      qdcount: 1, ancount: 2, nscount: 2, arcount: 5,
    });
    expect(d.questions).toEqual([{ name: 'www.tcpdump.org', type: 1, class: 1 }]);
    expect(d.answers).toEqual([
      { name: 'www.tcpdump.org', type: 1, class: 1, ttl: 60, data: '192.139.46.66' },
      { name: 'www.tcpdump.org', type: 1, class: 1, ttl: 60, data: '198.199.88.104' },
    ]);
  });

  it('decodes CNAME data and names compressed into an earlier RDATA', () => {
    const out = decode(CNAME);
    expect(out.issues).toEqual([]);
    const d = dnsOf(out);
    expect(header(d)).toEqual({
      offset: 42, id: 0xb7e2, qr: true, opcode: 0, aa: false, tc: false, rd: true, ra: true, rcode: 0,
      qdcount: 1, ancount: 3, nscount: 0, arcount: 0,
    });
    expect(d.questions).toEqual([{ name: 'api.example.com', type: 1, class: 1 }]);
    expect(d.answers).toEqual([
      { name: 'api.example.com', type: 5, class: 1, ttl: 300, data: 'api-lb.example.net' },
      { name: 'api-lb.example.net', type: 1, class: 1, ttl: 60, data: '93.184.216.34' },
      { name: 'api-lb.example.net', type: 1, class: 1, ttl: 60, data: '93.184.216.35' },
    ]);
  });

  it('decodes mDNS over IPv6: PTR, SRV, TXT, A, AAAA; raw classes; escaped names', () => {
    const out = decode(MDNS);
    expect(out.issues).toEqual([]);
    expect(protos(out.layers)).toEqual(['eth', 'ipv6', 'udp', 'dns']);
    const d = layerOf(out.layers, 3, 'dns');
    expect(header(d)).toEqual({
      offset: 62, id: 0, qr: true, opcode: 0, aa: true, tc: false, rd: false, ra: false, rcode: 0,
      qdcount: 0, ancount: 5, nscount: 0, arcount: 0,
    });
    expect(d.questions).toEqual([]);
    const instance = String.raw`HP LaserJet 4\.0 (A1B2C3)._ipp._tcp.local`;
    expect(d.answers).toEqual([
      { name: '_ipp._tcp.local', type: 12, class: 1, ttl: 4500, data: instance },
      { name: instance, type: 33, class: 0x8001, ttl: 120, data: '0 0 631 printer.local' },
      { name: instance, type: 16, class: 0x8001, ttl: 4500, data: String.raw`"txtvers=1" "rp=ipp/print" "note=Room \"4\""` },
      { name: 'printer.local', type: 1, class: 0x8001, ttl: 120, data: '192.168.1.50' },
      { name: 'printer.local', type: 28, class: 0x8001, ttl: 120, data: 'fe80::21b:63ff:fe84:a5f1' },
    ]);
  });

  it('decodes MX (preference then name) and TXT', () => {
    const out = decode(MX_TXT);
    expect(out.issues).toEqual([]);
    const d = dnsOf(out);
    expect(d.questions).toEqual([{ name: 'example.com', type: 15, class: 1 }]);
    expect(d.answers).toEqual([
      { name: 'example.com', type: 15, class: 1, ttl: 3600, data: '10 mail.example.com' },
      { name: 'example.com', type: 16, class: 1, ttl: 3600, data: '"v=spf1 -all"' },
    ]);
  });

  it('shows other types as hex and decodes the flag bits', () => {
    const out = decode(inUdp(`
      0bad ab83 0001 0001 0000 0000     # response, opcode 5 (UPDATE), TC RD RA, rcode 3 (NXDOMAIN)
      00 0006 0001                      # <Root> SOA IN
      00 002e 0001 00000e10 0006 0001 02 03 ffff   # RRSIG-ish, 6 bytes of RDATA
    `));
    expect(out.issues).toEqual([]);
    const d = dnsOf(out);
    expect(header(d)).toMatchObject({ qr: true, opcode: 5, aa: false, tc: true, rd: true, ra: true, rcode: 3 });
    expect(d.questions).toEqual([{ name: '<Root>', type: 6, class: 1 }]);
    expect(d.answers).toEqual([{ name: '<Root>', type: 46, class: 1, ttl: 3600, data: '00010203ffff' }]);
  });

  it('escapes label bytes as RFC 1035 master-file text: \\. \\\\ and \\DDD in decimal', () => {
    const out = decode(inUdp(`
      0001 0100 0001 0000 0000 0000
      07 612e625c20007f                 # a . b \\ space 0x00 0x7f
      03 c3a922                         # 0xc3 0xa9 (UTF-8 e-acute) and a double quote
      04 74657374 00                    # test
      0001 0001
    `));
    expect(out.issues).toEqual([]);
    expect(dnsOf(out).questions[0].name).toBe(String.raw`a\.b\\ \000\127.\195\169".test`);
  });

  it('follows pointers to pointers and forward pointers', () => {
    const out = decode(inUdp(`
      0002 0100 0005 0000 0000 0000
      076578616d706c65 03636f6d 00 0001 0001   # example.com                  (offset 12)
      03777777 c00c 0001 0001                  # www -> example.com           (offset 29)
      c01d 001c 0001                           # -> www -> example.com        (offset 39)
      04 6d61696c c038 000f 0001               # mail -> forward to offset 56 (offset 45)
      03617069 c01d 0001 0001                  # api -> www.example.com       (offset 56)
    `));
    expect(out.issues).toEqual([]);
    expect(dnsOf(out).questions).toEqual([
      { name: 'example.com', type: 1, class: 1 },
      { name: 'www.example.com', type: 1, class: 1 },
      { name: 'www.example.com', type: 28, class: 1 },
      { name: 'mail.api.www.example.com', type: 15, class: 1 },
      { name: 'api.www.example.com', type: 1, class: 1 },
    ]);
  });

  it('gives each message fresh question and answer arrays', () => {
    const first = dnsOf(decode(CNAME));
    const kept = first.answers;
    const second = dnsOf(decode(QUERY));
    expect(second.answers).toEqual([]);
    expect(kept).toHaveLength(3);
    expect(second.questions).toEqual([{ name: 'www.tcpdump.org', type: 1, class: 1 }]);
  });

  it('reads at absolute offsets when the frame is a view into a larger buffer', () => {
    const chunk = new Uint8Array(700).fill(0xc0);
    chunk.set(RESPONSE, 123);
    // As a capture reader passes frames: the chunk, with the frame at [start, end).
    const out = decoder.decode({
      data: chunk, start: 123, end: 123 + RESPONSE.length, origLen: RESPONSE.length, tsSec: 0, direction: null, iface: { id: 0, linkType: 1 },
    });
    expect(out.issues).toEqual([]);
    const d = dnsOf(out);
    expect(d.offset).toBe(42);
    expect(d.answers.map((a) => a.data)).toEqual(['192.139.46.66', '198.199.88.104']);
  });
});

describe('malformed DNS', () => {
  it('stops a compression pointer loop (tcpdump dns-zlip-1.pcap style)', () => {
    const out = decode(inUdp(`
      ed69 0000 0001 0000 0000 0000
      c00c 0001 0001                    # a name that points to itself
    `));
    expect(out.issues).toEqual([{
      layer: 'dns', offset: 54, kind: 'bad-field',
      message: `The DNS name at offset 12 of the message follows more than ${MAX_POINTER_JUMPS} compression pointers: they loop.`,
    }]);
    expect(dnsOf(out).questions).toEqual([]);
  });

  it('stops a loop that goes through labels, at the 255-byte name limit', () => {
    const out = decode(inUdp(`
      ed6a 0000 0001 0000 0000 0000
      03616263 c00c 0001 0001           # abc, then back to itself
    `));
    expect(out.issues).toHaveLength(1);
    expect(out.issues[0]).toMatchObject({ layer: 'dns', offset: 54, kind: 'bad-field' });
    expect(out.issues[0].message).toBe('The DNS name at offset 12 of the message is longer than 255 bytes (RFC 1035 section 3.1).');
  });

  it('reports a pointer past the end of the message, keeping the records before it', () => {
    const out = decode(inUdp(`
      0003 8180 0001 0001 0000 0000
      03777777 00 0001 0001             # www A IN
      c0ff 0001 0001 0000003c 0004 0a000001   # answer name points to offset 255
    `));
    expect(out.issues).toEqual([{
      layer: 'dns', offset: 42 + 21, kind: 'bad-field',
      message: 'A compression pointer in the DNS name at offset 21 points to offset 255, past the 37-byte message.',
    }]);
    const d = dnsOf(out);
    expect(d.questions).toEqual([{ name: 'www', type: 1, class: 1 }]);
    expect(d.answers).toEqual([]);
  });

  it('reports a label running past the end: bad-field when whole, truncated when the capture cut it', () => {
    const message = `
      0004 0100 0001 0000 0000 0000
      3f 616263                         # a 63-byte label with 3 bytes
    `;
    const whole = decode(inUdp(message));
    expect(whole.issues).toEqual([{
      layer: 'dns', offset: 54, kind: 'bad-field',
      message: 'The DNS name at offset 12 of the message runs past the end of the message.',
    }]);
    const frame = inUdp(message + ' 00'.repeat(64));
    const cut = decode(frame.subarray(0, 58), frame.length);
    expect(cut.issues).toEqual([{
      layer: 'dns', offset: 54, kind: 'truncated', message: 'The DNS question 1 needs 64 bytes but only 4 were captured.',
    }]);
  });

  it('reports a name longer than 255 bytes', () => {
    const label = '3f' + '61'.repeat(63);
    const out = decode(inUdp(`0005 0100 0001 0000 0000 0000 ${label} ${label} ${label} ${label} 00 0001 0001`));
    expect(out.issues).toEqual([expect.objectContaining({ layer: 'dns', offset: 42 + 12 + 3 * 64, kind: 'bad-field' })]);
    expect(dnsOf(out).questions).toEqual([]);
  });

  it('reports the retired extended label types', () => {
    const out = decode(inUdp('0006 0100 0001 0000 0000 0000 41 08 ff 00 0001 0001'));
    expect(out.issues).toEqual([{
      layer: 'dns', offset: 54, kind: 'bad-field',
      message: 'The DNS name at offset 12 of the message has length byte 0x41, of label type 1; only 0 (a label of up to 63 bytes) and 3 (a compression pointer) are defined.',
    }]);
  });

  it('reports counts larger than the message holds', () => {
    const out = decode(inUdp(`
      0007 8180 ffff ffff 0000 0000     # 65535 questions, 65535 answers
      03777777 00 0001 0001
    `));
    expect(out.issues).toEqual([{
      layer: 'dns', offset: 46, kind: 'bad-field',
      message: 'The DNS header announces 65535 questions but the message ends after 1.',
    }]);
    const d = dnsOf(out);
    expect(d.qdcount).toBe(65535);
    expect(d.ancount).toBe(65535);
    expect(d.questions).toHaveLength(1);
  });

  it('reports missing answers at the answer count', () => {
    const out = decode(inUdp(`
      0008 8180 0001 0002 0000 0000
      03777777 00 0001 0001
      c00c 0001 0001 0000003c 0004 0a000001
    `));
    expect(out.issues).toEqual([{
      layer: 'dns', offset: 48, kind: 'bad-field',
      message: 'The DNS header announces 2 answers but the message ends after 1.',
    }]);
    expect(dnsOf(out).answers).toEqual([{ name: 'www', type: 1, class: 1, ttl: 60, data: '10.0.0.1' }]);
  });

  it(`decodes at most ${MAX_DNS_RECORDS} records`, () => {
    const count = 300;
    const out = decode(inUdp(`0009 0100 ${count.toString(16).padStart(4, '0')} 0000 0000 0000 ${'00 0001 0001 '.repeat(count)}`));
    expect(out.issues).toEqual([{
      layer: 'dns', offset: 42 + 12 + MAX_DNS_RECORDS * 5, kind: 'unsupported',
      message: `The DNS header announces ${count} questions and 0 answers; only the first ${MAX_DNS_RECORDS} records are decoded.`,
    }]);
    expect(dnsOf(out).questions).toHaveLength(MAX_DNS_RECORDS);
  });

  it('reports an RDLENGTH past the end of the message', () => {
    const out = decode(inUdp(`
      000a 8180 0000 0001 0000 0000
      00 0001 0001 0000003c 0010 0a000001
    `));
    expect(out.issues).toEqual([{
      layer: 'dns', offset: 42 + 12 + 9, kind: 'bad-field',
      message: 'The RDLENGTH 16 of DNS answer 1 runs 12 bytes past the end of the message.',
    }]);
  });

  it('reports an A record of the wrong size, shows it as hex, and goes on', () => {
    const out = decode(inUdp(`
      000b 8180 0000 0002 0000 0000
      00 0001 0001 0000003c 0005 5db8d82200    # A with 5 bytes
      00 001c 0001 0000003c 0010 20010db8000000000000000000000001
    `));
    expect(out.issues).toEqual([{
      layer: 'dns', offset: 42 + 12 + 9, kind: 'bad-field', message: 'The RDLENGTH of DNS answer 1 (A) is 5; it must be 4.',
    }]);
    expect(dnsOf(out).answers.map((a) => a.data)).toEqual(['5db8d82200', '2001:db8::1']);
  });

  it('stops at a broken name inside RDATA, keeping that answer as hex', () => {
    const out = decode(inUdp(`
      000c 8180 0000 0002 0000 0000
      00 0005 0001 0000003c 0002 c017          # CNAME whose RDATA points to itself (offset 23)
      00 0001 0001 0000003c 0004 0a000001
    `));
    expect(out.issues).toEqual([expect.objectContaining({ layer: 'dns', offset: 42 + 23, kind: 'bad-field' })]);
    expect(out.issues[0].message).toMatch(/they loop\.$/);
    expect(dnsOf(out).answers).toEqual([{ name: '<Root>', type: 5, class: 1, ttl: 60, data: 'c017' }]);
  });

  it('reports a name that ends before its RDATA does, and goes on', () => {
    const out = decode(inUdp(`
      000d 8180 0000 0002 0000 0000
      00 000c 0001 0000003c 0006 03777777 00 ee   # PTR "www" and a stray byte
      00 0001 0001 0000003c 0004 0a000001
    `));
    expect(out.issues).toEqual([{
      layer: 'dns', offset: 42 + 12 + 11 + 5, kind: 'bad-field',
      message: 'The name in the RDATA of DNS answer 1 ends 1 byte before the RDATA does.',
    }]);
    expect(dnsOf(out).answers.map((a) => a.data)).toEqual(['www', '10.0.0.1']);
  });

  it('reports a name running out of its RDATA', () => {
    const out = decode(inUdp(`
      000e 8180 0000 0001 0000 0000
      00 0005 0001 0000003c 0003 03777777 00   # RDLENGTH 3 cuts the name
    `));
    expect(out.issues).toEqual([{
      layer: 'dns', offset: 42 + 23, kind: 'bad-field',
      message: 'The DNS name in RDATA at offset 23 of the message runs past the end of its RDATA.',
    }]);
  });

  it('reports a TXT string running past its RDATA and shows the RDATA as hex', () => {
    const out = decode(inUdp(`
      000f 8180 0000 0001 0000 0000
      00 0010 0001 0000003c 0004 05616263
    `));
    expect(out.issues).toEqual([{
      layer: 'dns', offset: 42 + 23, kind: 'bad-field',
      message: 'A 5-byte string in the TXT RDATA of DNS answer 1 runs 2 bytes past the end of the RDATA.',
    }]);
    expect(dnsOf(out).answers[0].data).toBe('05616263');
  });

  it('reports a message shorter than the header: bad-field when whole, truncated when cut', () => {
    const whole = decode(inUdp('0010 0100 0001'));
    expect(whole.issues).toEqual([{
      layer: 'dns', offset: 42, kind: 'bad-field', message: 'The DNS message is 6 bytes long, shorter than the 12-byte DNS header.',
    }]);
    expect(protos(whole.layers)).toEqual(['eth', 'ipv4', 'udp']);
    const cut = decode(QUERY.subarray(0, 48), QUERY.length);
    expect(cut.issues).toEqual([{
      layer: 'dns', offset: 42, kind: 'truncated', message: 'The DNS header needs 12 bytes but only 6 were captured.',
    }]);
  });
});

describe('DNS truncation sweeps', () => {
  it('query (a cut in the additional section is not reported)', () => {
    sweep(QUERY, [...UDP4, { start: 54, end: 75, layer: 'dns' }]);
  });

  it('response (the authority and additional sections are not decoded)', () => {
    sweep(RESPONSE, [
      ...UDP4,
      { start: 54, end: 75, layer: 'dns' },
      { start: 75, end: 91, layer: 'dns' },
      { start: 91, end: 107, layer: 'dns' },
    ]);
  });

  it('CNAME chain', () => {
    sweep(CNAME, [
      ...UDP4,
      { start: 54, end: 75, layer: 'dns' },
      { start: 75, end: 107, layer: 'dns' },
      { start: 107, end: 123, layer: 'dns' },
      { start: 123, end: 139, layer: 'dns' },
    ]);
  });

  it('mDNS over IPv6', () => {
    sweep(MDNS, [
      { start: 0, end: 14, layer: 'eth' },
      { start: 14, end: 54, layer: 'ipv6' },
      { start: 54, end: 62, layer: 'udp' },
      { start: 62, end: 74, layer: 'dns' },
      { start: 74, end: 128, layer: 'dns' },
      { start: 128, end: 156, layer: 'dns' },
      { start: 156, end: 205, layer: 'dns' },
      { start: 205, end: 221, layer: 'dns' },
      { start: 221, end: 249, layer: 'dns' },
    ]);
  });
});

describe('DNS properties', () => {
  const prefix = QUERY.subarray(0, 42); // Ethernet + IPv4 + UDP to port 53

  function frameWith(message: Uint8Array): Uint8Array {
    const frame = new Uint8Array(42 + message.length);
    frame.set(prefix);
    frame[16] = (28 + message.length) >>> 8;
    frame[17] = (28 + message.length) & 0xff;
    frame[38] = (8 + message.length) >>> 8;
    frame[39] = (8 + message.length) & 0xff;
    frame.set(message, 42);
    return frame;
  }

  it('arbitrary bytes after a UDP:53 header never throw and give safe text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (message, cutByCapture) => {
        const frame = frameWith(message);
        const out = decode(frame, cutByCapture ? frame.length + 50 : frame.length);
        expect(out.layers.count).toBeLessThanOrEqual(MAX_LAYERS);
        if (out.layers.count === 4) {
          const d = layerOf(out.layers, 3, 'dns');
          expect(d.questions.length + d.answers.length).toBeLessThanOrEqual(MAX_DNS_RECORDS);
          for (const r of [...d.questions, ...d.answers]) expect(r.name).toMatch(/^[\x20-\x7e]+$/);
          for (const a of d.answers) expect(a.data).toMatch(/^[\x20-\x7e]*$/);
        }
        for (const issue of out.issues) expect(issue.message).toMatch(/^[A-Z].*\.$/);
      }),
      { numRuns: 3000 },
    );
  });

  it('messages made of pointers and labels with hostile counts never throw', () => {
    const piece = fc.oneof(
      fc.integer({ min: 0, max: 0x3fff }).map((p) => [0xc0 | (p >>> 8), p & 0xff]),
      fc.integer({ min: 0, max: 80 }).map((p) => [0xc0, p]),
      fc.uint8Array({ minLength: 0, maxLength: 63 }).map((l) => [l.length, ...l]),
      fc.constant([0]),
      fc.constantFrom([0, 1, 0, 1], [0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xc0, 12], [0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 0, 0, 1]),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.array(piece, { maxLength: 40 }),
        (qd, an, pieces) => {
          const body = pieces.flat();
          const message = new Uint8Array(12 + body.length);
          message.set([0x12, 0x34, 0x81, 0x80, qd >>> 8, qd & 0xff, an >>> 8, an & 0xff, 0, 0, 0, 0]);
          message.set(body, 12);
          const started = performance.now();
          const out = decode(frameWith(message));
          expect(performance.now() - started).toBeLessThan(250);
          const d = layerOf(out.layers, 3, 'dns');
          expect(d.questions.length + d.answers.length).toBeLessThanOrEqual(MAX_DNS_RECORDS);
        }),
      { numRuns: 2000 },
    );
  });
});

// The frame filter language: matching on decoded fixtures and captures, parity with
// tcpdump's own filters on captures without tunnels, syntax errors, and fuzzing.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { FilterSyntaxError, FrameDecoder, LayerList, parseFilter } from '../../src/decode/index.js';
import { capturesDir } from '../helpers/paths.js';
import { FIXTURES, VXLAN_REAL } from './fixtures.js';

/** Decodes bytes and returns a copy of the layer list (the decoder reuses its own). */
function layersOf(bytes: Uint8Array, linkType = 1): LayerList {
  const out = new FrameDecoder().decode({ data: bytes, start: 0, end: bytes.length, origLen: bytes.length, tsSec: 0, direction: null, iface: { id: 0, linkType } });
  const list = new LayerList();
  for (const layer of out.layers.toArray()) list.push(layer);
  return list;
}

const fixture = (name: string) => {
  const f = FIXTURES.find((x) => x.name === name)!;
  return layersOf(f.bytes, f.linkType);
};

/** Frame numbers (1-based) of a capture that match `filter`, with each frame's interface name. */
function matchingFrames(path: string, filter: string): number[] {
  const f = parseFilter(filter);
  const source = openCapture(path);
  const decoder = new FrameDecoder({ vxlanPorts: [4789, 8472] });
  const out: number[] = [];
  try {
    for (let frame = source.next(); frame !== null; frame = source.next()) {
      if (f.matches(decoder.decode(frame).layers, frame.iface.name)) out.push(frame.no);
    }
  } finally {
    source.close();
  }
  return out;
}

describe('matching decoded frames', () => {
  const arp = fixture('ARP request');
  const ping = fixture('ICMP echo request');
  const qinq = fixture('UDP in 802.1Q in 802.1ad');
  const unreach = fixture('ICMP port unreachable quoting UDP');
  const vxArp = fixture('VXLAN with inner ARP');
  const vxPing = layersOf(VXLAN_REAL);
  const sll2 = fixture('SLL2 outgoing ICMP');

  it.each([
    ['', arp, true],
    ['   ', ping, true],
    ['arp', arp, true],
    ['arp', ping, false],
    ['ip and icmp and not arp', ping, true],
    ['ICMP && !udp', ping, true],
    ['host 172.17.0.3', arp, true], // the ARP target protocol address, as tcpdump
    ['src host 172.17.0.2 and dst host 172.17.0.3', arp, true],
    ['ip host 172.17.0.3', arp, false],
    ['arp dst 172.17.0.3', arp, true],
    ['dst 172.17.0.2', ping, false],
    ['src or dst 172.17.0.2', ping, true],
    ['src and dst 172.17.0.2', ping, false],
    ['net 172.17.0.0/16', ping, true],
    ['net 172.16/16 or net 10', ping, false],
    ['ether src 02:42:AC:11:00:02', ping, true],
    ['ether dst 02-42-ac-11-00-02', ping, false],
    ['ether host ff:ff:ff:ff:ff:ff', arp, true],
    ['ether src 02:42:ac:11:00:02', sll2, true], // SLL keeps the source MAC
    ['vlan 100 and vlan 200 and not vlan 300', qinq, true],
    ['vlan and udp port 9999 and src port 40001', qinq, true],
    ['tcp port 9999', qinq, false],
    ['udp dst portrange 9000-10000', qinq, true],
    ['udp src portrange 9000-10000', qinq, false],
    ['icmp-type 8', ping, true],
    // The quoted datagram of an ICMP error does not count.
    ['icmp and icmp-type 3', unreach, true],
    ['udp', unreach, false],
    ['port 9999', unreach, false],
    // Layers after a VXLAN header do count.
    ['vxlan and arp and host 10.0.1.3', vxArp, true],
    ['vni 4097 and vxlan 4097 and not geneve', vxArp, true],
    ['ether src 02:42:0a:00:01:02', vxArp, true],
    ['icmp and vni 100 and udp port 4789', vxPing, true],
    ['icmp and vni 42', vxPing, false],
    ['host 192.168.203.3 and host 192.168.203.1', vxPing, true],
    ['sll and icmp', sll2, true],
    ['eth', sll2, false],
  ] as const)('%j on a frame -> %s', (text, layers, expected) => {
    expect(parseFilter(text).matches(layers, null)).toBe(expected);
  });

  it('matches the capture interface name', () => {
    expect(parseFilter('iface docker0 and arp').matches(arp, 'docker0')).toBe(true);
    expect(parseFilter('iface "docker0"').matches(arp, 'eth0')).toBe(false);
    expect(parseFilter('iface docker0').matches(arp, null)).toBe(false);
    expect(parseFilter('not iface docker0').matches(arp, null)).toBe(true);
  });

  it('inherits qualifiers for a bare id, as tcpdump does', () => {
    expect(parseFilter('host 10.9.9.9 or 172.17.0.3').matches(ping, null)).toBe(true);
    expect(parseFilter('udp port 1 or 9999').matches(qinq, null)).toBe(true);
    expect(parseFilter('dst 172.17.0.2 or 172.17.0.9').matches(ping, null)).toBe(false);
  });

  it('follows tcpdump precedence: not > and > or, left to right', () => {
    // "arp or icmp and udp" is "arp or (icmp and udp)".
    expect(parseFilter('arp or icmp and udp').matches(arp, null)).toBe(true);
    expect(parseFilter('(arp or icmp) and udp').matches(arp, null)).toBe(false);
    expect(parseFilter('not arp or icmp').matches(ping, null)).toBe(true);
    expect(parseFilter('not (arp or icmp)').matches(ping, null)).toBe(false);
    expect(parseFilter('! ! arp').matches(arp, null)).toBe(true);
  });

  it('keeps the text', () => {
    expect(parseFilter(' arp ').text).toBe(' arp ');
  });
});

describe('matching captures', () => {
  const underlay = resolve(capturesDir, 'overlay-learn/overlay-underlay-h1.pcap');
  const mtu = resolve(capturesDir, 'overlay-mtu/overlay-mtu-c1-eth0.pcap');

  it('finds the pings inside the VXLAN tunnel by VNI and inner address', () => {
    const pings = matchingFrames(underlay, 'icmp and vni 4097');
    expect(pings.length).toBeGreaterThan(0);
    expect(matchingFrames(underlay, 'vni 4097 and icmp and host 10.0.1.2 and host 192.0.2.1')).toEqual(pings);
    expect(matchingFrames(underlay, 'icmp and vni 42')).toEqual([]);
    expect(matchingFrames(underlay, 'ip and not vxlan').length).toBeLessThan(matchingFrames(underlay, 'ip').length);
  });

  it('does not look inside the ICMP error quoting the ping (frame 12)', () => {
    expect(matchingFrames(mtu, 'icmp-type 3')).toEqual([12]);
    expect(matchingFrames(mtu, 'icmp-type 3 and host 10.0.1.3')).toEqual([]);
    expect(matchingFrames(mtu, 'icmp-type 3 and src host 172.17.0.1')).toEqual([12]);
  });

  it('matches interface names of a multi-interface pcapng', () => {
    const multi = resolve(capturesDir, 'bridge/bridge-multi.pcapng');
    const all = matchingFrames(multi, '');
    const docker0 = matchingFrames(multi, 'iface docker0');
    const others = matchingFrames(multi, 'not iface docker0');
    expect(docker0.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    expect([...docker0, ...others].sort((a, b) => a - b)).toEqual(all);
  });
});

// tcpdump's -# numbers the packets it prints, not their place in the file; so tcpdump writes
// the matching records (-w -) and they are found again, in order, among the file's records.
// Equal bytes give equal verdicts, so taking the first equal record left is exact.
const hasTcpdump = spawnSync('tcpdump', ['--version']).status === 0;
if (!hasTcpdump) console.log('skipping the tcpdump comparison: tcpdump is not installed');

/** Records of a classic pcap as "origLen:hex bytes" keys, in file order. */
function pcapRecords(buf: Buffer): string[] {
  const le = [0xa1b2c3d4, 0xa1b23c4d].includes(buf.readUInt32LE(0));
  const u32 = (at: number) => (le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const keys: string[] = [];
  for (let at = 24; at + 16 <= buf.length; ) {
    const caplen = u32(at + 8);
    keys.push(`${u32(at + 12)}:${buf.subarray(at + 16, at + 16 + caplen).toString('hex')}`);
    at += 16 + caplen;
  }
  return keys;
}

function tcpdumpFrames(path: string, filter: string): number[] {
  const run = spawnSync('tcpdump', ['-r', path, '-w', '-', filter], { maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`tcpdump failed on ${filter}: ${run.stderr.toString()}`);
  const all = pcapRecords(readFileSync(path));
  const out: number[] = [];
  let next = 0;
  for (const key of pcapRecords(run.stdout)) {
    while (next < all.length && all[next] !== key) next++;
    out.push(++next); // 1-based
  }
  return out;
}

describe.skipIf(!hasTcpdump)('same frames as tcpdump on captures without tunnels', () => {
  const common = [
    'arp', 'ip', 'ip6', 'icmp', 'udp', 'tcp', 'udp port 4789', 'not arp and ip', '!ip', 'arp or icmp', 'ip and not icmp',
    'host 172.17.0.2', 'src host 172.17.0.2', 'dst 172.17.0.3 || src 172.17.0.3', 'host 172.17.0.1 or 198.51.100.1',
    'net 172.17.0.0/16', 'dst net 198.51.100.0/24', 'net 10', 'arp net 172.17.0.0/16', 'ip src net 172.17',
    'port 80', 'tcp port 8081', 'udp port 8080', 'udp and src port 7', 'portrange 1-1024', 'tcp dst portrange 80-9000',
    'not (arp or ip6)', 'ip6 host ff02::2', 'net fe80::/10', 'ip6 and dst net ff02::/16', 'host 10.0.1.3',
  ];
  const ether = [
    'ether src 02:42:ac:11:00:02', 'ether dst ff:ff:ff:ff:ff:ff', 'ether host 02:42:ac:11:00:03', 'ether src 02:42:5e:1d:00:01',
  ];
  const files: [string, string[]][] = [
    ['napt/napt-docker0.pcap', [...common, ...ether]],
    ['napt/napt-eth0.pcap', [...common, ...ether]],
    ['bridge/bridge-docker0.pcap', [...common, ...ether]],
    ['recreate/recreate-docker0.pcap', [...common, ...ether]],
    ['napt-collide/napt-collide-docker0.pcap', [...common, ...ether]],
    ['overlay-mtu/overlay-mtu-c1-eth0.pcap', [...common, ...ether]], // IPv4 fragments of ICMP
    ['napt/napt-any.pcap', common], // LINUX_SLL2
  ];
  it.each(files)('%s', (file, filters) => {
    const path = resolve(capturesDir, file);
    const total = matchingFrames(path, '').length;
    let informative = 0;
    for (const filter of filters) {
      const ours = matchingFrames(path, filter);
      expect({ filter, frames: ours }).toEqual({ filter, frames: tcpdumpFrames(path, filter) });
      if (ours.length > 0 && ours.length < total) informative++;
    }
    expect(informative).toBeGreaterThan(filters.length / 3);
  });
});

describe('syntax errors', () => {
  it.each([
    ['host', 4, "Expected an IPv4 or IPv6 address after 'host' at column 4, found the end of the filter."],
    ['host foo', 5, "Expected an IPv4 or IPv6 address after 'host' at column 5, found 'foo'."],
    ['arp and', 7, "Expected a primitive (such as 'tcp' or 'host 10.0.0.1'), 'not' or '(' at column 7, found the end of the filter."],
    ['(arp', 4, "Expected ')' to close a '(' at column 4, found the end of the filter."],
    ['arp)', 3, "Expected 'and', 'or' or the end of the filter at column 3, found ')'."],
    ['arp ip', 4, "Expected 'and', 'or' or the end of the filter at column 4, found 'ip'."],
    ['arp & ip', 4, "Expected '&&' at column 4, found a single '&'."],
    ['port 70000', 5, "Expected a port number from 0 to 65535 after 'port' at column 5, found '70000'."],
    ['udp dst 53', 8, "Expected 'port' or 'portrange' after 'udp dst' at column 8, found '53'."],
    ['ip port 80', 3, "Expected 'src', 'dst', 'host' or 'net' after 'ip' at column 3, found 'port'."],
    ['ether host 1.2.3.4', 11, "Expected a MAC address like 02:42:ac:11:00:02 after 'ether host' at column 11, found '1.2.3.4'."],
    ['ip6 host 10.0.0.1', 9, "Expected an IPv6 address after 'ip6 host' at column 9, found '10.0.0.1'."],
    ['net 172.17.0.1/16', 4, "Expected a network address with no bits set past its prefix length after 'net' at column 4, found '172.17.0.1/16'."],
    ['vlan 4096', 5, "Expected a VLAN id from 0 to 4095 after 'vlan' at column 5, found '4096'."],
    ['vni', 3, "Expected a VNI from 0 to 16777215 after 'vni' at column 3, found the end of the filter."],
    ['iface "docker0', 6, "Expected a closing '\"' for the quote at column 6."],
    ['tcp and frob', 8, "Expected a primitive (such as 'tcp' or 'host 10.0.0.1'), 'not' or '(' at column 8, found 'frob'."],
  ] as const)('%j -> column %i', (text, column, message) => {
    let error: unknown;
    try {
      parseFilter(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FilterSyntaxError);
    expect((error as FilterSyntaxError).column).toBe(column);
    expect((error as FilterSyntaxError).message).toBe(message);
  });

  it('limits nesting instead of overflowing the stack', () => {
    expect(() => parseFilter('('.repeat(5000) + 'arp' + ')'.repeat(5000))).toThrow(FilterSyntaxError);
    expect(() => parseFilter('not '.repeat(5000) + 'arp')).toThrow(FilterSyntaxError);
    const long = parseFilter(Array(5000).fill('arp').join(' or '));
    expect(long.matches(fixture('ARP request'), null)).toBe(true);
  });
});

describe('fuzzing', () => {
  const frames = [...FIXTURES.map((f) => layersOf(f.bytes, f.linkType)), new LayerList()];
  const words = [
    'and', 'or', 'not', '&&', '||', '!', '(', ')', 'host', 'src', 'dst', 'net', 'port', 'portrange', 'ether', 'eth', 'ip', 'ip6',
    'arp', 'icmp', 'icmp6', 'udp', 'tcp', 'vlan', 'vxlan', 'geneve', 'dns', 'sll', 'vni', 'icmp-type', 'iface', '"x y"',
    '172.17.0.2', '172.17.0.0/16', '10', '::1', 'fe80::/10', '02:42:ac:11:00:02', '4097', '0x10', '1-1024', '99999', '&', '|',
  ];
  const tokens = fc.array(fc.constantFrom(...words), { maxLength: 12 }).map((t) => t.join(' '));

  function check(text: string): void {
    let filter;
    try {
      filter = parseFilter(text);
    } catch (error) {
      expect(error).toBeInstanceOf(FilterSyntaxError);
      const e = error as FilterSyntaxError;
      expect(e.column).toBeGreaterThanOrEqual(0);
      expect(e.column).toBeLessThanOrEqual(text.length);
      expect(e.message).toMatch(/^Expected .*\.$/);
      return;
    }
    const negated = parseFilter(`not (${text.trim() === '' ? 'eth or not eth' : text})`);
    for (const layers of frames) {
      const hit = filter.matches(layers, 'docker0');
      expect(typeof hit).toBe('boolean');
      expect(negated.matches(layers, 'docker0')).toBe(!hit);
    }
  }

  test.prop([fc.string({ maxLength: 60 })], { numRuns: 2000 })('arbitrary strings', check);
  test.prop([fc.string({ unit: 'binary', maxLength: 30 })], { numRuns: 1000 })('arbitrary unicode', check);
  test.prop([tokens], { numRuns: 3000 })('strings of filter words', check);
});

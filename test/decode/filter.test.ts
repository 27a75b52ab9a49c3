// The display-filter language (Wireshark's, a subset): matching hand-made frames, the
// any/all semantics of fields that occur several times, layers (#N, outer./inner.),
// dockshark's `change` and `container`, error messages and columns, and fuzzing.
// Parity with tshark on real captures is dfilter-tshark.test.ts.
import { resolve } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import {
  FilterSyntaxError, FrameDecoder, LayerList, MutableFilterFrame, parseFilter, parseIpv4, parseMac,
  type ContainerNames, type FilterFrame,
} from '../../src/decode/index.js';
import { bytes, eth, ipv4, udp } from '../helpers/build.js';
import { capturesDir } from '../helpers/paths.js';
import { FIXTURES, VXLAN_REAL } from './fixtures.js';

/** Decodes bytes and returns a copy of the layer list (the decoder reuses its own). */
function layersOf(data: Uint8Array, linkType = 1): LayerList {
  const out = new FrameDecoder().decode({ data, start: 0, end: data.length, origLen: data.length, tsSec: 0, direction: null, iface: { id: 0, linkType } });
  const list = new LayerList();
  for (const layer of out.layers.toArray()) list.push(layer);
  return list;
}

const fixture = (name: string) => {
  const f = FIXTURES.find((x) => x.name === name)!;
  return layersOf(f.bytes, f.linkType);
};

const A = '02:42:ac:11:00:02';
const B = '02:42:ac:11:00:03';

/** A 20-byte TCP header (no options) with the given flag bits. */
function tcp(sport: number, dport: number, flags: number): Uint8Array {
  return bytes([sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xfa, 0xf0, 0, 0, 0, 0]);
}
const overTcp = (flags: number) => layersOf(eth(B, A, 0x0800, ipv4({ src: '172.17.0.2', dst: '172.17.0.3', protocol: 6 }, tcp(40000, 80, flags))));

/** A DNS query for www.example.com type A, over UDP to `port`. */
function dnsQuery(port: number): LayerList {
  const name = [3, ...'www'.split('').map((c) => c.charCodeAt(0)), 7, ...'example'.split('').map((c) => c.charCodeAt(0)), 3, 99, 111, 109, 0];
  const msg = bytes([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0], name, [0, 1, 0, 1]);
  return layersOf(eth(B, A, 0x0800, ipv4({ src: '172.17.0.2', dst: '172.17.0.3', protocol: 17 }, udp(33000, port, msg))));
}

function frameOf(layers: LayerList, extra: Partial<FilterFrame> = {}): FilterFrame {
  return { layers, iface: null, no: 1, origLen: 98, capLen: 98, ...extra };
}
const matches = (text: string, layers: LayerList, extra: Partial<FilterFrame> = {}) => parseFilter(text).matches(frameOf(layers, extra));

describe('matching decoded frames', () => {
  const arp = fixture('ARP request');
  const ping = fixture('ICMP echo request');
  const qinq = fixture('UDP in 802.1Q in 802.1ad');
  const unreach = fixture('ICMP port unreachable quoting UDP'); // 172.17.0.4 -> .3, quoting .3 -> .4 UDP 40001 -> 9999
  const fragNeeded = fixture('ICMP fragmentation needed'); // quoting an echo request 10.0.1.2 -> 10.0.1.3
  const vxArp = fixture('VXLAN with inner ARP');
  const vxPing = layersOf(VXLAN_REAL); // 192.168.203.1 -> .203.5 [VNI 100] 192.168.203.3 -> .203.5 ICMP echo
  const sll2 = fixture('SLL2 outgoing ICMP');
  const syn = overTcp(0x02);
  const synAck = overTcp(0x12);
  const ack = overTcp(0x10);

  it.each([
    ['', 'arp', true],
    ['   ', 'ping', true],
    ['frame', 'arp', true],
    ['arp', 'arp', true],
    ['arp', 'ping', false],
    ['ip && icmp && !arp', 'ping', true],
    ['ip and icmp and not arp', 'ping', true],
    ['eth.addr == ff:ff:ff:ff:ff:ff', 'arp', true],
    ['eth.src == 02-42-AC-11-00-02', 'ping', true],
    ['eth.dst == 0242.ac11.0003', 'ping', true],
    ['eth.dst eq 02:42:ac:11:00:02', 'ping', false],
    ['eth.type == 0x0806', 'arp', true],
    ['eth.src contains 42:ac', 'ping', true],
    ['eth.src contains 0x02', 'ping', true],
    ['eth.src contains 00:03', 'ping', false],
    ['arp.opcode == 1 && arp.dst.proto_ipv4 == 172.17.0.3', 'arp', true],
    ['arp.opcode == 2', 'arp', false],
    ['arp.src.hw_mac == 02:42:ac:11:00:02 && arp.dst.hw_mac == 00:00:00:00:00:00', 'arp', true],
    ['ip.addr == 172.17.0.0/16', 'ping', true],
    ['ip.addr == 172.17.0.9/16', 'ping', true], // bits past the prefix are ignored, as in Wireshark
    ['ip.src == 172.17.0.2 && ip.dst == 172.17.0.3', 'ping', true],
    ['ip.dst == 172.17.0.2', 'ping', false],
    ['ip.src in {172.17.0.1..172.17.0.2}', 'ping', true],
    ['ip.src in {172.17.0.3 .. 172.17.0.9, 10.0.0.0/8}', 'ping', false],
    ['ip.src not in {10.0.0.0/8}', 'ping', true],
    ['udp.port in {9999 40001}', 'qinq', true], // whitespace between elements: tshark 4.0 wants commas, older ones did not
    ['ip.src > 172.17.0.1 and ip.src lt 172.17.0.3', 'ping', true],
    ['ip.ttl == 64 && ip.ttl == 0x40 && ip.ttl == 0100 && ip.ttl == 0b1000000', 'ping', true],
    ['ip.flags.df == 1 && ip.flags.df == True && ip.flags == 2', 'ping', true],
    ['ip.flags.df == 2', 'ping', true], // a boolean compares by truth, as in tshark
    ['ip.flags.mf == 0', 'ping', true],
    ['ip.flags.mf', 'ping', true], // bare: the field is present, whatever its value
    ['ip.ttl & 0x40', 'ping', true],
    ['ip.ttl & 0x80', 'ping', false],
    ['ip.ttl & 0xc0 == 0x40', 'ping', true],
    ['icmp.type == 8 && icmp.ident == 0x1d && icmp.seq == 1', 'ping', true],
    ['icmp.mtu', 'ping', false],
    ['ieee8021ad.id == 100 && vlan.id == 200 && !vlan.id == 100', 'qinq', true], // an 802.1ad tag is not vlan, as in Wireshark
    ['vlan.priority == 5 && vlan.etype == 0x0800', 'qinq', true],
    ['udp.port == 9999 && udp.srcport == 40001 && udp.port in {9000..10000}', 'qinq', true],
    ['tcp.port == 9999', 'qinq', false],
    ['vlan#2', 'qinq', false],
    // An ICMP error's quoted headers are ip/udp layers too, as Wireshark dissects them.
    ['udp && udp.dstport == 9999', 'unreach', true],
    ['ip.src#1 == 172.17.0.4 && ip.src#2 == 172.17.0.3', 'unreach', true],
    ['ip.addr == 172.17.0.3', 'unreach', true],
    ['ip.src == 172.17.0.3', 'unreach', true],
    ['ip.src != 172.17.0.4', 'unreach', false], // "all not equal": the outer source is .4
    ['ip.src ne 172.17.0.9', 'unreach', true],
    ['ip.src !== 172.17.0.4', 'unreach', true], // "any not equal": the quoted source is not
    ['ip.src === 172.17.0.4', 'unreach', false],
    ['ip.src all_eq 172.17.0.4 || ip.dst any_ne 172.17.0.3', 'unreach', true],
    ['icmp.type == 3 && icmp.code == 3', 'unreach', true],
    ['outer.udp', 'unreach', true], // no tunnel: the whole frame is "outer"
    ['inner.udp', 'unreach', false],
    ['icmp.mtu == 1450 && icmp.type#2 == 8 && ip.len#2 == 1500 && ip.flags.df#2 == 1', 'fragNeeded', true],
    ['icmp.type#1 == 8', 'fragNeeded', false],
    // Layers after a VXLAN header.
    ['vxlan.vni == 4097 && inner.arp.dst.proto_ipv4 == 10.0.1.3', 'vxArp', true],
    ['outer.arp', 'vxArp', false],
    ['eth.src#2 == 02:42:0a:00:01:02 && eth.dst#2 == ff:ff:ff:ff:ff:ff', 'vxArp', true],
    ['outer.eth.src == 02:42:0a:00:01:02', 'vxArp', false],
    ['eth.addr == 02:42:0a:00:01:02', 'vxArp', true],
    ['ip.src#2 == 192.168.203.3 && inner.ip.src == 192.168.203.3', 'vxPing', true],
    ['outer.ip.src == 192.168.203.3', 'vxPing', false],
    ['ip.src#[1-2] == 192.168.203.3 && ip.src #[2] == 192.168.203.3', 'vxPing', true],
    ['ip#2 && !ip#3 && eth#2', 'vxPing', true],
    ['ip.src#0 == 192.168.203.1', 'vxPing', false],
    ['ip.dst == 192.168.203.5 && ip.dst#1 == 192.168.202.1 && !ip.dst === 192.168.203.5', 'vxPing', true],
    ['vxlan.vni in {100} && udp.dstport == 4789 && outer.udp.dstport == 4789', 'vxPing', true],
    ['sll && sll.pkttype == 4 && sll.ifindex == 7 && sll.src.eth == 02:42:ac:11:00:02', 'sll2', true],
    ['eth', 'sll2', false],
    ['tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.flags & 0x12', 'syn', true],
    ['tcp.flags & 0x12 == 0x12 && tcp.flags == 0x0012 && tcp.port == 80', 'synAck', true],
    ['tcp.flags.syn', 'ack', true], // present (as 0) in every TCP header, as in Wireshark
    ['tcp.flags.syn == 1', 'ack', false],
    ['tcp.flags.fin || tcp.flags.reset == 1 || tcp.flags.push == 1', 'ack', true],
    ['tcp.window_size_value == 0xfaf0 && tcp.hdr_len == 20 && tcp.len == 0 && tcp.seq_raw == 1', 'ack', true],
    ['dns && dns.qry.name == "www.example.com" && dns.qry.name == www.example.com && dns.qry.type == 1', 'dns53', true],
    ['dns.qry.name contains "example" && dns.qry.name matches "EXAMPLE\\\\.COM$" && dns.id == 0x1234', 'dns53', true],
    ['dns.qry.name contains "EXAMPLE"', 'dns53', false], // contains is case-sensitive, matches is not
    ['dns.qry.name in {"a.org", "www.example.com"} && dns.qry.name > "w" && dns.flags.response == 0', 'dns53', true],
    ['mdns && !dns && dns.qry.name == "www.example.com"', 'dns5353', true], // mDNS is its own protocol with dns.* fields
    ['dns.flags.authoritative', 'dns53', false], // Wireshark shows it in responses only
  ] as const)('%j on %s -> %s', (text, name, expected) => {
    const frames: Record<string, LayerList> = { arp, ping, qinq, unreach, fragNeeded, vxArp, vxPing, sll2, syn, synAck, ack, dns53: dnsQuery(53), dns5353: dnsQuery(5353) };
    expect(matches(text, frames[name])).toBe(expected);
  });

  it('reads the frame itself: number, lengths, interface name', () => {
    const ping2 = { no: 7, origLen: 1514, capLen: 96, iface: 'docker0' };
    expect(matches('frame.number == 7 && frame.len == 1514 && frame.cap_len < 100', ping, ping2)).toBe(true);
    expect(matches('frame.interface_name == docker0 && frame.interface_name == "docker0"', ping, ping2)).toBe(true);
    expect(matches('frame.interface_name matches "^DOCK" && frame.interface_name contains "ker"', ping, ping2)).toBe(true);
    expect(matches('frame.interface_name in {eth0, docker0}', ping, ping2)).toBe(true);
    // Unknown: the field is absent (a caller that does not know the lengths passes -1).
    expect(matches('frame.interface_name', ping)).toBe(false);
    expect(matches('frame.interface_name != docker0', ping)).toBe(false);
    expect(matches('!frame.interface_name', ping)).toBe(true);
    expect(matches('frame.len', ping, { origLen: -1 })).toBe(false);
    expect(matches('frame#1 && !frame#2', ping)).toBe(true);
  });

  it('gives "and" precedence over "or", as Wireshark 4.0 does', () => {
    expect(matches('arp or ip and icmp', arp)).toBe(true);
    expect(matches('(arp or ip) and icmp', arp)).toBe(false);
    expect(matches('not arp or icmp', ping)).toBe(true);
    expect(matches('not (arp or icmp)', ping)).toBe(false);
    expect(matches('! ! arp', arp)).toBe(true);
    expect(matches('!ip.src == 172.17.0.2', ping)).toBe(false); // "!" covers the whole comparison
  });

  it('keeps the text, and says whether the analysis is needed', () => {
    const f = parseFilter(' arp ');
    expect(f.text).toBe(' arp ');
    expect([f.usesChanges, f.usesContainers]).toEqual([false, false]);
    expect(parseFilter('arp || change == fdb').usesChanges).toBe(true);
    expect(parseFilter('!(container == web)').usesContainers).toBe(true);
  });
});

describe("dockshark's change and container", () => {
  const ping = fixture('ICMP echo request'); // 02:42:ac:11:00:02 172.17.0.2 -> 02:42:ac:11:00:03 172.17.0.3
  const vxArp = fixture('VXLAN with inner ARP'); // inner ARP from 02:42:0a:00:01:02 10.0.1.2
  const fragNeeded = fixture('ICMP fragmentation needed'); // quotes 10.0.1.2 -> 10.0.1.3
  const macs = new Map([[parseMac(A)!, 'web-bridge-1'], [parseMac('02:42:0a:00:01:02')!, 'c2']]);
  const ips = new Map([[parseIpv4('172.17.0.3')!, 'db'], [parseIpv4('10.0.1.3')!, 'remote']]);
  const names: ContainerNames = { ofMac: (m) => macs.get(m) ?? null, ofIpv4: (a) => ips.get(a) ?? null };
  const changes = [{ kind: 'fdb.move' }, { kind: 'arp.new' }];

  it.each([
    ['change == fdb.move', true],
    ['change == fdb', true], // a namespace: any of its kinds
    ['change == "fdb.*"', true],
    ['change == fdb.learn', false],
    ['change == nat', false],
    ['change', true],
    ['change != arp.new', false],
    ['change !== arp.new', true],
    ['change in {nat, arp.new}', true],
    ['change contains "move"', true],
    ['arp || change == arp', true],
  ] as const)('%j with fdb.move and arp.new -> %s', (text, expected) => {
    expect(matches(text, ping, { changes })).toBe(expected);
  });

  it('needs the changes: without them no change matches', () => {
    expect(matches('change', ping)).toBe(false);
    expect(matches('!change', ping, { changes: [] })).toBe(true);
    expect(matches('change == fdb', ping, { changes: null })).toBe(false);
  });

  it.each([
    ['container == web-bridge-1', 'ping', true], // the source MAC
    ['container == db', 'ping', true], // the destination IPv4 address
    ['container == "db" && container == web-bridge-1', 'ping', true],
    ['container != db', 'ping', false],
    ['container in {db, cache}', 'ping', true],
    ['container matches "^WEB-"', 'ping', true],
    ['container == cache', 'ping', false],
    ['container == c2', 'vxArp', true], // an inner MAC
    ['outer.container == c2', 'vxArp', null],
    ['container == remote', 'fragNeeded', true], // an address in the quoted datagram
    ['container', 'fragNeeded', true],
  ] as const)('%j on %s -> %s', (text, name, expected) => {
    const frames: Record<string, LayerList> = { ping, vxArp, fragNeeded };
    if (expected === null) expect(() => parseFilter(text)).toThrow(FilterSyntaxError);
    else expect(matches(text, frames[name], { names })).toBe(expected);
  });

  it('needs the names: without them no address has an owner', () => {
    expect(matches('container', ping)).toBe(false);
    expect(matches('container == db', ping, { names: null })).toBe(false);
  });
});

describe('syntax and type errors', () => {
  it.each([
    ['ip.sorc == 1.2.3.4', 0, 'unknown field "ip.sorc" at column 0'],
    ['ip.src ==', 9, 'expected a value after "==" at column 9, found the end of the filter'],
    ['ip.src == abc', 10, '"ip.src" is an IPv4 address, not "abc" (write 172.17.0.2 or 172.17.0.0/16) at column 10'],
    ['ip.src == "1.2.3.4"', 10, '"ip.src" is an IPv4 address, not the string "1.2.3.4": write it without quotes at column 10'],
    ['ip.ttl == 256', 10, '"256" is too big for "ip.ttl", at most 255, at column 10'],
    ['ip.ttl == -1', 10, '"ip.ttl" is an unsigned integer, not "-1" at column 10'],
    ['ip.addr == 10.0.0.0/33', 11, 'the prefix length of "10.0.0.0/33" is over 32 at column 11'],
    ['eth.src == 02:42:ac:11:00', 11, '"eth.src" is a MAC address, not "02:42:ac:11:00" (write 02:42:ac:11:00:02) at column 11'],
    ['ipv6.addr == fe80:::1', 13, '"ipv6.addr" is an IPv6 address, not "fe80:::1" (write fe80::1 or fd00::/8) at column 13'],
    ['tcp.flags.syn == maybe', 17, '"tcp.flags.syn" is a boolean, not "maybe" (write 1, 0, True or False) at column 17'],
    ['host 10.0.0.1', 0, 'unknown field "host" at column 0 (this is Wireshark\'s display-filter language: try ip.addr == 10.0.0.1)'],
    ['arp and', 7, 'expected a field or protocol name (such as ip.addr or arp), "not" or "(" at column 7, found the end of the filter'],
    ['(arp', 4, 'expected "and", "or" or ")" (for the "(" of column 0) at column 4, found the end of the filter'],
    ['arp)', 3, 'expected "and", "or" or the end of the filter at column 3, found ")"'],
    ['arp ip', 4, 'expected "and", "or" or the end of the filter at column 4, found "ip"'],
    ['arp AND ip', 4, 'expected "and", "or" or the end of the filter at column 4, found "AND"'],
    ['arp | ip', 4, 'expected "||", found "|" at column 4'],
    ['ip.src = 1.2.3.4', 7, 'expected "==", found "=" at column 7'],
    ['arp & ip', 6, 'expected a number (the bit mask) after "&" at column 6, found "ip"'],
    ['ip.src & 1', 7, '"ip.src" is not an unsigned integer field, so it takes no "&" at column 7'],
    ['tcp.port contains 80', 0, '"tcp.port" is an unsigned integer: "contains" takes a string or MAC field, at column 0'],
    ['ip.src matches "x"', 0, '"ip.src" is an IPv4 address: "matches" takes a string field, at column 0'],
    ['frame.interface_name matches "("', 29, '"(" is not a valid regular expression at column 29'],
    ['udp == 1', 0, '"udp" is a protocol: compare one of its fields instead, at column 0'],
    ['ip.src#x', 7, 'expected a layer number such as 2, or a range such as [1-2] after "#" at column 7, found "x"'],
    ['inner.frame.len', 0, '"frame.len" belongs to no layer, so it takes no "inner." at column 0'],
    ['container#2 == x', 9, '"container" belongs to no layer, so it takes no "#" at column 9'],
    ['outer.ip.src#2', 12, 'use either "outer." or "#", not both, at column 12'],
    ['dns.qry.name == "abc', 16, 'expected a closing \'"\' for the string opened at column 16'],
    ['dns.qry.name == "a\\q"', 18, 'expected an escape such as \\" \\\\ \\n \\x41 after "\\" at column 18'],
    ['ip.src in {1.2.3.4,}', 19, 'expected a value after "," at column 19, found "}"'],
    ['ip.src in 1.2.3.4', 10, 'expected "{" to start a set such as {80, 443, 8000..8080} after "in" at column 10, found "1.2.3.4"'],
    ['ip.src in {1.2.3.4', 18, 'expected ",", ".." or "}" at column 18, found the end of the filter'],
    ['ip.src == 1.2.3.4 "x"', 18, 'expected "and", "or" or the end of the filter at column 18, found "x"'],
    ['ip.src "x"', 7, 'expected an operator such as "==", "and" or "or" at column 7, found "x"'],
  ] as const)('%j -> column %i', (text, column, message) => {
    let error: unknown;
    try {
      parseFilter(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FilterSyntaxError);
    expect((error as FilterSyntaxError).message).toBe(message);
    expect((error as FilterSyntaxError).column).toBe(column);
  });

  it('limits nesting instead of overflowing the stack', () => {
    expect(() => parseFilter('('.repeat(5000) + 'arp' + ')'.repeat(5000))).toThrow(FilterSyntaxError);
    expect(() => parseFilter('not '.repeat(5000) + 'arp')).toThrow(FilterSyntaxError);
    const long = parseFilter(Array(5000).fill('arp').join(' or '));
    expect(long.matches(frameOf(fixture('ARP request')))).toBe(true);
  });
});

/** Frame numbers (1-based) of a capture that match `filter`. */
function matchingFrames(path: string, filter: string): number[] {
  const f = parseFilter(filter);
  const source = openCapture(path);
  const decoder = new FrameDecoder({ vxlanPorts: [4789, 8472] });
  const frame = new MutableFilterFrame();
  const out: number[] = [];
  try {
    for (let raw = source.next(); raw !== null; raw = source.next()) {
      frame.layers = decoder.decode(raw).layers;
      frame.iface = raw.iface.name;
      frame.no = raw.no;
      if (f.matches(frame)) out.push(raw.no);
    }
  } finally {
    source.close();
  }
  return out;
}

describe('matching captures', () => {
  const underlay = resolve(capturesDir, 'overlay-learn/overlay-underlay-h1.pcap');
  const mtu = resolve(capturesDir, 'overlay-mtu/overlay-mtu-c1-eth0.pcap');

  it('finds the pings inside the VXLAN tunnel by VNI and inner address', () => {
    const pings = matchingFrames(underlay, 'icmp && vxlan.vni == 4097');
    expect(pings.length).toBeGreaterThan(0);
    expect(matchingFrames(underlay, 'vxlan.vni == 4097 && icmp && inner.ip.addr == 10.0.1.2 && outer.ip.addr == 192.0.2.1')).toEqual(pings);
    expect(matchingFrames(underlay, 'icmp && vxlan.vni == 42')).toEqual([]);
    expect(matchingFrames(underlay, 'ip && !vxlan').length).toBeLessThan(matchingFrames(underlay, 'ip').length);
  });

  it('looks inside the ICMP error quoting the ping (frame 12), as tshark does', () => {
    expect(matchingFrames(mtu, 'icmp.type == 3')).toEqual([12]);
    expect(matchingFrames(mtu, 'icmp.type == 3 && ip.addr == 10.0.1.3')).toEqual([12]);
    expect(matchingFrames(mtu, 'icmp.type == 3 && ip.src#1 == 172.17.0.1 && ip.dst#2 == 10.0.1.3')).toEqual([12]);
  });

  it('matches interface names of a multi-interface pcapng', () => {
    const multi = resolve(capturesDir, 'bridge/bridge-multi.pcapng');
    const all = matchingFrames(multi, '');
    const docker0 = matchingFrames(multi, 'frame.interface_name == docker0');
    const others = matchingFrames(multi, '!(frame.interface_name == docker0)');
    expect(docker0.length).toBeGreaterThan(0);
    expect(others.length).toBeGreaterThan(0);
    expect([...docker0, ...others].sort((a, b) => a - b)).toEqual(all);
  });
});

describe('fuzzing', () => {
  const frames = [...FIXTURES.map((f) => layersOf(f.bytes, f.linkType)), layersOf(VXLAN_REAL), dnsQuery(53), overTcp(0x12), new LayerList()];
  const names: ContainerNames = { ofMac: (m) => (m % 3 === 0 ? 'a' : null), ofIpv4: (a) => (a % 2 === 0 ? 'b' : null) };
  const words = [
    'and', 'or', 'not', '&&', '||', '!', '(', ')', '==', '!=', '===', '!==', '~=', '<', '>=', 'eq', 'ne', 'contains', 'matches', '~',
    'in', '{', '}', ',', '..', '#', '#2', '#[1-2]', '&', 'ip.src', 'ip.addr', 'ip', 'eth.addr', 'udp.port', 'tcp.flags.syn', 'vxlan.vni',
    'dns.qry.name', 'frame.len', 'frame.interface_name', 'icmp.type', 'arp', 'ipv6.addr', 'container', 'change', 'inner.ip.src',
    'outer.eth', '"x y"', '172.17.0.2', '172.17.0.0/16', '10', '0x10', '::1', 'fe80::/10', '02:42:ac:11:00:02', '42:ac', 'True', 'fdb',
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
      expect(e.message).toMatch(/at column \d+/);
      return;
    }
    const negated = parseFilter(`!(${text.trim() === '' ? 'frame' : text})`);
    for (const layers of frames) {
      for (const extra of [{}, { iface: 'docker0', names, changes: [{ kind: 'fdb.move' }] }]) {
        const hit = filter.matches(frameOf(layers, extra));
        expect(typeof hit).toBe('boolean');
        expect(negated.matches(frameOf(layers, extra))).toBe(!hit);
      }
    }
  }

  test.prop([fc.string({ maxLength: 60 })], { numRuns: 2000 })('arbitrary strings', check);
  test.prop([fc.string({ unit: 'binary', maxLength: 30 })], { numRuns: 1000 })('arbitrary unicode', check);
  test.prop([tokens], { numRuns: 3000 })('strings of filter words', check);
});

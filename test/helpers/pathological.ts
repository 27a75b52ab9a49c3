// Generators of pathological frame streams for the bounded-state tests: each builds
// one template frame with the byte builders, then patches a counter into it per frame
// (a MAC, an IP, a port, an IP id, a VNI), so a million frames cost no allocation.
// The frames are CapturedFrame objects the AnalysisPipeline takes as they are; the
// yielded object and its bytes are reused: push it before asking for the next one.

import type { CapturedFrame } from '../../src/analysis/pipeline.js';
import { arp, bytes, eth, fill, ip4, ipv4, sll2, udp, vxlan } from './build.js';

export interface CaptureIface {
  readonly id: number;
  readonly linkType: number;
  readonly name: string | null;
}

/** One frame slot, refilled for every frame of a stream. */
export class StreamFrame implements CapturedFrame {
  no = 0;
  tsSec = 1_700_000_000;
  tsNsec = 0;
  origLen = 0;
  start = 0;
  end = 0;
  direction: 'in' | 'out' | null = null;
  constructor(public data: Uint8Array, public iface: CaptureIface) {
    this.origLen = this.end = data.length;
  }
}

export const ETH_IFACE: CaptureIface = { id: 0, linkType: 1, name: null };
export const INSIDE: CaptureIface = { id: 0, linkType: 1, name: 'docker0' };
export const OUTSIDE: CaptureIface = { id: 1, linkType: 1, name: 'eth0' };

const ETH = 14;
const IPV4 = 0x0800;
const ARP = 0x0806;

function writeMac(b: Uint8Array, at: number, n: number): void {
  b[at] = 0x02; // locally administered unicast
  b[at + 1] = 0;
  b[at + 2] = (n >>> 24) & 0xff;
  b[at + 3] = (n >>> 16) & 0xff;
  b[at + 4] = (n >>> 8) & 0xff;
  b[at + 5] = n & 0xff;
}

function writeU16(b: Uint8Array, at: number, n: number): void {
  b[at] = (n >>> 8) & 0xff;
  b[at + 1] = n & 0xff;
}

function writeU32(b: Uint8Array, at: number, n: number): void {
  writeU16(b, at, n >>> 16);
  writeU16(b, at + 2, n & 0xffff);
}

/** Recomputes the checksum of the IPv4 header at `at` (after patching it). */
export function fixIpv4Checksum(b: Uint8Array, at: number): void {
  const length = (b[at] & 0x0f) * 4;
  b[at + 10] = 0;
  b[at + 11] = 0;
  let sum = 0;
  for (let i = 0; i < length; i += 2) sum += (b[at + i] << 8) | b[at + i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  writeU16(b, at + 10, ~sum & 0xffff);
}

/** Time goes forward 1 µs per frame unless `sameInstant` (a burst stamped with one timestamp). */
function tick(f: StreamFrame, i: number, sameInstant: boolean): void {
  f.no = i + 1;
  if (sameInstant) return;
  f.tsSec = 1_700_000_000 + Math.floor(i / 1_000_000);
  f.tsNsec = (i % 1_000_000) * 1000;
}

/** A MAC flood (macof): every frame from a new source MAC (and IP id), to the broadcast address. */
export function* manyMacs(n: number, sameInstant = false): Generator<StreamFrame> {
  const f = new StreamFrame(eth('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:00', IPV4, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17 }, udp(1, 2, fill(8)))), ETH_IFACE);
  for (let i = 0; i < n; i++) {
    writeMac(f.data, 6, i + 1);
    writeU16(f.data, ETH + 4, i & 0xffff);
    fixIpv4Checksum(f.data, ETH);
    tick(f, i, sameInstant);
    yield f;
  }
}

/** `tcpdump -i any` (SLL2) frames, each on a new ifindex: a crafted file can name 2^32 interfaces. */
export function* manyIfindexes(n: number): Generator<StreamFrame> {
  const f = new StreamFrame(sll2(IPV4, 1, 0, '02:00:00:00:00:01', ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17 }, udp(1, 2, fill(8)))),
    { id: 0, linkType: 276, name: null });
  for (let i = 0; i < n; i++) {
    writeU32(f.data, 4, i + 1);
    writeMac(f.data, 12, i + 1);
    tick(f, i, false);
    yield f;
  }
}

/** ARP replies claiming a new IP from a new MAC each (a neighbour table flood). */
export function manyArpClaims(n: number): Generator<StreamFrame> {
  return arpClaims(Array.from({ length: n }, (_, i) => i + 1));
}

/** One ARP reply per entry of `hosts`: host h claims 10.0.0.h from MAC 02:00:00:00:00:h (as numbers). */
export function* arpClaims(hosts: readonly number[]): Generator<StreamFrame> {
  const f = new StreamFrame(eth('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:00', ARP, arp(2, '02:00:00:00:00:00', '10.0.0.0', '00:00:00:00:00:00', '10.255.255.255')), ETH_IFACE);
  for (let i = 0; i < hosts.length; i++) {
    writeMac(f.data, 6, hosts[i]);
    writeMac(f.data, ETH + 8, hosts[i]);
    writeU32(f.data, ETH + 14, (10 << 24) + hosts[i]);
    tick(f, i, false);
    yield f;
  }
}

/** ARP probes (sender IP 0.0.0.0) for a new IP each, all within one instant: never stale. */
export function* manyArpProbes(n: number): Generator<StreamFrame> {
  const f = new StreamFrame(eth('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:01', ARP, arp(1, '02:00:00:00:00:01', '0.0.0.0', '00:00:00:00:00:00', '10.0.0.0')), ETH_IFACE);
  for (let i = 0; i < n; i++) {
    writeU32(f.data, ETH + 24, (10 << 24) + i + 1);
    tick(f, i, true);
    yield f;
  }
}

/**
 * SNAT flows: each a UDP packet seen inside (172.17.0.2:port, TTL 64) then outside
 * (10.0.0.1:port, TTL 63) with the same IP id: one new conntrack entry per flow.
 */
export function* manyNatFlows(n: number): Generator<StreamFrame> {
  const packet = (src: string, ttl: number) => eth('02:42:00:00:00:01', '02:42:ac:11:00:02', IPV4,
    ipv4({ src, dst: '8.8.8.8', protocol: 17, ttl, id: 1 }, udp(1024, 53, fill(20))));
  const inside = new StreamFrame(packet('172.17.0.2', 64), INSIDE);
  const outside = new StreamFrame(packet('10.0.0.1', 63), OUTSIDE);
  for (let i = 0; i < n; i++) {
    const port = 1024 + (i % 60000);
    const src = (172 << 24) + (17 << 16) + 2 + Math.floor(i / 60000); // a new inside address every 60000 ports
    for (const f of [inside, outside]) {
      writeU16(f.data, ETH + 4, (i + 1) & 0xffff); // IP id
      writeU16(f.data, ETH + 20, port);
      if (f === inside) writeU32(f.data, ETH + 12, src >>> 0);
      fixIpv4Checksum(f.data, ETH);
    }
    tick(inside, 2 * i, false);
    yield inside;
    tick(outside, 2 * i + 1, false);
    yield outside;
  }
}

export type FragmentMode = 'never-complete' | 'overlapping' | 'tiny' | 'huge-offset';

/**
 * IPv4 fragments that never complete a datagram: a new datagram per frame
 * ('never-complete', 'huge-offset': its only fragment at offset 65496), or many
 * fragments of few datagrams ('overlapping': all at offset 0; 'tiny': 8 bytes each,
 * every other 8-byte block so the holes never close).
 */
export function* manyFragments(n: number, mode: FragmentMode): Generator<StreamFrame> {
  const payload = fill(mode === 'tiny' ? 8 : 16);
  const f = new StreamFrame(eth('02:00:00:00:00:02', '02:00:00:00:00:01', IPV4,
    ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, id: 0, mf: true }, payload)), ETH_IFACE);
  for (let i = 0; i < n; i++) {
    let id = i & 0xffff;
    let offset = 0;
    if (mode === 'overlapping') id = i >> 12; // 4096 fragments per datagram
    if (mode === 'tiny') {
      id = i >> 12;
      offset = ((i & 0xfff) * 16) % 65000;
    }
    if (mode === 'huge-offset') offset = 65496; // its 16 bytes end at 65512, 3 bytes short of the largest datagram
    if (mode === 'never-complete' || mode === 'huge-offset') writeU32(f.data, ETH + 12, ((10 << 24) + 1 + (i >>> 16)) >>> 0);
    writeU16(f.data, ETH + 4, id);
    writeU16(f.data, ETH + 6, 0x2000 | (offset / 8));
    fixIpv4Checksum(f.data, ETH);
    tick(f, i, false);
    yield f;
  }
}

/** VXLAN packets, each on a new VNI (and a new inner source MAC): `vteps` remote VTEPs in turn. */
export function* manyVnis(n: number, vteps = 1): Generator<StreamFrame> {
  const inner = eth('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:00', ARP, arp(1, '02:00:00:00:00:00', '192.168.0.1', '00:00:00:00:00:00', '192.168.0.2'));
  const f = new StreamFrame(eth('02:00:00:00:00:02', '02:00:00:00:00:01', IPV4,
    ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17 }, udp(40000, 4789, vxlan(0, inner)))), ETH_IFACE);
  const vxlanAt = ETH + 20 + 8;
  const innerAt = vxlanAt + 8;
  for (let i = 0; i < n; i++) {
    writeU32(f.data, vxlanAt + 4, ((i + 1) & 0xffffff) << 8);
    writeMac(f.data, innerAt + 6, i + 1);
    writeMac(f.data, innerAt + ETH + 8, i + 1);
    writeU32(f.data, ETH + 12, ((10 << 24) + 1 + (i % vteps)) >>> 0);
    fixIpv4Checksum(f.data, ETH);
    tick(f, i, false);
    yield f;
  }
}

/** One VXLAN VNI with `n` inner source MACs (an overlay FDB flood). */
export function* manyOverlayMacs(n: number): Generator<StreamFrame> {
  const inner = eth('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:00', IPV4, ipv4({ src: '192.168.0.1', dst: '192.168.0.2', protocol: 17 }, udp(1, 2, fill(8))));
  const f = new StreamFrame(eth('02:00:00:00:00:02', '02:00:00:00:00:01', IPV4,
    ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17 }, udp(40000, 4789, vxlan(42, inner)))), ETH_IFACE);
  const innerAt = ETH + 20 + 8 + 8;
  for (let i = 0; i < n; i++) {
    writeMac(f.data, innerAt + 6, i + 1);
    tick(f, i, false);
    yield f;
  }
}

/**
 * One Ethernet frame carrying `depth` VXLAN headers nested in each other (each level an
 * Ethernet + IPv4 + UDP + VXLAN header: 50 bytes), cut at `maxBytes`.
 */
export function nestedVxlan(depth: number, maxBytes = 65536): StreamFrame {
  let frame = eth('02:00:00:00:00:02', '02:00:00:00:00:01', ARP, arp(1, '02:00:00:00:00:01', '192.168.0.1', '00:00:00:00:00:00', '192.168.0.2'));
  for (let level = 0; level < depth; level++) {
    const carrier = ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17, totalLength: Math.min(65535, 20 + 8 + 8 + frame.length) },
      udp(40000, 4789, vxlan(level + 1, frame), Math.min(65535, 8 + 8 + frame.length)));
    frame = eth('02:00:00:00:00:02', '02:00:00:00:00:01', IPV4, carrier);
    if (frame.length > 4 * maxBytes) frame = frame.subarray(0, 4 * maxBytes);
  }
  const data = frame.length > maxBytes ? frame.slice(0, maxBytes) : frame;
  const f = new StreamFrame(data, ETH_IFACE);
  f.origLen = frame.length;
  f.no = 1;
  return f;
}

/** The same frame on two interfaces, `n` times, all stamped with one instant (copy windows never expire). */
export function* sameInstantCopies(n: number): Generator<StreamFrame> {
  const data = eth('02:00:00:00:00:02', '02:00:00:00:00:01', IPV4, ipv4({ src: '172.17.0.2', dst: '8.8.8.8', protocol: 17, id: 0, df: true }, udp(5000, 53, fill(20))));
  const a = new StreamFrame(data, INSIDE);
  const b = new StreamFrame(data.slice(), OUTSIDE);
  for (let i = 0; i < n; i++) {
    // a different payload byte per pair: a new frame each time, all sharing one NAT invariant key
    a.data[a.data.length - 1] = b.data[b.data.length - 1] = i & 0xff;
    a.data[a.data.length - 2] = b.data[b.data.length - 2] = (i >>> 8) & 0xff;
    a.no = 2 * i + 1;
    yield a;
    b.no = 2 * i + 2;
    yield b;
  }
}

export { bytes, ip4 };

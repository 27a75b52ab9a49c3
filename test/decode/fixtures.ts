// Named frames for the decoder tests, each with its layer stack (gopacket's habit).
import { hex } from '../helpers/hex.js';
import { arp, bytes, eth, fill, icmp, icmpEcho, ipv4, sll1, sll2, udp, vlanTag, vxlan } from '../helpers/build.js';

export interface Fixture {
  name: string;
  linkType: number;
  bytes: Uint8Array;
  stack: string[];
}

const A = '02:42:ac:11:00:02';
const B = '02:42:ac:11:00:03';
const GW = '02:42:5e:3d:1a:01';
const ping = icmpEcho(8, 0x1d, 1, fill(56));

/** Frame 1 of tcpdump's tests/vxlan.pcap: Ethernet[IPv4[UDP[VXLAN[Ethernet[IPv4[ICMP echo request]]]]]]. */
export const VXLAN_REAL = hex(`
  00163e0871cf36dc851eb34008004500 0086d2c0400040115152c0a8cb01c0a8
  ca01b05d12b500720000080000000000 640000308801000200163e37f6040800
  45000054000040004001234fc0a8cb03 c0a8cb050800f6f2050c0001fce29751
  00000000a6f802000000000010111213 1415161718191a1b1c1d1e1f20212223
  2425262728292a2b2c2d2e2f30313233 34353637`);

export const FIXTURES: Fixture[] = [
  { name: 'ARP request', linkType: 1, bytes: eth('ff:ff:ff:ff:ff:ff', A, 0x0806, arp(1, A, '172.17.0.2', '00:00:00:00:00:00', '172.17.0.3')), stack: ['eth', 'arp'] },
  { name: 'ICMP echo request', linkType: 1, bytes: eth(B, A, 0x0800, ipv4({ src: '172.17.0.2', dst: '172.17.0.3', protocol: 1, df: true }, ping)), stack: ['eth', 'ipv4', 'icmp'] },
  {
    name: 'UDP in 802.1Q in 802.1ad',
    linkType: 1,
    bytes: eth(B, A, 0x88a8, vlanTag(100, 0, 0x8100, vlanTag(200, 5, 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17 }, udp(40001, 9999, fill(6)))))),
    stack: ['eth', 'vlan', 'vlan', 'ipv4', 'udp'],
  },
  {
    name: 'IPv4 with options (record route)',
    linkType: 1,
    bytes: eth(B, A, 0x0800, ipv4({ src: '172.17.0.2', dst: '172.17.0.3', protocol: 1, options: [7, 7, 4, 0, 0, 0, 0, 0] }, ping)),
    stack: ['eth', 'ipv4', 'icmp'],
  },
  {
    name: 'ICMP port unreachable quoting UDP',
    linkType: 1,
    bytes: eth(A, B, 0x0800, ipv4({ src: '172.17.0.4', dst: '172.17.0.3', protocol: 1 },
      icmp(3, 3, [0, 0, 0, 0], ipv4({ src: '172.17.0.3', dst: '172.17.0.4', protocol: 17 }, udp(40001, 9999, fill(6)))))),
    stack: ['eth', 'ipv4', 'icmp'],
  },
  {
    name: 'ICMP fragmentation needed',
    linkType: 1,
    bytes: eth(A, GW, 0x0800, ipv4({ src: '10.0.1.1', dst: '10.0.1.2', protocol: 1 },
      icmp(3, 4, [0, 0, 0x05, 0xaa], ipv4({ src: '10.0.1.2', dst: '10.0.1.3', protocol: 1, df: true, totalLength: 1500 }, icmpEcho(8, 7, 3, fill(0)))))),
    stack: ['eth', 'ipv4', 'icmp'],
  },
  {
    name: 'VXLAN with inner ARP',
    linkType: 1,
    bytes: eth(B, A, 0x0800, ipv4({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 17 },
      udp(51234, 4789, vxlan(4097, eth('ff:ff:ff:ff:ff:ff', '02:42:0a:00:01:02', 0x0806, arp(1, '02:42:0a:00:01:02', '10.0.1.2', '00:00:00:00:00:00', '10.0.1.3')))))),
    stack: ['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'arp'],
  },
  { name: 'real VXLAN (tcpdump vxlan.pcap frame 1)', linkType: 1, bytes: VXLAN_REAL, stack: ['eth', 'ipv4', 'udp', 'vxlan', 'eth', 'ipv4', 'icmp'] },
  {
    name: 'SLL2 outgoing ICMP',
    linkType: 276,
    bytes: sll2(0x0800, 7, 4, A, ipv4({ src: '172.17.0.2', dst: '172.17.0.3', protocol: 1 }, ping)),
    stack: ['sll', 'ipv4', 'icmp'],
  },
  {
    name: 'SLL v1 ARP',
    linkType: 113,
    bytes: sll1(1, A, 0x0806, arp(1, A, '172.17.0.2', '00:00:00:00:00:00', '172.17.0.3')),
    stack: ['sll', 'arp'],
  },
  { name: 'NULL loopback IPv4', linkType: 0, bytes: bytes([2, 0, 0, 0], ipv4({ src: '127.0.0.1', dst: '127.0.0.1', protocol: 17 }, udp(1000, 2000, fill(4)))), stack: ['null', 'ipv4', 'udp'] },
  { name: 'raw IPv4', linkType: 101, bytes: ipv4({ src: '10.1.1.1', dst: '10.1.1.2', protocol: 17 }, udp(1000, 2000, fill(4))), stack: ['ipv4', 'udp'] },
];

/** Length in bytes of the header of a decoded layer (what a cut inside it must report). */
export function headerLength(layer: Record<string, unknown>): number {
  switch (layer.proto) {
    case 'eth': return 14;
    case 'vlan': return 4;
    case 'sll': return layer.version === 2 ? 20 : 16;
    case 'null': return 4;
    case 'arp': return 28;
    case 'ipv4': return layer.headerLength as number;
    case 'icmp': case 'udp': case 'vxlan': return 8;
    default: return 0;
  }
}

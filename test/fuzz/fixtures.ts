// Small hand-made captures for the fuzz harness's tests: a classic pcap and a pcapng with
// the same three frames (Ethernet / IPv4 / UDP to port 53 with a DNS header, an ARP request,
// and a VXLAN frame), built from explicit fields so each mutator's effect can be checked.

const u16be = (n: number) => [(n >>> 8) & 0xff, n & 0xff];
const u16le = (n: number) => [n & 0xff, (n >>> 8) & 0xff];
const u32le = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
const MAC_A = [0x02, 0x42, 0xac, 0x11, 0x00, 0x02];
const MAC_B = [0x02, 0x42, 0xac, 0x11, 0x00, 0x03];

function udpOverIpv4(srcPort: number, dstPort: number, payload: number[]): number[] {
  const udp = [...u16be(srcPort), ...u16be(dstPort), ...u16be(8 + payload.length), 0, 0, ...payload];
  const ip = [0x45, 0, ...u16be(20 + udp.length), 0, 1, 0x40, 0, 64, 17, 0, 0, 172, 17, 0, 2, 172, 17, 0, 3];
  return [...MAC_B, ...MAC_A, 0x08, 0x00, ...ip, ...udp];
}

const DNS_QUERY = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0x61, 0, 0, 1, 0, 1];
const ARP_REQUEST = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...MAC_A, 0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1, ...MAC_A, 172, 17, 0, 2, 0, 0, 0, 0, 0, 0, 172, 17, 0, 3];
const VXLAN_INNER = [0x08, 0, 0, 0, 0, 0, 0x2a, 0, ...ARP_REQUEST];

export const FRAMES: number[][] = [udpOverIpv4(40000, 53, DNS_QUERY), ARP_REQUEST, udpOverIpv4(40001, 4789, VXLAN_INNER)];

export function pcapFile(frames = FRAMES, linkType = 1): Uint8Array {
  const out = [...u32le(0xa1b2c3d4), ...u16le(2), ...u16le(4), ...u32le(0), ...u32le(0), ...u32le(65535), ...u32le(linkType)];
  frames.forEach((f, i) => out.push(...u32le(1700000000 + i), ...u32le(i * 1000), ...u32le(f.length), ...u32le(f.length), ...f));
  return Uint8Array.from(out);
}

function block(type: number, body: number[]): number[] {
  const padded = [...body, ...Array((4 - (body.length % 4)) % 4).fill(0)];
  const length = 12 + padded.length;
  return [...u32le(type), ...u32le(length), ...padded, ...u32le(length)];
}

export function pcapngFile(frames = FRAMES): Uint8Array {
  const name = [...Buffer.from('eth0')];
  const shb = block(0x0a0d0d0a, [...u32le(0x1a2b3c4d), ...u16le(1), ...u16le(0), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, ...u16le(0), ...u16le(0)]);
  const idb = block(1, [...u16le(1), 0, 0, ...u32le(0), ...u16le(2), ...u16le(name.length), ...name, ...u16le(0), ...u16le(0)]);
  const epbs = frames.flatMap((f, i) => block(6, [
    ...u32le(0), ...u32le(0), ...u32le(1700000000 + i), ...u32le(f.length), ...u32le(f.length), ...f,
    ...Array((4 - (f.length % 4)) % 4).fill(0), ...u16le(2), ...u16le(4), ...u32le(1), ...u16le(0), ...u16le(0),
  ]));
  return Uint8Array.from([...shb, ...idb, ...epbs]);
}

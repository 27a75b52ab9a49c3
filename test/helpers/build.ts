// Byte builders for decoder tests: small, explicit encoders of each header so a
// fixture says what it contains. Lengths and checksums are computed unless given.

export function bytes(...parts: (Uint8Array | number[])[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function mac(text: string): number[] {
  return text.split(':').map((h) => parseInt(h, 16));
}

export function ip4(text: string): number[] {
  return text.split('.').map(Number);
}

const u16 = (n: number): number[] => [(n >>> 8) & 0xff, n & 0xff];
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

export function checksum(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < data.length; i += 2) sum += (data[i] << 8) | data[i + 1];
  if (data.length % 2) sum += data[data.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function eth(dst: string, src: string, type: number, payload: Uint8Array): Uint8Array {
  return bytes(mac(dst), mac(src), u16(type), payload);
}

export function vlanTag(id: number, pcp: number, type: number, payload: Uint8Array): Uint8Array {
  return bytes(u16((pcp << 13) | id), u16(type), payload);
}

export function arp(op: number, sha: string, spa: string, tha: string, tpa: string): Uint8Array {
  return bytes(u16(1), u16(0x0800), [6, 4], u16(op), mac(sha), ip4(spa), mac(tha), ip4(tpa));
}

export interface Ipv4Options {
  src: string;
  dst: string;
  protocol: number;
  ttl?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  /** In bytes (a multiple of 8). */
  fragOffset?: number;
  options?: number[];
  totalLength?: number;
  checksum?: number;
}

export function ipv4(o: Ipv4Options, payload: Uint8Array): Uint8Array {
  const options = o.options ?? [];
  const headerLength = 20 + options.length;
  const flags = (o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | ((o.fragOffset ?? 0) / 8);
  const header = bytes(
    [0x40 | (headerLength / 4), 0], u16(o.totalLength ?? headerLength + payload.length), u16(o.id ?? 0x1234), u16(flags),
    [o.ttl ?? 64, o.protocol], [0, 0], ip4(o.src), ip4(o.dst), options,
  );
  const sum = o.checksum ?? checksum(header);
  header[10] = sum >>> 8;
  header[11] = sum & 0xff;
  return bytes(header, payload);
}

export function udp(sport: number, dport: number, payload: Uint8Array, length?: number): Uint8Array {
  return bytes(u16(sport), u16(dport), u16(length ?? 8 + payload.length), [0, 0], payload);
}

export function icmp(type: number, code: number, rest: number[], payload: Uint8Array): Uint8Array {
  const msg = bytes([type, code, 0, 0], rest, payload);
  const sum = checksum(msg);
  msg[2] = sum >>> 8;
  msg[3] = sum & 0xff;
  return msg;
}

export function icmpEcho(type: 0 | 8, id: number, seq: number, payload: Uint8Array): Uint8Array {
  return icmp(type, 0, [...u16(id), ...u16(seq)], payload);
}

export function vxlan(vni: number, inner: Uint8Array, flags = 0x08): Uint8Array {
  return bytes([flags, 0, 0, 0], u32(vni << 8), inner);
}

export function sll2(protocol: number, ifindex: number, pkttype: number, src: string, payload: Uint8Array): Uint8Array {
  return bytes(u16(protocol), [0, 0], u32(ifindex), u16(1), [pkttype, 6], mac(src), [0, 0], payload);
}

export function sll1(pkttype: number, src: string, protocol: number, payload: Uint8Array): Uint8Array {
  return bytes(u16(pkttype), u16(1), u16(6), mac(src), [0, 0], u16(protocol), payload);
}

export function fill(length: number, start = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
}

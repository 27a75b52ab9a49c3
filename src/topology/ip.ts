// IPv4/IPv6 address text: validation, one canonical spelling (so `fe80::1` from
// `ip -j addr` equals `fe80:0:0::1` from a docker-compose file), and CIDR containment
// for "which network is this address on".

import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  readonly family: 4 | 6;
  readonly address: string;
  readonly prefixlen: number;
}

/** The address's canonical text (IPv6 compressed and lower-case as RFC 5952 asks), or null when it is not an address. */
export function canonicalIp(text: string): string | null {
  const bare = text.replace(/%.*$/, ''); // a zone (fe80::1%eth0) names the link, not the address
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return null;
  const words = ipv6Words(bare);
  return formatIpv6(words);
}

/** `172.17.0.2/16` (or a bare address, prefixlen null). */
export function parseAddressWithPrefix(text: string): { address: string; prefixlen: number | null } | null {
  const slash = text.indexOf('/');
  const address = canonicalIp(slash < 0 ? text : text.slice(0, slash));
  if (address === null) return null;
  if (slash < 0) return { address, prefixlen: null };
  const prefix = text.slice(slash + 1);
  const max = address.includes(':') ? 128 : 32;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return null;
  return { address, prefixlen: Number(prefix) };
}

export function parseCidr(text: string): Cidr | null {
  const parsed = parseAddressWithPrefix(text);
  if (parsed === null || parsed.prefixlen === null) return null;
  return { family: parsed.address.includes(':') ? 6 : 4, address: parsed.address, prefixlen: parsed.prefixlen };
}

/** Whether `ip` lies in `cidr` (the same family and the same first prefixlen bits). */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const a = bitsOf(cidr.address);
  const b = bitsOf(ip);
  if (a === null || b === null || a.length !== b.length) return false;
  return a.slice(0, cidr.prefixlen) === b.slice(0, cidr.prefixlen);
}

function bitsOf(ip: string): string | null {
  const canonical = canonicalIp(ip);
  if (canonical === null) return null;
  if (isIPv4(canonical)) return canonical.split('.').map((o) => Number(o).toString(2).padStart(8, '0')).join('');
  return ipv6Words(canonical).map((w) => w.toString(2).padStart(16, '0')).join('');
}

function ipv6Words(text: string): number[] {
  let head = text;
  let tail4: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text); // ::ffff:1.2.3.4
  if (v4) {
    const o = v4[1].split('.').map(Number);
    tail4 = [o[0] * 256 + o[1], o[2] * 256 + o[3]];
    head = text.slice(0, -v4[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, null];
  const words = (s: string): number[] => (s === '' ? [] : s.split(':').map((w) => parseInt(w, 16)));
  const l = words(left);
  const r = right === null ? [] : words(right);
  const missing = 8 - l.length - r.length - tail4.length;
  return [...l, ...new Array<number>(right === null ? 0 : missing).fill(0), ...r, ...tail4];
}

function formatIpv6(words: number[]): string {
  // the longest run of two or more zero words becomes "::" (the first one on a tie)
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Lower-case colon-separated MAC, or null when `text` is not one. */
export function canonicalMac(text: string): string | null {
  return /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(text) ? text.toLowerCase().replace(/-/g, ':') : null;
}

/** The subnet `address/prefixlen` lies in, as CIDR text (`172.17.0.2`, 16 -> `172.17.0.0/16`). */
export function subnetOf(address: string, prefixlen: number): string | null {
  const canonical = canonicalIp(address);
  if (canonical === null) return null;
  const bits = bitsOf(canonical) as string;
  if (prefixlen < 0 || prefixlen > bits.length) return null;
  const masked = bits.slice(0, prefixlen).padEnd(bits.length, '0');
  if (bits.length === 32) {
    const octets = [0, 8, 16, 24].map((i) => parseInt(masked.slice(i, i + 8), 2));
    return `${octets.join('.')}/${prefixlen}`;
  }
  const words = Array.from({ length: 8 }, (_, i) => parseInt(masked.slice(i * 16, i * 16 + 16), 2));
  return `${formatIpv6(words)}/${prefixlen}`;
}

// Address formatting. Addresses travel through the decoders as numbers (a MAC as a
// 48-bit integer, exact in a double; an IPv4 address as a u32; an IPv6 address as
// four u32 words) so decoding allocates nothing; strings are made only for output.

const HEX2: string[] = [];
const DEC: string[] = [];
for (let i = 0; i < 256; i++) {
  HEX2.push(i.toString(16).padStart(2, '0'));
  DEC.push(String(i));
}

/** A MAC address as an integer: bytes b0..b5 -> b0*2^40 + ... + b5. */
export type MacNumber = number;

/** The MAC at `offset`: two big-endian reads (16 + 32 bits) cost less than six byte reads. */
export function readMac(dv: DataView, offset: number): MacNumber {
  return dv.getUint16(offset) * 0x100000000 + dv.getUint32(offset + 2);
}

// A capture holds few distinct addresses and prints them over and over: remember the text
// of recent ones in direct-mapped caches (a slot per hash; a new address takes its slot).
// Not JS Maps: a MAC or an IPv4 address above 2^31 is a heap number, which a Map hashes in
// V8's runtime on every lookup. Empty slots hold NaN, equal to no address.
const CACHE_SLOTS = 4096;
const CACHE_MASK = CACHE_SLOTS - 1;
const macKeys = new Float64Array(CACHE_SLOTS).fill(NaN);
const macTexts: string[] = new Array<string>(CACHE_SLOTS).fill('');
const ipv4Keys = new Float64Array(CACHE_SLOTS).fill(NaN);
const ipv4Texts: string[] = new Array<string>(CACHE_SLOTS).fill('');

/** Lower-case, colon-separated, as tshark and `ip link` print it. */
export function formatMac(mac: MacNumber): string {
  const hi = Math.floor(mac / 0x1000000);
  const lo = mac - hi * 0x1000000;
  const slot = (Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) >>> 20) & CACHE_MASK;
  if (macKeys[slot] === mac) return macTexts[slot];
  const text = HEX2[(hi >>> 16) & 0xff] + ':' + HEX2[(hi >>> 8) & 0xff] + ':' + HEX2[hi & 0xff] + ':' +
    HEX2[(lo >>> 16) & 0xff] + ':' + HEX2[(lo >>> 8) & 0xff] + ':' + HEX2[lo & 0xff];
  macKeys[slot] = mac;
  macTexts[slot] = text;
  return text;
}

export function parseMac(text: string): MacNumber | null {
  const m = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i.exec(text);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 6; i++) v = v * 256 + parseInt(m[i], 16);
  return v;
}

/** Group bit: set on broadcast and multicast MACs. */
export function isGroupMac(mac: MacNumber): boolean {
  // `& 1` truncates the quotient (below 256 for a MAC) as Math.floor would, without the call.
  return ((mac / 0x10000000000) & 1) === 1;
}

/** Dotted decimal; `addr` as a u32 or its int32 form (`addr | 0`). */
export function formatIpv4(addr: number): string {
  const a = addr >>> 0;
  const slot = (Math.imul(a, 0x9e3779b1) >>> 20) & CACHE_MASK;
  if (ipv4Keys[slot] === a) return ipv4Texts[slot];
  const text = DEC[a >>> 24] + '.' + DEC[(a >>> 16) & 0xff] + '.' + DEC[(a >>> 8) & 0xff] + '.' + DEC[a & 0xff];
  ipv4Keys[slot] = a;
  ipv4Texts[slot] = text;
  return text;
}

export function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const b = Number(m[i]);
    if (b > 255) return null;
    v = v * 256 + b;
  }
  return v;
}

/** Bytes as lower-case hex pairs joined by ':' (generic hardware addresses). */
export function formatHexBytes(bytes: Uint8Array, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += (i ? ':' : '') + HEX2[bytes[offset + i]];
  return s;
}

/** An IPv6 address in RFC 5952 canonical text form. `w` holds four big-endian u32 words. */
export function formatIpv6(w0: number, w1: number, w2: number, w3: number): string {
  // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad.
  if (isIpv4Mapped(w0, w1, w2)) return '::ffff:' + formatIpv4(w3 >>> 0);
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  const run = longestZeroRun(g);
  const bestStart = run >> 4;
  let s = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      s += '::';
      i += (run & 15) - 1;
      continue;
    }
    if (s.length > 0 && !s.endsWith(':')) s += ':';
    s += g[i].toString(16);
  }
  return s;
}

/** ::ffff:a.b.c.d, written with the dotted quad (RFC 5952 section 5). */
export function isIpv4Mapped(w0: number, w1: number, w2: number): boolean {
  return w0 === 0 && w1 === 0 && w2 === 0xffff;
}

/**
 * Where an IPv6 address's eight groups collapse to "::": the longest run of at least two
 * zero groups, the first one on a tie (RFC 5952 section 4.2.3), as start * 16 + length;
 * -16 when there is none (start -1, so no group matches it).
 */
export function longestZeroRun(g: ArrayLike<number>): number {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  return bestStart < 0 ? -16 : bestStart * 16 + bestLen;
}

/** IPv6 text (RFC 4291 section 2.2, with an optional trailing dotted quad) as four u32 words; null when not one. */
export function parseIpv6(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2 || (halves.length === 2 && halves[0].includes('.'))) return null;
  const read = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      if (i === pieces.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-f]{1,4}$/i.test(p)) {
        out.push(parseInt(p, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = read(halves[0]);
  const tail = halves.length === 2 ? read(halves[1]) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push((groups[i] * 0x10000 + groups[i + 1]) >>> 0);
  return words;
}

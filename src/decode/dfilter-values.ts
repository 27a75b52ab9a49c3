// Literals read by the type of the field they are compared with, and the tests on one
// occurrence of a field that comparisons compile to. A comparator returns the sign of
// (occurrence - literal), NaN when the occurrence is absent, so every relation is one
// test on that number. Nothing here allocates when a frame is matched: occurrences are
// read into one reused FieldValue, and the closures return small integers or booleans.

import { parseIpv4, parseIpv6 } from './addr.js';
import { FieldValue, TYPE_NAMES, type FilterFrame } from './dfilter-fields.js';
import { FilterSyntaxError, shown } from './dfilter-lex.js';
import { parseUnsigned, type FieldRef, type Value } from './dfilter-parse.js';
import type { Layer } from './layers.js';

/** The sign of (occurrence i of the field in layer l - literal); NaN when that occurrence is absent. */
export type OccCompare = (l: Layer | null, i: number, f: FilterFrame) => number;
/** True when occurrence i is present and passes. */
export type OccTest = (l: Layer | null, i: number, f: FilterFrame) => boolean;

/** Where every read of a match goes (matching is synchronous, and each value is used before the next read). */
const V = new FieldValue();

function typeError(ref: FieldRef, v: Value, detail = ''): never {
  const what = v.quoted ? `the string ${shown(v.text)}` : shown(v.text);
  throw new FilterSyntaxError(`${shown(ref.text)} is ${TYPE_NAMES[ref.field.type]}, not ${what}${detail} at column ${v.column}`, v.column);
}

/** A uint/bool/MAC/IPv4 literal: its number and, for an IPv4 network, the prefix mask. */
function numberLiteral(ref: FieldRef, v: Value): { value: number; mask: number } {
  const type = ref.field.type;
  if (v.quoted) typeError(ref, v, type === 'uint' || type === 'bool' ? '' : ': write it without quotes');
  if (type === 'bool') {
    if (/^(true|false)$/i.test(v.text)) return { value: /^t/i.test(v.text) ? 1 : 0, mask: -1 };
    const n = parseUnsigned(v.text);
    if (n === null) typeError(ref, v, ' (write 1, 0, True or False)');
    return { value: n === 0 ? 0 : 1, mask: -1 };
  }
  if (type === 'uint') {
    const n = parseUnsigned(v.text);
    if (n === null) typeError(ref, v);
    const max = 2 ** ref.field.bits - 1;
    if (n > max) throw new FilterSyntaxError(`${shown(v.text)} is too big for ${shown(ref.text)}, at most ${max}, at column ${v.column}`, v.column);
    return { value: n, mask: -1 };
  }
  if (type === 'ether') {
    const bytes = hexBytes(v.text);
    if (bytes === null || bytes.length !== 6) typeError(ref, v, ' (write 02:42:ac:11:00:02)');
    return { value: bytes.reduce((a, b) => a * 256 + b, 0), mask: -1 };
  }
  // IPv4, with an optional prefix length: the bits past it are ignored on both sides, as in Wireshark.
  const m = /^([^/]*)(?:\/(\d{1,3}))?$/.exec(v.text);
  const addr = m ? parseIpv4(m[1]) : null;
  if (addr === null) typeError(ref, v, ' (write 172.17.0.2 or 172.17.0.0/16)');
  const bits = m![2] === undefined ? 32 : Number(m![2]);
  if (bits > 32) throw new FilterSyntaxError(`the prefix length of ${shown(v.text)} is over 32 at column ${v.column}`, v.column);
  return { value: addr, mask: prefixMask(bits) };
}

/** Bytes written as hex pairs, in groups split by one of ":", "-", "." or none (as tshark reads MACs and byte strings). */
export function hexBytes(text: string): number[] | null {
  const t = /^0x[0-9a-f]{2}$/i.test(text) ? text.slice(2) : text;
  const sep = /[:.-]/.exec(t)?.[0];
  const groups = sep === undefined ? [t] : t.split(sep);
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^(?:[0-9a-f]{2})+$/i.test(g)) return null;
    for (let i = 0; i < g.length; i += 2) bytes.push(parseInt(g.slice(i, i + 2), 16));
  }
  return bytes;
}

/** The u32 mask of the first `bits` bits (clamped to 0..32). */
function prefixMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

/** `change` literals: "fdb" and "fdb.*" stand for every kind of that namespace, as breakpoints read them. */
function changePattern(text: string): (kind: string) => boolean {
  const namespace = text.endsWith('.*') ? text.slice(0, -2) : text.includes('.') ? null : text;
  if (namespace === null) return (kind) => kind === text;
  const prefix = namespace + '.';
  return (kind) => kind.startsWith(prefix);
}

/** Compares each occurrence of the field with the literal `v`. */
export function comparator(ref: FieldRef, v: Value): OccCompare {
  const def = ref.field;
  switch (def.type) {
    case 'none':
      throw new FilterSyntaxError(`${shown(ref.text)} is a protocol: compare one of its fields instead, at column ${ref.column}`, ref.column);
    case 'string': {
      const lit = v.text;
      if (def.name === 'change') {
        const hit = changePattern(lit);
        return (l, i, f) => {
          def.read(l, i, f, V);
          const s = V.s;
          return s === null ? NaN : hit(s) ? 0 : s < lit ? -1 : 1;
        };
      }
      return (l, i, f) => {
        def.read(l, i, f, V);
        const s = V.s;
        return s === null ? NaN : s < lit ? -1 : s > lit ? 1 : 0;
      };
    }
    case 'ipv6': {
      if (v.quoted) typeError(ref, v, ': write it without quotes');
      const m = /^([^/]*)(?:\/(\d{1,3}))?$/.exec(v.text);
      const words = m ? parseIpv6(m[1]) : null;
      if (words === null) typeError(ref, v, ' (write fe80::1 or fd00::/8)');
      const bits = m![2] === undefined ? 128 : Number(m![2]);
      if (bits > 128) throw new FilterSyntaxError(`the prefix length of ${shown(v.text)} is over 128 at column ${v.column}`, v.column);
      const masks = [0, 1, 2, 3].map((w) => prefixMask(bits - 32 * w));
      const [m0, m1, m2, m3] = masks;
      const [a0, a1, a2, a3] = words.map((w, i) => (w & masks[i]) >>> 0);
      return (l, i, f) => {
        def.read(l, i, f, V);
        const w0 = (V.w0 & m0) >>> 0;
        if (w0 !== a0) return w0 < a0 ? -1 : 1;
        const w1 = (V.w1 & m1) >>> 0;
        if (w1 !== a1) return w1 < a1 ? -1 : 1;
        const w2 = (V.w2 & m2) >>> 0;
        if (w2 !== a2) return w2 < a2 ? -1 : 1;
        const w3 = (V.w3 & m3) >>> 0;
        return w3 < a3 ? -1 : w3 > a3 ? 1 : 0;
      };
    }
    default: {
      const { value, mask } = numberLiteral(ref, v);
      const bits = ref.mask;
      // The arithmetic stays inline: a computed number passed to a function would be boxed.
      if (def.type === 'ipv4' || bits !== null) {
        const m = def.type === 'ipv4' ? mask : bits!;
        const lit = def.type === 'ipv4' ? (value & mask) >>> 0 : value;
        return (l, i, f) => {
          def.read(l, i, f, V);
          if (V.n < 0) return NaN;
          const n = (V.n & m) >>> 0;
          return n < lit ? -1 : n > lit ? 1 : 0;
        };
      }
      return (l, i, f) => {
        def.read(l, i, f, V);
        const n = V.n;
        return n < 0 ? NaN : n < value ? -1 : n > value ? 1 : 0;
      };
    }
  }
}

/** `field contains value`: a substring of a string field, a byte string inside a MAC. */
export function containsTest(ref: FieldRef, v: Value): OccTest {
  const def = ref.field;
  if (def.type === 'string') {
    const lit = v.text;
    return (l, i, f) => {
      def.read(l, i, f, V);
      return V.s !== null && V.s.includes(lit);
    };
  }
  if (def.type === 'ether') {
    const bytes = v.quoted ? null : hexBytes(v.text);
    if (bytes === null || bytes.length === 0 || bytes.length > 6) typeError(ref, v, ' (write bytes such as 42:ac)');
    const [first, ...rest] = bytes;
    return (l, i, f) => {
      def.read(l, i, f, V);
      const mac = V.n;
      if (mac < 0) return false;
      // The six bytes, without a call on the (48-bit, so boxed) number.
      const hi = Math.floor(mac / 0x100000000);
      const lo = mac - hi * 0x100000000;
      MAC[0] = hi >>> 8; MAC[1] = hi; MAC[2] = lo >>> 24; MAC[3] = lo >>> 16; MAC[4] = lo >>> 8; MAC[5] = lo;
      for (let at = 0; at + bytes.length <= 6; at++) {
        if (MAC[at] !== first) continue;
        let j = 0;
        while (j < rest.length && MAC[at + 1 + j] === rest[j]) j++;
        if (j === rest.length) return true;
      }
      return false;
    };
  }
  throw new FilterSyntaxError(`${shown(ref.text)} is ${TYPE_NAMES[def.type]}: "contains" takes a string or MAC field, at column ${ref.column}`, ref.column);
}

/** The bytes of the MAC being searched (Uint8Array stores truncate to a byte). */
const MAC = new Uint8Array(6);

/** `field matches "regex"`: case-insensitive, as Wireshark's default. */
export function matchesTest(ref: FieldRef, v: Value): OccTest {
  const def = ref.field;
  if (def.type !== 'string') {
    throw new FilterSyntaxError(`${shown(ref.text)} is ${TYPE_NAMES[def.type]}: "matches" takes a string field, at column ${ref.column}`, ref.column);
  }
  let re: RegExp;
  try {
    re = new RegExp(v.text, 'i');
  } catch {
    throw new FilterSyntaxError(`${shown(v.text)} is not a valid regular expression at column ${v.column}`, v.column);
  }
  return (l, i, f) => {
    def.read(l, i, f, V);
    return V.s !== null && re.test(V.s);
  };
}

/** Occurrence i is present (with `& mask` and `bare`: and has one of the mask's bits, as a bare `tcp.flags & 0x02`). */
export function presentTest(ref: FieldRef, bare = false): OccTest {
  const def = ref.field;
  switch (def.type) {
    case 'none': case 'ipv6': return () => true;
    case 'string': return (l, i, f) => { def.read(l, i, f, V); return V.s !== null; };
    default: {
      const mask = ref.mask;
      if (bare && mask !== null) return (l, i, f) => { def.read(l, i, f, V); return V.n >= 0 && (V.n & mask) !== 0; };
      return (l, i, f) => { def.read(l, i, f, V); return V.n >= 0; };
    }
  }
}

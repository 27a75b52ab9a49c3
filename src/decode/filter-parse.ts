// Tokenizer and parser of the frame filter language: a subset of tcpdump's pcap-filter,
// evaluated on decoded layers (filter.ts) instead of compiled to BPF.
//
//   filter    = [ or ] ;                               (empty: every frame matches)
//   or        = and { ( "or" | "||" ) and } ;
//   and       = unary { ( "and" | "&&" ) unary } ;
//   unary     = ( "not" | "!" ) unary | "(" or ")" | primitive ;
//   primitive = proto                                  eth ether vlan arp ip ip6 icmp icmp6 udp tcp vxlan geneve dns sll
//             | ( "vlan" | "vxlan" | "geneve" ) NUMBER  VLAN id; VNI of that tunnel
//             | ( "vni" | "icmp-type" | "icmp6-type" ) NUMBER
//             | "iface" NAME                           the capture interface's name (a word or "quoted")
//             | [ "ip" | "ip6" | "arp" ] [ dir ] ( "host" ADDR | "net" NET )
//             | [ "ip" | "ip6" | "arp" ] dir ADDR
//             | ( "ether" | "eth" ) ( [ dir ] "host" MAC | dir MAC )
//             | [ "udp" | "tcp" ] [ dir ] ( "port" NUMBER | "portrange" NUMBER "-" NUMBER )
//             | ADDR | NUMBER ;                        an id alone reuses the previous primitive's qualifiers
//   dir       = "src" | "dst" | "src or dst" | "src and dst" ;
//   ADDR      = IPv4 dotted quad | IPv6 text ;  NET = ADDR "/" LEN | 1 to 4 IPv4 octets (mask from their count)
//   MAC       = six hex pairs separated by ":" or "-" ;  NUMBER = decimal or 0x hex
//
// Keywords are case-insensitive. Like tcpdump, `host a or b` means `host a or host b`.
// Errors are FilterSyntaxError with the 0-based column of the offending token.

import { parseIpv4, parseMac } from './addr.js';
import { safeText } from './describe.js';

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
  constructor(message: string, readonly column: number) {
    super(message);
  }
}

export type ProtoName =
  | 'eth' | 'vlan' | 'arp' | 'ip' | 'ip6' | 'icmp' | 'icmp6' | 'udp' | 'tcp' | 'vxlan' | 'geneve' | 'dns' | 'sll';
/** Which address of a layer: source, destination, either, or both. */
export type Dir = 'src' | 'dst' | 'either' | 'both';
export type IdField = 'vlan' | 'vni' | 'vxlan' | 'geneve' | 'icmp-type' | 'icmp6-type';

export type FilterNode =
  | { kind: 'all' }
  | { kind: 'and' | 'or'; items: FilterNode[] }
  | { kind: 'not'; item: FilterNode }
  | { kind: 'proto'; proto: ProtoName }
  /** IPv4 host (mask 0xffffffff) or net, in IPv4 headers and/or ARP protocol addresses. */
  | { kind: 'net4'; dir: Dir; via: 'any' | 'ip' | 'arp'; addr: number; mask: number }
  /** IPv6 host or net as four u32 words and their masks. */
  | { kind: 'net6'; dir: Dir; addr: number[]; mask: number[] }
  | { kind: 'ether'; dir: Dir; mac: number }
  | { kind: 'port'; dir: Dir; via: 'any' | 'udp' | 'tcp'; lo: number; hi: number }
  | { kind: 'id'; field: IdField; value: number }
  | { kind: 'iface'; name: string };

interface Token {
  text: string;
  column: number;
  /** Lower-cased keyword form; '' for quoted words, which are never keywords. */
  key: string;
}

const PROTOS = new Map<string, ProtoName>([
  ['eth', 'eth'], ['ether', 'eth'], ['vlan', 'vlan'], ['arp', 'arp'], ['ip', 'ip'], ['ip6', 'ip6'], ['icmp', 'icmp'],
  ['icmp6', 'icmp6'], ['udp', 'udp'], ['tcp', 'tcp'], ['vxlan', 'vxlan'], ['geneve', 'geneve'], ['dns', 'dns'], ['sll', 'sll'],
]);
const ID_LIMITS: Record<IdField, number> = {
  vlan: 4095, vni: 0xffffff, vxlan: 0xffffff, geneve: 0xffffff, 'icmp-type': 255, 'icmp6-type': 255,
};
const ID_NAMES: Record<IdField, string> = {
  vlan: 'a VLAN id', vni: 'a VNI', vxlan: 'a VNI', geneve: 'a VNI', 'icmp-type': 'an ICMP type', 'icmp6-type': 'an ICMPv6 type',
};
/** Nesting of parentheses and 'not' allowed: keeps parsing and matching off the stack limit. */
const MAX_DEPTH = 100;

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (c === '(' || c === ')' || c === '!') {
      i++;
    } else if (c === '&' || c === '|') {
      if (text[i + 1] !== c) throw new FilterSyntaxError(`Expected '${c}${c}' at column ${i}, found a single '${c}'.`, i);
      i += 2;
    } else if (c === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) throw new FilterSyntaxError(`Expected a closing '"' for the quote at column ${i}.`, i);
      tokens.push({ text: text.slice(i + 1, close), column: i, key: '' });
      i = close + 1;
      continue;
    } else {
      while (i < text.length && !/[\s()!&|"]/.test(text[i])) i++;
    }
    const word = text.slice(start, i);
    tokens.push({ text: word, column: start, key: word.toLowerCase() });
  }
  return tokens;
}

interface Qualifiers {
  proto: 'any' | 'ether' | 'ip' | 'ip6' | 'arp' | 'udp' | 'tcp';
  dir: Dir;
  type: 'host' | 'net' | 'port' | 'portrange';
  /** The words that introduced the id, for messages: "'src port'". */
  words: string;
}

class Parser {
  private pos = 0;
  private depth = 0;
  /** Qualifiers of the last primitive that had some, for `host a or b`. */
  private last: Qualifiers | null = null;

  constructor(private readonly tokens: Token[], private readonly end: number) {}

  parse(): FilterNode {
    if (this.tokens.length === 0) return { kind: 'all' };
    const node = this.or();
    const extra = this.peek();
    if (extra) this.fail("'and', 'or' or the end of the filter", extra);
    return node;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private fail(expected: string, token: Token | undefined): never {
    if (!token) throw new FilterSyntaxError(`Expected ${expected} at column ${this.end}, found the end of the filter.`, this.end);
    const shown = token.text.length > 40 ? token.text.slice(0, 40) + '...' : token.text;
    throw new FilterSyntaxError(`Expected ${expected} at column ${token.column}, found '${safeText(shown)}'.`, token.column);
  }

  private or(): FilterNode {
    const items = [this.and()];
    while (this.peek()?.key === 'or' || this.peek()?.key === '||') {
      this.pos++;
      items.push(this.and());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private and(): FilterNode {
    const items = [this.unary()];
    while (this.peek()?.key === 'and' || this.peek()?.key === '&&') {
      this.pos++;
      items.push(this.unary());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  private unary(): FilterNode {
    const token = this.peek();
    const key = token?.key;
    if (key === 'not' || key === '!' || key === '(') {
      if (++this.depth > MAX_DEPTH) this.fail(`at most ${MAX_DEPTH} nested parentheses and 'not's`, token);
      this.pos++;
      let node: FilterNode;
      if (key === '(') {
        node = this.or();
        const close = this.peek();
        if (close?.key !== ')') this.fail("')' to close a '('", close);
        this.pos++;
      } else {
        node = { kind: 'not', item: this.unary() };
      }
      this.depth--;
      return node;
    }
    return this.primitive();
  }

  private primitive(): FilterNode {
    const token = this.peek();
    const what = "a primitive (such as 'tcp' or 'host 10.0.0.1'), 'not' or '('";
    if (!token) this.fail(what, token);
    const key = token.key;
    if (key === 'iface') {
      this.pos++;
      const name = this.peek();
      if (!name || (name.key !== '' && isOperator(name.key))) this.fail("an interface name after 'iface'", name);
      this.pos++;
      return { kind: 'iface', name: name.text };
    }
    if (key === 'vni' || key === 'icmp-type' || key === 'icmp6-type') {
      this.pos++;
      return this.idValue(key, token.text);
    }
    const proto = PROTOS.get(key);
    if (proto) {
      this.pos++;
      const next = this.peek();
      if ((key === 'vlan' || key === 'vxlan' || key === 'geneve') && next && parseNumber(next.text) !== null) {
        return this.idValue(key, token.text);
      }
      if (!next || !isQualifier(next.key)) return { kind: 'proto', proto };
      if (key === 'eth' || key === 'ether') return this.qualified('ether', token.text);
      if (key === 'ip' || key === 'ip6' || key === 'arp' || key === 'udp' || key === 'tcp') return this.qualified(key, token.text);
      this.fail(`'and', 'or' or the end of the filter after '${token.text}'`, next);
    }
    if (isQualifier(key)) return this.qualified('any', '');
    if (!isOperator(key) && (key.includes('.') || key.includes(':') || parseNumber(key) !== null)) {
      // A bare id: tcpdump's `host a or b`, `port 53 or 80`.
      const q = this.last ?? { proto: 'any', dir: 'either', type: 'host', words: '' };
      return this.id(q);
    }
    this.fail(what, token);
  }

  /** After an optional protocol qualifier: [dir] [type] id. */
  private qualified(proto: Qualifiers['proto'], protoWord: string): FilterNode {
    const words = [protoWord];
    let dir: Dir = 'either';
    let token = this.peek();
    if (token?.key === 'src' || token?.key === 'dst') {
      dir = token.key;
      words.push(token.text);
      this.pos++;
      const op = this.peek();
      const other = this.tokens[this.pos + 1];
      if ((op?.key === 'or' || op?.key === 'and') && other?.key === (dir === 'src' ? 'dst' : 'src')) {
        dir = op.key === 'or' ? 'either' : 'both';
        words.push(op.text, other.text);
        this.pos += 2;
      }
      token = this.peek();
    }
    const after = words.filter(Boolean).join(' ');
    const allowed: string[] =
      proto === 'ether' ? ['host'] : proto === 'udp' || proto === 'tcp' ? ['port', 'portrange']
      : proto === 'any' ? ['host', 'net', 'port', 'portrange'] : ['host', 'net'];
    let type: Qualifiers['type'];
    const key = token?.key;
    if ((key === 'host' || key === 'net' || key === 'port' || key === 'portrange') && allowed.includes(key)) {
      type = key;
      words.push(token!.text);
      this.pos++;
    } else if (words.length > 1 && allowed.includes('host') && !isQualifier(key ?? '')) {
      type = 'host'; // `src 10.0.0.1`, `ether dst 02:...`
    } else {
      const list = (words.length === 1 ? ['src', 'dst', ...allowed] : allowed).map((w) => `'${w}'`);
      const expected = list.length === 1 ? list[0] : list.slice(0, -1).join(', ') + ' or ' + list[list.length - 1];
      this.fail(`${expected} after '${after}'`, token);
    }
    const q: Qualifiers = { proto, dir, type, words: words.filter(Boolean).join(' ') };
    this.last = q;
    return this.id(q);
  }

  /** The value of a host/net/port/portrange primitive. */
  private id(q: Qualifiers): FilterNode {
    const token = this.peek();
    const after = q.words ? ` after '${q.words}'` : '';
    const text = token && !isOperator(token.key) ? token.text : '';
    if (q.type === 'port' || q.type === 'portrange') {
      const via = q.proto === 'udp' || q.proto === 'tcp' ? q.proto : 'any';
      if (q.type === 'port') {
        const port = parseNumber(text);
        if (port === null || port > 65535) this.fail(`a port number from 0 to 65535${after}`, token);
        this.pos++;
        return { kind: 'port', dir: q.dir, via, lo: port, hi: port };
      }
      const m = /^([^-]+)-([^-]+)$/.exec(text);
      const lo = m ? parseNumber(m[1]) : null;
      const hi = m ? parseNumber(m[2]) : null;
      if (lo === null || hi === null || lo > 65535 || hi > 65535) this.fail(`a port range like 1024-2047${after}`, token);
      this.pos++;
      return { kind: 'port', dir: q.dir, via, lo: Math.min(lo, hi), hi: Math.max(lo, hi) };
    }
    if (q.proto === 'ether') {
      const mac = parseMac(text);
      if (mac === null) this.fail(`a MAC address like 02:42:ac:11:00:02${after}`, token);
      this.pos++;
      return { kind: 'ether', dir: q.dir, mac };
    }
    const v6ok = q.proto === 'any' || q.proto === 'ip6';
    const v4ok = q.proto !== 'ip6';
    const family = v4ok && v6ok ? 'an IPv4 or IPv6' : v4ok ? 'an IPv4' : 'an IPv6';
    const via = q.proto === 'ip' || q.proto === 'arp' ? q.proto : 'any';
    if (q.type === 'host') {
      const v4 = v4ok ? parseIpv4(text) : null;
      if (v4 !== null) { this.pos++; return { kind: 'net4', dir: q.dir, via, addr: v4, mask: 0xffffffff }; }
      const v6 = v6ok ? parseIpv6(text) : null;
      if (v6 !== null) { this.pos++; return { kind: 'net6', dir: q.dir, addr: v6, mask: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff] }; }
      this.fail(`${family} address${after}`, token);
    }
    const net = parseNet(text, v4ok, v6ok);
    if (net === null) this.fail(`${family} network like ${v4ok ? '172.17.0.0/16' : 'fd00::/8'}${after}`, token);
    if (net === 'host-bits') this.fail(`a network address with no bits set past its prefix length${after}`, token);
    this.pos++;
    return net.length === 2
      ? { kind: 'net4', dir: q.dir, via, addr: net[0], mask: net[1] }
      : { kind: 'net6', dir: q.dir, addr: net.slice(0, 4), mask: net.slice(4) };
  }

  private idValue(field: IdField, word: string): FilterNode {
    const token = this.peek();
    const value = token && !isOperator(token.key) ? parseNumber(token.text) : null;
    const max = ID_LIMITS[field];
    if (value === null || value > max) this.fail(`${ID_NAMES[field]} from 0 to ${max} after '${word}'`, token);
    this.pos++;
    return { kind: 'id', field, value };
  }
}

function isOperator(key: string): boolean {
  return key === 'and' || key === 'or' || key === 'not' || key === '&&' || key === '||' || key === '!' || key === '(' || key === ')';
}

function isQualifier(key: string): boolean {
  return key === 'src' || key === 'dst' || key === 'host' || key === 'net' || key === 'port' || key === 'portrange';
}

/** Decimal or 0x hex, up to 2^32 - 1; null otherwise. */
function parseNumber(text: string): number | null {
  if (!/^(?:\d{1,10}|0x[0-9a-f]{1,8})$/i.test(text)) return null;
  const n = Number(text);
  return n <= 0xffffffff ? n : null;
}

/** IPv6 text (RFC 4291 section 2.2, with an optional trailing dotted quad) as four u32 words. */
export function parseIpv6(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2 || (halves.length === 2 && halves[0].includes('.'))) return null;
  const groups: number[] = [];
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
  groups.push(...head, ...new Array<number>(missing).fill(0), ...tail);
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push((groups[i] * 0x10000 + groups[i + 1]) >>> 0);
  return words;
}

/**
 * A network: [addr, mask] for IPv4, [4 words, 4 masks] for IPv6; 'host-bits' when the
 * address has bits past the prefix (tcpdump refuses those too); null when not a network.
 */
function parseNet(text: string, v4ok: boolean, v6ok: boolean): number[] | 'host-bits' | null {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const lenText = slash < 0 ? null : text.slice(slash + 1);
  if (lenText !== null && !/^\d{1,3}$/.test(lenText)) return null;
  if (v6ok && addrText.includes(':')) {
    const words = parseIpv6(addrText);
    const len = lenText === null ? 128 : Number(lenText);
    if (!words || len > 128) return null;
    const masks = [0, 1, 2, 3].map((i) => prefixMask(len - 32 * i));
    if (words.some((w, i) => (w & masks[i]) >>> 0 !== w)) return 'host-bits';
    return [...words, ...masks];
  }
  if (!v4ok || !/^\d{1,3}(?:\.\d{1,3}){0,3}$/.test(addrText)) return null;
  const octets = addrText.split('.').map(Number);
  if (octets.some((o) => o > 255)) return null;
  const len = lenText === null ? 8 * octets.length : Number(lenText);
  if (len > 32) return null;
  let addr = 0;
  for (let i = 0; i < 4; i++) addr = addr * 256 + (octets[i] ?? 0);
  const mask = prefixMask(len);
  if ((addr & mask) >>> 0 !== addr) return 'host-bits';
  return [addr, mask];
}

/** The u32 mask of the first `bits` bits (clamped to 0..32). */
function prefixMask(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

/** Parses filter text into a tree; throws FilterSyntaxError. */
export function parseFilterText(text: string): FilterNode {
  return new Parser(tokenize(text), text.length).parse();
}

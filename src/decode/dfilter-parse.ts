// Parser of the display-filter language: a subset of Wireshark 4.0's (what `tshark -Y`
// takes), plus dockshark's `container`, `change` and `outer.`/`inner.` prefixes.
//
//   filter   = [ or ] ;                                   empty: every frame matches
//   or       = and { ( "||" | "or" ) and } ;              "and" binds tighter than "or",
//   and      = unary { ( "&&" | "and" ) unary } ;           as in Wireshark 4.0
//   unary    = ( "!" | "not" ) unary | "(" or ")" | test ;
//   test     = ref [ "&" NUMBER ] [ relation ] ;          a bare ref: the field/protocol is present
//   relation = cmp value
//            | "contains" value
//            | ( "matches" | "~" ) value                  regular expression, case-insensitive
//            | [ "not" ] "in" "{" element { [ "," ] element } "}" ;
//   cmp      = "==" | "eq" | "any_eq" | "!=" | "ne" | "all_ne" | "===" | "all_eq"
//            | "!==" | "~=" | "any_ne" | "<" | "lt" | ">" | "gt" | "<=" | "le" | ">=" | "ge" ;
//   element  = value [ ".." value ] ;                     a range, both ends included
//   ref      = [ ( "outer" | "inner" ) "." ] NAME [ layer ] ;
//   layer    = "#" NUMBER | "#" "[" NUMBER [ "-" NUMBER ] "]" ;   N-th layer of the protocol
//   value    = WORD | STRING ;                            read by the field's type (dfilter-values.ts)
//
// Keywords and names are lower case, as tshark wants them. `outer.` keeps the layers
// before the first VXLAN/Geneve header, `inner.` the ones after it (dockshark's; Wireshark
// writes `ip.src#1` / `ip.src#2`). Errors are FilterSyntaxError with the column.

import { fieldNamed, type FieldDef } from './dfilter-fields.js';
import { FilterSyntaxError, shown, tokenize, type Token } from './dfilter-lex.js';

export type CompareOp = 'any_eq' | 'all_ne' | 'all_eq' | 'any_ne' | 'lt' | 'gt' | 'le' | 'ge';

export interface FieldRef {
  readonly field: FieldDef;
  /** As typed, for messages ("outer.ip.src"). */
  readonly text: string;
  readonly column: number;
  /** Layers of the protocol to look at, 1-based and inclusive; [1, Infinity] for all. */
  readonly lo: number;
  readonly hi: number;
  readonly part: 'outer' | 'inner' | null;
  /** `field & mask`; null for none. */
  readonly mask: number | null;
}

export interface Value {
  readonly text: string;
  readonly quoted: boolean;
  readonly column: number;
}

export type FilterNode =
  | { readonly kind: 'all' }
  | { readonly kind: 'and' | 'or'; readonly items: FilterNode[] }
  | { readonly kind: 'not'; readonly item: FilterNode }
  | { readonly kind: 'exists'; readonly ref: FieldRef }
  | { readonly kind: 'compare'; readonly ref: FieldRef; readonly op: CompareOp; readonly opText: string; readonly value: Value }
  | { readonly kind: 'contains' | 'matches'; readonly ref: FieldRef; readonly value: Value }
  | { readonly kind: 'in'; readonly ref: FieldRef; readonly negated: boolean; readonly elements: { lo: Value; hi: Value | null }[] };

const COMPARE: Record<string, CompareOp> = {
  '==': 'any_eq', eq: 'any_eq', any_eq: 'any_eq',
  '!=': 'all_ne', ne: 'all_ne', all_ne: 'all_ne',
  '===': 'all_eq', all_eq: 'all_eq',
  '!==': 'any_ne', '~=': 'any_ne', any_ne: 'any_ne',
  '<': 'lt', lt: 'lt', '>': 'gt', gt: 'gt', '<=': 'le', le: 'le', '>=': 'ge', ge: 'ge',
};
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'contains', 'matches', ...Object.keys(COMPARE).filter((k) => /^[a-z]/.test(k))]);

/** What users of tcpdump's language type, and what to write instead. */
const TCPDUMP_HINTS: Record<string, string> = {
  host: 'ip.addr == 10.0.0.1', net: 'ip.addr == 10.0.0.0/8', port: 'tcp.port == 80 or udp.port == 53',
  src: 'ip.src == 10.0.0.1', dst: 'ip.dst == 10.0.0.1', ether: 'eth.addr == 02:42:ac:11:00:02', ip6: 'ipv6',
  icmp6: 'icmpv6', vni: 'vxlan.vni == 42', iface: 'frame.interface_name == docker0', portrange: 'tcp.port in {1..1024}',
};

/** Nesting of parentheses and "not"s: keeps parsing and matching off the stack limit. */
const MAX_DEPTH = 100;

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[], private readonly end: number) {}

  parse(): FilterNode {
    if (this.tokens.length === 0) return { kind: 'all' };
    const node = this.or();
    const extra = this.peek();
    if (extra) this.fail('"and", "or" or the end of the filter', extra);
    return node;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private isWord(t: Token | undefined, ...words: string[]): boolean {
    return t !== undefined && (t.kind === 'word' || t.kind === 'punct') && words.includes(t.text);
  }

  private fail(expected: string, token: Token | undefined, after?: Token): never {
    const where = after ? ` after ${shown(after.text)}` : '';
    if (!token) throw new FilterSyntaxError(`expected ${expected}${where} at column ${this.end}, found the end of the filter`, this.end);
    throw new FilterSyntaxError(`expected ${expected}${where} at column ${token.column}, found ${shown(token.text)}`, token.column);
  }

  private or(): FilterNode {
    const items = [this.and()];
    while (this.isWord(this.peek(), '||', 'or')) {
      this.pos++;
      items.push(this.and());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  }

  private and(): FilterNode {
    const items = [this.unary()];
    while (this.isWord(this.peek(), '&&', 'and')) {
      this.pos++;
      items.push(this.unary());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  }

  private unary(): FilterNode {
    const token = this.peek();
    if (!this.isWord(token, '!', 'not', '(')) return this.test();
    if (++this.depth > MAX_DEPTH) this.fail(`at most ${MAX_DEPTH} nested parentheses and "not"s`, token);
    this.pos++;
    let node: FilterNode;
    if (token!.text === '(') {
      node = this.or();
      const close = this.peek();
      if (!this.isWord(close, ')')) this.fail(`"and", "or" or ")" (for the "(" of column ${token!.column})`, close);
      this.pos++;
    } else {
      node = { kind: 'not', item: this.unary() };
    }
    this.depth--;
    return node;
  }

  private test(): FilterNode {
    const ref = this.ref();
    const next = this.peek();
    if (next?.kind === 'string') this.fail('an operator such as "==", "and" or "or"', next);
    const op = next?.text ?? '';
    if (next && Object.hasOwn(COMPARE, op) && (next.kind === 'punct' || KEYWORDS.has(op))) {
      this.pos++;
      return { kind: 'compare', ref, op: COMPARE[op], opText: op, value: this.value(next) };
    }
    if (this.isWord(next, 'contains')) {
      this.pos++;
      return { kind: 'contains', ref, value: this.value(next!) };
    }
    if (this.isWord(next, 'matches', '~')) {
      this.pos++;
      return { kind: 'matches', ref, value: this.value(next!) };
    }
    if (this.isWord(next, 'in') || (this.isWord(next, 'not') && this.isWord(this.peek(1), 'in'))) {
      const negated = next!.text === 'not';
      this.pos += negated ? 2 : 1;
      return { kind: 'in', ref, negated, elements: this.set(this.tokens[this.pos - 1]) };
    }
    return { kind: 'exists', ref };
  }

  /** A field or protocol, with its layer operator and `& mask`. */
  private ref(): FieldRef {
    const token = this.peek();
    if (!token || token.kind !== 'word' || KEYWORDS.has(token.text)) {
      this.fail('a field or protocol name (such as ip.addr or arp), "not" or "("', token);
    }
    let name = token.text;
    let part: FieldRef['part'] = null;
    const prefix = /^(outer|inner)\./.exec(name);
    if (prefix) {
      part = prefix[1] as 'outer' | 'inner';
      name = name.slice(prefix[0].length);
    }
    const field = fieldNamed(name);
    if (!field) {
      const hint = TCPDUMP_HINTS[name];
      throw new FilterSyntaxError(`unknown field ${shown(token.text)} at column ${token.column}` +
        (hint ? ` (this is Wireshark's display-filter language: try ${hint})` : ''), token.column);
    }
    if (part && field.proto.scope !== 'layer') {
      throw new FilterSyntaxError(`${shown(name)} belongs to no layer, so it takes no "${part}." at column ${token.column}`, token.column);
    }
    this.pos++;
    let lo = 1;
    let hi = Infinity;
    const hash = this.peek();
    if (this.isWord(hash, '#')) {
      if (field.proto.scope === 'any') throw new FilterSyntaxError(`${shown(name)} belongs to no layer, so it takes no "#" at column ${hash!.column}`, hash!.column);
      if (part) throw new FilterSyntaxError(`use either "${part}." or "#", not both, at column ${hash!.column}`, hash!.column);
      this.pos++;
      [lo, hi] = this.layer(hash!);
    }
    let mask: number | null = null;
    const amp = this.peek();
    if (this.isWord(amp, '&')) {
      this.pos++;
      const m = this.peek();
      const v = m?.kind === 'word' ? parseUnsigned(m.text) : null;
      if (v === null || v > 0xffffffff) this.fail('a number (the bit mask)', m, amp);
      if (field.type !== 'uint') throw new FilterSyntaxError(`${shown(name)} is not an unsigned integer field, so it takes no "&" at column ${amp!.column}`, amp!.column);
      this.pos++;
      mask = v;
    }
    return { field, text: token.text, column: token.column, lo, hi, part, mask };
  }

  /** After "#": N or [N] or [N-M]. */
  private layer(hash: Token): [number, number] {
    const t = this.peek();
    if (t?.kind === 'word' && /^\d+$/.test(t.text)) {
      this.pos++;
      const n = Number(t.text);
      return [n, n];
    }
    if (this.isWord(t, '[')) {
      this.pos++;
      const r = this.peek();
      const m = r?.kind === 'word' ? /^(\d+)(?:-(\d+))?$/.exec(r.text) : null;
      if (!m) this.fail('a layer number or range such as 1-2', r, t);
      this.pos++;
      const close = this.peek();
      if (!this.isWord(close, ']')) this.fail('"]"', close);
      this.pos++;
      return [Number(m[1]), Number(m[2] ?? m[1])];
    }
    this.fail('a layer number such as 2, or a range such as [1-2]', t, hash);
  }

  private value(op: Token): Value {
    const t = this.peek();
    if (!t || (t.kind === 'punct') || (t.kind === 'word' && KEYWORDS.has(t.text))) this.fail('a value', t, op);
    this.pos++;
    return { text: t.text, quoted: t.kind === 'string', column: t.column };
  }

  private set(inToken: Token): { lo: Value; hi: Value | null }[] {
    const open = this.peek();
    if (!this.isWord(open, '{')) this.fail('"{" to start a set such as {80, 443, 8000..8080}', open, inToken);
    this.pos++;
    const elements: { lo: Value; hi: Value | null }[] = [];
    for (;;) {
      const lo = this.value(elements.length === 0 ? open! : this.tokens[this.pos - 1]);
      let hi: Value | null = null;
      if (this.isWord(this.peek(), '..')) {
        this.pos++;
        hi = this.value(this.tokens[this.pos - 1]);
      }
      elements.push({ lo, hi });
      const next = this.peek();
      if (this.isWord(next, '}')) { this.pos++; return elements; }
      if (this.isWord(next, ',')) this.pos++;
      else if (!next || next.kind === 'punct') this.fail('",", ".." or "}"', next);
    }
  }
}

/** Decimal, 0x hex, 0b binary or 0-led octal (as tshark reads them); null otherwise. */
export function parseUnsigned(text: string): number | null {
  let n: number;
  if (/^0x[0-9a-f]+$/i.test(text)) n = parseInt(text.slice(2), 16);
  else if (/^0b[01]+$/i.test(text)) n = parseInt(text.slice(2), 2);
  else if (/^0[0-7]*$/.test(text)) n = parseInt(text, 8);
  else if (/^[1-9]\d*$/.test(text)) n = Number(text);
  else return null;
  return Number.isSafeInteger(n) ? n : null;
}

/** Parses filter text into a tree; throws FilterSyntaxError. */
export function parseFilterText(text: string): FilterNode {
  return new Parser(tokenize(text), text.length).parse();
}

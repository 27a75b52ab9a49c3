// Tokens of the display-filter language (grammar in dfilter-parse.ts). Keywords are
// words, told apart by the parser: like tshark, they are lower case only.

export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
  /** `column`: 0-based position of the offending character in the filter text. */
  constructor(message: string, readonly column: number) {
    super(message);
  }
}

export type TokenKind = 'word' | 'string' | 'punct';

export interface Token {
  readonly kind: TokenKind;
  /** The word, the punctuation, or a string's unescaped contents. */
  readonly text: string;
  readonly column: number;
  /** Column just past the token. */
  readonly end: number;
}

/** Longest first, so that "===" is not read as "==" "=". */
const PUNCTUATION = ['===', '!==', '==', '!=', '<=', '>=', '~=', '&&', '||', '..', '<', '>', '~', '&', '!', '(', ')', '{', '}', '[', ']', ',', '#'];

/** Characters of unquoted words: field names, numbers, addresses (MAC, IPv4/CIDR, IPv6), container names, change kinds. */
const WORD = /[A-Za-z0-9_\-.:/*]/;

/** Shown in messages: a token's text, quoted and cut short. */
export function shown(text: string): string {
  const t = text.length > 40 ? text.slice(0, 40) + '...' : text;
  return '"' + t.replace(/[\u0000-\u001f\u007f-\u009f"\\]/g, (c) => (c === '"' || c === '\\' ? '\\' + c : '?')) + '"';
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    const start = i;
    if (c === '"') {
      const [value, next] = readString(text, i);
      tokens.push({ kind: 'string', text: value, column: start, end: next });
      i = next;
      continue;
    }
    if (WORD.test(c) && !text.startsWith('..', i)) {
      // A word stops before "..", so that sets read `1..5` and `10.0.0.1..10.0.0.9` as ranges.
      while (i < text.length && WORD.test(text[i]) && !text.startsWith('..', i)) i++;
      tokens.push({ kind: 'word', text: text.slice(start, i), column: start, end: i });
      continue;
    }
    const p = PUNCTUATION.find((s) => text.startsWith(s, i));
    if (p === undefined) {
      const what = c === '|' ? `"||"` : c === '=' ? `"=="` : 'a field, a value or an operator';
      throw new FilterSyntaxError(`expected ${what}, found ${shown(c)} at column ${i}`, i);
    }
    tokens.push({ kind: 'punct', text: p, column: start, end: i + p.length });
    i += p.length;
  }
  return tokens;
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** A "quoted string" from `at` (the quote): its value and the index after the closing quote. Escapes as tshark: \" \\ \n \t \xhh \ooo. */
function readString(text: string, at: number): [string, number] {
  let out = '';
  let i = at + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') return [out, i + 1];
    if (c !== '\\') { out += c; i++; continue; }
    const e = text[i + 1];
    const hex = /^x([0-9a-fA-F]{1,2})/.exec(text.slice(i + 1, i + 4));
    const oct = /^([0-7]{1,3})/.exec(text.slice(i + 1, i + 4));
    if (hex) { out += String.fromCharCode(parseInt(hex[1], 16)); i += 1 + hex[0].length; }
    else if (oct) { out += String.fromCharCode(parseInt(oct[1], 8) & 0xff); i += 1 + oct[0].length; }
    else if (e !== undefined && e in SIMPLE_ESCAPES) { out += SIMPLE_ESCAPES[e]; i += 2; }
    else throw new FilterSyntaxError(`expected an escape such as \\" \\\\ \\n \\x41 after "\\" at column ${i}`, i);
  }
  throw new FilterSyntaxError(`expected a closing '"' for the string opened at column ${at}`, at);
}

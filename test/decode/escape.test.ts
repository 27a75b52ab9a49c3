// The one escaping rule (src/decode/escape.ts): for any string, the escaped text holds no
// control character, no C1, nothing that reorders or hides text and no unpaired surrogate;
// escaping twice changes nothing; and, for text without a backslash (the one character shown
// as itself that the escapes also use), the original comes back: different inputs are told apart.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { safeLines, safeText } from '../../src/decode/index.js';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\ud800-\udfff]/u;

/** The inverse of safeText for text without backslashes: the reading a person makes of it. */
function unescape(shown: string): string {
  return shown.replace(/\\x([0-9a-f]{2})|\\u([0-9a-f]{4})/g, (_, x: string | undefined, u: string | undefined) => String.fromCharCode(parseInt(x ?? u ?? '', 16)));
}

/** Strings rich in what matters here: controls, C1, bidi and zero-width marks, surrogate halves. */
const hostileChar = fc.oneof(
  fc.integer({ min: 0, max: 0xa0 }),
  fc.constantFrom(0x061c, 0x200b, 0x200e, 0x2028, 0x2029, 0x202a, 0x202e, 0x2060, 0x2066, 0x2069, 0xfeff, 0xd800, 0xdc00, 0xdbff, 0xdfff, 0xfffd),
  fc.integer({ min: 0, max: 0xffff }),
).map((code) => String.fromCharCode(code));
const hostile = fc.array(fc.oneof(hostileChar, fc.string({ unit: 'binary' })), { maxLength: 24 }).map((parts) => parts.join(''));

describe('safeText', () => {
  test.prop([hostile])('leaves nothing unsafe, and escaping twice changes nothing', (s) => {
    const shown = safeText(s);
    expect(shown).not.toMatch(UNSAFE);
    expect(safeText(shown)).toBe(shown);
  });

  test.prop([hostile.map((s) => s.replaceAll('\\', ''))])('without backslashes, the original can be read back', (s) => {
    expect(unescape(safeText(s))).toBe(s);
  });

  test.prop([hostile])('safeLines keeps the newlines and escapes the rest as safeText', (s) => {
    const shown = safeLines(s);
    expect(shown.split('\n')).toEqual(s.split('\n').map(safeText));
  });

  it('shows each kind as the README says', () => {
    expect(safeText('a\x1b[2J\r\n\t\x07\x00\x7f\x9b\u202e\u2028\u200b\ufeff\ud800b')).toBe(
      'a\\x1b[2J\\x0d\\x0a\\x09\\x07\\x00\\x7f\\x9b\\u202e\\u2028\\u200b\\ufeff\\ud800b');
    // Printable text stays as it is, non-ASCII, paired surrogates (an emoji), U+FFFD and backslashes included.
    const plain = 'br-0 caf\u00e9 \u{1f433} \ufffd \\027 \\x1b';
    expect(safeText(plain)).toBe(plain);
  });
});

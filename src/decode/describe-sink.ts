// Where the one-line summaries (describe.ts) go: the TextSink interface, constant
// phrases encoded once, and the StringSink that builds a string. The CLI's ByteWriter
// is the other sink, writing bytes straight into an output buffer.

import { formatIpv4, formatIpv6, formatMac, type MacNumber } from './addr.js';

/**
 * Where summary text goes. Every method appends exactly the text its comment gives, so
 * any two sinks produce the same characters.
 */
export interface TextSink {
  /** `s` as is (callers escape capture-supplied text first). */
  text(s: string): void;
  /** `p.text`: constant ASCII text, encoded once (a byte sink copies `p.bytes`). */
  phrase(p: Phrase): void;
  /** `String(n).padStart(zeroPadTo, '0')`. */
  num(n: number, zeroPadTo?: number): void;
  /** `n.toString(16).padStart(zeroPadTo, '0')`. */
  hex(n: number, zeroPadTo?: number): void;
  /** `formatMac(mac)`. */
  mac(mac: MacNumber): void;
  /** `formatIpv4(addr)`. */
  ipv4(addr: number): void;
  /** `formatIpv6(w0, w1, w2, w3)`. */
  ipv6(w0: number, w1: number, w2: number, w3: number): void;
  /**
   * What `write(this, a, b, c)` writes. `write` must write the same text whenever it gets
   * the same a, b, c, so that a sink may replay it from a cache instead of calling it.
   */
  memo(write: MemoWriter, a: number, b: number, c: number): void;
}

export type MemoWriter = (out: TextSink, a: number, b: number, c: number) => void;

/** Constant ASCII text with its bytes. */
export interface Phrase {
  readonly text: string;
  readonly bytes: Uint8Array;
  /** The bytes as 32-bit words in platform byte order, the last one zero-padded: copied a word at a time. */
  readonly words: Int32Array;
}

export function phrase(text: string): Phrase {
  const words = new Int32Array((text.length + 3) >> 2);
  const bytes = new Uint8Array(words.buffer, 0, text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) throw new Error(`A phrase is ASCII: ${JSON.stringify(text)}`);
    bytes[i] = c;
  }
  return { text, bytes, words };
}

/** A TextSink that builds a string. */
export class StringSink implements TextSink {
  s = '';
  text(s: string): void {
    this.s += s;
  }
  phrase(p: Phrase): void {
    this.s += p.text;
  }
  num(n: number, zeroPadTo = 0): void {
    this.s += zeroPadTo > 1 ? String(n).padStart(zeroPadTo, '0') : String(n);
  }
  hex(n: number, zeroPadTo = 0): void {
    this.s += n.toString(16).padStart(zeroPadTo, '0');
  }
  mac(mac: MacNumber): void {
    this.s += formatMac(mac);
  }
  ipv4(addr: number): void {
    this.s += formatIpv4(addr);
  }
  ipv6(w0: number, w1: number, w2: number, w3: number): void {
    this.s += formatIpv6(w0, w1, w2, w3);
  }
  memo(write: MemoWriter, a: number, b: number, c: number): void {
    write(this, a, b, c);
  }
}

/** The one escaping rule lives in escape.ts; the sinks' callers use it through here too. */
export { safeText } from './escape.js';

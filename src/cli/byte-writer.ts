// Text written as bytes straight into an output buffer. Formatting a frame line as a
// string and then encoding it cost more than the decode itself (string concatenation,
// flattening, UTF-8 encoding, garbage); this writes the same characters directly.
// Numbers and addresses are written digit by digit, constant text is copied from its
// pre-encoded bytes, parts that repeat (an Ethernet header) are replayed from a cache,
// and only non-ASCII text goes through Node's UTF-8 encoder.

import {
  formatIpv4, formatMac, isIpv4Mapped, longestZeroRun,
  type MacNumber, type MemoWriter, type Phrase, type TextSink,
} from '../decode/index.js';
import { TextMemo } from './text-memo.js';

const HEX = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** "00".."99": two digits per step halves the divisions. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 0x30 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));
const COLON = 0x3a;
const DOT = 0x2e;
const NEWLINE = 0x0a;
/** Word copies write platform-order words (Phrase.words, TextMemo.words) back as they were read. */
const LITTLE_ENDIAN = new Uint8Array(Int32Array.of(1).buffer)[0] === 1;
/** Longer strings go to Buffer.write, which is faster than a per-character loop on long text. */
const SHORT_TEXT = 64;
/** Numbers up to this many digits take the fast path (more only with absurd zero padding). */
const MAX_DIGITS = 32;

export class ByteWriter implements TextSink {
  private readonly buffer: Buffer;
  /** The same bytes, for writing four at a time. */
  private readonly view: DataView;
  private used = 0;
  /** Counts flushes, so that a cache can tell whether what it wrote is still in the buffer. */
  private flushes = 0;
  private readonly memos = new TextMemo(4096, 128);
  private readonly ipv6Texts = new TextMemo(1024, 40);
  /** Scratch for the eight groups of an IPv6 address. */
  private readonly groups = new Int32Array(8);

  /**
   * `drain` receives the buffered bytes when the buffer fills or on flush (a view that is
   * reused afterwards: consume or copy it before returning). A line may be drained in pieces.
   */
  constructor(
    private readonly drain: (bytes: Uint8Array) => void,
    size = 128 * 1024,
    private readonly flushAt = size / 2,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.max(size, 1024)); // room for any cached entry or phrase
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
  }

  /** Ends the line; hands the buffer to `drain` once it holds `flushAt` bytes. */
  endLine(): void {
    if (this.used >= this.buffer.length) this.flush();
    this.buffer[this.used++] = NEWLINE;
    if (this.used >= this.flushAt) this.flush();
  }

  flush(): void {
    if (this.used === 0) return;
    const data = this.buffer.subarray(0, this.used);
    this.used = 0;
    this.flushes++;
    this.drain(data);
  }

  /** Bytes already encoded (UTF-8), as they are: copied into the buffer, or passed on when larger. */
  bytes(data: Uint8Array): void {
    if (data.length > this.buffer.length - this.used) {
      this.flush();
      if (data.length > this.buffer.length) return this.drain(data);
    }
    this.buffer.set(data, this.used);
    this.used += data.length;
  }

  /** Makes room for `n` more bytes (n at most the buffer size). */
  private room(n: number): void {
    if (this.used + n > this.buffer.length) this.flush();
  }

  text(s: string): void {
    const n = s.length;
    if (n > SHORT_TEXT) return this.encode(s);
    this.room(n);
    const b = this.buffer;
    let at = this.used;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.used = at;
        return this.encode(s.slice(i));
      }
      b[at++] = c;
    }
    this.used = at;
  }

  /** Any string as UTF-8 (lone surrogates become U+FFFD, as Buffer.write does). */
  private encode(s: string): void {
    const most = s.length * 3; // a UTF-16 code unit takes at most 3 bytes of UTF-8
    if (this.used + most > this.buffer.length) {
      this.flush();
      if (most > this.buffer.length) return this.drain(Buffer.from(s, 'utf8'));
    }
    this.used += this.buffer.write(s, this.used, 'utf8');
  }

  phrase(p: Phrase): void {
    if (p.bytes.length > SHORT_TEXT) return this.text(p.text);
    this.words(p.words, 0, p.bytes.length);
  }

  /**
   * Copies the `n` bytes held by words[first...], a word at a time (about twice as fast as
   * byte by byte). The last word may write up to 3 bytes past them: they are overwritten next.
   */
  private words(words: Int32Array, first: number, n: number): void {
    this.room(n + 3);
    const view = this.view;
    for (let i = first, end = first + ((n + 3) >> 2), at = this.used; i < end; i++, at += 4) {
      view.setInt32(at, words[i], LITTLE_ENDIAN);
    }
    this.used += n;
  }

  num(n: number, zeroPadTo = 0): void {
    // Fast path: the whole numbers every field holds; anything else prints as String() does.
    if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER && Math.floor(n) === n) || zeroPadTo > MAX_DIGITS) {
      return this.text(zeroPadTo > 1 ? String(n).padStart(zeroPadTo, '0') : String(n));
    }
    this.room(MAX_DIGITS);
    if (n > 0x7fffffff) {
      // Split so that both halves are small integers: fast division on int32.
      const high = Math.floor(n / 1e8);
      this.digits(high, zeroPadTo - 8);
      this.digits(n - high * 1e8, 8);
    } else this.digits(n, zeroPadTo);
  }

  /** Writes 0 <= v < 2^31 in decimal, zero-padded to `width`. */
  private digits(v: number, width: number): void {
    let count = v < 10 ? 1 : v < 100 ? 2 : v < 1e3 ? 3 : v < 1e4 ? 4 : v < 1e5 ? 5 : v < 1e6 ? 6 : v < 1e7 ? 7 : v < 1e8 ? 8 : v < 1e9 ? 9 : 10;
    if (width > count) count = width;
    const b = this.buffer;
    const start = this.used;
    let at = start + count;
    while (v >= 10) {
      const q = (v / 100) | 0;
      const pair = (v - q * 100) * 2;
      b[--at] = DIGIT_PAIRS[pair + 1];
      b[--at] = DIGIT_PAIRS[pair];
      v = q;
    }
    if (at > start) b[--at] = 0x30 + v;
    while (at > start) b[--at] = 0x30; // zero padding
    this.used = start + count;
  }

  hex(n: number, zeroPadTo = 0): void {
    if (n >>> 0 !== n || zeroPadTo > MAX_DIGITS) return this.text(n.toString(16).padStart(zeroPadTo, '0'));
    let count = 1;
    while (count < 8 && n >>> (count * 4) !== 0) count++;
    if (zeroPadTo > count) count = zeroPadTo;
    this.room(count);
    const b = this.buffer;
    const start = this.used;
    for (let at = start + count, v = n; at > start; v >>>= 4) b[--at] = HEX[v & 15];
    this.used = start + count;
  }

  mac(mac: MacNumber): void {
    if (!(mac >= 0 && mac <= 0xffffffffffff && Math.floor(mac) === mac)) return this.text(formatMac(mac));
    this.room(17);
    const hi = Math.floor(mac / 0x1000000); // first three bytes
    const lo = mac % 0x1000000; // last three
    const b = this.buffer;
    const at = this.used;
    b[at] = HEX[hi >>> 20]; b[at + 1] = HEX[(hi >>> 16) & 15]; b[at + 2] = COLON;
    b[at + 3] = HEX[(hi >>> 12) & 15]; b[at + 4] = HEX[(hi >>> 8) & 15]; b[at + 5] = COLON;
    b[at + 6] = HEX[(hi >>> 4) & 15]; b[at + 7] = HEX[hi & 15]; b[at + 8] = COLON;
    b[at + 9] = HEX[lo >>> 20]; b[at + 10] = HEX[(lo >>> 16) & 15]; b[at + 11] = COLON;
    b[at + 12] = HEX[(lo >>> 12) & 15]; b[at + 13] = HEX[(lo >>> 8) & 15]; b[at + 14] = COLON;
    b[at + 15] = HEX[(lo >>> 4) & 15]; b[at + 16] = HEX[lo & 15];
    this.used = at + 17;
  }

  ipv4(addr: number): void {
    if (addr >>> 0 !== addr) return this.text(formatIpv4(addr));
    this.room(15);
    let at = this.octet(this.used, addr >>> 24);
    this.buffer[at++] = DOT;
    at = this.octet(at, (addr >>> 16) & 0xff);
    this.buffer[at++] = DOT;
    at = this.octet(at, (addr >>> 8) & 0xff);
    this.buffer[at++] = DOT;
    this.used = this.octet(at, addr & 0xff);
  }

  /** Writes 0..255 in decimal at `at`; returns the position after it. */
  private octet(at: number, v: number): number {
    const b = this.buffer;
    if (v >= 100) {
      const q = (v / 100) | 0;
      b[at++] = DIGIT_PAIRS[q * 2 + 1];
      v -= q * 100;
      b[at++] = DIGIT_PAIRS[v * 2];
    } else if (v >= 10) b[at++] = DIGIT_PAIRS[v * 2];
    b[at++] = DIGIT_PAIRS[v * 2 + 1];
    return at;
  }

  /** RFC 5952 text, as formatIpv6 writes it; a capture repeats few addresses, so they are cached. */
  ipv6(w0: number, w1: number, w2: number, w3: number): void {
    const cache = this.ipv6Texts;
    const slot = cache.find(null, w0, w1, w2, w3);
    if (slot >= 0) return this.words(cache.words, cache.firstWord(slot), cache.length(slot));
    this.room(cache.maxLength); // no flush inside: the text stays in the buffer to be kept
    const start = this.used;
    this.ipv6Text(w0, w1, w2, w3);
    cache.store(null, w0, w1, w2, w3, this.buffer, start, this.used);
  }

  private ipv6Text(w0: number, w1: number, w2: number, w3: number): void {
    if (isIpv4Mapped(w0, w1, w2)) {
      this.text('::ffff:');
      return this.ipv4(w3 >>> 0);
    }
    const g = this.groups;
    g[0] = w0 >>> 16; g[1] = w0 & 0xffff; g[2] = w1 >>> 16; g[3] = w1 & 0xffff;
    g[4] = w2 >>> 16; g[5] = w2 & 0xffff; g[6] = w3 >>> 16; g[7] = w3 & 0xffff;
    const run = longestZeroRun(g);
    const runStart = run >> 4;
    this.room(39);
    const b = this.buffer;
    const start = this.used;
    let at = start;
    for (let i = 0; i < 8; i++) {
      if (i === runStart) {
        b[at++] = COLON;
        b[at++] = COLON;
        i += (run & 15) - 1;
        continue;
      }
      if (at > start && b[at - 1] !== COLON) b[at++] = COLON;
      const v = g[i];
      if (v >= 0x1000) b[at++] = HEX[v >>> 12];
      if (v >= 0x100) b[at++] = HEX[(v >>> 8) & 15];
      if (v >= 0x10) b[at++] = HEX[(v >>> 4) & 15];
      b[at++] = HEX[v & 15];
    }
    this.used = at;
  }

  memo(write: MemoWriter, a: number, b: number, c: number): void {
    const cache = this.memos;
    const slot = cache.find(write, a, b, c, 0);
    if (slot >= 0) return this.words(cache.words, cache.firstWord(slot), cache.length(slot));
    this.room(cache.maxLength);
    const start = this.used;
    const flushes = this.flushes;
    write(this, a, b, c);
    // Longer than a slot, a flush in between: the text is written, just not kept.
    if (this.flushes === flushes) cache.store(write, a, b, c, 0, this.buffer, start, this.used);
  }
}

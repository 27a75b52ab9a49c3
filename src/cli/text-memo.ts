// A fixed-size cache of short byte strings keyed by a few numbers and an owner (the
// function that wrote them): ByteWriter copies text it wrote before instead of
// formatting it again. Direct-mapped, so a lookup is a hash and a compare; a colliding
// key replaces the old entry. No allocation after construction.

export class TextMemo {
  /** The bytes of slot i are bytes[i * maxLength, i * maxLength + length(i)). */
  readonly bytes: Uint8Array;
  /** The same memory as 32-bit words (maxLength is a multiple of 4: entries start on a word). */
  readonly words: Int32Array;
  private readonly keys: Float64Array;
  private readonly owners: unknown[];
  private readonly lengths: Int32Array;
  private readonly mask: number;

  /** `slots` a power of two; keys are up to four numbers; `maxLength` bytes per entry, a multiple of 4. */
  constructor(slots: number, readonly maxLength: number) {
    this.mask = slots - 1;
    this.words = new Int32Array((slots * maxLength) >> 2);
    this.bytes = new Uint8Array(this.words.buffer);
    this.keys = new Float64Array(slots * 4);
    this.owners = new Array<unknown>(slots).fill(undefined);
    this.lengths = new Int32Array(slots).fill(-1);
  }

  private slotOf(a: number, b: number, c: number, d: number): number {
    // Low 32 bits of each key (ToUint32 is cheap and exact enough for hashing), mixed.
    let h = (a >>> 0) ^ Math.imul(b >>> 0, 0x9e3779b1) ^ Math.imul(c >>> 0, 0x85ebca6b) ^ Math.imul(d >>> 0, 0xc2b2ae35);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    return (h ^ (h >>> 13)) & this.mask;
  }

  /** The slot holding (owner, a, b, c, d), or -1. Unused keys are passed as 0. */
  find(owner: unknown, a: number, b: number, c: number, d: number): number {
    const slot = this.slotOf(a, b, c, d);
    const k = slot * 4;
    const keys = this.keys;
    return this.lengths[slot] >= 0 && this.owners[slot] === owner &&
      keys[k] === a && keys[k + 1] === b && keys[k + 2] === c && keys[k + 3] === d
      ? slot
      : -1;
  }

  /** Index in `words` of the slot's first word. */
  firstWord(slot: number): number {
    return (slot * this.maxLength) >> 2;
  }

  length(slot: number): number {
    return this.lengths[slot];
  }

  /** Keeps source[from, to) for the key, unless it is longer than an entry. */
  store(owner: unknown, a: number, b: number, c: number, d: number, source: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (n < 0 || n > this.maxLength) return;
    const slot = this.slotOf(a, b, c, d);
    const k = slot * 4;
    this.keys[k] = a; this.keys[k + 1] = b; this.keys[k + 2] = c; this.keys[k + 3] = d;
    this.owners[slot] = owner;
    this.lengths[slot] = n;
    this.bytes.set(source.subarray(from, to), slot * this.maxLength);
  }
}

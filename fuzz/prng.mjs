// A small deterministic PRNG (splitmix32): the same seed gives the same cases on every
// machine and Node version, so `--replay SEED:CASE` rebuilds a case exactly.

/** Mixes a 32-bit state the splitmix way; returns a new 32-bit value. */
function mix32(x) {
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

export class Prng {
  /** `seed` and `stream` (the case number) pick one independent sequence. */
  constructor(seed, stream = 0) {
    this.state = mix32((seed >>> 0) ^ mix32(((stream >>> 0) + 0x9e3779b9) >>> 0) ^ Math.floor(stream / 2 ** 32)) >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  u32() {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return mix32(this.state);
  }

  /** An integer in [0, n) (n >= 1). */
  below(n) {
    return n <= 1 ? 0 : Math.floor((this.u32() / 2 ** 32) * n);
  }

  /** An integer in [low, high]. */
  between(low, high) {
    return low + this.below(high - low + 1);
  }

  /** True with probability p. */
  chance(p) {
    return this.u32() / 2 ** 32 < p;
  }

  pick(list) {
    return list[this.below(list.length)];
  }
}

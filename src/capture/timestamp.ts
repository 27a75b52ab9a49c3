// Exact conversion of a pcapng 64-bit timestamp (two u32 halves, in units of 1/unitsPerSecond s)
// into whole seconds plus nanoseconds (truncated), without BigInt on the hot path.
//
// Doubles hold integers exactly up to 2^53. Below 2^52 units the value is used directly; above,
// a long division with the high word plus 16 bits as the first digit (below 2^48) and the last
// 16 bits as the second keeps every partial dividend below 2^16 * divisor <= 2^52 for divisors
// up to 2^36. Each quotient is estimated by multiplying with the reciprocal (much faster than
// dividing; off by at most one) and then corrected against the exact remainder, so rounding can
// never make it wrong. Finer resolutions (more than 2^36 units per second) fall back to BigInt.

const TWO_POW_16 = 65536;
const TWO_POW_32 = 4294967296;
const HIGH_WORD_FAST_LIMIT = 2 ** 20; // high < 2^20 means units < 2^52
const LONG_DIVISION_MAX_DIVISOR = 2 ** 36;
const NS_PER_SECOND = 1_000_000_000;
const NS_PER_SECOND_BIG = 1_000_000_000n;
const RATIO_EXACT_LIMIT = 2 ** 22; // remainder * 1e9 stays below 2^52

/** Units per second described by a pcapng if_tsresol byte: 10^-v, or 2^-v when the high bit is set. */
export function tsresolUnitsPerSecond(tsresol: number): bigint {
  const exponent = BigInt(tsresol & 0x7f);
  return (tsresol & 0x80) !== 0 ? 2n ** exponent : 10n ** exponent;
}

/** floor(dividend / divisor) for integers 0 <= dividend < 2^53, estimated as dividend * (1 / divisor). */
function quotientOf(dividend: number, divisor: number, reciprocal: number): number {
  const estimate = Math.floor(dividend * reciprocal);
  const rest = dividend - estimate * divisor;
  return rest < 0 ? estimate - 1 : rest >= divisor ? estimate + 1 : estimate;
}

/** Converts timestamps of one interface. Results land in `sec` and `nsec` (0 <= nsec < 1e9). */
export class TimestampConverter {
  sec = 0;
  nsec = 0;
  readonly unitsPerSecond: number;
  readonly offsetSeconds: number;
  /** The divisor when the number path applies, else 0 (BigInt path). */
  private readonly divisor: number;
  private readonly reciprocal: number;
  private readonly divisorBig: bigint;
  /** Nanoseconds per unit when a unit is a whole number of nanoseconds, else 0. */
  private readonly nsPerUnit: number;
  /** Units per nanosecond when a nanosecond is a whole number of units, else 0. */
  private readonly unitsPerNs: number;

  constructor(unitsPerSecond: bigint, offsetSeconds = 0) {
    if (unitsPerSecond < 1n) throw new RangeError('A timestamp resolution must be at least one unit per second.');
    this.unitsPerSecond = Number(unitsPerSecond);
    this.offsetSeconds = offsetSeconds;
    this.divisorBig = unitsPerSecond;
    const small = unitsPerSecond <= BigInt(LONG_DIVISION_MAX_DIVISOR);
    this.divisor = small ? this.unitsPerSecond : 0;
    this.reciprocal = 1 / this.unitsPerSecond;
    this.nsPerUnit = small && NS_PER_SECOND % this.unitsPerSecond === 0 ? NS_PER_SECOND / this.unitsPerSecond : 0;
    this.unitsPerNs = small && this.unitsPerSecond % NS_PER_SECOND === 0 ? this.unitsPerSecond / NS_PER_SECOND : 0;
  }

  static fromTsresol(tsresol: number, offsetSeconds = 0): TimestampConverter {
    return new TimestampConverter(tsresolUnitsPerSecond(tsresol), offsetSeconds);
  }

  convert(high: number, low: number): void {
    const divisor = this.divisor;
    if (divisor === 0) {
      this.convertWithBigInt(high, low);
      return;
    }
    const reciprocal = this.reciprocal;
    let sec: number;
    let rem: number;
    if (high < HIGH_WORD_FAST_LIMIT) {
      const units = high * TWO_POW_32 + low;
      sec = quotientOf(units, divisor, reciprocal);
      rem = units - sec * divisor;
    } else {
      const upper = high * TWO_POW_16 + (low >>> 16); // < 2^48
      const upperQuotient = quotientOf(upper, divisor, reciprocal);
      const lower = (upper - upperQuotient * divisor) * TWO_POW_16 + (low & 0xffff); // < 2^52
      const lowerQuotient = quotientOf(lower, divisor, reciprocal);
      rem = lower - lowerQuotient * divisor;
      sec = upperQuotient * TWO_POW_16 + lowerQuotient;
    }
    this.sec = sec + this.offsetSeconds;
    this.nsec = this.remainderToNs(rem);
  }

  /** floor(rem * 1e9 / divisor) for 0 <= rem < divisor <= 2^36. */
  private remainderToNs(rem: number): number {
    if (this.nsPerUnit !== 0) return rem * this.nsPerUnit;
    const divisor = this.divisor;
    if (this.unitsPerNs !== 0) return quotientOf(rem, this.unitsPerNs, 1 / this.unitsPerNs);
    if (divisor <= RATIO_EXACT_LIMIT) return quotientOf(rem * NS_PER_SECOND, divisor, this.reciprocal);
    return Number((BigInt(rem) * NS_PER_SECOND_BIG) / this.divisorBig);
  }

  private convertWithBigInt(high: number, low: number): void {
    const units = (BigInt(high) << 32n) | BigInt(low);
    const divisor = this.divisorBig;
    this.sec = Number(units / divisor) + this.offsetSeconds;
    this.nsec = Number(((units % divisor) * NS_PER_SECOND_BIG) / divisor);
  }
}

// internetChecksum sums whole 32-bit words into doubles and folds once; it must give
// exactly what the textbook RFC 1071 loop gives (16-bit words, end-around carry after
// every add), for every offset, length, parity and initial (pseudo-header) sum,
// including the two zeros of one's complement (all-zero and all-ones data).
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { internetChecksum } from '../../src/decode/checksum.js';

function rfc1071(bytes: Uint8Array, offset: number, length: number, initial: number): number {
  let sum = initial;
  for (let i = 0; i < length; i += 2) {
    const high = bytes[offset + i];
    const low = i + 1 < length ? bytes[offset + i + 1] : 0;
    sum += (high << 8) | low;
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function check(bytes: Uint8Array, offset: number, length: number, initial: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(internetChecksum(view, offset, length, initial)).toBe(rfc1071(bytes, offset, length, initial));
}

describe('internetChecksum', () => {
  test.prop([fc.uint8Array({ maxLength: 1600 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 0x3fffff })], { numRuns: 2000 })(
    'agrees with the RFC 1071 loop on any slice', (bytes, a, b, initial) => {
      const offset = bytes.length === 0 ? 0 : a % bytes.length;
      const length = (bytes.length - offset) === 0 ? 0 : b % (bytes.length - offset + 1);
      check(bytes, offset, length, initial);
    });

  it('keeps the two zeros apart, at every alignment', () => {
    for (const fill of [0x00, 0xff]) {
      const bytes = new Uint8Array(80).fill(fill);
      for (let offset = 0; offset < 8; offset++) {
        for (let length = 0; length < 70; length++) {
          for (const initial of [0, 1, 0xffff, 0x1fffe]) check(bytes, offset, length, initial);
        }
      }
    }
  });

  it('verifies a whole 64 KiB message of 0xff bytes without losing precision', () => {
    check(new Uint8Array(65535).fill(0xff), 0, 65535, 0xffff * 20);
  });
});

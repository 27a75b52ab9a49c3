// internetChecksum sums whole 32-bit words into doubles and folds once; it must give exactly what the textbook
// RFC 1071 loop gives (16-bit words, end-around carry after every add), for every offset,
// length, parity, view offset, buffer end and initial (pseudo-header) sum, including the
// two zeros of one's complement (all-zero and all-ones data).
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

  test.prop([fc.uint8Array({ minLength: 64, maxLength: 1600 }), fc.integer({ min: 0, max: 7 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 0x3fffff })], { numRuns: 2000 })(
    'agrees with the RFC 1071 loop through views that start anywhere in buffers of any length', (bytes, viewStart, a, b, initial) => {
      const backing = new Uint8Array(bytes.length + viewStart);
      backing.set(bytes, viewStart);
      const inView = backing.subarray(viewStart); // a view at byteOffset 0-7, over a buffer of any length
      const offset = a % 40;
      const length = b % (inView.length - offset + 1);
      check(inView, offset, length, initial);
      check(inView, inView.length - length, length, initial); // up to the buffer's last byte
    });

  it('sees the bytes as they are now through a view it summed before, and alternates between views', () => {
    const one = new Uint8Array(400).map((_, i) => i * 7);
    const two = new Uint8Array(403).map((_, i) => i * 13);
    for (let round = 0; round < 4; round++) {
      check(one, 3, 300, 0);
      check(two, 2, 301, 0);
      one[100] ^= 0x5a; // a reused window, refilled
      two[200] ^= 0xa5;
    }
  });

  it('keeps the two zeros apart, at every alignment', () => {
    for (const fill of [0x00, 0xff]) {
      const bytes = new Uint8Array(88).fill(fill);
      for (let offset = 0; offset < 8; offset++) {
        for (let length = 0; length < 75; length++) {
          for (const initial of [0, 1, 0xffff, 0x1fffe]) check(bytes, offset, length, initial);
        }
      }
    }
  });

  it('verifies a whole 64 KiB message of 0xff bytes without losing precision', () => {
    check(new Uint8Array(65535).fill(0xff), 0, 65535, 0xffff * 20);
  });
});

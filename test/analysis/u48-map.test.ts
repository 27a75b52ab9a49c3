// U48Map (the FDB's, the overlay's and the ARP engine's tables) against a JS Map: any sequence of
// sets, deletes and lookups on keys in (-2^48, 2^48) leaves both with the same contents, across the
// rebuilds that growth and tombstones cause.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { U48Map } from '../../src/analysis/u48-map.js';

const MAX_KEY = 2 ** 48 - 1;

/** Keys that collide often (a few values) and keys spread over the whole range, halves included. */
const key = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 40 }), weight: 4 },
  fc.constantFrom(0, 2 ** 24 - 1, 2 ** 24, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, MAX_KEY),
  fc.integer({ min: 0, max: MAX_KEY }),
  // Negative keys: the FDB engine's interface keys for frames without an SLL2 ifindex.
  fc.constantFrom(-1, -2, -(2 ** 24), -(2 ** 24) - 1, -(2 ** 40) - 7, -MAX_KEY),
  fc.integer({ min: -MAX_KEY, max: -1 }),
);
const op = fc.oneof(
  fc.record({ set: key, value: fc.integer() }),
  fc.record({ del: key }),
  fc.record({ get: key }),
);

function sorted<V>(entries: Iterable<[number, V]>): [number, V][] {
  return [...entries].sort((a, b) => a[0] - b[0]);
}

describe('U48Map', () => {
  test.prop([fc.array(op, { minLength: 50, maxLength: 1000 })])('agrees with a Map after any operations', (ops) => {
    const map = new U48Map<number>();
    const model = new Map<number, number>();
    for (const o of ops) {
      if ('set' in o) {
        map.set(o.set, o.value);
        model.set(o.set, o.value);
      } else if ('del' in o) {
        expect(map.delete(o.del)).toBe(model.delete(o.del));
      } else {
        expect(map.get(o.get)).toBe(model.get(o.get));
        expect(map.has(o.get)).toBe(model.has(o.get));
      }
      expect(map.size).toBe(model.size);
    }
    expect(sorted(map.entries())).toEqual(sorted(model.entries()));
    expect(map.values().sort((a, b) => a - b)).toEqual([...model.values()].sort((a, b) => a - b));
  });

  it('keeps every key of a table grown far past its first capacity, and forgets deleted ones', () => {
    const map = new U48Map<number>();
    // IPv4 addresses of 192.168.0.0/16 (above 2^31) and MACs of one OUI.
    const keys: number[] = [];
    for (let i = 0; i < 5000; i++) keys.push(0xc0a80000 + i * 13, 0x0242ac000000 + i * 7);
    keys.forEach((k, i) => map.set(k, i));
    expect(map.size).toBe(keys.length);
    keys.forEach((k, i) => expect(map.get(k)).toBe(i));
    for (let i = 0; i < keys.length; i += 2) map.delete(keys[i]);
    expect(map.size).toBe(keys.length / 2);
    keys.forEach((k, i) => expect(map.get(k)).toBe(i % 2 === 0 ? undefined : i));
  });
});

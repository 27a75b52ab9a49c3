// Arbitrary bytes, under every link type and behind every protocol prefix, never
// make a decoder throw, never produce more than MAX_LAYERS layers, and every issue
// points inside the frame.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { FrameDecoder, MAX_LAYERS } from '../../src/decode/index.js';
import { FIXTURES } from './fixtures.js';

const LINK_TYPES = [0, 1, 101, 108, 113, 228, 229, 276];
const decoder = new FrameDecoder({ vxlanPorts: [4789, 8472] });

function check(bytes: Uint8Array, linkType: number, origLen: number): void {
  const out = decoder.decode({ data: bytes, start: 0, end: bytes.length, origLen, tsSec: 0, direction: null, iface: { id: 0, linkType } });
  expect(out.layers.count).toBeLessThanOrEqual(MAX_LAYERS);
  for (const issue of out.issues) {
    expect(issue.message.length).toBeGreaterThan(0);
    expect(Number.isInteger(issue.offset)).toBe(true);
  }
}

describe('decoders never throw', () => {
  test.prop([fc.constantFrom(...LINK_TYPES), fc.uint8Array({ maxLength: 300 })], { numRuns: 3000 })(
    'on arbitrary bytes under any link type', (linkType, bytes) => check(bytes, linkType, bytes.length));

  test.prop([fc.constantFrom(...FIXTURES), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })], { numRuns: 3000 })(
    'on real headers followed or overwritten by arbitrary bytes', (fixture, at, noise) => {
      const bytes = Uint8Array.from(fixture.bytes);
      bytes.set(noise.subarray(0, Math.max(0, bytes.length - (at % bytes.length))), at % bytes.length);
      check(bytes, fixture.linkType, bytes.length);
      check(bytes.subarray(0, at % (bytes.length + 1)), fixture.linkType, bytes.length);
    });
});

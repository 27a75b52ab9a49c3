// Arbitrary bytes, under every link type and behind every protocol prefix, never
// make a decoder throw, never produce more than MAX_LAYERS layers, every issue
// points inside the frame, and every layer list records its layers' kinds truly (the
// analysis engines skip frames by those bits).
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { FrameDecoder, kindOf, LayerList, MAX_LAYERS } from '../../src/decode/index.js';
import { FIXTURES } from './fixtures.js';

const LINK_TYPES = [0, 1, 101, 108, 113, 228, 229, 276];
const decoder = new FrameDecoder({ vxlanPorts: [4789, 8472] });

function check(bytes: Uint8Array, linkType: number, origLen: number): void {
  const out = decoder.decode({ data: bytes, start: 0, end: bytes.length, origLen, tsSec: 0, direction: null, iface: { id: 0, linkType } });
  expect(out.layers.count).toBeLessThanOrEqual(MAX_LAYERS);
  checkKinds(out.layers);
  for (const issue of out.issues) {
    expect(issue.message.length).toBeGreaterThan(0);
    expect(Number.isInteger(issue.offset)).toBe(true);
  }
}

/** Each item's recorded kind is its class's, and `has` holds exactly those kinds (quoted lists too). */
function checkKinds(list: LayerList): void {
  let has = 0;
  for (let i = 0; i < list.count; i++) {
    const layer = list.items[i];
    expect(list.kinds[i]).toBe(kindOf(layer));
    has |= 1 << list.kinds[i];
    expect(list.indexOf(list.kinds[i])).toBeLessThanOrEqual(i);
    if (layer.proto === 'icmp' || layer.proto === 'icmpv6') checkKinds(layer.quoted);
  }
  expect(list.has).toBe(has);
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

describe('LayerList', () => {
  // Up to 40 layers: past the 16 kinds the list starts with.
  test.prop([fc.array(fc.constantFrom(...FIXTURES), { maxLength: 40 })], { numRuns: 200 })(
    'finds the first layer of a kind, and forgets every kind on clear', (fixtures) => {
      const list = new LayerList();
      const before = decodeFirst(FIXTURES[0]);
      list.push(before);
      list.clear();
      expect(list.has).toBe(0);
      expect(list.indexOf(kindOf(before))).toBe(-1);
      const layers = fixtures.map(decodeFirst);
      for (const layer of layers) list.push(layer);
      for (let kind = 0; kind < 14; kind++) {
        expect(list.indexOf(kind)).toBe(layers.findIndex((l) => kindOf(l) === kind));
      }
      checkKinds(list);
    });
});

/** The outermost layer of a fixture, as its own object (the decoder reuses its layers). */
function decodeFirst(fixture: (typeof FIXTURES)[number]) {
  const d = new FrameDecoder({ vxlanPorts: [4789] });
  const bytes = fixture.bytes;
  return d.decode({ data: bytes, start: 0, end: bytes.length, origLen: bytes.length, tsSec: 0, direction: null, iface: { id: 0, linkType: fixture.linkType } }).layers.items[0];
}

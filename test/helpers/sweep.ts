// Shared by the decoder tests: decode a frame with one shared decoder, pick layers,
// and sweep a frame's truncations against the header regions it is made of.
import { expect } from 'vitest';
import { FrameDecoder, type DecodedFrame } from '../../src/decode/frame.js';
import type { LayerName } from '../../src/decode/issues.js';
import type { Layer, LayerList } from '../../src/decode/layers.js';

export const decoder = new FrameDecoder();

export function decode(bytes: Uint8Array, origLen = bytes.length, linkType = 1): DecodedFrame {
  return decoder.decode({ data: bytes, start: 0, end: bytes.length, origLen, tsSec: 0, direction: null, iface: { id: 0, linkType } });
}

export function layerOf<P extends Layer['proto']>(list: LayerList, index: number, proto: P): Extract<Layer, { proto: P }> {
  expect(index).toBeLessThan(list.count);
  const layer = list.items[index];
  expect(layer.proto).toBe(proto);
  return layer as Extract<Layer, { proto: P }>;
}

export function protos(list: LayerList): string[] {
  return list.items.slice(0, list.count).map((l) => l.proto);
}

export interface Region { start: number; end: number; layer: LayerName }

/**
 * Cut the frame at every length (the capture's snap length, so origLen stays whole): never
 * throws; a cut inside a header region gives a first issue 'truncated' at that header's
 * offset; a cut elsewhere (payload) gives no truncation issue.
 */
export function sweep(bytes: Uint8Array, regions: Region[], linkType = 1): void {
  for (let cut = 0; cut < bytes.length; cut++) {
    const out = decode(bytes.subarray(0, cut), bytes.length, linkType);
    const region = regions.find((r) => cut >= r.start && cut < r.end);
    if (region) {
      expect(out.issues[0], `cut at ${cut}`).toMatchObject({ kind: 'truncated', layer: region.layer, offset: region.start });
    } else {
      expect(out.issues.filter((i) => i.kind === 'truncated'), `cut at ${cut}`).toEqual([]);
    }
  }
}

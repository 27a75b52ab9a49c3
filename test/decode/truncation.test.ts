// Every fixture cut at every length: decoding never throws, and the first issue is a
// truncation of the header the cut falls in, at that header's offset.
import { describe, expect, it } from 'vitest';
import { decodeOnce } from '../helpers/decode.js';
import { FIXTURES, headerLength } from './fixtures.js';

describe('truncation sweep', () => {
  it.each(FIXTURES)('$name', (f) => {
    const full = decodeOnce(f.bytes, f.linkType).layers;
    for (let cut = 0; cut < f.bytes.length; cut++) {
      const d = decodeOnce(f.bytes.subarray(0, cut), f.linkType, { origLen: f.bytes.length });
      const cutHeader = full
        .map((l, i) => ({ proto: l.proto, start: offsetOf(full, i), length: headerLength(l) }))
        .find(({ start, length }) => cut >= start && cut < start + length);
      if (cutHeader) {
        expect(d.issues[0], `cut at ${cut}`).toMatchObject({ kind: 'truncated', layer: cutHeader.proto, offset: cutHeader.start });
      } else {
        expect(d.issues.filter((i) => i.kind === 'truncated'), `cut at ${cut}`).toEqual([]);
      }
    }
  });
});

/** JSON layers carry no offsets; rebuild them from the header lengths (payloads of the fixtures follow their headers directly). */
function offsetOf(layers: Record<string, unknown>[], index: number): number {
  let o = 0;
  for (let i = 0; i < index; i++) o += headerLength(layers[i]);
  return o;
}

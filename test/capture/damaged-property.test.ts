// Property tests of the readers on hostile input: arbitrary bytes, and real captures (the
// project's recordings) truncated, bit-flipped, with length fields overwritten and blocks
// duplicated. For every input: no throw, every frame lies inside the file, frame numbers are
// 1..N, every issue has an offset inside the file, and an unusable file yields no frame.
import fs from 'node:fs';
import path from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { InterfaceRegistry } from '../../src/capture/interfaces.js';
import { openCapture } from '../../src/capture/open.js';
import { hasUnusableFile } from '../../src/capture/types.js';
import { repoRoot, writeTemp } from './capture-helpers.js';

/** Reads `bytes` as an untrusted capture and checks the invariants; returns the frame count. */
function checkInvariants(bytes: Uint8Array, chunkBytes: number, maxFrameBytes?: number, maxWindowBytes?: number): number {
  const file = writeTemp(bytes);
  const source = openCapture(file, 0, new InterfaceRegistry(), { chunkBytes, maxFrameBytes, maxWindowBytes });
  let count = 0;
  try {
    for (let frame = source.next(); frame !== null; frame = source.next()) {
      count++;
      expect(frame.no).toBe(count);
      expect(frame.fileOffset).toBeGreaterThanOrEqual(0);
      // the frame's bytes follow its record header, all inside the file
      expect(frame.fileOffset + frame.bytes.length).toBeLessThanOrEqual(bytes.length);
      expect(frame.bytes.length).toBeLessThanOrEqual(maxFrameBytes ?? 262144);
    }
  } finally {
    source.close();
    fs.rmSync(file, { force: true });
  }
  for (const issue of source.issues) {
    expect(issue.offset).toBeGreaterThanOrEqual(0);
    expect(issue.offset).toBeLessThanOrEqual(bytes.length);
    expect(issue.frameNumber).toBeLessThanOrEqual(count);
    expect(issue.rule.length).toBeGreaterThan(0);
    expect(issue.blockType.length).toBeGreaterThan(0);
  }
  if (hasUnusableFile(source.issues)) expect(count).toBe(0);
  return count;
}

const recordings = ['bridge/bridge-docker0.pcap', 'bridge/bridge-multi.pcapng']
  .map((name) => path.join(repoRoot, 'captures', name))
  .filter((file) => fs.existsSync(file))
  .map((file) => new Uint8Array(fs.readFileSync(file)).subarray(0, 16 * 1024));

type Mutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'u32'; at: number; value: number }
  | { kind: 'duplicate'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  // length-like values: tiny, odd, just past the end, huge
  fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 0xffffffff }), fc.constant(0xfffffff0)) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 256 }) }),
);

function mutate(original: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = original.slice();
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    if (m.kind === 'truncate') bytes = bytes.slice(0, at);
    else if (m.kind === 'flip') bytes[at] ^= 1 << m.bit;
    else if (m.kind === 'u32' && at + 4 <= bytes.length) new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, m.value, (m.value & 1) === 0);
    else if (m.kind === 'duplicate') {
      const piece = bytes.slice(at, at + m.length);
      const out = new Uint8Array(bytes.length + piece.length);
      out.set(bytes.subarray(0, at + piece.length));
      out.set(piece, at + piece.length);
      out.set(bytes.subarray(at + piece.length), at + 2 * piece.length);
      bytes = out;
    }
  }
  return bytes;
}

describe('readers on hostile input', () => {
  test.prop([fc.uint8Array({ maxLength: 1024 }), fc.integer({ min: 16, max: 2048 })], { numRuns: 150 })(
    'arbitrary bytes', (bytes, chunkBytes) => {
      checkInvariants(bytes, chunkBytes);
    },
  );

  test.prop([
    fc.constantFrom(...recordings.keys()), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.integer({ min: 64, max: 8192 }),
    fc.constantFrom(undefined, 128, 1500), fc.constantFrom(undefined, 256, 4096),
  ], { numRuns: 200 })(
    'recorded captures, truncated and mutated, with any reader limits', (which, mutations, chunkBytes, maxFrameBytes, maxWindowBytes) => {
      checkInvariants(mutate(recordings[which], mutations), chunkBytes, maxFrameBytes, maxWindowBytes);
    },
  );

  test.prop([fc.constantFrom(...recordings.keys()), fc.nat()], { numRuns: 100 })('a recording cut anywhere keeps the frames before the cut', (which, cut) => {
    const whole = recordings[which];
    const all = checkInvariants(whole, 4096);
    const kept = checkInvariants(whole.subarray(0, cut % (whole.length + 1)), 4096);
    expect(kept).toBeLessThanOrEqual(all);
  });
});

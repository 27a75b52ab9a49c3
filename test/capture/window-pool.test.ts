// Pinned windows: a ByteSource pinned to a WindowPool never overwrites bytes it handed out,
// windows are reused once retired and released, and the reorder window holds frames in the
// readers' windows without copying them, with the same bytes as reading without it.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ByteSource } from '../../src/capture/byte-source.js';
import { openCaptures } from '../../src/capture/open.js';
import { TimeOrderedSource } from '../../src/capture/reorder.js';
import type { FrameSource } from '../../src/capture/types.js';
import { WindowPool } from '../../src/capture/window-pool.js';
import { capturesDir } from '../helpers/paths.js';
import { pattern, writeTemp } from './capture-helpers.js';

describe('WindowPool', () => {
  it('frees a window only once it is retired and every frame held in it is released', () => {
    const pool = new WindowPool();
    const a = pool.take(64);
    const window = pool.windowOf(a);
    expect(window).not.toBeNull();
    window!.held += 2;
    pool.retire(a);
    expect(pool.windowOf(a)).toBe(window); // still held
    pool.release(window!);
    expect(pool.take(64)).not.toBe(a); // one frame still held: not reusable
    pool.release(window!);
    expect(pool.windowOf(a)).toBeNull();
    expect(pool.take(64)).toBe(a); // free: reused
    expect(pool.windowOf(new Uint8Array(64))).toBeNull(); // bytes no source reads into
  });
});

describe('ByteSource pinned to a pool', () => {
  const bytes = pattern(5000, 3);

  it('moves to a fresh window instead of overwriting bytes it handed out', () => {
    const pool = new WindowPool();
    const source = ByteSource.open(writeTemp(bytes), { chunkBytes: 64 });
    source.pin(pool);
    // Consume 10-byte "records" and keep each one's window and place, never releasing any.
    const seen: { window: Uint8Array; at: number; fileOffset: number }[] = [];
    while (source.ensure(10)) {
      pool.windowOf(source.bytes)!.held++; // held for good, as a reorder window would
      seen.push({ window: source.bytes, at: source.start, fileOffset: source.fileOffset });
      source.start += 10;
      if (seen.length % 37 === 0) source.discard(100); // discard reads past the window too
    }
    source.close();
    expect(seen.length).toBeGreaterThan(300);
    expect(new Set(seen.map((s) => s.window)).size).toBeGreaterThan(50);
    for (const s of seen) {
      expect(Array.from(s.window.subarray(s.at, s.at + 10)), `bytes at file offset ${s.fileOffset}`)
        .toEqual(Array.from(bytes.subarray(s.fileOffset, s.fileOffset + 10)));
    }
  });

  it('reuses retired windows nobody holds, so a long read keeps a handful of windows', () => {
    const pool = new WindowPool();
    const source = ByteSource.open(writeTemp(bytes), { chunkBytes: 64 });
    source.pin(pool);
    const windows = new Set<Uint8Array>();
    while (source.ensure(10)) {
      windows.add(source.bytes);
      source.start += 10;
    }
    source.close();
    expect(windows.size).toBeLessThanOrEqual(3);
    expect(pool.liveCount).toBeLessThanOrEqual(1);
  });
});

/** SHA-256 of every frame's bytes with its number, in the order the source gives them. */
function digestFrames(source: FrameSource): { frames: number; digest: string; order: number[] } {
  const hash = createHash('sha256');
  const order: number[] = [];
  for (let f = source.next(); f; f = source.next()) {
    order.push(f.no);
    hash.update(String(f.no));
    hash.update(f.data.subarray(f.start, f.end));
  }
  source.close();
  return { frames: order.length, digest: hash.digest('hex'), order };
}

describe('TimeOrderedSource over pinned readers', () => {
  it('hands out the same bytes as reading without it, through many small windows and several files', () => {
    const files = [`${capturesDir}/napt/napt-multi.pcapng`, `${capturesDir}/bridge/bridge-any.pcap`, `${capturesDir}/bridge/bridge-docker0.pcap`];
    // Reference: each frame's bytes copied as read, then put in the order the reorder chose.
    const reference = new Map<number, Uint8Array>();
    const plain = openCaptures(files, { chunkBytes: 4096 });
    for (let f = plain.next(); f; f = plain.next()) reference.set(f.no, f.data.slice(f.start, f.end));
    plain.close();

    const ordered = new TimeOrderedSource(openCaptures(files, { chunkBytes: 4096 }), { maxFrames: 64 });
    const result = digestFrames(ordered);
    const hash = createHash('sha256');
    for (const no of result.order) {
      hash.update(String(no));
      hash.update(reference.get(no)!);
    }
    expect(result.frames).toBe(reference.size);
    expect(result.digest).toBe(hash.digest('hex'));
  });
});

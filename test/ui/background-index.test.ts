// Background indexing's slices (src/ui/background-index.ts), on a clock the test moves: a
// slice ends once SLICE_MS has passed (a key waits for at most about that long), and each
// advance() is sized so that it takes about STEP_MS.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackgroundIndexer, SLICE_MS, STEP_MS } from '../../src/ui/background-index.js';
import type { ReplayIndex } from '../../src/replay/indexer.js';

let clock = 0;
afterEach(() => {
  vi.restoreAllMocks();
});

/** An index of `frames` frames whose advance() takes `msPerFrame` per frame on the test's clock. */
function fakeIndex(frames: number, msPerFrame: number) {
  const advances: { frames: number; ms: number }[] = [];
  const index = {
    done: false,
    caughtUp: false,
    following: false,
    timeline: { length: 0, fileIndex: () => 0, fileOffset: (step: number) => step * 100 },
    advance(max: number): boolean {
      const n = Math.min(max, frames - index.timeline.length);
      index.timeline.length += n;
      clock += n * msPerFrame;
      advances.push({ frames: n, ms: n * msPerFrame });
      index.done = index.timeline.length >= frames;
      return index.done;
    },
  };
  return { index, advances };
}

function indexer(index: object, schedule: (run: () => void) => void) {
  return new BackgroundIndexer(index as unknown as ReplayIndex, null, [100_000_000], { schedule }, () => {}, () => false);
}

describe('background indexing', () => {
  it('gives the thread back once a slice has taken SLICE_MS, its advances sized to about STEP_MS', () => {
    clock = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    const { index, advances } = fakeIndex(1_000_000, 0.002); // 500 frames in 1 ms
    const pending: (() => void)[] = [];
    indexer(index, (run) => pending.push(run)).run(20_000);
    const slices: number[] = [];
    for (let i = 0; i < 40 && pending.length > 0; i++) {
      const started = clock;
      pending.shift()!();
      slices.push(clock - started);
    }
    expect(slices).toHaveLength(40);
    // At most one advance past the slice's end: a key waits no more than that.
    for (const ms of slices) expect(ms).toBeLessThanOrEqual(SLICE_MS + 2 * STEP_MS);
    // Once sized (the first advances are MIN_STEP frames), each takes STEP_MS to twice that.
    for (const advance of advances.slice(-20)) {
      expect(advance.ms).toBeGreaterThanOrEqual(STEP_MS / 2);
      expect(advance.ms).toBeLessThanOrEqual(STEP_MS * 2);
    }
    // A slice is a small part of a 16 ms frame.
    expect(SLICE_MS + 2 * STEP_MS).toBeLessThanOrEqual(2);
  });
});

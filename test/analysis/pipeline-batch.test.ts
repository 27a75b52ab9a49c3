// AnalysisPipeline.pushBatch() steps each engine over a batch of frames before the next engine
// runs (runAnalysis, and so analyze, works this way). That must change nothing: on every
// recording in captures/, alone and with its topology, each frame's changes (kinds, order,
// fields) and the final report are the ones push() gives frame by frame, for batch sizes that
// do and do not divide the capture.
import { describe, expect, it } from 'vitest';
import { MAX_BATCH, type AnalysisPipeline, type CapturedFrame } from '../../src/analysis/pipeline.js';
import { createEngines } from '../../src/analysis/engines.js';
import type { Engine } from '../../src/analysis/types.js';
import { captureCases, newPipeline, timeOrderedFrames } from '../helpers/capture-cases.js';

interface Run {
  /** Per frame: its number and its changes, as JSON. */
  frames: string[];
  finish: string;
  report: string;
}

function oneByOne(p: AnalysisPipeline, frames: readonly CapturedFrame[]): Run {
  const seen: string[] = [];
  for (const raw of frames) {
    const frame = p.push(raw);
    seen.push(JSON.stringify([frame.no, frame.iface, p.lastChanges]));
  }
  p.finish();
  return { frames: seen, finish: JSON.stringify(p.lastChanges), report: JSON.stringify(p.report()) };
}

function inBatches(p: AnalysisPipeline, frames: readonly CapturedFrame[], size: number): Run {
  const seen: string[] = [];
  for (let i = 0; i < frames.length; i += size) {
    const batch = frames.slice(i, i + size);
    p.pushBatch(batch, batch.length);
    for (let k = 0; k < batch.length; k++) {
      const frame = p.batchFrame(k);
      seen.push(JSON.stringify([frame.no, frame.iface, p.batchChanges(k)]));
    }
    expect(p.lastChanges).toBe(p.batchChanges(batch.length - 1));
  }
  p.finish();
  return { frames: seen, finish: JSON.stringify(p.lastChanges), report: JSON.stringify(p.report()) };
}

describe('AnalysisPipeline.pushBatch()', () => {
  it.each(captureCases())('$name', (c) => {
    const frames = timeOrderedFrames(c.file);
    const expected = oneByOne(newPipeline(c), frames);
    expect(expected.frames.length).toBe(frames.length);
    for (const size of [2, 7, MAX_BATCH]) {
      const got = inBatches(newPipeline(c), frames, size);
      expect(got.frames, `batches of ${size}`).toEqual(expected.frames);
      expect(got.finish, `batches of ${size}`).toBe(expected.finish);
      expect(got.report, `batches of ${size}`).toBe(expected.report);
    }
  });

  it('steps engines without stepBatch() itself, with the same result', () => {
    // Each engine behind a wrapper that has step() only: pushBatch() then runs the loop.
    const withoutBatchStep = (e: Engine): Engine => ({
      name: e.name, step: (f, out) => e.step(f, out), finish: (out) => e.finish?.(out), report: () => e.report(),
      reportCapped: () => e.reportCapped?.() ?? {}, clone: () => withoutBatchStep(e.clone()), overflows: () => e.overflows?.() ?? [],
    });
    for (const c of captureCases()) {
      const frames = timeOrderedFrames(c.file);
      const expected = oneByOne(newPipeline(c), frames);
      const wrapped = newPipeline(c, (options) => createEngines(options).map(withoutBatchStep));
      expect(wrapped.engines.some((e) => e.stepBatch !== undefined)).toBe(false);
      const got = inBatches(wrapped, frames, 7);
      expect(got.frames, c.name).toEqual(expected.frames);
      expect(got.report, c.name).toBe(expected.report);
    }
  });

  it('takes 1 to MAX_BATCH frames', () => {
    const c = captureCases()[0];
    const frames = timeOrderedFrames(c.file);
    const p = newPipeline(c);
    expect(() => p.pushBatch(frames, 0)).toThrow(RangeError);
    expect(() => p.pushBatch(frames, MAX_BATCH + 1)).toThrow(RangeError);
    expect(p.frames).toBe(0);
  });
});

// AnalysisPipeline.clone() is what replay checkpoints are made of: a clone taken after
// any frame must continue exactly as the original would, and the two must never
// affect each other (pushing into one, or finishing one). Checked on every recording
// in captures/, alone and with its scenario's topology, at several cut points.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngines } from '../../src/analysis/engines.js';
import type { AnalysisPipeline, CapturedFrame } from '../../src/analysis/pipeline.js';
import { runAnalysis } from '../../src/api/analysis-run.js';
import { captureCases, newPipeline, timeOrderedFrames, VXLAN_PORTS } from '../helpers/capture-cases.js';
import { capturesDir } from '../helpers/paths.js';

function pushAll(p: AnalysisPipeline, frames: readonly CapturedFrame[], from: number, to = frames.length): AnalysisPipeline {
  for (let i = from; i < to; i++) p.push(frames[i]);
  return p;
}

function finished(p: AnalysisPipeline) {
  p.finish();
  return p.report();
}

/** Cut points: the ends, a few spread through the capture. */
function cuts(n: number): number[] {
  return [...new Set([0, 1, Math.floor(n / 4), Math.floor(n / 2), Math.floor((3 * n) / 4), n - 1, n].filter((k) => k >= 0 && k <= n))];
}

describe('AnalysisPipeline.clone()', () => {
  it.each(captureCases())('$name', (c) => {
    const frames = timeOrderedFrames(c.file);
    expect(frames.length).toBeGreaterThan(0);
    const straight = finished(pushAll(newPipeline(c), frames, 0));
    for (const k of cuts(frames.length)) {
      const original = pushAll(newPipeline(c), frames, 0, k);
      const forked = original.clone();
      const frozen = original.clone();
      original.clone().finish(); // finishing a clone must not disturb the original
      // Continued separately, both end where a straight run ends.
      expect(finished(pushAll(forked, frames, k)), `clone at ${k}`).toEqual(straight);
      expect(finished(pushAll(original, frames, k)), `original after a clone at ${k}`).toEqual(straight);
      // The clone kept the state after frame k: what `analyze -c k` reports (count 0 means all).
      const firstK = k === 0 ? finished(newPipeline(c))
        : runAnalysis([c.file], createEngines, { topologyFiles: c.topology, vxlanPorts: VXLAN_PORTS, count: k }).pipeline.report();
      expect(finished(frozen), `state at ${k}`).toEqual(firstK);
    }
  });

  it('count 0 analyses every frame', () => {
    const file = resolve(capturesDir, 'napt/napt-multi.pcapng');
    expect(runAnalysis([file], createEngines, { count: 0 }).pipeline.frames).toBe(66);
    expect(runAnalysis([file], createEngines, { count: 10 }).pipeline.frames).toBe(10);
  });
});

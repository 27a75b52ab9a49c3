// ReplayIndex pushes frames through the pipeline in batches that end at checkpoints. Each step
// of the timeline must still hold exactly the changes that frame made when pushed alone (also
// under a cap on the changes kept, which counts per step), and each checkpoint the state after
// its step.
import { describe, expect, it } from 'vitest';
import { createEngines } from '../../src/analysis/engines.js';
import { AnalysisPipeline } from '../../src/analysis/pipeline.js';
import { ReplayIndex } from '../../src/replay/indexer.js';
import { captureCases, timeOrderedFrames, VXLAN_PORTS } from '../helpers/capture-cases.js';
import { Topology } from '../../src/topology/model.js';

const cases = captureCases().filter((c) => c.topology.length === 0);

describe('ReplayIndex in batches', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: steps and checkpoints as frame by frame', (_name, c) => {
    for (const limits of [undefined, { events: 3 }]) {
      const topology = new Topology([]);
      const options = { topology, ageingSeconds: 300, vxlanPorts: VXLAN_PORTS, limits };
      const index = new ReplayIndex([c.file], createEngines, { ...options, checkpointEvery: 7 }).indexAll();
      // Frame by frame: a pipeline as the index configures its own, its changes moved out after every frame.
      const frames = timeOrderedFrames(c.file);
      const alone = new AnalysisPipeline(createEngines(index.engineOptions), index.pipelineOptions, topology);
      expect(index.timeline.length).toBe(frames.length);
      for (let step = 0; step < frames.length; step++) {
        alone.push(frames[step]);
        expect(index.timeline.no(step)).toBe(frames[step].no);
        expect(index.timeline.changesOf(step), `step ${step}, limits ${JSON.stringify(limits)}`).toEqual(alone.events.splice(0));
        const checkpoint = index.checkpoints.find((k) => k.steps === step + 1);
        if (checkpoint !== undefined) expect(checkpoint.pipeline.clone().report(), `checkpoint after ${step + 1}`).toEqual(alone.clone().report());
      }
      alone.finish();
      expect(index.timeline.finishChanges).toEqual(alone.events.splice(0));
    }
  });
});

// Glue from capture files to the analysis pipeline: open (merged by time), put in
// true timestamp order, decode and run the engines. Used by `analyze` and by tests.

import { readFileSync } from 'node:fs';
import { openCaptures } from '../capture/open.js';
import { TimeOrderedSource } from '../capture/reorder.js';
import type { RawFrame, ReadIssue } from '../capture/types.js';
import { AnalysisPipeline, MAX_BATCH, type PipelineOptions } from '../analysis/pipeline.js';
import type { AnalysisFrame, Change, Engine, EngineOptions } from '../analysis/types.js';
import { resolveLimits } from '../analysis/limits.js';
import { parseTopologyFile } from '../topology/detect.js';
import { Topology } from '../topology/model.js';

export interface AnalysisRun {
  pipeline: AnalysisPipeline;
  readIssues: readonly ReadIssue[];
  /** Frames the reorder window could not put back in time order. */
  lateFrames: number;
  /** That window, for the message about them (TimeOrderedSource.windowText). */
  lateWindow: string;
}

export function loadTopology(paths: readonly string[]): Topology {
  // each file's format is recognised from its content (detect.ts); several tools and hosts merge
  return Topology.merge(paths.map((p) => parseTopologyFile(readFileSync(p, 'utf8'), p)));
}

export interface AnalysisRunOptions extends PipelineOptions {
  topologyFiles?: readonly string[];
  /** The topology already loaded (topologyFiles are then not read). */
  topologyLoaded?: Topology;
  /** Stop after this many frames of the time-ordered sequence (0 or absent: all). */
  count?: number;
  /**
   * Called for each frame after the engines took it, with the changes it caused, in frame
   * order; then once with `raw` null for the changes the end of input settles. A frame, its
   * bytes and its changes are valid until the next call at least (frames are analysed in
   * batches, AnalysisPipeline.pushBatch: until the next batch is pushed, in fact).
   */
  eachFrame?: (raw: RawFrame | null, frame: AnalysisFrame | null, changes: readonly Change[]) => void;
}

export function runAnalysis(
  files: readonly string[],
  makeEngines: (options: EngineOptions) => Engine[],
  options: AnalysisRunOptions = {},
): AnalysisRun {
  const topology = options.topologyLoaded ?? loadTopology(options.topologyFiles ?? []);
  const engineOptions: EngineOptions = {
    topology,
    ageingSeconds: options.ageingSeconds ?? 300,
    vxlanPorts: options.vxlanPorts ?? [4789],
    limits: resolveLimits(options.limits),
  };
  const source = new TimeOrderedSource(openCaptures(files));
  // Callers see frames through eachFrame only for filters, which read no checksum verdict.
  const pipeline = new AnalysisPipeline(makeEngines(engineOptions), {
    ...options, captureInterfaces: source.interfaces, verifyChecksums: options.verifyChecksums ?? false,
  }, topology);
  try {
    const limit = options.count !== undefined && options.count > 0 ? options.count : Infinity;
    const eachFrame = options.eachFrame;
    const batch: RawFrame[] = [];
    while (pipeline.frames < limit) {
      // In batches: the frames of one stay valid until the source's next call.
      const n = source.nextBatch(batch, Math.min(MAX_BATCH, limit - pipeline.frames));
      if (n === 0) break;
      pipeline.pushBatch(batch, n);
      if (eachFrame !== undefined) for (let k = 0; k < n; k++) eachFrame(batch[k], pipeline.batchFrame(k), pipeline.batchChanges(k));
    }
    pipeline.finish();
    options.eachFrame?.(null, null, pipeline.lastChanges);
  } finally {
    source.close();
  }
  return { pipeline, readIssues: source.issues, lateFrames: source.lateFrames, lateWindow: source.windowText };
}

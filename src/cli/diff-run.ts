// Analysis of one side of `dockshark diff`: the captures merged in time order through the
// analysis engines, without IPv6 housekeeping (router and neighbour discovery, MLD):
// the kernel sends it on its own whenever an interface comes up, a simulation of the
// traffic cannot know when, and the random MACs it carries would show as extra entries.
// (Left out before the analysis, not after as `check` must: a port learned from MLD alone
// would still show. DIFF_PRESET's ipv6-noise then finds nothing left to drop.)

import { createEngines } from '../analysis/engines.js';
import { isIpv6Housekeeping, type HousekeepingReport } from '../analysis/ipv6-housekeeping.js';
import { AnalysisPipeline } from '../analysis/pipeline.js';
import { openCaptures } from '../capture/open.js';
import { TimeOrderedSource } from '../capture/reorder.js';
import { FrameDecoder } from '../decode/index.js';
import { Topology } from '../topology/model.js';
import type { ReadIssue } from '../capture/types.js';
import type { Run } from '../verify/compare/compare.js';

export interface DiffSide extends Run {
  readonly frames: number;
  /** The housekeeping frames left out (`macs`: none, they were never analysed). */
  readonly housekeeping: HousekeepingReport;
  /** Problems the readers met with the files. */
  readonly readIssues: readonly ReadIssue[];
}

export function analyseSide(files: readonly string[], vxlanPorts: readonly number[]): DiffSide {
  const topology = Topology.merge([]);
  const engineOptions = { topology, ageingSeconds: 300, vxlanPorts: [...vxlanPorts] };
  const source = new TimeOrderedSource(openCaptures([...files]));
  const pipeline = new AnalysisPipeline(createEngines(engineOptions), { ...engineOptions, keepEvents: false, captureInterfaces: source.interfaces }, topology);
  const decoder = new FrameDecoder({ vxlanPorts: [...vxlanPorts] });
  let ignored = 0;
  try {
    for (let raw = source.next(); raw !== null; raw = source.next()) {
      if (isIpv6Housekeeping(decoder.decode(raw).layers)) ignored++;
      else pipeline.push(raw);
    }
    pipeline.finish();
  } finally {
    source.close();
  }
  const report = pipeline.report();
  delete report.events;
  return { report, changes: [], frames: pipeline.frames, housekeeping: { frames: ignored, macs: [] }, readIssues: source.issues };
}

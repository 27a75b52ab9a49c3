// Analysis of one side of `dockshark diff`: the captures merged in time order through
// the analysis engines, without IPv6 housekeeping (router and neighbour discovery, MLD):
// the kernel sends it on its own whenever an interface comes up, a simulation of the
// traffic cannot know when, and the random MACs it carries would show as extra entries.

import { createEngines } from '../analysis/engines.js';
import { AnalysisPipeline } from '../analysis/pipeline.js';
import { openCaptures } from '../capture/open.js';
import { TimeOrderedSource } from '../capture/reorder.js';
import { FrameDecoder, type DecodedFrame, type JsonValue } from '../decode/index.js';
import { Topology } from '../topology/model.js';

/** ICMPv6 types of MLD (130-132, 143) and neighbour discovery (133-136). */
const HOUSEKEEPING = new Set([130, 131, 132, 133, 134, 135, 136, 143]);

export interface DiffSide {
  report: Record<string, JsonValue>;
  frames: number;
  /** IPv6 housekeeping frames left out. */
  ignored: number;
}

function isHousekeeping(frame: DecodedFrame): boolean {
  const layers = frame.layers;
  for (let i = 0; i < layers.count; i++) {
    const layer = layers.items[i];
    if (layer.proto === 'icmpv6' && HOUSEKEEPING.has(layer.type)) return true;
  }
  return false;
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
      if (isHousekeeping(decoder.decode(raw))) ignored++;
      else pipeline.push(raw);
    }
    pipeline.finish();
  } finally {
    source.close();
  }
  return { report: pipeline.report(), frames: pipeline.frames, ignored };
}

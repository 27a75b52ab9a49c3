// dockshark analyze over a long capture, sampling memory against the live table entries:
// does peak RSS follow what the engines hold (FDB, ARP, live NAT connections, VXLAN FDB),
// or the length of the capture? Runs as bench/workers/analyze.mjs does (reorder, decode,
// copy tracking, every engine, change counts only), and every `every` frames records
// RSS, the heap after a full GC (with --expose-gc) and the live entries.
// Usage: node --expose-gc bench/workers/analyze-soak.mjs FILE [every=1000000]
// (bench/generate.mjs 8000000 makes the 8M-frame mix, 1.6 GB in os.tmpdir())

import { createEngines } from '../../dist/analysis/engines.js';
import { AnalysisPipeline } from '../../dist/analysis/pipeline.js';
import { openCaptures } from '../../dist/capture/open.js';
import { TimeOrderedSource } from '../../dist/capture/reorder.js';
import { Topology } from '../../dist/topology/model.js';
import { timed } from './report.mjs';

const file = process.argv[2];
const every = Number(process.argv[3] ?? 1_000_000);

/** What the engines hold now (counted from their reports: only at sample points). */
function liveEntries(pipeline) {
  const byName = new Map(pipeline.engines.map((e) => [e.name, e]));
  const report = pipeline.report();
  return {
    fdb: report.bridges.reduce((n, b) => n + b.fdb.length, 0),
    arp: report.arp.length,
    natLive: byName.get('nat').activeCount,
    natSeen: report.nat.length,
    overlayFdb: report.overlay.fdb.length,
  };
}

function sample(pipeline) {
  if (typeof globalThis.gc === 'function') globalThis.gc();
  const m = process.memoryUsage();
  return {
    frames: pipeline.frames,
    rssMB: Math.round(m.rss / 1e5) / 10,
    heapAfterGcMB: Math.round(m.heapUsed / 1e5) / 10,
    ...liveEntries(pipeline),
  };
}

await timed(() => {
  const topology = Topology.empty();
  const options = { topology, ageingSeconds: 300, vxlanPorts: [4789, 8472], keepEvents: false };
  const source = new TimeOrderedSource(openCaptures([file]));
  const pipeline = new AnalysisPipeline(createEngines(options), { ...options, captureInterfaces: source.interfaces }, topology);
  const samples = [];
  // Sampling (a full GC and a report) is not timed work: its time is taken out.
  let samplingSeconds = 0;
  for (let raw = source.next(); raw !== null; raw = source.next()) {
    pipeline.push(raw);
    if (pipeline.frames % every === 0) {
      const started = performance.now();
      samples.push(sample(pipeline));
      samplingSeconds += (performance.now() - started) / 1000;
    }
  }
  pipeline.finish();
  source.close();
  return { frames: pipeline.frames, samplingSeconds, samples };
});

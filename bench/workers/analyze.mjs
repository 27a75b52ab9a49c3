// dockshark analyze without output: reordering, decoding, copy tracking and every
// engine (FDB, ARP, NAPT, overlay), as `dockshark analyze` runs them, keeping only
// change counts (not the change log) so memory reflects live table entries.
// natEntries: NAT connections seen (the report lists them all); natLive: those not expired.
// Usage: node bench/workers/analyze.mjs FILE   (analyze-soak.mjs samples memory along a long run)

import { createEngines } from '../../dist/analysis/engines.js';
import { runAnalysis } from '../../dist/api/analysis-run.js';
import { timed } from './report.mjs';

await timed(() => {
  const run = runAnalysis([process.argv[2]], createEngines, { vxlanPorts: [4789, 8472], keepEvents: false });
  const report = run.pipeline.report();
  return {
    frames: report.frames,
    fdbEntries: report.bridges.reduce((n, b) => n + b.fdb.length, 0),
    arpEntries: report.arp.length,
    natEntries: report.nat.length,
    natLive: run.pipeline.engines.find((e) => e.name === 'nat').activeCount,
    changes: [...run.pipeline.changeCounts.values()].reduce((a, b) => a + b, 0),
  };
});

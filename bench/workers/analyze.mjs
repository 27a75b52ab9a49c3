// dockshark analyze without output: reordering, decoding, copy tracking and every
// engine (FDB, ARP, NAPT, overlay), as `dockshark analyze` runs them, keeping only
// change counts (not the change log) so memory reflects live table entries.
// natEntries: NAT connections seen (the report lists them all); natLive: those not expired.
// Usage: node bench/workers/analyze.mjs FILE [--engines LIST]   (analyze-soak.mjs samples memory along a long run)
//   --engines  only these engines, comma-separated from fdb, arp, nat, overlay, in analyze's
//              order; empty (`--engines ''`) runs the reorder, decode and pipeline alone. What
//              each engine adds to that is its own cost.

import { parseArgs } from 'node:util';
import { createEngines } from '../../dist/analysis/engines.js';
import { runAnalysis } from '../../dist/api/analysis-run.js';
import { timed } from './report.mjs';

const ENGINE_NAMES = { fdb: 'bridges', arp: 'arp', nat: 'nat', overlay: 'overlay' };
const { values: opts, positionals } = parseArgs({ options: { engines: { type: 'string' } }, allowPositionals: true });
const wanted = opts.engines === undefined ? null : opts.engines.split(',').filter((name) => name !== '');
for (const name of wanted ?? []) {
  if (!(name in ENGINE_NAMES)) {
    console.error(`bench: --engines takes fdb, arp, nat and overlay, not '${name}'.`);
    process.exit(2);
  }
}
const names = wanted === null ? null : new Set(wanted.map((name) => ENGINE_NAMES[name]));
const engines = (options) => createEngines(options).filter((engine) => names === null || names.has(engine.name));

await timed(() => {
  const run = runAnalysis([positionals[0]], engines, { vxlanPorts: [4789, 8472], keepEvents: false });
  const report = run.pipeline.report();
  return {
    frames: report.frames,
    fdbEntries: report.bridges?.reduce((n, b) => n + b.fdb.length, 0) ?? null,
    arpEntries: report.arp?.length ?? null,
    natEntries: report.nat?.length ?? null,
    natLive: run.pipeline.engines.find((e) => e.name === 'nat')?.activeCount ?? null,
    changes: [...run.pipeline.changeCounts.values()].reduce((a, b) => a + b, 0),
  };
});

// The replay index on one capture, as the UI builds it: the first slice (the first screen's
// frames), then the rest; then a seek to the end and to the middle. Prints one JSON line
// with the times and the peak RSS (sampled after every slice).
// Usage: node bench/workers/index-big.mjs FILE

import { createEngines } from '../../dist/analysis/engines.js';
import { ReplayCursor } from '../../dist/replay/cursor.js';
import { ReplayIndex } from '../../dist/replay/indexer.js';

const file = process.argv[2];
let peak = 0;
const sample = () => { peak = Math.max(peak, process.memoryUsage.rss()); };
const t0 = performance.now();
const index = new ReplayIndex([file], createEngines, { vxlanPorts: [4789, 8472] });
index.advance(2_000);
const cursor = new ReplayCursor(index);
cursor.seek(1);
cursor.report({ events: false });
const firstScreenMs = performance.now() - t0;
while (!index.advance(20_000)) sample();
const indexSeconds = (performance.now() - t0) / 1000;
const timed = (action) => { const t = performance.now(); action(); cursor.report({ events: false }); sample(); return Math.round(performance.now() - t); };
const seekEndMs = timed(() => cursor.last());
const stepBackMs = timed(() => cursor.back());
const seekMiddleMs = timed(() => cursor.seek(Math.floor(index.timeline.length / 2)));
const frames = index.timeline.length;
console.log(JSON.stringify({
  frames, firstScreenMs: Math.round(firstScreenMs), indexSeconds: +indexSeconds.toFixed(1), framesPerSecond: Math.round(frames / indexSeconds),
  seekEndMs, stepBackMs, seekMiddleMs, checkpoints: index.checkpoints.length,
  indexColumnsMB: +(index.timeline.columnBytes / 1e6).toFixed(1), changes: index.timeline.changeCount, peakRssMB: Math.round(peak / 1e6),
}));
cursor.close();
index.close();

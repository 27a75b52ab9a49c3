// The replay engine on a large capture: how soon the first screen's data is ready, how
// fast the whole index builds, and how long a step, a step back and a random seek take.
// Usage: node bench/replay.mjs [--frames N] [--slice N]   (npm run build first)
//   --frames  frames in the capture (default 1,000,000: the "1-million-frame file")
//   --slice   frames indexed before the first screen (default 20,000, as the TUI does)

import { parseArgs } from 'node:util';
import { createEngines } from '../dist/analysis/engines.js';
import { ReplayCursor } from '../dist/replay/cursor.js';
import { ReplayIndex } from '../dist/replay/indexer.js';
import { ensureMix } from './generate.mjs';

const { values: opts } = parseArgs({ options: { frames: { type: 'string', default: '1000000' }, slice: { type: 'string', default: '20000' } } });
const mix = ensureMix(Number(opts.frames));
const slice = Number(opts.slice);
const ms = (t0) => performance.now() - t0;

const t0 = performance.now();
const index = new ReplayIndex([mix.path], createEngines, { vxlanPorts: [4789, 8472] });
index.advance(slice);
const cursor = new ReplayCursor(index);
cursor.seek(1);
cursor.report({ events: false });
const firstScreenMs = ms(t0);

const t1 = performance.now();
while (!index.advance(slice));
const indexSeconds = ms(t1) / 1000 + firstScreenMs / 1000;

// Deterministic pseudo-random positions (a linear congruential sequence), so runs compare.
let seed = 12345;
const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return 1 + (seed % n); };
const total = index.timeline.length;
function timeEach(count, prepare, action) {
  const times = [];
  for (let i = 0; i < count; i++) {
    prepare(i);
    const t = performance.now();
    action(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { medianMs: times[times.length >> 1], p99Ms: times[Math.floor(times.length * 0.99)], maxMs: times.at(-1) };
}
const step = timeEach(1000, (i) => { if (i % 100 === 0) cursor.seek(random(total - 200)); }, () => { cursor.forward(); cursor.report({ events: false }); });
const back = timeEach(300, (i) => { if (i % 30 === 0) cursor.seek(random(total - 200) + 100); }, () => { cursor.back(); cursor.report({ events: false }); });
const seek = timeEach(300, () => {}, () => { cursor.seek(random(total)); cursor.report({ events: false }); });
cursor.close();

console.log(JSON.stringify({
  frames: total,
  file: mix.path,
  firstSliceFrames: slice,
  firstScreenDataMs: Number(firstScreenMs.toFixed(1)),
  indexSeconds: Number(indexSeconds.toFixed(2)),
  indexFramesPerSecond: Math.round(total / indexSeconds),
  checkpoints: index.checkpoints.length,
  stepForwardAndReport: step,
  stepBackAndReport: back,
  randomSeekAndReport: seek,
  maxRssMB: Number((process.resourceUsage().maxRSS / 1024 / 1.048576).toFixed(1)),
}, null, 1));

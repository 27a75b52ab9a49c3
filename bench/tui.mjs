// The terminal UI on a large capture, rendered in-process (ink-testing-library, 120x40 or --size):
// time to the first screen (session start, first index slice, first paint) and the time a
// step takes to reach the screen (key action to the next painted frame), while indexing
// continues in the background as it does in the real UI.
// Usage: node bench/tui.mjs [--frames N] [--steps N] [--size 120x40]   (npm run build first)

import { parseArgs } from 'node:util';
import { ensureMix } from './generate.mjs';

const { values: opts } = parseArgs({ options: { frames: { type: 'string', default: '1000000' }, steps: { type: 'string', default: '200' }, size: { type: 'string', default: '120x40' } } });
const mix = ensureMix(Number(opts.frames));
const [width, height] = opts.size.split('x').map(Number);
// The CLI loads Ink and React when the UI starts, so their load time counts in the first screen.
// As the CLI does before loading the UI (src/cli/open-command.ts): React's production build.
process.env.NODE_ENV ??= 'production';
const t0 = performance.now();
const [{ render }, { createElement }, { App }, { ReplaySession }] = await Promise.all([
  import('ink-testing-library'), import('react'), import('../dist/ui/App.js'), import('../dist/ui/session.js'),
]);
const loadedMs = performance.now() - t0;
const session = new ReplaySession([mix.path], { vxlanPorts: [4789, 8472] });
session.start();
const app = render(createElement(App, { session, width, height }));
await painted(() => app.lastFrame()?.includes('step 1/'));
const firstScreenMs = performance.now() - t0;

/** Waits (yielding to the event loop) until `ready()` holds; returns the milliseconds waited. */
async function painted(ready) {
  const started = performance.now();
  while (!ready()) await new Promise((resolve) => setImmediate(resolve));
  return performance.now() - started;
}

const times = [];
for (let i = 0; i < Number(opts.steps); i++) {
  const before = app.lastFrame();
  const started = performance.now();
  session.step(1);
  await painted(() => app.lastFrame() !== before);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const indexed = session.index.timeline.length;
app.unmount();
session.close();
console.log(JSON.stringify({
  frames: mix.frames,
  size: `${width}x${height}`,
  inkReactLoadMs: Number(loadedMs.toFixed(0)),
  firstScreenMs: Number(firstScreenMs.toFixed(0)),
  stepToScreenMs: { median: Number(times[times.length >> 1].toFixed(1)), p90: Number(times[Math.floor(times.length * 0.9)].toFixed(1)), max: Number(times.at(-1).toFixed(1)) },
  framesIndexedMeanwhile: indexed,
  maxRssMB: Number((process.resourceUsage().maxRSS / 1024 / 1.048576).toFixed(1)),
}));
process.exit(0);

// The terminal UI on a large capture: time to the first screen (session start, first index
// slice, first paint) and the time from a key press to the terminal write that paints its
// step, while indexing continues in the background as it does in the real UI.
//
// --mode real (default): the UI is mounted as the CLI mounts it (src/ui/start.ts's mountUi,
//   so Ink's options are the CLI's: its render throttle, log-update) on a fake TTY of --size
//   (the App sizes itself from it, as from a real terminal). Keys ('n': step forward) come
//   from another thread, like a terminal's: --keys tap presses one every 50-150 ms
//   (pseudo-random, the same in every run), --keys hold every 33 ms (a held key's autorepeat).
//   A key's time runs from when it was sent to Ink's write that shows its step: waiting for
//   the event loop (an indexing slice, a render) counts, as it does for a user.
//   --at N: first go to step N (once indexed that far, as `:` would), then type: a step deep
//   in the capture, where the tables are long (this mix's NAT table grows with the capture).
// --mode lib: ink-testing-library (Ink's debug mode: no throttle, no log-update), each step
//   started as soon as the previous one painted: the earlier figure, for comparison.
//
// Usage: node bench/tui.mjs [--mode real|lib] [--keys tap|hold] [--at N] [--frames N] [--steps N] [--size 120x40]
//   (npm run build first)

import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { ensureMix } from './generate.mjs';
import { FakeStdin, FakeStdout, environmentAsTheCli, paintedStep as stepPainted } from './lib/fake-terminal.mjs';

const { values: opts } = parseArgs({
  options: {
    mode: { type: 'string', default: 'real' }, keys: { type: 'string', default: 'tap' }, frames: { type: 'string', default: '1000000' },
    steps: { type: 'string', default: '200' }, size: { type: 'string', default: '120x40' }, at: { type: 'string', default: '0' },
  },
});
if (!['real', 'lib'].includes(opts.mode) || !['tap', 'hold'].includes(opts.keys)) throw new Error('--mode real|lib, --keys tap|hold');
const mix = ensureMix(Number(opts.frames));
const [width, height] = opts.size.split('x').map(Number);
const steps = Number(opts.steps);
// The CLI loads Ink and React when the UI starts, so their load time counts in the first screen.
environmentAsTheCli();

const t0 = performance.now();
const [{ createElement }, { render }, { mountUi }, { App }, { ReplaySession }] = await Promise.all([
  import('react'), opts.mode === 'lib' ? import('ink-testing-library') : Promise.resolve({}),
  import('../dist/ui/start.js'), import('../dist/ui/App.js'), import('../dist/ui/session.js'),
]);
const loadedMs = performance.now() - t0;
const session = new ReplaySession([mix.path], { vxlanPorts: [4789, 8472] });
session.start();

const result = opts.mode === 'lib' ? await runLib() : await runReal();
const indexed = session.index.timeline.length;
session.close();
console.log(JSON.stringify({
  mode: opts.mode, ...(opts.mode === 'real' ? { keys: opts.keys } : {}), frames: mix.frames, size: `${width}x${height}`, at: Number(opts.at),
  inkReactLoadMs: Math.round(loadedMs), ...result, framesIndexedMeanwhile: indexed,
  maxRssMB: Number((process.resourceUsage().maxRSS / 1024 / 1.048576).toFixed(1)),
}));
process.exit(0);

async function runReal() {
  const stdin = new FakeStdin();
  const stdout = new FakeStdout(width, height);
  let paintedStep = 0;
  let firstPaint = null;
  /** Keys sent and not yet painted: the step each should show, when it was sent, and whether indexing was still going. */
  const pending = [];
  const samples = [];
  stdout.onWrite = (text, at) => {
    const step = stepPainted(text);
    if (step === null) return;
    paintedStep = step;
    firstPaint ??= performance.now();
    while (pending.length > 0 && pending[0].step <= paintedStep) {
      const key = pending.shift();
      samples.push({ ms: at - key.sentAt, indexing: key.indexing });
    }
  };
  const app = mountUi(session, { stdin, stdout });
  while (firstPaint === null) await new Promise((resolve) => setImmediate(resolve));
  const firstScreenMs = firstPaint - t0;
  await goToStart();
  const bytesBefore = stdout.bytes;
  const writesBefore = stdout.writes;

  let expected = session.cursor.position;
  const typist = new Worker(new URL('./workers/tui-keys.mjs', import.meta.url));
  await new Promise((resolve, reject) => {
    typist.on('error', reject);
    typist.on('message', (message) => {
      if (message.done) return resolve();
      pending.push({ step: ++expected, sentAt: message.sentAt, indexing: !session.index.done });
      stdin.type(message.key);
    });
    typist.postMessage({ key: 'n', gaps: keyGaps(steps) });
  });
  // The last keys may still be waiting for a throttled paint.
  const until = performance.now() + 1000;
  while (pending.length > 0 && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
  await typist.terminate();
  app.unmount();
  const during = samples.filter((s) => s.indexing).map((s) => s.ms);
  const after = samples.filter((s) => !s.indexing).map((s) => s.ms);
  return {
    firstScreenMs: Math.round(firstScreenMs),
    keyToPaintMs: stats(samples.map((s) => s.ms)),
    whileIndexing: stats(during),
    afterIndexing: stats(after),
    unpainted: pending.length,
    bytesPerStep: Math.round((stdout.bytes - bytesBefore) / steps),
    writesPerStep: Number(((stdout.writes - writesBefore) / steps).toFixed(1)),
  };
}

/** Milliseconds between keys: pseudo-random 50-150 (a linear congruential sequence, so runs compare) or a 30 Hz autorepeat. */
function keyGaps(count) {
  if (opts.keys === 'hold') return Array.from({ length: count }, () => 33);
  let seed = 12345;
  return Array.from({ length: count }, () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return 50 + (seed % 101);
  });
}

async function runLib() {
  const app = render(createElement(App, { session, width, height }));
  await painted(() => app.lastFrame()?.includes('step 1/'));
  const firstScreenMs = performance.now() - t0;
  await goToStart();
  const times = [];
  for (let i = 0; i < steps; i++) {
    const before = app.lastFrame();
    const started = performance.now();
    session.step(1);
    await painted(() => app.lastFrame() !== before);
    times.push(performance.now() - started);
  }
  app.unmount();
  return { firstScreenMs: Math.round(firstScreenMs), stepToScreenMs: stats(times) };
}

/** --at: waits until step N is indexed, goes there, and lets the screen settle. */
async function goToStart() {
  const at = Number(opts.at);
  if (at <= 0) return;
  while (session.index.timeline.length < at + steps && !session.index.done) await new Promise((resolve) => setTimeout(resolve, 20));
  session.seek(at);
  await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Waits (yielding to the event loop) until `ready()` holds. */
async function painted(ready) {
  while (!ready()) await new Promise((resolve) => setImmediate(resolve));
}

function stats(values) {
  if (values.length === 0) return { n: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => Number(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))].toFixed(1));
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) };
}

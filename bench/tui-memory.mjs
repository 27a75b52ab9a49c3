// The terminal UI's memory over a long session: the UI mounted as the CLI mounts it (as in
// bench/tui.mjs) on a fake TTY, the capture indexed to the end, then N steps forward ('n'
// typed, each waited for until painted), with the heap measured after a full garbage
// collection every --every steps. A UI that keeps something per step shows a heap growing
// with the steps; one that keeps only bounded caches levels off.
// Usage: node --expose-gc bench/tui-memory.mjs [--frames N] [--steps N] [--every N] [--size 120x40]
//   (npm run build first)

import { parseArgs } from 'node:util';
import { ensureMix } from './generate.mjs';
import { FakeStdin, FakeStdout, environmentAsTheCli, paintedStep as stepPainted } from './lib/fake-terminal.mjs';

const { values: opts } = parseArgs({
  options: {
    frames: { type: 'string', default: '1000000' }, steps: { type: 'string', default: '20000' },
    every: { type: 'string', default: '5000' }, size: { type: 'string', default: '120x40' },
  },
});
if (typeof globalThis.gc !== 'function') throw new Error('Run with node --expose-gc.');
environmentAsTheCli();
const mix = ensureMix(Number(opts.frames));
const [width, height] = opts.size.split('x').map(Number);
const steps = Number(opts.steps);
const every = Number(opts.every);
const [{ mountUi }, { ReplaySession }] = await Promise.all([import('../dist/ui/start.js'), import('../dist/ui/session.js')]);

const session = new ReplaySession([mix.path], { vxlanPorts: [4789, 8472] });
session.start();
const stdin = new FakeStdin();
const stdout = new FakeStdout(width, height);
let paintedStep = 0;
stdout.onWrite = (text) => {
  paintedStep = stepPainted(text) ?? paintedStep;
};
const app = mountUi(session, { stdin, stdout });
while (!session.index.done) await new Promise((resolve) => setTimeout(resolve, 50));
const heapMB = () => {
  globalThis.gc();
  return Number((process.memoryUsage().heapUsed / 1e6).toFixed(1));
};
const heap = [{ steps: 0, heapMB: heapMB() }];
for (let i = 1; i <= steps; i++) {
  const want = session.cursor.position + 1;
  stdin.type('n');
  while (paintedStep < want) await new Promise((resolve) => setTimeout(resolve, 1));
  if (i % every === 0) heap.push({ steps: i, heapMB: heapMB() });
}
app.unmount();
session.close();
const last = heap[heap.length - 1];
const half = heap[Math.floor(heap.length / 2)];
console.log(JSON.stringify({
  frames: mix.frames, size: `${width}x${height}`, steps, heap,
  // Growth over the second half of the run, when bounded caches have filled.
  kBPerStepSecondHalf: Number((((last.heapMB - half.heapMB) * 1000) / Math.max(1, last.steps - half.steps)).toFixed(2)),
}));
process.exit(0);

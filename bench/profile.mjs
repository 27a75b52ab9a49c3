// Where the time goes: runs the decode worker (or the CLI with --cli) under `node --cpu-prof` on
// the benchmark capture, then prints the functions with the most self time (mapped back to src/
// through dist's source maps) and the self time per file.
// Usage: node bench/profile.mjs [--frames N] [--top N] [--no-inlining] [--cli text|ndjson] [--worker NAME]
//   (npm run build first)
//   --worker       profiles another bench worker (decode by default; analyze, read)
//   --cli          profiles `dockshark decode FILE [--ndjson] > /dev/null` instead of read+decode
//   --no-inlining  runs V8 without inlining, so that every function's time is its own and its
//                  hottest lines can be shown: with inlining, a line number the profiler reports
//                  for a function may belong to a callee in another file. Slower overall.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureMix } from './generate.mjs';
import { runWorker } from './measure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    frames: { type: 'string', default: '2000000' },
    top: { type: 'string', default: '25' },
    'no-inlining': { type: 'boolean', default: false },
    cli: { type: 'string' },
    worker: { type: 'string', default: 'decode' },
  },
});
if (opts.cli !== undefined && !['text', 'ndjson'].includes(opts.cli)) {
  console.error(`bench: --cli takes text or ndjson, not '${opts.cli}'.`);
  process.exit(2);
}
const mix = ensureMix(Number(opts.frames));
const dir = path.join(root, 'bench/out/profile');
fs.rmSync(dir, { recursive: true, force: true });
const inlining = !opts['no-inlining'];
const nodeArgs = ['--cpu-prof', '--cpu-prof-dir', dir, ...(inlining ? [] : ['--no-turbo-inlining'])];
if (!['decode', 'analyze', 'read'].includes(opts.worker)) {
  console.error(`bench: --worker takes decode, analyze or read, not '${opts.worker}'.`);
  process.exit(2);
}
const what = opts.cli ? `dockshark decode${opts.cli === 'ndjson' ? ' --ndjson' : ''} (CLI)` : `worker ${opts.worker}`;
const seconds = opts.cli ? profileCli() : runWorker(opts.worker, [mix.path], nodeArgs).seconds;

/** Whole-process seconds of the CLI, stdout to /dev/null as in the benchmark. */
function profileCli() {
  const args = [...nodeArgs, path.join(root, 'dist/cli/main.js'), 'decode', mix.path, '--vxlan-port', '8472'];
  if (opts.cli === 'ndjson') args.push('--ndjson');
  const devNull = fs.openSync('/dev/null', 'w');
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { stdio: ['ignore', devNull, 'inherit'] });
  fs.closeSync(devNull);
  if (child.status !== 0) throw new Error(`the CLI exited with ${child.status}.`);
  return (performance.now() - started) / 1000;
}
const file = fs.readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));

// dist/x.js line (1-based) -> "src/x.ts:line", through the .js.map next to the file.
const maps = new Map();
function sourceLine(url, line) {
  if (!url.startsWith('file:')) return `${url}:${line}`;
  const js = fileURLToPath(url);
  if (!maps.has(js)) {
    const map = fs.existsSync(`${js}.map`) ? new SourceMap(JSON.parse(fs.readFileSync(`${js}.map`, 'utf8'))) : null;
    maps.set(js, { map, lines: fs.readFileSync(js, 'utf8').split('\n') });
  }
  const { map, lines } = maps.get(js);
  const column = Math.max(0, (lines[line - 1] ?? '').search(/\S/)); // first token: the line's own mapping
  const entry = map?.findEntry(line - 1, column);
  if (!entry?.originalSource) return `${path.relative(root, js)}:${line}`;
  return `${path.relative(root, fileURLToPath(new URL(entry.originalSource, url)))}:${entry.originalLine + 1}`;
}

// Self time of a node = the sampling intervals (timeDeltas) whose sample landed in it;
// positionTicks splits a node's samples by line.
const selfMicros = new Map();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byFunction = new Map();
const byFile = new Map();
let total = 0;
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0;
  if (micros === 0) continue;
  total += micros;
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? sourceLine(url, lineNumber + 1) : '';
  const key = `${functionName || '(anonymous)'} ${where}`.trim();
  const entry = byFunction.get(key) ?? { micros: 0, ticks: 0, lines: new Map() };
  entry.micros += micros;
  for (const { line, ticks } of node.positionTicks ?? []) {
    const at = sourceLine(url, line);
    entry.lines.set(at, (entry.lines.get(at) ?? 0) + ticks);
    entry.ticks += ticks;
  }
  byFunction.set(key, entry);
  const fileKey = url ? where.replace(/:\d+$/, '') : functionName;
  byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + micros);
}

const ms = (micros) => `${(micros / 1000).toFixed(0).padStart(6)} ms ${((micros / total) * 100).toFixed(1).padStart(5)} %`;
console.log(
  `${what} of ${mix.frames.toLocaleString('en-US')} frames: ${seconds.toFixed(3)} s${opts.cli ? '' : ' in-process'} ` +
    `(${(mix.frames / seconds / 1e6).toFixed(2)} M frames/s under the profiler${inlining ? '' : ', V8 inlining off'}); ` +
    `${(total / 1000).toFixed(0)} ms sampled.`,
);
console.log(
  `\nTop ${opts.top} functions by self time${inlining ? ' (inlined callees count in their caller; --no-inlining shows hottest lines)' : ', hottest lines'}:`,
);
for (const [key, entry] of [...byFunction].sort((a, b) => b[1].micros - a[1].micros).slice(0, Number(opts.top))) {
  const hot = inlining ? [] : [...entry.lines].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const lines = hot.map(([at, ticks]) => `${at.split(':').pop()} (${Math.round((ticks / entry.ticks) * 100)} %)`).join(', ');
  console.log(`${ms(entry.micros)}  ${key}${lines ? `  lines ${lines}` : ''}`);
}
console.log('\nSelf time per file:');
for (const [key, micros] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms(micros)}  ${key}`);
console.log(`\nProfile: ${path.relative(root, path.join(dir, file))} (open in Chrome DevTools > Performance)`);

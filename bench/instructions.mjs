// Instructions per frame, by JS function, under valgrind: deterministic to about 1 %, where wall
// times on the shared machine vary by 20-30 %. Runs the decode worker (or another) under callgrind
// on two mix sizes, maps the JIT's code addresses to JS functions through V8's perf map
// (--perf-basic-prof), and prints the difference per frame, which leaves out startup and most of
// the compiling. Inlined callees count in their caller, as in `bench/profile.mjs`.
// Usage: node bench/instructions.mjs [--small N] [--large N] [--worker NAME] [--top N] [--no-inlining]
//   --no-inlining  V8 inlines nothing, so each function's instructions are its own (the total
//                  grows: calls are no longer inlined)
//   (npm run build first; each run takes a minute or two)

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureMix } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: {
    small: { type: 'string', default: '200000' },
    large: { type: 'string', default: '500000' },
    worker: { type: 'string', default: 'decode' },
    top: { type: 'string', default: '20' },
    'no-inlining': { type: 'boolean', default: false },
  },
});
if (!['decode', 'analyze', 'read'].includes(opts.worker)) {
  console.error(`bench: --worker takes decode, analyze or read, not '${opts.worker}'.`);
  process.exit(2);
}
if (spawnSync('sh', ['-c', 'command -v valgrind && command -v callgrind_annotate'], { stdio: 'ignore' }).status !== 0) {
  console.error('bench: valgrind (with callgrind_annotate) is not installed.');
  process.exit(2);
}

/** Instructions by function name for one run on a mix of `frames` frames. */
function profile(frames) {
  const mix = ensureMix(frames);
  // V8 writes an isolate-*.log next to the perf map: run in a directory of our own.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockshark-callgrind-'));
  const out = path.join(dir, 'callgrind.out');
  // --single-threaded: no concurrent compiler or GC threads, so runs repeat closely.
  // --no-incremental-marking: with --single-threaded, marking otherwise advances only as the
  // program allocates, so it stays on for long stretches, and every store of an object runs
  // the write barrier's slow path meanwhile: three runs of the same build counted 56, 438 and
  // 867 barrier instructions per frame (analyze's FDB alone); with it, 39 and 75. Collections
  // are then whole pauses, counted under "(V8 GC)".
  const run = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, process.execPath,
    '--perf-basic-prof', '--single-threaded', '--no-incremental-marking', ...(opts['no-inlining'] ? ['--no-turbo-inlining'] : []), path.join(root, `bench/workers/${opts.worker}.mjs`), mix.path],
  { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`valgrind failed:\n${run.stderr.slice(-2000)}`);
  const pid = /^==(\d+)==/m.exec(run.stderr)[1];
  const perfMap = `/tmp/perf-${pid}.map`;
  const code = fs.readFileSync(perfMap, 'utf8').trim().split('\n').map((line) => {
    const [start, size, ...name] = line.split(' ');
    return { start: parseInt(start, 16), end: parseInt(start, 16) + parseInt(size, 16), name: name.join(' ') };
  }).sort((a, b) => a.start - b.start);
  fs.rmSync(perfMap);
  const annotated = spawnSync('callgrind_annotate', ['--threshold=100', out], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
  fs.rmSync(dir, { recursive: true, force: true });
  const byName = new Map();
  for (const line of annotated.split('\n')) {
    const m = /^\s*([\d,]+) \([ \d.]+%\)\s+(.*)$/.exec(line);
    if (!m || m[2].includes('PROGRAM TOTALS')) continue;
    const name = functionName(m[2], code);
    byName.set(name, (byName.get(name) ?? 0) + Number(m[1].replaceAll(',', '')));
  }
  return byName;
}

/** A JS function for a JIT address (`???:0x...`), else the native symbol, V8's internals lumped. */
function functionName(symbol, code) {
  const jit = /^\?\?\?:0x([0-9a-f]+)/.exec(symbol);
  if (jit) {
    const address = parseInt(jit[1], 16);
    let lo = 0;
    let hi = code.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (code[mid].start <= address) lo = mid; else hi = mid - 1; }
    const entry = code[lo];
    if (entry && entry.start <= address && address < entry.end) return entry.name.replace(`file://${root}/`, '').replace(/:\d+:\d+$/, '');
    return '(JIT code not in the perf map)';
  }
  const name = symbol.split(' [')[0].replace(/'\d+/g, '').replace(/^\?\?\?:/, '');
  if (/v8::internal::(compiler|maglev)|Turbo/.test(name)) return '(V8 compiler)';
  if (/v8::internal::(Heap::|MarkCompact|Scaveng|Sweeper|GCTracer|Marking|ConcurrentMarking|IncrementalMarking|MinorMarkCompact|MinorMarkSweep|Evacuat|RememberedSet|SlotSet)/.test(name)) return '(V8 GC)';
  if (name.includes('v8::internal')) return '(V8 runtime)';
  return name.replace(/^.*:/, '');
}

const small = Number(opts.small);
const large = Number(opts.large);
const [before, after] = [profile(small), profile(large)];
const frames = large - small;
const rows = [...new Set([...before.keys(), ...after.keys()])]
  .map((name) => ({ name, perFrame: ((after.get(name) ?? 0) - (before.get(name) ?? 0)) / frames }))
  .sort((a, b) => b.perFrame - a.perFrame);
const total = rows.reduce((sum, row) => sum + row.perFrame, 0);
console.log(`worker ${opts.worker}: ${Math.round(total)} instructions per frame (the ${large.toLocaleString('en')}-frame run minus the ${small.toLocaleString('en')}-frame one).`);
// The compiler and the collector run when they happen to, and not at all in the real program's
// main thread for the compiler (its own thread there): the program's own work is the rest.
const vm = rows.filter((row) => row.name === '(V8 compiler)' || row.name === '(V8 GC)').reduce((sum, row) => sum + row.perFrame, 0);
console.log(`without V8's compiler and GC: ${Math.round(total - vm)}.`);
for (const row of rows.slice(0, Number(opts.top))) {
  console.log(`${Math.round(row.perFrame).toString().padStart(7)}  ${(100 * row.perFrame / total).toFixed(1).padStart(5)} %  ${row.name}`);
}

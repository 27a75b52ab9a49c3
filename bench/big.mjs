// `npm run bench:big`: dockshark on captures past 4 GiB. Generates (bench/big-generate.mjs) a
// pcap and a pcapng of the recorded frames with churn, then measures, each in its own process,
// `analyze` (text, --json, --ndjson: time and peak RSS, by /usr/bin/time -v) and the replay
// index the UI builds (first screen, whole index, seeks, peak RSS).
// Usage: node bench/big.mjs [--full] [--only analyze|index]
//   default: 440 MB files in os.tmpdir()/dockshark-bench-big (a quick check of the same paths)
//   --full or DOCKSHARK_BENCH_BIG=full: the 4.4 GB files in /tmp/big (about 10 minutes per file on 2 cores)

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_BIG_BYTES, DEFAULT_BIG_DIR, ensureBig } from './big-generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({ options: { full: { type: 'boolean', default: false }, only: { type: 'string' } } });
const full = opts.full || process.env.DOCKSHARK_BENCH_BIG === 'full';
const dir = full ? DEFAULT_BIG_DIR : path.join(os.tmpdir(), 'dockshark-bench-big');
const big = ensureBig(dir, full ? DEFAULT_BIG_BYTES : DEFAULT_BIG_BYTES / 10);
const time = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const RSS_TARGET_MB = 200;

function analyze(file, mode) {
  const args = [path.join(root, 'dist/cli/main.js'), 'analyze', ...(mode === 'text' ? [] : [mode]), file];
  const t = performance.now();
  const run = time === null ? spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawnSync(time, ['-v', process.execPath, ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 24 });
  const seconds = (performance.now() - t) / 1000;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr.toString());
  return { seconds: +seconds.toFixed(1), peakRssMB: rss === null ? null : Math.round(Number(rss[1]) / 1024), exit: run.status };
}

console.log(`# ${full ? '4.4 GB' : '440 MB'} captures in ${dir}${big.reused ? '' : ` (generated in ${big.seconds.toFixed(0)} s)`}`);
for (const file of [big.pcap, big.pcapng]) {
  const size = (fs.statSync(file).size / 1e9).toFixed(2);
  if (opts.only === undefined || opts.only === 'analyze') {
    for (const mode of ['text', '--json', '--ndjson']) {
      const r = analyze(file, mode);
      const verdict = r.peakRssMB === null ? '' : r.peakRssMB < RSS_TARGET_MB ? 'PASS' : 'FAIL';
      console.log(`analyze ${mode.padEnd(8)} ${path.basename(file)} (${size} GB): ${r.seconds} s, peak RSS ${r.peakRssMB ?? '?'} MB, exit ${r.exit} ${verdict}`);
    }
  }
  if (opts.only === undefined || opts.only === 'index') {
    const run = spawnSync(process.execPath, [path.join(root, 'bench/workers/index-big.mjs'), file], { encoding: 'utf8' });
    console.log(`replay index ${path.basename(file)}: ${run.stdout.trim() || run.stderr.trim()}`);
  }
}

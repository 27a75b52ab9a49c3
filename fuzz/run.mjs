#!/usr/bin/env node
// The fuzz harness: `npm run fuzz -- --cases N --seed S [--workers N]`, `--replay S:CASE`,
// `--minimise FILE`. Mutates the recorded and corpus captures (mutate.mjs) and runs
// reading, decoding, analysis and replay on each (target.mjs) in worker threads; reports
// crashes, hangs (> 2 s), memory blow-ups, broken invariants and unescaped text, saving each
// input (and a minimised copy) under fuzz/findings/. Exit status 1 when anything was found.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { extensionOf, makeCase } from './cases.mjs';
import { Checker, HANG_MS, WORKER_LIMITS } from './checker.mjs';
import { minimise, signature } from './minimise.mjs';
import { loadSeeds, REPO } from './seeds.mjs';

const RANGE = 100;
const PROGRESS_MS = 3000;
const MEMORY_LIMIT_BYTES = 384 * 2 ** 20;
/** Cases past the hang limit that are rerun alone after the run to tell a hang from load. */
const MAX_HANG_CHECKS = 20;

/** The command line, parsed by node:util's parseArgs; a sentence on bad input. */
function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      cases: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      workers: { type: 'string', default: String(availableParallelism()) },
      replay: { type: 'string' },
      minimise: { type: 'string' },
      minimize: { type: 'string' },
      json: { type: 'string' },
      findings: { type: 'string', default: join(REPO, 'fuzz', 'findings') },
      'no-corpus': { type: 'boolean', default: false },
      seeds: { type: 'string' },
      'minimise-budget': { type: 'string', default: '400' },
    },
  });
  const int = (name) => {
    const text = values[name];
    if (!/^\d+$/.test(text)) throw new Error(`--${name}: "${text}" is not a whole number`);
    return Number(text);
  };
  let replay = null;
  if (values.replay !== undefined) {
    const m = /^(\d+):(\d+)$/.exec(values.replay);
    if (m === null) throw new Error('--replay takes SEED:CASE, for example 1:4521');
    replay = { seed: Number(m[1]), caseNo: Number(m[2]) };
  }
  return {
    cases: int('cases'), seed: int('seed'), workers: Math.max(1, int('workers')), replay,
    minimise: values.minimise ?? values.minimize ?? null, json: values.json ?? null, findings: values.findings,
    corpus: !values['no-corpus'], seedsDir: values.seeds ?? null, minimiseBudget: int('minimise-budget'),
  };
}

const describeMutations = (applied) => applied.map((m) => `  ${m.kind}: ${m.detail}`).join('\n');

/** Saves a finding's input, its minimised copy and a .txt beside them; returns the base path. */
async function saveFinding(options, checker, finding, c) {
  mkdirSync(options.findings, { recursive: true });
  const hash = createHash('sha1').update(finding.signature).digest('hex').slice(0, 10);
  const base = join(options.findings, `${finding.kind}-${hash}`);
  const ext = extensionOf(c.bytes);
  writeFileSync(`${base}.${ext}`, c.bytes);
  const small = await minimise(c.bytes, (b) => checker.check(b, finding.caseNo), { budget: options.minimiseBudget });
  const minimised = small.wanted === finding.signature || small.wanted === finding.kind;
  if (minimised) writeFileSync(`${base}.min.${extensionOf(small.bytes)}`, small.bytes);
  writeFileSync(`${base}.txt`, [
    `kind: ${finding.kind}`,
    `seed: ${options.seed}`,
    `case: ${finding.caseNo} (rerun: npm run fuzz -- --replay ${options.seed}:${finding.caseNo})`,
    `seed capture: ${c.seedName}`,
    `mutations:\n${describeMutations(c.applied)}`,
    `error: ${finding.message}`,
    `stack:\n${finding.stack}`,
    minimised ? `minimised: ${small.bytes.length} of ${c.bytes.length} bytes in ${small.checks} checks (${relative(process.cwd(), base)}.min.${extensionOf(small.bytes)})` : `not minimised: rerunning it alone gave ${small.wanted ?? 'no failure'}`,
    '',
  ].join('\n'));
  return base;
}

async function fuzz(options) {
  const { seeds, notes } = loadSeeds({ includeCorpus: options.corpus, dir: options.seedsDir });
  for (const note of notes) console.log(`seeds: ${note}`);
  if (seeds.length === 0) {
    console.error('fuzz: no seed captures (.pcap, .pcapng) found');
    return 2;
  }
  console.log(`seeds: ${seeds.length} captures; ${options.cases} cases from seed ${options.seed} on ${options.workers} worker(s)`);
  const tmpDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'dockshark-fuzz-'));
  const seedData = seeds.map((s) => ({ name: s.name, bytes: s.bytes }));
  const queue = [];
  for (let from = 0; from < options.cases; from += RANGE) queue.push({ from, to: Math.min(options.cases, from + RANGE) });
  const totals = { cases: 0, damaged: 0, frames: 0, decodeIssues: 0, mutations: {}, slowest: { ms: 0, caseNo: -1 }, heapPeak: 0 };
  const found = new Map(); // signature -> finding
  const findings = [];
  const started = Date.now();
  const cpuAtStart = process.cpuUsage();
  let peakRss = process.memoryUsage.rss();
  const workers = new Set();

  const hangs = []; // cases past the limit: confirmed or not after the run (see below)
  const record = (f) => {
    if (f.kind === 'hang') {
      hangs.push(f);
      console.log(`possible hang in case ${options.seed}:${f.caseNo}: ${f.message} (rerun alone after the run)`);
      return;
    }
    const sig = signature(f);
    const known = found.get(sig);
    if (known !== undefined) { known.count++; return; }
    const finding = { ...f, signature: sig, count: 1 };
    found.set(sig, finding);
    findings.push(finding);
    console.log(`FINDING ${f.kind} in case ${options.seed}:${f.caseNo}: ${f.message.split('\n')[0]}`);
  };

  await new Promise((resolveAll) => {
    const spawn = () => {
      const slot = new SharedArrayBuffer(16);
      const watch = new Float64Array(slot);
      const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
        workerData: { seeds: seedData, seed: options.seed, slot, tmpDir, memoryLimitBytes: MEMORY_LIMIT_BYTES },
        resourceLimits: WORKER_LIMITS,
      });
      const w = { worker, watch, range: null, dead: false };
      workers.add(w);
      const next = () => {
        w.range = queue.shift() ?? null;
        if (w.range === null) {
          w.dead = true;
          worker.postMessage({ type: 'stop' });
          workers.delete(w);
          if (workers.size === 0) resolveAll();
        } else worker.postMessage({ type: 'range', ...w.range });
      };
      /** The worker died on the case in its slot: record it, requeue the rest of its range, start another. */
      const died = (kind, message, stack) => {
        if (w.dead) return;
        w.dead = true;
        workers.delete(w);
        const caseNo = watch[0];
        if (w.range !== null) {
          record({ caseNo, kind, message, stack });
          totals.cases += caseNo - w.range.from + 1;
          if (caseNo + 1 < w.range.to) queue.unshift({ from: caseNo + 1, to: w.range.to });
        }
        worker.terminate();
        spawn();
      };
      w.died = died;
      worker.on('message', (m) => {
        if (m.type === 'ready') next();
        else if (m.type === 'finding') record(m.finding);
        else if (m.type === 'done') {
          const c = m.counts;
          totals.cases += c.cases;
          totals.damaged += c.damaged;
          totals.frames += c.frames;
          totals.decodeIssues += c.decodeIssues;
          for (const [k, n] of Object.entries(c.mutations)) totals.mutations[k] = (totals.mutations[k] ?? 0) + n;
          if (c.slowest.ms > totals.slowest.ms) totals.slowest = c.slowest;
          totals.heapPeak = Math.max(totals.heapPeak, c.heapPeak);
          next();
        }
      });
      worker.on('error', (e) => died(e?.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash', String(e?.message ?? e), String(e?.stack ?? '')));
      worker.on('exit', (code) => died('crash', `the worker exited with status ${code}`, ''));
    };
    for (let i = 0; i < options.workers; i++) spawn();
    const watchdog = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      for (const w of [...workers]) {
        const since = w.watch[1];
        if (since > 0 && Date.now() - since > HANG_MS) w.died('hang', `case still running after ${HANG_MS} ms`, '');
      }
    }, 100);
    let lastCases = 0;
    let lastTime = Date.now();
    const progress = setInterval(() => {
      const now = Date.now();
      console.log(`${totals.cases}/${options.cases} cases, ${Math.round(((totals.cases - lastCases) * 1000) / (now - lastTime))} cases/s, ${findings.length} findings`);
      lastCases = totals.cases;
      lastTime = now;
    }, PROGRESS_MS);
    const stop = () => { clearInterval(watchdog); clearInterval(progress); };
    const done = resolveAll;
    resolveAll = () => { stop(); done(); };
  });
  const seconds = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuMsPerCase = (cpu.user + cpu.system) / 1000 / Math.max(1, totals.cases);
  rmSync(tmpDir, { recursive: true, force: true });

  // A case past the hang limit while both cores are busy (other work, a GC) may be fast
  // alone: each (the first MAX_HANG_CHECKS) is rerun alone, up to three times, and only one
  // that hangs every time is a hang; the others are listed as slow under load.
  const checker = new Checker();
  const slowUnderLoad = [];
  const confirmed = [];
  for (const f of hangs.slice(0, MAX_HANG_CHECKS)) {
    const alone = await timeAlone(checker, makeCase(seeds, options.seed, f.caseNo).bytes, f.caseNo);
    if (alone.kind === 'hang') confirmed.push(f);
    else {
      slowUnderLoad.push({ case: `${options.seed}:${f.caseNo}`, aloneMs: Math.round(alone.ms), aloneResult: alone.kind ?? 'passes' });
      if (alone.kind !== null) record({ ...f, kind: alone.kind, message: alone.message, stack: alone.stack });
    }
  }
  const unchecked = Math.max(0, hangs.length - MAX_HANG_CHECKS);
  if (confirmed.length > 0 || unchecked > 0) {
    const first = confirmed[0] ?? hangs[MAX_HANG_CHECKS];
    findings.push({ ...first, signature: 'hang', count: confirmed.length + unchecked });
    console.log(`FINDING hang in case ${options.seed}:${first.caseNo}: ${first.message} (${confirmed.length} confirmed alone${unchecked > 0 ? `, ${unchecked} not rerun` : ''})`);
  }
  const slowest = makeCase(seeds, options.seed, totals.slowest.caseNo);
  const slowestAlone = totals.slowest.caseNo < 0 ? null : await timeAlone(checker, slowest.bytes, totals.slowest.caseNo);

  // save (and minimise) one input per distinct finding
  for (const f of findings) {
    const c = makeCase(seeds, options.seed, f.caseNo);
    f.file = await saveFinding(options, checker, f, c);
  }
  checker.close();

  const byKind = {};
  for (const f of findings) byKind[f.kind] = (byKind[f.kind] ?? 0) + f.count;
  const summary = {
    cases: totals.cases, seconds, casesPerSecond: totals.cases / seconds, cpuMsPerCase, workers: options.workers, seed: options.seed,
    findings: findings.length, findingsByKind: byKind,
    slowestCase: { ms: Math.round(totals.slowest.ms), id: `${options.seed}:${totals.slowest.caseNo}`, aloneMs: slowestAlone === null ? null : Math.round(slowestAlone.ms) },
    slowUnderLoad,
    peakRssBytes: peakRss, peakWorkerHeapBytes: totals.heapPeak, damagedCases: totals.damaged, frames: totals.frames,
    decodeIssues: totals.decodeIssues, mutations: totals.mutations, seeds: seeds.length,
    saved: findings.map((f) => ({ kind: f.kind, case: f.caseNo, count: f.count, file: relative(process.cwd(), f.file), message: f.message.split('\n')[0] })),
  };
  console.log([
    `cases: ${summary.cases} in ${seconds.toFixed(1)} s, ${summary.casesPerSecond.toFixed(0)} cases/s on ${options.workers} worker(s) (CPU time: ${cpuMsPerCase.toFixed(2)} ms per case, all threads)`,
    `findings: ${findings.length === 0 ? 'none' : Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    ...summary.saved.map((s) => `  ${s.kind} x${s.count} (first: case ${options.seed}:${s.case}) -> ${s.file}.*: ${s.message}`),
    `slowest case: ${summary.slowestCase.ms} ms (${summary.slowestCase.id}; ${summary.slowestCase.aloneMs} ms when rerun alone)`,
    `past ${HANG_MS} ms under load but not alone (not findings): ${slowUnderLoad.length === 0 ? 'none' : slowUnderLoad.map((h) => `${h.case} (${h.aloneMs} ms alone)`).join(', ')}`,
    `peak RSS (the process, all workers): ${(peakRss / 2 ** 20).toFixed(0)} MiB; peak worker heap + buffers: ${(totals.heapPeak / 2 ** 20).toFixed(0)} MiB`,
    `inputs: ${totals.damaged} of ${totals.cases} cases had read issues; ${totals.frames} frames, ${totals.decodeIssues} decode issues`,
    `mutations: ${Object.entries(totals.mutations).sort().map(([k, n]) => `${k} ${n}`).join(', ')}`,
  ].join('\n'));
  if (options.json !== null) writeFileSync(options.json, JSON.stringify(summary, null, 2) + '\n');
  return findings.length > 0 ? 1 : 0;
}

/**
 * The case run alone in the checker's worker: up to three tries while it hangs; a case that
 * passes is run once more and timed again, so the time is not the worker's start.
 */
async function timeAlone(checker, bytes, caseNo) {
  let result;
  let ms = 0;
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = performance.now();
    result = await checker.check(bytes, caseNo);
    ms = performance.now() - started;
    if (result.kind !== 'hang') break;
  }
  if (result.kind === null) {
    const started = performance.now();
    const again = await checker.check(bytes, caseNo);
    if (again.kind === null) ms = Math.min(ms, performance.now() - started);
  }
  return { ...result, ms };
}

async function replayOne(options) {
  const { seeds } = loadSeeds({ includeCorpus: options.corpus, dir: options.seedsDir });
  const { seed, caseNo } = options.replay;
  const c = makeCase(seeds, seed, caseNo);
  mkdirSync(options.findings, { recursive: true });
  const path = join(options.findings, `replay-${seed}-${caseNo}.${extensionOf(c.bytes)}`);
  writeFileSync(path, c.bytes);
  console.log(`case ${seed}:${caseNo}: ${c.bytes.length} bytes from ${c.seedName}, written to ${relative(process.cwd(), path)}\nmutations:\n${describeMutations(c.applied)}`);
  return checkOne(c.bytes, caseNo);
}

async function checkOne(bytes, variant) {
  const checker = new Checker();
  const result = await checker.check(bytes, variant);
  checker.close();
  if (result.kind === null) {
    console.log(`passes: ${result.stats.frames} frames, ${result.stats.readIssues} read issues, ${result.stats.decodeIssues} decode issues`);
    return 0;
  }
  console.log(`FINDING ${result.kind}: ${result.message}\n${result.stack}`);
  return 1;
}

async function minimiseOne(options) {
  const bytes = new Uint8Array(readFileSync(options.minimise));
  const checker = new Checker();
  // the screen checked depends on the case number's parity: find which one fails
  const variant = (await checker.check(bytes, 0)).kind === null ? 1 : 0;
  const small = await minimise(bytes, (b) => checker.check(b, variant), { budget: options.minimiseBudget * 5 });
  checker.close();
  if (small.wanted === null) {
    console.log(`${options.minimise} passes every target: nothing to minimise.`);
    return 0;
  }
  const out = `${options.minimise.replace(/\.(pcapng|pcap)$/i, '')}.min.${extensionOf(small.bytes)}`;
  writeFileSync(out, small.bytes);
  console.log(`${small.wanted}\nminimised ${bytes.length} -> ${small.bytes.length} bytes in ${small.checks} checks: ${out}`);
  return 1;
}

let options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  console.error(`fuzz: ${error.message}`);
  process.exit(2);
}
const status = options.replay !== null ? await replayOne(options) : options.minimise !== null ? await minimiseOne(options) : await fuzz(options);
process.exit(status);

// A fuzz worker thread: builds its cases, writes each to a file in a tmpfs directory and
// runs every target on it. The parent hands out ranges of case numbers and watches the
// shared slot below: the case running and since when, so it can kill a hung worker and
// know which case hung (and which one a worker dying of memory was on).

import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { makeCase, extensionOf } from './cases.mjs';

const { seeds, seed, slot, tmpDir, memoryLimitBytes } = workerData;
/** [case number, start time in ms (0: idle)] */
const watch = new Float64Array(slot);
// DOCKSHARK_FUZZ_TARGET swaps in another target module (the harness's own tests use a faulty one)
const { runTargets } = await import(process.env.DOCKSHARK_FUZZ_TARGET ?? './target.mjs');

const paths = { pcap: join(tmpDir, `case-${threadId}.pcap`), pcapng: join(tmpDir, `case-${threadId}.pcapng`) };

function errorInfo(error) {
  return { kind: error?.name === 'FuzzFinding' ? error.kind : 'crash', message: String(error?.message ?? error), stack: String(error?.stack ?? '') };
}

function runRange(from, to) {
  const counts = { cases: 0, damaged: 0, frames: 0, decodeIssues: 0, mutations: {}, slowest: { ms: 0, caseNo: -1 }, heapPeak: 0 };
  for (let caseNo = from; caseNo < to; caseNo++) {
    const c = makeCase(seeds, seed, caseNo);
    for (const m of c.applied) counts.mutations[m.kind] = (counts.mutations[m.kind] ?? 0) + 1;
    const path = paths[extensionOf(c.bytes)];
    writeFileSync(path, c.bytes);
    const started = performance.now();
    watch[0] = caseNo;
    watch[1] = Date.now();
    try {
      const stats = runTargets(path, caseNo);
      if (stats.readIssues > 0) counts.damaged++;
      counts.frames += stats.frames;
      counts.decodeIssues += stats.decodeIssues;
    } catch (error) {
      // sent at once: a later case of the range may hang and the worker be killed
      parentPort.postMessage({ type: 'finding', finding: { caseNo, ...errorInfo(error) } });
    }
    watch[1] = 0;
    const ms = performance.now() - started;
    if (ms > counts.slowest.ms) counts.slowest = { ms, caseNo };
    // memory left behind by the case (ArrayBuffers count until the next GC collects them)
    const heap = getHeapStatistics();
    const used = heap.used_heap_size + heap.external_memory;
    if (used > counts.heapPeak) counts.heapPeak = used;
    if (used > memoryLimitBytes) parentPort.postMessage({ type: 'finding', finding: { caseNo, kind: 'memory', message: `heap and buffers at ${Math.round(used / 2 ** 20)} MiB after the case`, stack: '' } });
    counts.cases++;
  }
  return { counts };
}

parentPort.on('message', (message) => {
  if (message.type === 'range') parentPort.postMessage({ type: 'done', ...runRange(message.from, message.to) });
  else if (message.type === 'stop') {
    for (const p of Object.values(paths)) rmSync(p, { force: true });
    process.exit(0);
  }
});
parentPort.postMessage({ type: 'ready' });

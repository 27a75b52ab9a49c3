// Shared by the workers: one JSON line on stdout with the work's own time and the
// process's peak RSS, so the parent gets per-measurement figures from a fresh process.

import { writeSync } from 'node:fs';

/** Runs `work()` (sync or async) and reports { seconds, maxRssKiB, heapAfterGcBytes, ...its result }. */
export async function timed(work) {
  const started = process.hrtime.bigint();
  const result = await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // resourceUsage().maxRSS is the kernel's high-water mark (KiB) for this whole process.
  const maxRssKiB = process.resourceUsage().maxRSS;
  // Peak RSS also depends on when V8 happened to collect; the live heap after a full GC
  // (with --expose-gc) shows what the run really retains.
  let heapAfterGcBytes = null;
  if (typeof globalThis.gc === 'function') {
    globalThis.gc();
    heapAfterGcBytes = process.memoryUsage().heapUsed;
  }
  writeSync(1, `${JSON.stringify({ ...result, seconds, maxRssKiB, heapAfterGcBytes })}\n`);
}

// Runs single inputs through the targets in a worker of its own, with the same hang and
// memory watch as the fuzz workers: for the minimiser and for --replay/--minimise, where an
// input that hangs must not hang the runner.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A case running longer is a hang (DOCKSHARK_FUZZ_HANG_MS: the harness's own tests shorten it). */
export const HANG_MS = Number(process.env.DOCKSHARK_FUZZ_HANG_MS ?? 2000);
export const WORKER_LIMITS = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64 };

export class Checker {
  constructor() {
    this.worker = null;
    this.runs = 0;
    // The worker writes each input here; a worker killed on a hang cannot delete its file,
    // so the directory goes as a whole on close().
    this.dir = mkdtempSync(join(tmpdir(), 'dockshark-check-'));
  }

  /** { kind, message, stack, stats } — kind null when the input passes. `variant`: the case number (see runTargets). */
  check(bytes, variant = 0) {
    this.runs++;
    if (this.worker === null) this.worker = new Worker(new URL('./check-worker.mjs', import.meta.url), { resourceLimits: WORKER_LIMITS, workerData: { dir: this.dir } });
    const worker = this.worker;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result, kill) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (kill) {
          this.worker = null;
          worker.terminate();
        }
        resolve(result);
      };
      const onMessage = (m) => finish(m, false);
      const onError = (e) => finish({ kind: e?.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : 'crash', message: String(e?.message ?? e), stack: String(e?.stack ?? '') }, true);
      const onExit = (code) => finish({ kind: 'crash', message: `the worker exited with status ${code}`, stack: '' }, true);
      const timer = setTimeout(() => finish({ kind: 'hang', message: `no result after ${HANG_MS} ms`, stack: '' }, true), HANG_MS);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ bytes, variant });
    });
  }

  close() {
    this.worker?.terminate();
    this.worker = null;
    rmSync(this.dir, { recursive: true, force: true });
  }
}

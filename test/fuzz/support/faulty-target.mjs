// A stand-in fuzz target with planted bugs, so the harness's tests can see it catch each
// kind: it throws on any file holding the bytes "CRSH", loops forever on "HANG" and breaks
// an invariant on "INVT", and on "SLOW" takes 600 ms in the fuzz run's workers only (a case
// slowed by a loaded machine: alone, in the checker's worker, it is fast); anything else passes.
// The real readers report damage as issues, so "damaged" counts files shorter than 24 bytes.

import { readFileSync } from 'node:fs';
import { workerData } from 'node:worker_threads';

class FuzzFinding extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'FuzzFinding';
    this.kind = kind;
  }
}

export function runTargets(path) {
  const bytes = readFileSync(path);
  if (bytes.includes('CRSH')) throw new TypeError('planted crash');
  if (bytes.includes('INVT')) throw new FuzzFinding('invariant', 'planted invariant');
  if (bytes.includes('HANG')) for (;;);
  if (bytes.includes('SLOW') && workerData?.seeds !== undefined) for (const until = Date.now() + 600; Date.now() < until;);
  return { frames: 1, readIssues: bytes.length < 24 ? 1 : 0, decodeIssues: 0, badHeader: false, steps: 0 };
}

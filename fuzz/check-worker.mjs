// The Checker's worker: each message is the bytes of one capture (and the case number that
// picks the screen checked); the reply says how the targets fared on it.

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { extensionOf } from './cases.mjs';

const { runTargets } = await import(process.env.DOCKSHARK_FUZZ_TARGET ?? './target.mjs');

parentPort.on('message', ({ bytes, variant }) => {
  const path = join(workerData.dir, `case-${threadId}.${extensionOf(bytes)}`);
  writeFileSync(path, bytes);
  try {
    const stats = runTargets(path, variant);
    parentPort.postMessage({ kind: null, message: '', stack: '', stats });
  } catch (error) {
    const kind = error?.name === 'FuzzFinding' ? error.kind : 'crash';
    parentPort.postMessage({ kind, message: String(error?.message ?? error), stack: String(error?.stack ?? '') });
  } finally {
    rmSync(path, { force: true });
  }
});

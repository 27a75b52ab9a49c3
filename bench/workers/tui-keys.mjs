// The typist for bench/tui.mjs, in its own thread so that a key arrives the way a real one
// does: at its own time, waiting for the UI's thread if that is busy (rendering, indexing).
// Gets { key, gaps } and posts { key, sentAt } after each gap (sentAt: the shared hrtime clock).

import { parentPort } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';

parentPort.once('message', async ({ key, gaps }) => {
  for (const gap of gaps) {
    await sleep(gap);
    parentPort.postMessage({ key, sentAt: Number(process.hrtime.bigint()) / 1e6 });
  }
  parentPort.postMessage({ done: true });
});

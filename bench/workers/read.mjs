// dockshark reading only: the reader's next() loop. Summing caplen keeps the loop's
// result live, so the JIT cannot drop it.
// Usage: node bench/workers/read.mjs FILE

import { openCaptures } from '../../dist/capture/open.js';
import { timed } from './report.mjs';

await timed(() => {
  const source = openCaptures([process.argv[2]]);
  let frames = 0;
  let capturedBytes = 0;
  for (let frame = source.next(); frame !== null; frame = source.next()) {
    frames++;
    capturedBytes += frame.end - frame.start;
  }
  source.close();
  if (source.issues.length > 0) throw new Error(source.issues[0].message);
  return { frames, capturedBytes };
});

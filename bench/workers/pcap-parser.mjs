// pcap-parser 0.2.1 (CommonJS, stream + events) on the same file, for comparison.
// Usage: node bench/workers/pcap-parser.mjs FILE

import { createRequire } from 'node:module';
import { timed } from './report.mjs';

const pcapParser = createRequire(import.meta.url)('pcap-parser');

await timed(
  () =>
    new Promise((resolve, reject) => {
      let frames = 0;
      let capturedBytes = 0;
      const parser = pcapParser.parse(process.argv[2]);
      parser.on('packet', (packet) => {
        frames++;
        capturedBytes += packet.header.capturedLength;
      });
      parser.on('error', reject);
      parser.on('end', () => resolve({ frames, capturedBytes }));
    }),
);

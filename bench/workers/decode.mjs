// dockshark reading + decoding: what `dockshark decode` does minus the formatting.
// The reader's frame is handed over as the CLI does (src/cli/decode-command.ts), and counting
// the frames with an IPv4 layer makes the decoded result live.
// Usage: node bench/workers/decode.mjs FILE

import { openCaptures } from '../../dist/capture/open.js';
import { FrameDecoder } from '../../dist/decode/index.js';
import { timed } from './report.mjs';

await timed(() => {
  const source = openCaptures([process.argv[2]]);
  // 8472 as well as the default 4789: the mix holds Flannel-style VXLAN underlay frames.
  const decoder = new FrameDecoder({ vxlanPorts: [4789, 8472] });
  let frames = 0;
  let ipv4Frames = 0;
  let layers = 0;
  for (let raw = source.next(); raw !== null; raw = source.next()) {
    const decoded = decoder.decode(raw);
    frames++;
    layers += decoded.layers.count;
    const list = decoded.layers;
    for (let i = 0; i < list.count; i++) {
      if (list.items[i].proto === 'ipv4') {
        ipv4Frames++;
        break;
      }
    }
  }
  source.close();
  if (source.issues.length > 0) throw new Error(source.issues[0].message);
  return { frames, ipv4Frames, layers };
});

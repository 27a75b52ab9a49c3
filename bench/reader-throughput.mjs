// Reader throughput: frames/s for classic pcap and pcapng over 2M small (60-byte) frames.
// Usage: npm run build && node bench/reader-throughput.mjs [frames]
// DOCKSHARK_DIST=<dir> points at another build of src/ (default: ../dist).
// Files are generated into os.tmpdir() and deleted afterwards.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.resolve(process.env.DOCKSHARK_DIST ?? path.join(here, '../dist'));
const load = (file) => import(pathToFileURL(path.join(dist, 'capture', file)).href);
const { openCapture } = await load('open.js');
const { PcapFileWriter } = await load('pcap-writer.js');
const { PcapngFileWriter, encodeShb, encodeIdb } = await load('pcapng-writer.js');

const frameCount = Number(process.argv[2] ?? 2_000_000);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockshark-bench-'));
const frame = new Uint8Array(60).map((_, i) => i * 7);

function generate() {
  const pcapPath = path.join(dir, 'small.pcap');
  const pcap = new PcapFileWriter(pcapPath, { littleEndian: true });
  for (let i = 0; i < frameCount; i++) {
    pcap.writeFrame({ tsSec: 1_700_000_000 + Math.floor(i / 1000), tsNsec: (i % 1000) * 1_000_000, bytes: frame });
  }
  pcap.close();
  const pcapngPath = path.join(dir, 'small.pcapng');
  const pcapng = new PcapngFileWriter(pcapngPath);
  pcapng.writeBlock(encodeShb());
  pcapng.writeBlock(encodeIdb({ linkType: 1, snapLen: 262144, tsresol: 9 }));
  const base = 1_700_000_000n * 1_000_000_000n;
  for (let i = 0; i < frameCount; i++) {
    const units = base + BigInt(i) * 1_000_000n;
    pcapng.writePacket(0, { high: Number(units >> 32n), low: Number(units & 0xffffffffn) }, frame);
  }
  pcapng.close();
  return { pcapPath, pcapngPath };
}

/** mode: 'next' (reader only), 'window' (reads data[start]), 'bytes' (reads frame.bytes[0]). */
function measure(file, mode) {
  const started = process.hrtime.bigint();
  const source = openCapture(file);
  let frames = 0;
  let checksum = 0;
  for (let frame = source.next(); frame !== null; frame = source.next()) {
    frames++;
    if (mode === 'window') checksum += frame.data[frame.start] + frame.origLen;
    else if (mode === 'bytes') checksum += frame.bytes[0] + frame.origLen;
    else checksum += frame.tsNsec & 1;
  }
  source.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (frames !== frameCount) throw new Error(`Read ${frames} frames from ${file}, expected ${frameCount}.`);
  return { seconds, checksum };
}

try {
  const { pcapPath, pcapngPath } = generate();
  for (const [label, file] of [['pcap', pcapPath], ['pcapng (ns)', pcapngPath]]) {
    for (const mode of ['next', 'window', 'bytes']) {
      measure(file, mode); // warm-up
      const runs = [measure(file, mode), measure(file, mode), measure(file, mode)].map((run) => run.seconds);
      const best = Math.min(...runs);
      const mib = fs.statSync(file).size / 2 ** 20;
      console.log(
        `${label.padEnd(12)} ${mode.padEnd(6)} ${(frameCount / best / 1e6).toFixed(2)} M frames/s  ${(mib / best).toFixed(0)} MiB/s  (best of 3: ${best.toFixed(3)} s)`,
      );
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

// Builds the 4 GB captures of `npm run bench:big`: the recorded Ethernet frames (as
// bench/generate.mjs loads them) cycled past 2^32 bytes, so a 32-bit offset bug shows, with
// churn the engines must keep up with: every CHURN_EPOCHS cycles (about a second of capture
// time) the unicast MACs and the IPv4 addresses' third octet change, as if containers were
// replaced, and capture time advances 100 us per frame (37 minutes in all), so FDB entries
// age out and flows end. Written with the streaming writers: memory stays at the templates.
// Usage alone: node bench/big-generate.mjs [dir] [bytes]   (default /tmp/big, 4.4e9 bytes)

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PcapFileWriter } from '../dist/capture/pcap-writer.js';
import { PcapngFileWriter, encodeIdb, encodeShb } from '../dist/capture/pcapng-writer.js';
import { loadTemplates } from './generate.mjs';

/** Bump when the content changes, so a stale file is regenerated. */
const BIG_VERSION = 1;
export const DEFAULT_BIG_DIR = '/tmp/big';
/** Above 2^32 (4,294,967,296): offsets past 4 GiB must work. */
export const DEFAULT_BIG_BYTES = 4_400_000_000;
const FIRST_SECOND = 1_700_000_000;
const STEP_US = 100;
/** Template cycles per churn variant (644 frames x 100 us x 16: about a second). */
const CHURN_EPOCHS = 16;
/** Distinct variants before they repeat. */
const CHURN_VARIANTS = 1024;

/** Where each template's MACs, IPv4 addresses and the checksums covering them are. */
function patchPlan(bytes) {
  const macs = [0, 6];
  const ips = [];
  const checksums = [];
  const etherType = (bytes[12] << 8) | bytes[13];
  if (etherType === 0x0806 && bytes.length >= 42) {
    macs.push(22, 32);
    ips.push(28, 38);
  } else if (etherType === 0x0800 && bytes.length >= 34 && bytes[14] >> 4 === 4) {
    ips.push(26, 30);
    checksums.push(24);
    const ihl = (bytes[14] & 0x0f) * 4;
    const l4 = 14 + ihl;
    const fragmentOffset = ((bytes[20] & 0x1f) << 8) | bytes[21];
    const protocol = bytes[23];
    if (fragmentOffset === 0 && protocol === 6 && bytes.length >= l4 + 18) checksums.push(l4 + 16);
    if (fragmentOffset === 0 && protocol === 17 && bytes.length >= l4 + 8 && (bytes[l4 + 6] | bytes[l4 + 7]) !== 0) checksums.push(l4 + 6);
  }
  return {
    macs: macs.filter((at) => (bytes[at] & 1) === 0 && bytes.length >= at + 6),
    ips: ips.filter((at) => isChurnableIp(bytes, at)),
    checksums,
  };
}

function isChurnableIp(bytes, at) {
  const first = bytes[at];
  return first !== 0 && first !== 127 && first < 224 && bytes[at + 3] !== 255;
}

/** RFC 1624: the checksum at `at` after a 16-bit word of what it covers changed from `from` to `to`. */
function patchChecksum(bytes, at, from, to) {
  const old = (bytes[at] << 8) | bytes[at + 1];
  let sum = (~old & 0xffff) + (~from & 0xffff) + to;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  const next = ~sum & 0xffff;
  bytes[at] = next >> 8;
  bytes[at + 1] = next & 0xff;
}

/** Applies variant `v` on top of the current one (XOR: applying `v` again undoes it). */
function churn(template, v) {
  const b = template.bytes;
  for (const at of template.plan.macs) {
    b[at + 3] ^= v >> 8;
    b[at + 4] ^= v & 0xff;
  }
  for (const at of template.plan.ips) {
    const word = (b[at + 2] << 8) | b[at + 3];
    b[at + 2] ^= v & 0xff;
    const next = (b[at + 2] << 8) | b[at + 3];
    for (const c of template.plan.checksums) patchChecksum(b, c, word, next);
  }
}

function writeBoth(dir, targetBytes, templates) {
  const pcapPath = path.join(dir, 'big.pcap');
  const pcapngPath = path.join(dir, 'big.pcapng');
  const pcap = new PcapFileWriter(`${pcapPath}.partial`, { littleEndian: true, linkType: 1 });
  const pcapng = new PcapngFileWriter(`${pcapngPath}.partial`);
  pcapng.writeBlock(encodeShb({ comment: `dockshark bench:big v${BIG_VERSION}` }));
  pcapng.writeBlock(encodeIdb({ linkType: 1, snapLen: 262144, name: 'docker0' }));
  const frame = { tsSec: 0, tsNsec: 0, bytes: templates[0].bytes, origLen: 0 };
  const stamp = { high: 0, low: 0 };
  let variant = 0;
  let frames = 0;
  for (let epoch = 0; pcap.bytesWritten < targetBytes || pcapng.bytesWritten < targetBytes; epoch++) {
    const next = Math.floor(epoch / CHURN_EPOCHS) % CHURN_VARIANTS;
    if (next !== variant) {
      for (const template of templates) churn(template, variant ^ next);
      variant = next;
    }
    for (const template of templates) {
      const us = frames * STEP_US;
      frame.tsSec = FIRST_SECOND + Math.floor(us / 1e6);
      frame.tsNsec = (us % 1e6) * 1000;
      frame.bytes = template.bytes;
      frame.origLen = template.origLen;
      if (pcap.bytesWritten < targetBytes) pcap.writeFrame(frame);
      if (pcapng.bytesWritten < targetBytes) {
        const units = (FIRST_SECOND + Math.floor(us / 1e6)) * 1e6 + (us % 1e6);
        stamp.high = Math.floor(units / 2 ** 32);
        stamp.low = units % 2 ** 32;
        pcapng.writePacket(0, stamp, template.bytes, template.origLen);
      }
      frames++;
    }
  }
  pcap.close();
  pcapng.close();
  fs.renameSync(`${pcapPath}.partial`, pcapPath);
  fs.renameSync(`${pcapngPath}.partial`, pcapngPath);
  for (const template of templates) churn(template, variant);
  return { pcap: pcapPath, pcapng: pcapngPath };
}

/** The two big files in `dir`, generated unless both are there from this generator version. */
export function ensureBig(dir = DEFAULT_BIG_DIR, targetBytes = DEFAULT_BIG_BYTES) {
  fs.mkdirSync(dir, { recursive: true });
  const stampFile = path.join(dir, 'big.version');
  const want = `${BIG_VERSION} ${targetBytes}`;
  const pcapPath = path.join(dir, 'big.pcap');
  const pcapngPath = path.join(dir, 'big.pcapng');
  const fresh = fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === want && fs.existsSync(pcapPath) && fs.existsSync(pcapngPath);
  if (fresh) return { pcap: pcapPath, pcapng: pcapngPath, reused: true };
  const { templates } = loadTemplates();
  for (const template of templates) template.plan = patchPlan(template.bytes);
  const started = performance.now();
  const written = writeBoth(dir, targetBytes, templates);
  fs.writeFileSync(stampFile, want);
  return { ...written, reused: false, seconds: (performance.now() - started) / 1000 };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = ensureBig(process.argv[2] ?? DEFAULT_BIG_DIR, Number(process.argv[3] ?? DEFAULT_BIG_BYTES));
  for (const file of [result.pcap, result.pcapng]) console.log(`${file}: ${fs.statSync(file).size} bytes${result.reused ? ' (reused)' : ''}`);
  if (!result.reused) console.log(`generated in ${result.seconds.toFixed(1)} s`);
}

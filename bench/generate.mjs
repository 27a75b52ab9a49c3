// Builds the benchmark capture: every Ethernet frame of the recorded classic-pcap captures,
// cycled until the requested frame count, with steadily increasing timestamps.
// Written with the streaming PcapFileWriter, so memory stays at one template set plus 1 MiB.
// Usage alone: node bench/generate.mjs [frames]   (prints the path)

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openCapture } from '../dist/capture/open.js';
import { PcapFileWriter } from '../dist/capture/pcap-writer.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const capturesDir = path.join(here, '../captures');
export const benchDir = path.join(os.tmpdir(), 'dockshark-bench');

/** Bump when the file content changes, so a stale file of the same size is not reused. */
const GENERATOR_VERSION = 1;
const PCAP_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
const FIRST_SECOND = 1_700_000_000;
/** 100k frames/s of capture time: 2M frames span 20 s, inside IPv4 reassembly's 30 s expiry. */
const STEP_NS = 10_000;

/** Every EN10MB frame of captures/*\/*.pcap, in file order then frame order (pcapng files are skipped). */
export function loadTemplates() {
  const files = fs
    .readdirSync(capturesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((dir) =>
      fs.readdirSync(path.join(capturesDir, dir.name)).filter((name) => name.endsWith('.pcap')).map((name) => path.join(capturesDir, dir.name, name)),
    )
    .sort();
  const templates = [];
  const used = [];
  for (const file of files) {
    const source = openCapture(file);
    let count = 0;
    for (let frame = source.next(); frame !== null; frame = source.next()) {
      if (frame.iface.linkType !== 1) break; // SLL2 (`-any`) files: not Ethernet
      templates.push(makeTemplate(frame.bytes.slice(), frame.origLen));
      count++;
    }
    source.close();
    if (count > 0) used.push({ file: path.relative(path.join(here, '..'), file), frames: count });
  }
  if (templates.length === 0) throw new Error(`No Ethernet frames found in ${capturesDir}/*/*.pcap.`);
  return { templates, files: used };
}

/**
 * Copies vary the outer IPv4 identification so that fragments of different copies are
 * different datagrams to the reassembler (as in real traffic); the header checksum is
 * patched incrementally (RFC 1624), which keeps a good checksum good and a bad one bad.
 */
function makeTemplate(bytes, origLen) {
  const isIpv4 = bytes.length >= 34 && bytes[12] === 0x08 && bytes[13] === 0x00 && bytes[14] >> 4 === 4;
  return {
    bytes,
    origLen,
    ipv4Id: isIpv4 ? (bytes[18] << 8) | bytes[19] : -1,
    ipv4Checksum: isIpv4 ? (bytes[24] << 8) | bytes[25] : -1,
  };
}

function setIpv4Id(template, copy) {
  if (template.ipv4Id < 0) return;
  const id = (template.ipv4Id + copy) & 0xffff;
  // HC' = ~(~HC + ~m + m') in ones' complement arithmetic.
  let sum = (~template.ipv4Checksum & 0xffff) + (~template.ipv4Id & 0xffff) + id;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  const checksum = ~sum & 0xffff;
  const b = template.bytes;
  b[18] = id >> 8;
  b[19] = id & 0xff;
  b[24] = checksum >> 8;
  b[25] = checksum & 0xff;
}

function expectedBytes(templates, frames) {
  let bytes = PCAP_HEADER_BYTES;
  for (let i = 0; i < frames; i++) bytes += RECORD_HEADER_BYTES + templates[i % templates.length].bytes.length;
  return bytes;
}

/**
 * Returns { path, frames, bytes, reused, templates, files }: the mix file with `frames` frames,
 * generated into os.tmpdir() unless a file of exactly the expected size is already there.
 */
export function ensureMix(frames, loaded = loadTemplates()) {
  const { templates, files } = loaded;
  fs.mkdirSync(benchDir, { recursive: true });
  const file = path.join(benchDir, `mix-v${GENERATOR_VERSION}-${frames}.pcap`);
  const bytes = expectedBytes(templates, frames);
  const result = { path: file, frames, bytes, templates: templates.length, files };
  if (fs.existsSync(file) && fs.statSync(file).size === bytes) return { ...result, reused: true };

  // Write under a temporary name so an interrupted run never leaves a plausible-looking file.
  const partial = `${file}.partial`;
  const writer = new PcapFileWriter(partial, { littleEndian: true, linkType: 1 });
  const frame = { tsSec: 0, tsNsec: 0, bytes: templates[0].bytes, origLen: 0 };
  for (let i = 0; i < frames; i++) {
    const template = templates[i % templates.length];
    setIpv4Id(template, Math.floor(i / templates.length));
    const ns = i * STEP_NS;
    frame.tsSec = FIRST_SECOND + Math.floor(ns / 1e9);
    frame.tsNsec = ns % 1e9;
    frame.bytes = template.bytes;
    frame.origLen = template.origLen;
    writer.writeFrame(frame);
  }
  writer.close();
  // Restore the recorded ids so a later ensureMix with the same templates starts from them.
  for (const template of templates) setIpv4Id(template, 0);
  if (fs.statSync(partial).size !== bytes) throw new Error(`${partial}: wrote ${fs.statSync(partial).size} bytes, expected ${bytes}.`);
  fs.renameSync(partial, file);
  return { ...result, reused: false };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const mix = ensureMix(Number(process.argv[2] ?? 2_000_000));
  console.log(`${mix.path}: ${mix.frames} frames, ${mix.bytes} bytes${mix.reused ? ' (reused)' : ''}`);
}

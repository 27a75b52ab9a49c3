// Live capture under load (a benchmark, not a test): two namespaces joined by a veth pair;
// `dockshark inject` floods 100-byte UDP frames from one side at a fixed rate for 10 s
// while `dockshark capture` (analysis on, writing a pcapng) runs on the other, then it
// reports frames sent, captured, dropped by dockshark (analysis queue full), written and
// analysed. Target (issue 6): no drops at 200,000 frames/s. Needs root; the namespaces
// (dsbench-<pid>-a/-b) are deleted by name at the end.
// Usage: node bench/live.mjs [--pps N] [--seconds S]   (npm run build first)

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PcapFileWriter } from '../dist/capture/pcap-writer.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli/main.js');
const { values: opts } = parseArgs({ options: { pps: { type: 'string', default: '200000' }, seconds: { type: 'string', default: '10' } } });
const pps = Number(opts.pps);
const seconds = Number(opts.seconds);
if (process.getuid?.() !== 0) {
  console.error('bench/live.mjs: needs root (network namespaces and raw sockets).');
  process.exit(2);
}

const a = `dsbench-${process.pid}-a`;
const b = `dsbench-${process.pid}-b`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dockshark-live-bench-'));
const ns = (name, ...args) => execFileSync('ip', ['-n', name, ...args]);
function cleanup() {
  for (const name of [a, b]) spawnSync('ip', ['netns', 'del', name]);
  fs.rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);

for (const name of [a, b]) {
  execFileSync('ip', ['netns', 'add', name]);
  ns(name, 'link', 'set', 'lo', 'up');
}
ns(a, 'link', 'add', 'flood0', 'type', 'veth', 'peer', 'name', 'flood1', 'netns', b);
ns(a, 'link', 'set', 'flood0', 'up');
ns(b, 'link', 'set', 'flood1', 'up');

// One second of distinct 100-byte Ethernet/IPv4/UDP frames, looped by inject.
const trace = path.join(dir, 'flood.pcap');
const writer = new PcapFileWriter(trace, { littleEndian: true, linkType: 1 });
const perLoop = Math.min(pps, 100_000);
for (let i = 0; i < perLoop; i++) {
  const bytes = new Uint8Array(100);
  bytes.set([0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00], 0);
  const v = new DataView(bytes.buffer);
  v.setUint8(14, 0x45); v.setUint16(16, 86); v.setUint16(18, i & 0xffff); v.setUint8(22, 64); v.setUint8(23, 17);
  v.setUint32(26, 0x0a630001); v.setUint32(30, 0x0a630002);
  let sum = 0;
  for (let k = 14; k < 34; k += 2) sum += v.getUint16(k);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  v.setUint16(24, ~sum & 0xffff);
  v.setUint16(34, 40000 + (i % 1000)); v.setUint16(36, 9); v.setUint16(38, 66);
  writer.writeFrame({ tsSec: i, tsNsec: 0, bytes, origLen: 100 });
}
writer.close();

const out = path.join(dir, 'captured.pcapng');
// Stopped with SIGINT once the flood is over (it flushes and prints its counts then).
const capture = spawn('ip', ['netns', 'exec', a, process.execPath, cli, 'capture', '-i', 'flood0', '-w', out],
  { stdio: ['ignore', 'ignore', 'pipe'] });
let captureErr = '';
capture.stderr.on('data', (d) => { captureErr += d; });
await new Promise((r) => setTimeout(r, 1500));
const loops = Math.max(1, Math.round((pps * seconds) / perLoop));
const inject = spawnSync('ip', ['netns', 'exec', b, process.execPath, cli, 'inject', trace, '-i', 'flood1', '--pps', String(pps), '--loop', String(loops)],
  { encoding: 'utf8' });
await new Promise((r) => setTimeout(r, 1500));
const closed = new Promise((r) => capture.on('close', r));
// ip netns exec execs node, so the child is dockshark itself
capture.kill('SIGINT');
await closed;

const number = (re, text) => Number(re.exec(text)?.[1] ?? NaN);
const sent = number(/sent (\d+) frames/, inject.stdout);
const captured = number(/captured (\d+) frames/, captureErr);
const analysed = number(/analysed (\d+)/, captureErr);
const dropped = number(/dropped by dockshark: (\d+)/, captureErr);
const written = number(/wrote (\d+) frames/, captureErr);
console.log(`inject: ${inject.stdout.trim().split('\n').join(' | ')}`);
console.log(`capture: ${captureErr.trim().split('\n').join(' | ')}`);
console.log(`target ${pps} frames/s for ${seconds} s: sent ${sent}, captured ${captured}, dropped by dockshark ${dropped}, written ${written}, analysed ${analysed}`);
const rate = number(/: (\d+) frames\/s/, inject.stdout);
console.log(`${dropped === 0 && captured >= sent * 0.99 && rate >= pps * 0.95 ? 'PASS' : 'FAIL'}: no drops at ${pps} frames/s `
  + `(sent at ${rate} frames/s; captured ${((captured / sent) * 100).toFixed(1)} % of sent; the kernel's drops are not reported through cap, so frames sent but not captured are the measure)`);

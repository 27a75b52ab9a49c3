// `node bench/pathological.mjs [--sizes 100000,1000000] [--only name,...]` (after `npm run build`):
// pathological streams through the whole analysis pipeline (decode, copy tracking, every
// engine) at two sizes, to show the cost per frame does not grow with the input: with
// linear behaviour the ns/frame of both sizes are alike (a quadratic one would be ~10x).
// The streams are those of test/helpers/pathological.ts (the tests assert the bounded
// sizes; this times them). Prints a Markdown table.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEngines } from '../dist/analysis/engines.js';
import { AnalysisPipeline } from '../dist/analysis/pipeline.js';
import { resolveLimits } from '../dist/analysis/limits.js';
import { Topology } from '../dist/topology/model.js';

const { values: opts } = parseArgs({
  options: { sizes: { type: 'string', default: '100000,1000000' }, only: { type: 'string' }, child: { type: 'string' } },
});
const sizes = opts.sizes.split(',').map(Number);

// ---- byte templates (Ethernet + IPv4 + UDP ...) ----
const u16 = (n) => [(n >>> 8) & 0xff, n & 0xff];
const u32 = (n) => [...u16(n >>> 16), ...u16(n & 0xffff)];
function ipv4Checksum(b, at) {
  b[at + 10] = b[at + 11] = 0;
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += (b[at + i] << 8) | b[at + i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  b[at + 10] = (~sum >>> 8) & 0xff;
  b[at + 11] = ~sum & 0xff;
}
const eth = (type, payload) => [0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, ...u16(type), ...payload];
const ipv4 = (src, ttl, id, flags, payload) => [0x45, 0, ...u16(20 + payload.length), ...u16(id), ...u16(flags), ttl, 17, 0, 0, ...u32(src), ...u32(0x08080808), ...payload];
const udp = (sport, dport, payload) => [...u16(sport), ...u16(dport), ...u16(8 + payload.length), 0, 0, ...payload];
const arpReply = [0, 1, 8, 0, 6, 4, 0, 2, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 255, 255, 255];
const zeros = (n) => new Array(n).fill(0);
function template(bytes) {
  const data = Uint8Array.from(bytes);
  ipv4ChecksumIfIp(data);
  return data;
}
function ipv4ChecksumIfIp(d) {
  if (d[12] === 8 && d[13] === 0) ipv4Checksum(d, 14);
}
function setMac(b, at, n) {
  b[at] = 2; b[at + 1] = 0; b[at + 2] = (n >>> 24) & 0xff; b[at + 3] = (n >>> 16) & 0xff; b[at + 4] = (n >>> 8) & 0xff; b[at + 5] = n & 0xff;
}
const put16 = (b, at, n) => { b[at] = (n >>> 8) & 0xff; b[at + 1] = n & 0xff; };
const put32 = (b, at, n) => { put16(b, at, n >>> 16); put16(b, at + 2, n & 0xffff); };

const ETH = { id: 0, linkType: 1, name: null };
const INSIDE = { id: 0, linkType: 1, name: 'docker0' };
const OUTSIDE = { id: 1, linkType: 1, name: 'eth0' };

/** Each scenario: a function (i, frame) that fills frame i (one or two frames per step). */
const SCENARIOS = {
  'mac-flood': () => {
    const data = template(eth(0x0800, ipv4(0x0a000001, 64, 1, 0, udp(1, 2, zeros(8)))));
    return (i, f) => { setMac(data, 6, i + 1); f.data = data; f.iface = ETH; };
  },
  'arp-flood': () => {
    const data = template(eth(0x0806, arpReply));
    return (i, f) => { setMac(data, 6, i + 1); setMac(data, 22, i + 1); put32(data, 28, (10 << 24) + i + 1); f.data = data; f.iface = ETH; };
  },
  'nat-flood': () => {
    const inside = template(eth(0x0800, ipv4(0xac110002, 64, 1, 0, udp(1024, 53, zeros(20)))));
    const outside = template(eth(0x0800, ipv4(0x0a000001, 63, 1, 0, udp(1024, 53, zeros(20)))));
    return (i, f) => {
      const flow = i >> 1;
      const d = i & 1 ? outside : inside;
      put16(d, 18, (flow + 1) & 0xffff);
      put16(d, 34, 1024 + (flow % 60000));
      if (!(i & 1)) put32(d, 26, (0xac110002 + Math.floor(flow / 60000)) >>> 0);
      ipv4Checksum(d, 14);
      f.data = d;
      f.iface = i & 1 ? OUTSIDE : INSIDE;
    };
  },
  'frag-never-complete': () => {
    const data = template(eth(0x0800, ipv4(0x0a000001, 64, 0, 0x2000, zeros(16))));
    return (i, f) => { put16(data, 18, i & 0xffff); put32(data, 26, (0x0a000001 + (i >>> 16)) >>> 0); ipv4Checksum(data, 14); f.data = data; f.iface = ETH; };
  },
  'vni-flood': () => {
    const inner = eth(0x0806, arpReply);
    const data = template(eth(0x0800, ipv4(0x0a000001, 64, 1, 0, udp(40000, 4789, [8, 0, 0, 0, 0, 0, 0, 0, ...inner]))));
    return (i, f) => { put32(data, 46, ((i + 1) & 0xffffff) << 8); setMac(data, 56, i + 1); f.data = data; f.iface = ETH; };
  },
  'same-instant-burst': () => {
    const a = template(eth(0x0800, ipv4(0xac110002, 64, 0, 0x4000, udp(5000, 53, zeros(20)))));
    const b = Uint8Array.from(a);
    return (i, f) => {
      const pair = i >> 1;
      const d = i & 1 ? b : a;
      d[d.length - 1] = pair & 0xff;
      d[d.length - 2] = (pair >>> 8) & 0xff;
      f.data = d;
      f.iface = i & 1 ? OUTSIDE : INSIDE;
      f.sameInstant = true;
    };
  },
};

function runScenario(name, n) {
  const topology = Topology.empty();
  const limits = resolveLimits({});
  const p = new AnalysisPipeline(createEngines({ topology, ageingSeconds: 300, vxlanPorts: [4789], limits }), { vxlanPorts: [4789], keepEvents: false }, topology);
  const fill = SCENARIOS[name]();
  const f = { no: 0, tsSec: 1_700_000_000, tsNsec: 0, origLen: 0, data: null, start: 0, end: 0, direction: null, iface: ETH, sameInstant: false };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    fill(i, f);
    f.no = i + 1;
    if (!f.sameInstant) {
      f.tsSec = 1_700_000_000 + Math.floor(i / 1_000_000);
      f.tsNsec = (i % 1_000_000) * 1000;
    }
    f.origLen = f.end = f.data.length;
    p.push(f);
  }
  p.finish();
  const ns = Number(process.hrtime.bigint() - t0);
  const overflows = p.overflows().map((o) => `${o.table}${o.name ? ` (${o.name})` : ''}: ${o.count}`).join('; ');
  globalThis.gc?.();
  return { ns, rssMb: process.resourceUsage().maxRSS / 1024, heapMb: (process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers) / 1048576, live: p, overflows };
}

// Each run in its own process: RSS is then the run's own.
if (opts.child !== undefined) {
  const [name, n] = opts.child.split(':');
  const { live, ...result } = runScenario(name, Number(n));
  console.log(JSON.stringify(result));
  process.exit(0);
}
function inChild(name, n) {
  const r = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', `${name}:${n}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} at ${n} frames failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const names = opts.only ? opts.only.split(',') : Object.keys(SCENARIOS);
console.log(`| stream | ${sizes.map((s) => `ns/frame at ${s.toLocaleString('en-US')}`).join(' | ')} | ratio | peak RSS MB | heap + buffers MB after GC | caps reached (at the largest size) |`);
console.log(`|---|${sizes.map(() => '---:').join('|')}|---:|---:|---:|---|`);
for (const name of names) {
  const rows = sizes.map((n) => ({ n, ...inChild(name, n) }));
  const perFrame = rows.map((r) => r.ns / r.n);
  const last = rows[rows.length - 1];
  console.log(`| ${name} | ${perFrame.map((x) => x.toFixed(0)).join(' | ')} | ${(perFrame[perFrame.length - 1] / perFrame[0]).toFixed(2)} | ${last.rssMb.toFixed(0)} | ${last.heapMb.toFixed(0)} | ${last.overflows || 'none'} |`);
}

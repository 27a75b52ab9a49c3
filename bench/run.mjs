// `npm run bench`: dockshark's throughput and memory on a large realistic capture, next to
// tcpdump, tshark and pcap-parser. Prints Markdown tables for the README and writes
// bench/out/results.json.
//
// Usage: node bench/run.mjs [--frames N] [--runs N] [--only name,name] [--big]
//   --frames N  frames in the main capture (default 2,000,000)
//   --runs N    runs per measurement; the median is reported (default 3)
//   --only      a subset of: read, decode, cli-text, cli-ndjson, tcpdump-text, tcpdump-raw,
//               tshark, pcap-parser, decode-small, decode-big, analyze
//   --big       also decode a 10,000,000-frame capture (about 1.9 GB in os.tmpdir())

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureMix, loadTemplates } from './generate.mjs';
import { haveCommand, runCommand, runWorker, summarise } from './measure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'dist/cli/main.js');

const { values: opts } = parseArgs({
  options: {
    frames: { type: 'string', default: '2000000' },
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    big: { type: 'boolean', default: false },
  },
});
const frames = wholeNumber('--frames', opts.frames);
const runs = wholeNumber('--runs', opts.runs);
/** The small file of the memory comparison: a tenth of the main one, at most 200k frames. */
const smallFrames = Math.max(1, Math.min(200_000, Math.floor(frames / 10)));
const bigFrames = 10_000_000;
/** tshark reads about 75k frames/s and its RSS grows with the file: give it a prefix only. */
const tsharkFrames = Math.min(200_000, frames);

function wholeNumber(name, text) {
  if (!/^[1-9]\d*$/.test(text)) fail(`${name} takes a whole number above 0, not '${text}'.`);
  return Number(text);
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

// --- the measurements --------------------------------------------------------------------------
// file: which capture ('main', 'small', 'big'); dockshark: RSS target applies; needs: a command.

const node = process.execPath;
const MEASUREMENTS = [
  { name: 'read', label: 'dockshark read (openCaptures + next)', file: 'main', dockshark: true, worker: 'read' },
  { name: 'decode', label: 'dockshark read + decode', file: 'main', dockshark: true, worker: 'decode' },
  { name: 'analyze', label: 'dockshark analyze (reorder, decode, all engines)', file: 'main', dockshark: true, worker: 'analyze' },
  { name: 'cli-text', label: 'dockshark decode (CLI, text)', file: 'main', dockshark: true,
    command: (f) => [node, cli, 'decode', f, '--vxlan-port', '8472'] },
  { name: 'cli-ndjson', label: 'dockshark decode --ndjson (CLI)', file: 'main', dockshark: true,
    command: (f) => [node, cli, 'decode', f, '--vxlan-port', '8472', '--ndjson'] },
  { name: 'tcpdump-text', label: 'tcpdump -nn -e -r', file: 'main', needs: 'tcpdump',
    command: (f) => ['tcpdump', '-nn', '-e', '-r', f] },
  { name: 'tcpdump-raw', label: 'tcpdump -r -w /dev/null (libpcap read)', file: 'main', needs: 'tcpdump',
    command: (f) => ['tcpdump', '-r', f, '-w', '/dev/null'] },
  { name: 'tshark', label: `tshark -r (first ${tsharkFrames.toLocaleString('en-US')} frames only)`, file: 'main',
    needs: 'tshark', limit: tsharkFrames, command: (f) => ['tshark', '-r', f, '-c', String(tsharkFrames)] },
  { name: 'pcap-parser', label: 'pcap-parser 0.2.1', file: 'main', worker: 'pcap-parser' },
  { name: 'decode-small', label: `dockshark read + decode, ${smallFrames.toLocaleString('en-US')}-frame file`,
    file: 'small', dockshark: true, worker: 'decode' },
  { name: 'decode-big', label: `dockshark read + decode, ${bigFrames.toLocaleString('en-US')}-frame file`,
    file: 'big', dockshark: true, worker: 'decode', onlyWith: 'big' },
];

const only = opts.only?.split(',').map((s) => s.trim()).filter(Boolean);
for (const name of only ?? []) {
  if (!MEASUREMENTS.some((m) => m.name === name)) fail(`unknown measurement '${name}' in --only; known: ${MEASUREMENTS.map((m) => m.name).join(', ')}.`);
}
const selected = MEASUREMENTS.filter((m) => (only ? only.includes(m.name) : m.onlyWith !== 'big' || opts.big));
const skipped = [];
const active = selected.filter((m) => {
  if (!m.needs || haveCommand(m.needs)) return true;
  skipped.push(`${m.name}: skipped, ${m.needs} is not installed.`);
  return false;
});

// --- the captures ------------------------------------------------------------------------------

const log = (text) => process.stderr.write(`${text}\n`);
const templates = loadTemplates();
const files = {};
for (const [key, count] of [['main', frames], ['small', smallFrames], ['big', bigFrames]]) {
  if (!active.some((m) => m.file === key)) continue;
  const started = performance.now();
  log(`bench: preparing the ${count.toLocaleString('en-US')}-frame capture...`);
  files[key] = { ...ensureMix(count, templates), generateSeconds: (performance.now() - started) / 1000 };
  warmPageCache(files[key].path);
}

/** Reads the file once so that every measurement starts from the page cache, not the disk. */
function warmPageCache(file) {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.allocUnsafe(1 << 20);
  while (fs.readSync(fd, buffer, 0, buffer.length, null) > 0);
  fs.closeSync(fd);
}

// --- measuring: round-robin over the measurements, so slow drift of a shared machine's load
// spreads over all of them instead of landing on one -------------------------------------------

const raw = new Map(active.map((m) => [m.name, []]));
for (let run = 1; run <= runs; run++) {
  for (const m of active) {
    const file = files[m.file];
    const result = m.worker ? runWorker(m.worker, [file.path]) : runCommand(m.command(file.path));
    if (m.worker && result.frames !== file.frames) throw new Error(`${m.name} counted ${result.frames} frames, expected ${file.frames}.`);
    if (m.worker === 'decode' && !(result.ipv4Frames > 0)) throw new Error(`${m.name} decoded no IPv4 frame.`);
    raw.get(m.name).push(result);
    log(`bench: run ${run}/${runs} ${m.name.padEnd(12)} ${result.seconds.toFixed(3)} s  ${(result.maxRssKiB / 1024).toFixed(0)} MiB`);
  }
}
const results = active.map((m) => ({
  name: m.name,
  label: m.label,
  dockshark: Boolean(m.dockshark),
  file: m.file,
  timing: m.worker ? 'in-process' : 'whole process',
  command: m.command ? m.command('FILE').map((arg) => (arg === node ? 'node' : arg === cli ? 'dist/cli/main.js' : arg)).join(' ') : null,
  ...summarise(m.limit ?? files[m.file].frames, raw.get(m.name)),
  heapAfterGcBytes: raw.get(m.name).map((run) => run.heapAfterGcBytes ?? 0),
  detail: raw.get(m.name).map(({ seconds, maxRssKiB, heapAfterGcBytes, ...rest }) => rest)[0],
}));
const byName = Object.fromEntries(results.map((r) => [r.name, r]));

// --- targets -----------------------------------------------------------------------------------

const targets = [];
function target(description, needed, check) {
  if (needed.some((name) => !byName[name])) {
    targets.push({ description, measured: 'not measured', result: 'n/a' });
    return;
  }
  const { measured, pass } = check();
  targets.push({ description, measured, result: pass ? 'PASS' : 'FAIL' });
}
const rate = (name) => byName[name].framesPerSecond;
target('read+decode >= 3,000,000 frames/s', ['decode'], () => ({
  measured: `${fmtRate(rate('decode'))} frames/s`,
  pass: rate('decode') >= 3_000_000,
}));
target('read+decode >= 0.5 x `tcpdump -r FILE -w /dev/null`', ['decode', 'tcpdump-raw'], () => ({
  measured: `${(rate('decode') / rate('tcpdump-raw')).toFixed(2)} x (${fmtRate(rate('decode'))} vs ${fmtRate(rate('tcpdump-raw'))})`,
  pass: rate('decode') >= 0.5 * rate('tcpdump-raw'),
}));
target('text output >= 2 x `tcpdump -nn -e -r FILE`', ['cli-text', 'tcpdump-text'], () => ({
  measured: `${(rate('cli-text') / rate('tcpdump-text')).toFixed(2)} x (${fmtRate(rate('cli-text'))} vs ${fmtRate(rate('tcpdump-text'))})`,
  pass: rate('cli-text') >= 2 * rate('tcpdump-text'),
}));
target('analyze >= 2,000,000 frames/s (issue 3)', ['analyze'], () => ({
  measured: `${fmtRate(rate('analyze'))} frames/s`,
  pass: rate('analyze') >= 2_000_000,
}));
target('analyze >= 8 x `tcpdump -nn -e -r FILE` (issue 3)', ['analyze', 'tcpdump-text'], () => ({
  measured: `${(rate('analyze') / rate('tcpdump-text')).toFixed(2)} x (${fmtRate(rate('analyze'))} vs ${fmtRate(rate('tcpdump-text'))})`,
  pass: rate('analyze') >= 8 * rate('tcpdump-text'),
}));
const ours = results.filter((r) => r.dockshark);
if (ours.length === 0) targets.push({ description: 'peak RSS < 150 MB, every dockshark measurement', measured: 'not measured', result: 'n/a' });
else {
  const worst = ours.reduce((a, b) => (b.peakRssMB > a.peakRssMB ? b : a));
  targets.push({
    description: 'peak RSS < 150 MB, every dockshark measurement',
    measured: `max ${worst.peakRssMB.toFixed(1)} MB (${worst.name})`,
    result: ours.every((r) => r.peakRssMB < 150) ? 'PASS' : 'FAIL',
  });
}

// --- report ------------------------------------------------------------------------------------

function fmtRate(perSecond) {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M` : `${(perSecond / 1e3).toFixed(0)} k`;
}

function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const firstLine = (argv) => spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' }).stdout?.split('\n')[0].trim() || 'not installed';
const cpuModel = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
const env = {
  commandLine: ['node', path.relative(root, process.argv[1]), ...process.argv.slice(2)].join(' '),
  node: process.version,
  v8: process.versions.v8,
  cpu: `${cpuModel}, ${os.cpus().length} logical CPUs`,
  memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
  os: `${os.type()} ${os.release()}`,
  tcpdump: haveCommand('tcpdump') ? firstLine(['tcpdump', '--version']) : 'not installed',
  tshark: haveCommand('tshark') ? firstLine(['tshark', '--version']) : 'not installed',
  // tcpdump prints each timestamp with localtime(): with TZ unset, glibc stats /etc/localtime on
  // every call, one system call per frame, which is most of tcpdump's time where they are dear.
  tz: process.env.TZ ?? null,
  date: new Date().toISOString(),
};

const out = [];
out.push('## dockshark benchmark', '');
out.push(`Command line: \`${env.commandLine}\`${process.env.npm_lifecycle_event === 'bench' ? ' (via `npm run bench`)' : ''}`);
out.push(`Node ${env.node} (V8 ${env.v8}); CPU: ${env.cpu}; RAM ${env.memory}; ${env.os}`);
out.push(`${env.tcpdump}; ${env.tshark}`);
out.push(env.tz === null
  ? 'TZ unset: tcpdump makes a system call (a stat of /etc/localtime) per frame it prints, as on most hosts; with TZ set it is faster.'
  : `TZ=${env.tz}: tcpdump makes no system call per frame it prints (with TZ unset it stats /etc/localtime for each).`, '');
for (const [key, file] of Object.entries(files)) {
  out.push(
    `Capture (${key}): ${file.path}: ${file.frames.toLocaleString('en-US')} frames, ${(file.bytes / 1e6).toFixed(1)} MB, ` +
      `classic pcap LE us EN10MB, ${file.reused ? 'reused' : `generated in ${file.generateSeconds.toFixed(1)} s`}`,
  );
}
out.push(
  `Mix: the ${templates.templates.length} Ethernet frames of ${templates.files.length} recorded captures/*/*.pcap files, cycled ` +
    '(ARP, ICMP echo and errors, UDP, TCP, VXLAN underlay, IPv4 fragments, IPv6 ND/MLD...).',
  '',
);
out.push(`Median of ${runs} run(s), each in its own process; frames/s from the median.`);
out.push('Library rows (dockshark read/decode, pcap-parser) time open..close inside the process, without Node startup;');
out.push('command rows time the whole process, startup included, with stdout to /dev/null. MB = 10^6 bytes.', '');
out.push(
  table(
    ['measurement', 'frames', 'median s', 'min s', 'frames/s', 'peak RSS MB'],
    results.map((r) => [r.label, r.frames.toLocaleString('en-US'), r.medianSeconds.toFixed(3), r.minSeconds.toFixed(3), fmtRate(r.framesPerSecond), r.peakRssMB.toFixed(1)]),
  ),
  '',
);
for (const note of skipped) out.push(`Note: ${note}`);
if (byName.tshark) out.push(`Note: tshark was given only the first ${tsharkFrames.toLocaleString('en-US')} frames (\`-c ${tsharkFrames}\`): it is slow and its memory grows with the file.`);
const commands = results.filter((r) => r.command);
if (commands.length > 0) out.push('Commands: ' + commands.map((r) => `\`${r.command} > /dev/null\``).join(', '));
out.push('');
out.push(table(['target', 'measured', 'result'], targets.map((t) => [t.description, t.measured, t.result])), '');

const memoryRows = ['decode-small', 'decode', 'decode-big'].map((name) => byName[name]).filter(Boolean);
if (memoryRows.length >= 2) {
  out.push('Memory is bounded by the frames in flight, not by the file size (read + decode):', '');
  out.push(
    table(
      ['frames', 'file MB', 'peak RSS MB', 'heap after full GC MB'],
      memoryRows.map((r) => [
        r.frames.toLocaleString('en-US'),
        (files[r.file].bytes / 1e6).toFixed(1),
        r.peakRssMB.toFixed(1),
        (Math.max(...r.heapAfterGcBytes) / 1e6).toFixed(1),
      ]),
    ),
    '',
  );
  const [first, last] = [memoryRows[0], memoryRows.at(-1)];
  out.push(
    `${(last.frames / first.frames).toFixed(0)} x the frames (${((files[last.file].bytes - files[first.file].bytes) / 1e6).toFixed(0)} MB more file) ` +
      `changes peak RSS by ${(last.peakRssMB - first.peakRssMB).toFixed(1)} MB; peak RSS is a high-water mark that also depends on ` +
      'when V8 collects, the heap after a full GC is what stays live.',
    '',
  );
}
if (targets.some((t) => t.result === 'FAIL' && t.description.startsWith('read+decode'))) {
  out.push('read+decode misses a target: `node bench/profile.mjs` shows where its time goes.', '');
}
console.log(out.join('\n'));

const outDir = path.join(root, 'bench/out');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(
  path.join(outDir, 'results.json'),
  `${JSON.stringify({ env, files, runs, results, targets, skipped }, null, 2)}\n`,
);
log(`bench: results written to ${path.relative(root, path.join(outDir, 'results.json'))}`);

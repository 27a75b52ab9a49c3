#!/usr/bin/env node
// Regenerates test/golden/dfilter-tshark.json: the frames tshark selects with each display
// filter of test/decode/dfilters.txt, in every capture of captures/ and of ../shared/corpus
// (when present), and what tshark says of each filter of dfilters-refused.txt, for
// test/decode/dfilter-tshark.test.ts.
//
// `tshark -Y` takes one filter per run, and runs cost ~0.3 s each; so tshark runs once per
// file with a Lua tap per filter (a tap's filter is the same display-filter engine as -Y;
// the test re-checks a sample with real -Y runs when tshark is installed).
//
//   node test/golden/dfilter-gen.mjs            (needs tshark with Lua; run from anywhere)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'test/golden/dfilter-tshark.json');
const corpusDir = resolve(root, '../shared/corpus');

/** The tshark side of each line of dfilters.txt ("ours ;; tshark's" when they are written differently). */
export function readFilterList(text) {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => {
    const [ours, theirs] = l.split(' ;; ');
    return { ours, tshark: theirs ?? ours };
  });
}

/** Frame numbers as "1-3,7": the golden file stays small. */
function ranges(numbers) {
  const parts = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    parts.push(j === i ? `${numbers[i]}` : `${numbers[i]}-${numbers[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

const LUA = `
local path = ...
local filters, hits = {}, {}
for line in io.lines(path) do filters[#filters + 1] = line end
for i, f in ipairs(filters) do
  local ok, tap = pcall(Listener.new, "frame", f)
  if ok then
    local h = {}
    hits[i] = h
    tap.packet = function(pinfo) h[#h + 1] = pinfo.number end
  else
    io.stderr:write("filter " .. i .. " refused: " .. tostring(tap) .. "\\n")
  end
end
local last = Listener.new("frame", nil)
function last.draw()
  for i = 1, #filters do
    if hits[i] then print("R\\t" .. i .. "\\t" .. table.concat(hits[i], ",")) else print("R\\t" .. i .. "\\tERROR") end
  end
end
`;

function captureFiles() {
  const files = [];
  for (const dir of readdirSync(join(root, 'captures'), { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(root, 'captures', dir.name)).sort()) {
      if (/\.(pcap|pcapng)$/.test(f)) files.push({ key: `captures/${dir.name}/${f}`, path: join(root, 'captures', dir.name, f) });
    }
  }
  if (existsSync(join(corpusDir, 'MANIFEST.tsv'))) {
    const rows = readFileSync(join(corpusDir, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
    for (const row of rows) {
      const name = row.split('\t')[0];
      files.push({ key: `corpus/${name}`, path: join(corpusDir, name) });
    }
  } else {
    console.error(`warning: ${corpusDir} is absent; only captures/ are covered`);
  }
  return files.sort((a, b) => a.key.localeCompare(b.key));
}

function runTshark(file, script, listPath, count) {
  return new Promise((done) => {
    const child = spawn('tshark', ['-q', '-n', '-r', file.path, '-X', `lua_script:${script}`, '-X', `lua_script1:${listPath}`]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', () => {
      const results = new Array(count).fill(null);
      for (const line of stdout.split('\n')) {
        const [tag, i, frames] = line.split('\t');
        if (tag !== 'R') continue;
        if (frames === 'ERROR') throw new Error(`tshark refused filter ${i}: ${stderr}`);
        results[Number(i) - 1] = ranges(frames === '' ? [] : frames.split(',').map(Number));
      }
      const complaint = stderr.split('\n').filter((l) => l.startsWith('tshark:')).join(' ');
      // tshark skips its taps' last step on a file it cannot read at all: nothing was selected.
      if (results.every((r) => r === null) && complaint !== '') return done({ tsharkError: complaint });
      if (results.includes(null)) throw new Error(`${file.key}: tshark printed no results (${stderr.trim()})`);
      done(complaint === '' ? results : { tsharkError: complaint, results });
    });
  });
}

/** tshark's complaint about each filter of `list` (null: accepted), from one run on `file`. */
function refusals(file, script, listPath, list) {
  writeFileSync(listPath, list.join('\n') + '\n');
  const run = spawnSync('tshark', ['-q', '-n', '-r', file, '-X', `lua_script:${script}`, '-X', `lua_script1:${listPath}`], { encoding: 'utf8' });
  const said = new Map();
  for (const m of run.stderr.matchAll(/^filter (\d+) refused: (?:Error while registering tap:\s*)?([^\n]*(?:\n(?!filter )[^\n]*)*)/gm)) {
    said.set(Number(m[1]), m[2].replace(/\s+/g, ' ').trim());
  }
  return list.map((f, i) => ({ filter: f, tshark: said.get(i + 1) ?? null }));
}

async function main() {
  const filters = readFilterList(readFileSync(join(root, 'test/decode/dfilters.txt'), 'utf8'));
  const refused = readFilterList(readFileSync(join(root, 'test/decode/dfilters-refused.txt'), 'utf8')).map((f) => f.ours);
  const tmp = mkdtempSync(join(tmpdir(), 'dfilter-gen-'));
  try {
    const script = join(tmp, 'taps.lua');
    const listPath = join(tmp, 'filters.txt');
    writeFileSync(script, LUA);
    writeFileSync(listPath, filters.map((f) => f.tshark).join('\n') + '\n');
    const files = captureFiles();
    const verdicts = refusals(join(root, 'captures/bridge/bridge-docker0.pcap'), script, join(tmp, 'refused.txt'), refused);
    const results = {};
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const file = files[next++];
        results[file.key] = await runTshark(file, script, listPath, filters.length);
      }
    };
    await Promise.all([worker(), worker()]);
    const version = execFileSync('tshark', ['--version'], { encoding: 'utf8' }).split('\n')[0];
    const sorted = Object.fromEntries(Object.keys(results).sort().map((k) => [k, results[k]]));
    const golden = {
      about: 'Frames (as ranges) tshark selects with each filter of test/decode/dfilters.txt (tshark side), per capture; made by test/golden/dfilter-gen.mjs.',
      tshark: version,
      filters: filters.map((f) => f.tshark),
      refused: verdicts,
      files: sorted,
    };
    writeFileSync(out, JSON.stringify(golden, null, 1) + '\n');
    console.log(`wrote ${out}: ${files.length} files x ${filters.length} filters`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

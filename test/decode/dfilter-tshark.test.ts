// Our display filters select the same frames as tshark 4.0's: every filter of dfilters.txt
// on every capture of captures/ and of ../shared/corpus. tshark's answers are committed in
// test/golden/dfilter-tshark.json (made by test/golden/dfilter-gen.mjs, one tshark run per
// file), so this runs without tshark; when tshark is installed, a sample is re-run live
// with `tshark -Y`. Explained differences are listed in dfilter-deviations.json. The
// filters of dfilters-refused.txt are refused by both.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { FilterSyntaxError, FrameDecoder, MutableFilterFrame, parseFilter, type FrameFilter } from '../../src/decode/index.js';
import { corpusDir, hasCorpus, noteCorpusSkip, repoRoot } from '../helpers/paths.js';

interface FilterLine { ours: string; tshark: string }
interface Deviation { file: string; filter?: string; frames: number[]; reason: string }
type FileResult = string[] | { tsharkError: string; results?: string[] };
interface Golden { tshark: string; filters: string[]; refused: { filter: string; tshark: string | null }[]; files: Record<string, FileResult> }

const listOf = (name: string): FilterLine[] => readFileSync(resolve(repoRoot, 'test/decode', name), 'utf8')
  .split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => { const [ours, theirs] = l.split(' ;; '); return { ours, tshark: theirs ?? ours }; });
const lines = listOf('dfilters.txt');
const refused = listOf('dfilters-refused.txt').map((l) => l.ours);
const golden = JSON.parse(readFileSync(resolve(repoRoot, 'test/golden/dfilter-tshark.json'), 'utf8')) as Golden;
const deviations = (JSON.parse(readFileSync(resolve(repoRoot, 'test/decode/dfilter-deviations.json'), 'utf8')) as { deviations: Deviation[] }).deviations;
/** tshark frames that are not packets of ours (pcapng custom blocks, a fuzzed record): see test/capture/corpus-deviations.json. */
const notPackets = new Map((JSON.parse(readFileSync(resolve(repoRoot, 'test/capture/corpus-deviations.json'), 'utf8')) as {
  deviations: { file: string; tsharkFramesNotReturned?: number[] }[];
}).deviations.filter((d) => d.tsharkFramesNotReturned).map((d) => [d.file, d.tsharkFramesNotReturned!]));

const keys = Object.keys(golden.files).filter((k) => k.startsWith('captures/') || hasCorpus);
noteCorpusSkip('the display-filter comparison on the corpus');
const pathOf = (key: string) => (key.startsWith('corpus/') ? resolve(corpusDir, key.slice('corpus/'.length)) : resolve(repoRoot, key));

function expand(ranges: string): number[] {
  if (ranges === '') return [];
  return ranges.split(',').flatMap((r) => {
    const [a, b] = r.split('-').map(Number);
    return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
  });
}

/** tshark's frame numbers in ours (custom blocks and the like dropped), or null for a frame we do not have. */
function renumber(key: string): (n: number) => number | null {
  const skipped = notPackets.get(key.slice(key.indexOf('/') + 1)) ?? [];
  return (n) => (skipped.includes(n) ? null : n - skipped.filter((s) => s < n).length);
}

/** Per filter, the frames our filters select in a capture (decoded as tshark does: VXLAN on 4789 only). */
function ourFrames(path: string, filters: FrameFilter[]): number[][] {
  const out = filters.map(() => [] as number[]);
  const source = openCapture(path);
  const decoder = new FrameDecoder({ vxlanPorts: [4789] });
  const f = new MutableFilterFrame();
  try {
    for (let raw = source.next(); raw !== null; raw = source.next()) {
      f.layers = decoder.decode(raw).layers;
      f.iface = raw.iface.name;
      f.no = raw.no;
      f.origLen = raw.origLen;
      f.capLen = raw.end - raw.start;
      for (let i = 0; i < filters.length; i++) if (filters[i].matches(f)) out[i].push(raw.no);
    }
  } finally {
    source.close();
  }
  return out;
}

function tsharkResults(key: string): number[][] {
  const r = golden.files[key];
  const results = Array.isArray(r) ? r : (r.results ?? lines.map(() => ''));
  const map = renumber(key);
  return results.map((ranges) => expand(ranges).map(map).filter((n): n is number => n !== null));
}

describe('display filters select the frames tshark selects', () => {
  const compiled = lines.map((l) => parseFilter(l.ours));
  const used = new Set<Deviation>();

  it('has tshark results for this list of filters and every capture', () => {
    expect(golden.filters, 'dfilters.txt changed: run node test/golden/dfilter-gen.mjs').toEqual(lines.map((l) => l.tshark));
    expect(lines.length).toBeGreaterThanOrEqual(60);
    const captures = spawnSync('find', ['captures', '-name', '*.pcap', '-o', '-name', '*.pcapng'], { cwd: repoRoot, encoding: 'utf8' })
      .stdout.split('\n').filter(Boolean).sort();
    expect(Object.keys(golden.files).filter((k) => k.startsWith('captures/')).sort()).toEqual(captures);
    if (hasCorpus) {
      const manifest = readFileSync(resolve(corpusDir, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
      expect(Object.keys(golden.files).filter((k) => k.startsWith('corpus/')).sort()).toEqual(manifest.map((l) => `corpus/${l.split('\t')[0]}`).sort());
    }
  });

  it('refuses the filters tshark refuses', () => {
    expect(golden.refused.map((r) => r.filter), 'dfilters-refused.txt changed: run node test/golden/dfilter-gen.mjs').toEqual(refused);
    for (const r of golden.refused) {
      expect(r.tshark, `tshark accepts ${r.filter}`).not.toBeNull();
      expect(() => parseFilter(r.filter), r.filter).toThrow(FilterSyntaxError);
    }
  });

  it.each(keys)('%s', (key) => {
    const ours = ourFrames(pathOf(key), compiled);
    const theirs = tsharkResults(key);
    const problems: string[] = [];
    lines.forEach((line, i) => {
      const a = new Set(ours[i]);
      const b = new Set(theirs[i]);
      const differ = [...new Set([...a, ...b])].filter((n) => a.has(n) !== b.has(n)).sort((x, y) => x - y);
      if (differ.length === 0) return;
      const file = key.slice(key.indexOf('/') + 1);
      const explained = deviations.filter((d) => d.file === file && (d.filter === undefined || d.filter === line.ours));
      const unexplained = differ.filter((n) => !explained.some((d) => d.frames.includes(n)));
      for (const d of explained) if (differ.some((n) => d.frames.includes(n))) used.add(d);
      if (unexplained.length > 0) {
        problems.push(`${line.ours}: frames ${unexplained.join(',')} — ours ${unexplained.filter((n) => a.has(n)).join(',') || '-'}, tshark ${unexplained.filter((n) => b.has(n)).join(',') || '-'}`);
      }
    });
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('lists no deviation that no longer happens', () => {
    const files = new Set(keys.map((k) => k.slice(k.indexOf('/') + 1)));
    const stale = deviations.filter((d) => files.has(d.file) && !used.has(d));
    expect(stale.map((d) => `${d.file} ${d.filter ?? '*'} ${d.frames.join(',')}: ${d.reason}`)).toEqual([]);
  });
});

// The golden file comes from Lua taps; this re-runs a spread of (file, filter) pairs with
// `tshark -Y` itself, two at a time, and checks the golden and our frames against it.
const hasTshark = spawnSync('tshark', ['--version']).status === 0;
if (!hasTshark) console.log('skipping the live tshark -Y re-check: tshark is not installed');

function tsharkY(path: string, filter: string): Promise<number[]> {
  return new Promise((done, fail) => {
    const child = spawn('tshark', ['-n', '-r', path, '-Y', filter, '-T', 'fields', '-e', 'frame.number']);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', fail);
    child.on('close', () => done(out.split('\n').filter(Boolean).map(Number)));
  });
}

describe.skipIf(!hasTshark)('live tshark -Y re-check of a sample', () => {
  it('agrees with the golden file (which our filters were compared with)', { timeout: 120_000 }, async () => {
    // Pairs spread over the files and filters: 16 where tshark selects some frames, 4 where none.
    const readable = keys.filter((k) => existsSync(pathOf(k)) && Array.isArray(golden.files[k]));
    const all = readable.flatMap((key) => lines.map((_, i) => ({ key, i })));
    const some = all.filter((p) => (golden.files[p.key] as string[])[p.i] !== '');
    const none = all.filter((p) => (golden.files[p.key] as string[])[p.i] === '');
    const spread = <T>(list: T[], n: number): T[] => Array.from({ length: Math.min(n, list.length) }, (_, j) => list[Math.floor(((j + 0.5) * list.length) / n)]);
    const pairs = [...spread(some, 16), ...spread(none, 4)];
    const problems: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < pairs.length) {
        const { key, i } = pairs[next++];
        const live = await tsharkY(pathOf(key), lines[i].tshark);
        const recorded = expand((golden.files[key] as string[])[i]);
        if (live.join() !== recorded.join()) problems.push(`${key} ${lines[i].tshark}: tshark -Y ${live.join()} but golden ${recorded.join()}`);
      }
    };
    await Promise.all([worker(), worker()]);
    expect(problems, problems.join('\n')).toEqual([]);
    expect(pairs.length).toBe(20);
  });
});

// Every public corpus capture is read without throwing, quickly, and frame by frame agrees
// with tshark's decode (expected/<file>.tshark.json) on count, frame.len, frame.cap_len and
// the timestamp; files where tshark complained (expected/<file>.tshark.stderr) give an issue.
// Honest disagreements are listed, with the reason, in corpus-deviations.json.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCapture, readAll } from '../../src/capture/open.js';
import type { ReadIssueKind } from '../../src/capture/types.js';
import { corpusDir } from './capture-helpers.js';

interface Deviation {
  file: string;
  reason: string;
  tsharkFramesNotReturned?: number[];
  timestamps?: Record<string, string>;
}

const hasCorpus = fs.existsSync(path.join(corpusDir, 'MANIFEST.tsv'));
if (!hasCorpus) console.log(`Skipping the corpus tests: ${corpusDir} is absent (it sits beside the project in CI, not in a fresh clone).`);

const deviationList = JSON.parse(fs.readFileSync(new URL('./corpus-deviations.json', import.meta.url), 'utf8')) as {
  deviations: Deviation[];
};
const deviations = new Map<string, Deviation>(deviationList.deviations.map((d) => [d.file, d]));
const MAX_SECONDS_PER_FILE = 2;

interface TsharkPacket {
  timestamp: string;
  layers: { frame_number: string[]; frame_len: string[]; frame_cap_len: string[] };
}

/** The packet lines of tshark's -T ek NDJSON (each follows an {"index":…} line). */
function tsharkPackets(file: string): TsharkPacket[] {
  const text = fs.readFileSync(path.join(corpusDir, 'expected', `${file}.tshark.json`), 'utf8');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TsharkPacket | { index: unknown })
    .filter((record): record is TsharkPacket => 'layers' in record);
}

/** tshark's ek timestamp: the seconds followed by three digits of milliseconds. */
function ekTimestamp(tsSec: number, tsNsec: number): string {
  return `${tsSec}${String(Math.floor(tsNsec / 1e6)).padStart(3, '0')}`;
}

/** The issue kind tshark's complaint corresponds to. */
function expectedIssueKind(stderr: string): ReadIssueKind {
  if (stderr.includes('cut short')) return 'truncated-record';
  if (stderr.includes("doesn't support")) return 'bad-header';
  return 'bad-record';
}

const files = hasCorpus
  ? fs
      .readFileSync(path.join(corpusDir, 'MANIFEST.tsv'), 'utf8')
      .split('\n')
      .slice(1)
      .filter((line) => line.trim() !== '')
      .map((line) => line.split('\t')[0])
  : [];

describe.skipIf(!hasCorpus)('public corpus: reader against tshark', () => {
  it('lists every capture in the directory in the manifest', () => {
    const onDisk = fs.readdirSync(corpusDir).filter((name) => /\.(pcap|pcapng|cap)$/.test(name));
    expect(new Set(files)).toEqual(new Set(onDisk));
    for (const file of deviations.keys()) expect(files).toContain(file);
  });

  for (const file of files) {
    it(`reads ${file} like tshark`, () => {
      const started = performance.now();
      const result = readAll(openCapture(path.join(corpusDir, file)));
      expect((performance.now() - started) / 1000).toBeLessThan(MAX_SECONDS_PER_FILE);

      const deviation = deviations.get(file);
      const skipped = new Set(deviation?.tsharkFramesNotReturned ?? []);
      const all = tsharkPackets(file);
      for (const number of skipped) expect(number).toBeLessThanOrEqual(all.length); // the deviation still occurs
      const expected = all.filter((packet) => !skipped.has(Number(packet.layers.frame_number[0])));
      expect(result.frames.length).toBe(expected.length);

      expected.forEach((packet, i) => {
        const frame = result.frames[i];
        const tsharkNumber = packet.layers.frame_number[0];
        const where = `frame ${frame.no} (tshark ${tsharkNumber})`;
        expect(frame.origLen, `${where} frame.len`).toBe(Number(packet.layers.frame_len[0]));
        expect(frame.bytes.length, `${where} frame.cap_len`).toBe(Number(packet.layers.frame_cap_len[0]));
        const ours = ekTimestamp(frame.tsSec, frame.tsNsec);
        const listed = deviation?.timestamps?.[tsharkNumber];
        if (listed === undefined) {
          expect(ours, `${where} timestamp`).toBe(packet.timestamp);
        } else {
          expect(ours, `${where} timestamp (listed deviation)`).toBe(listed);
          expect(packet.timestamp, `${where}: tshark now agrees, drop the deviation`).not.toBe(listed);
        }
      });

      const stderrPath = path.join(corpusDir, 'expected', `${file}.tshark.stderr`);
      if (fs.existsSync(stderrPath)) {
        expect(result.issues.map((issue) => issue.kind)).toContain(expectedIssueKind(fs.readFileSync(stderrPath, 'utf8')));
      } else {
        expect(result.issues).toEqual([]);
      }
    });
  }
});

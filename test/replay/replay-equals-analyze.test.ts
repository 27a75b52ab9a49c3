// The replay's promise: the state it shows after N frames is exactly what `analyze` reports
// for the first N frames, whatever order the cursor got there in (checkpoints, back, forward).

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createEngines } from '../../src/analysis/engines.js';
import { runAnalysis } from '../../src/api/analysis-run.js';
import { ReplayCursor } from '../../src/replay/cursor.js';
import { ReplayIndex } from '../../src/replay/indexer.js';
import { openCaptures } from '../../src/capture/open.js';
import { describeLayers, FrameDecoder, layerListToJson } from '../../src/decode/index.js';
import { capturesDir } from '../helpers/paths.js';

const VXLAN_PORTS = [4789, 8472];

function captureSets(): string[][] {
  const sets: string[][] = [];
  for (const dir of readdirSync(capturesDir, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const files = readdirSync(join(capturesDir, dir.name)).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
    for (const f of files) sets.push([join(capturesDir, dir.name, f)]);
    // Single-interface files of one scenario, given together (merged by time).
    const singles = files.filter((f) => f.endsWith('.pcap') && !f.includes('-any'));
    if (singles.length > 1) sets.push(singles.map((f) => join(capturesDir, dir.name, f)));
  }
  return sets;
}

/** Each frame as `decode` shows it, by frame number (layers, one-line summary, issues). */
function decodedByNumber(files: string[]): Map<number, unknown> {
  const out = new Map<number, unknown>();
  const source = openCaptures(files);
  const decoder = new FrameDecoder({ vxlanPorts: VXLAN_PORTS });
  for (let raw = source.next(); raw !== null; raw = source.next()) {
    const d = decoder.decode(raw);
    out.set(raw.no, { layers: layerListToJson(d.layers), summary: describeLayers(d.layers, raw.origLen), issues: [...d.issues] });
  }
  source.close();
  return out;
}

function analyzeFirst(files: string[], count: number): unknown {
  const run = runAnalysis(files, createEngines, { vxlanPorts: VXLAN_PORTS, count });
  return run.pipeline.report();
}

const name = (files: string[]) => files.map((f) => f.slice(capturesDir.length + 1)).join(' + ');

describe.each(captureSets().map((files) => [name(files), files] as const))('replay of %s', (_label, files) => {
  test('state after N frames equals analyze of the first N frames, in any seek order', () => {
    const index = new ReplayIndex(files, createEngines, { vxlanPorts: VXLAN_PORTS, checkpointEvery: 16 }).indexAll();
    const total = index.timeline.length;
    expect(total).toBeGreaterThan(0);
    const cursor = new ReplayCursor(index);
    const decoded = decodedByNumber(files);
    try {
      const points = [...new Set([total, 1, Math.floor(total / 2), 17, Math.floor(total / 3), total - 1, 33, 16])]
        .filter((n) => n >= 1 && n <= total);
      for (const n of points) {
        cursor.seek(n);
        expect(cursor.position).toBe(n);
        // count: 0 means "all" to runAnalysis, so N = total is the plain run.
        const expected = analyzeFirst(files, n === total ? 0 : n) as Record<string, unknown>;
        expect(cursor.report(), `after ${n} of ${total} frames`).toEqual(expected);
        // Without the change log (what the UI asks for), the tables are the same.
        expect(cursor.report({ events: false })).toEqual({ ...expected, events: [] });
        expect(cursor.frame?.step).toBe(n - 1);
        expect(cursor.frame?.changes).toEqual(index.timeline.changesOf(n - 1));
        const shown = cursor.frame;
        expect({ layers: shown?.layers, summary: shown?.summary, issues: shown?.issues }, `frame ${shown?.no}`).toEqual(decoded.get(shown?.no ?? -1));
      }
      // Stepping back frame by frame (kept nearby states) matches seeking straight there.
      for (let n = total; n >= Math.max(1, total - 40); n--) {
        cursor.seek(n);
        expect(cursor.report({ events: false }), `back to ${n}`).toEqual({ ...(analyzeFirst(files, n === total ? 0 : n) as object), events: [] });
      }
    } finally {
      cursor.close();
    }
  });
});

test('the whole timeline: every step is numbered and changes add up to the analyze log', () => {
  const files = [join(capturesDir, 'napt-collide', 'napt-collide-multi.pcapng')];
  const index = new ReplayIndex(files, createEngines, { vxlanPorts: VXLAN_PORTS }).indexAll();
  const report = analyzeFirst(files, 0) as { frames: number; events: unknown[] };
  expect(index.timeline.length).toBe(report.frames);
  expect([...index.timeline.changesBefore(index.timeline.length), ...index.timeline.finishChanges]).toEqual(report.events);
  const numbers = new Set<number>();
  for (let s = 0; s < index.timeline.length; s++) numbers.add(index.timeline.no(s));
  expect(numbers.size).toBe(report.frames);
  for (let s = 0; s < index.timeline.length; s++) expect(index.timeline.stepOfFrame(index.timeline.no(s))).toBe(s);
});

test('stepping back without checkpoints nearby keeps states on the way and stays exact', () => {
  const files = [join(capturesDir, 'recreate', 'recreate-any.pcap')];
  // One checkpoint only (the empty state): every step back folds from far away.
  const index = new ReplayIndex(files, createEngines, { vxlanPorts: VXLAN_PORTS, checkpointEvery: 1_000_000 }).indexAll();
  expect(index.checkpoints.length).toBe(1);
  const total = index.timeline.length;
  expect(total).toBeGreaterThan(130);
  const cursor = new ReplayCursor(index);
  try {
    cursor.last();
    for (let n = total - 1; n >= 1; n -= 3) {
      cursor.seek(n);
      expect(cursor.report(), `back to ${n}`).toEqual(analyzeFirst(files, n));
    }
  } finally {
    cursor.close();
  }
});

test('a seek verifies checksums for the frame it shows only: the frames it re-runs and the index skip them', () => {
  const files = [join(capturesDir, 'napt-collide', 'napt-collide-multi.pcapng')];
  const index = new ReplayIndex(files, createEngines, { vxlanPorts: VXLAN_PORTS, checkpointEvery: 64 }).indexAll();
  expect(index.checkpoints.map((c) => c.pipeline.verifyChecksums)).toEqual(index.checkpoints.map(() => false));
  const cursor = new ReplayCursor(index);
  try {
    // The last IPv4 frame before a checkpoint: reached by re-running frames from the one before.
    let target = -1;
    for (let n = 63; n >= 1; n--) {
      cursor.seek(n);
      if (cursor.frame?.layers.some((l) => (l as { proto?: string }).proto === 'ipv4')) { target = n; break; }
    }
    expect(target).toBeGreaterThan(1);
    cursor.seek(0);
    cursor.seek(target);
    const ip = cursor.frame?.layers.find((l) => (l as { proto?: string }).proto === 'ipv4') as unknown as { checksumOk: boolean | null };
    expect(ip.checksumOk).toBe(true);
  } finally {
    cursor.close();
  }
});

test('after a long seek forward, the first steps back re-run at most 128 frames each, and stay exact', () => {
  const files = [join(capturesDir, 'recreate', 'recreate-any.pcap')];
  // One checkpoint only (the empty state): without a state kept on the way, a step back re-runs everything.
  const index = new ReplayIndex(files, createEngines, { vxlanPorts: VXLAN_PORTS, checkpointEvery: 1_000_000 }).indexAll();
  const total = index.timeline.length;
  expect(total).toBeGreaterThan(128 + 10);
  const cursor = new ReplayCursor(index);
  try {
    cursor.seek(total - 5);
    expect(cursor.framesRun).toBe(total - 5);
    for (let n = total - 6; n >= total - 20; n--) {
      const before = cursor.framesRun;
      cursor.back();
      expect(cursor.framesRun - before, `back to ${n}`).toBeLessThanOrEqual(128);
      expect(cursor.report(), `back to ${n}`).toEqual(analyzeFirst(files, n));
    }
  } finally {
    cursor.close();
  }
});

// What an `analyze` run keeps does not grow with the capture: the same scenario repeated 10x
// more often gives the same tables, no change objects kept (analyze streams or counts them),
// and the NAT list, which would grow with every connection ever found, holding the live
// connections and the first and last natHistory / 2 to end, with the report saying how
// many it left out.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createEngines } from '../../src/analysis/engines.js';
import { DEFAULT_LIMITS } from '../../src/analysis/limits.js';
import { runAnalysis } from '../../src/api/analysis-run.js';
import { openCapture } from '../../src/capture/open.js';
import { PcapngFileWriter, encodeIdb, encodeShb } from '../../src/capture/pcapng-writer.js';
import { capturesDir } from '../helpers/paths.js';

const SCENARIO = join(capturesDir, 'napt-collide/napt-collide-multi.pcapng');
/** Six days between copies: longer than conntrack's longest timeout (5 days), so each copy's connections are new. */
const COPY_SECONDS = 6 * 86_400;
const dir = mkdtempSync(join(tmpdir(), 'dockshark-bounded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The scenario's frames `copies` times over, each copy six days after the one before. */
function repeated(copies: number): string {
  const source = openCapture(SCENARIO);
  const frames: { iface: number; tsSec: number; tsNsec: number; bytes: Uint8Array; origLen: number }[] = [];
  for (let f = source.next(); f !== null; f = source.next()) frames.push({ iface: f.iface.id, tsSec: f.tsSec, tsNsec: f.tsNsec, bytes: f.bytes.slice(), origLen: f.origLen });
  const interfaces = source.interfaces;
  source.close();
  const path = join(dir, `repeated-${copies}.pcapng`);
  const out = new PcapngFileWriter(path);
  out.writeBlock(encodeShb());
  for (const i of interfaces) out.writeBlock(encodeIdb({ linkType: i.linkType, name: i.name ?? undefined, tsresol: 9 }));
  for (let c = 0; c < copies; c++) {
    for (const f of frames) {
      const ns = BigInt(f.tsSec + c * COPY_SECONDS) * 1_000_000_000n + BigInt(f.tsNsec);
      out.writePacket(f.iface, { high: Number(ns >> 32n), low: Number(ns & 0xffffffffn) }, f.bytes, f.origLen);
    }
  }
  out.close();
  return path;
}

function analyse(copies: number) {
  const run = runAnalysis([repeated(copies)], createEngines, { keepEvents: false });
  const report = run.pipeline.report();
  const changes = [...run.pipeline.changeCounts.values()].reduce((a, b) => a + b, 0);
  return { run, report, changes };
}

describe('an analyze run on a capture 10x longer', () => {
  test('keeps no changes, the same tables, and a NAT list capped at natHistory ended connections', () => {
    const kept = DEFAULT_LIMITS.natHistory;
    const perCopy = analyse(1).report.nat as unknown[];
    const copies = Math.ceil((kept * 1.2) / perCopy.length);
    const small = analyse(Math.ceil(copies / 10));
    const large = analyse(copies);
    // The changes were made (and counted) but none was kept.
    expect(large.changes).toBeGreaterThan(9 * small.changes);
    expect(large.run.pipeline.events).toHaveLength(0);
    expect(small.run.pipeline.events).toHaveLength(0);
    // Tables of live state: as many entries after 10x the frames.
    for (const table of ['bridges', 'arp'] as const) {
      expect(JSON.stringify(large.report[table]).length).toBeLessThan(1.5 * JSON.stringify(small.report[table]).length + 100);
    }
    // Connections ever found: all listed below the cap; above it the live ones (of the last
    // copy: the others have expired) and the first and last halves of the ended ones.
    const found = perCopy.length * copies;
    expect(small.report.nat).toHaveLength(perCopy.length * Math.ceil(copies / 10));
    expect(small.report.capped).toBeUndefined();
    const nat = large.report.nat as { firstFrame: number }[];
    expect(nat.length).toBeGreaterThan(kept);
    expect(nat.length).toBeLessThanOrEqual(kept + perCopy.length);
    expect(large.report.capped).toEqual({ nat: found - nat.length });
    expect(nat.slice(0, perCopy.length)).toEqual(perCopy);
    const frames = large.report.frames as number;
    expect(nat[nat.length - 1].firstFrame).toBeGreaterThan(frames - frames / copies);
    // the first half ends before the middle of the capture, the last ones start after it
    expect(nat[kept / 2 - 1].firstFrame).toBeLessThan(frames / 2);
    expect(nat[kept / 2].firstFrame).toBeGreaterThan(frames / 2);
    expect(nat.map((e) => e.firstFrame)).toEqual(nat.map((e) => e.firstFrame).sort((a, b) => a - b));
  }, 300_000);
});

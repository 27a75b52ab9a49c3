// The replay index's compact columns: whatever is appended (offsets past 4 GiB, merged files,
// timestamps out of order or hours apart, frame numbers out of order), every step reads back
// exactly; and a long single-file capture costs about 6 bytes per frame, with no object per frame.

import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect } from 'vitest';
import { createEngines } from '../../src/analysis/engines.js';
import type { Change } from '../../src/analysis/types.js';
import { encodePcapHeader } from '../../src/capture/pcap-writer.js';
import { ReplayCursor } from '../../src/replay/cursor.js';
import { ReplayIndex } from '../../src/replay/indexer.js';
import { Timeline } from '../../src/replay/timeline.js';

interface Appended {
  no: number; fileIndex: number; fileOffset: number; tsSec: number; tsNsec: number; ifaceId: number; changes: Change[];
}

const appendArb = fc.record({
  no: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 2 ** 40 })),
  fileIndex: fc.integer({ min: 0, max: 2 }),
  // Mostly small forward steps (one file read in order), sometimes anywhere up to 2^40.
  offsetStep: fc.oneof(fc.integer({ min: 16, max: 2000 }), fc.integer({ min: -(2 ** 40), max: 2 ** 40 })),
  tsStep: fc.oneof(fc.integer({ min: 0, max: 5_000_000 }), fc.integer({ min: -(10 ** 12), max: 10 ** 13 })),
  ifaceId: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 70_000 })),
  changes: fc.array(fc.record({ frame: fc.nat(), kind: fc.constantFrom('fdb.learn', 'arp.new', 'nat.new'), n: fc.integer() }), { maxLength: 2 }),
});

type Step = typeof appendArb extends fc.Arbitrary<infer T> ? T : never;

function appendAll(timeline: Timeline, steps: Step[]): Appended[] {
  const out: Appended[] = [];
  let offset = 24;
  let ns = 1_700_000_000 * 1e9;
  steps.forEach((s, i) => {
    offset = Math.max(0, offset + s.offsetStep);
    ns = Math.max(0, ns + s.tsStep);
    const a = { no: s.no === 1 ? i + 1 : s.no, fileIndex: s.ifaceId % 3, fileOffset: offset, tsSec: Math.floor(ns / 1e9), tsNsec: ns % 1e9, ifaceId: s.ifaceId, changes: s.changes };
    timeline.append(a.no, a.fileIndex, a.fileOffset, a.tsSec, a.tsNsec, a.ifaceId, a.changes);
    out.push(a);
  });
  return out;
}

describe('Timeline', () => {
  test.prop([fc.array(appendArb, { maxLength: 300 }), fc.integer({ min: 0, max: 5 })])('every step reads back as appended, changes spilled or not', (steps, spillAt) => {
    const timeline = new Timeline(spillAt);
    const appended = appendAll(timeline, steps);
    try {
      expect(timeline.length).toBe(appended.length);
      appended.forEach((a, step) => {
        expect([timeline.no(step), timeline.fileOffset(step), timeline.tsSec(step), timeline.tsNsec(step), timeline.ifaceId(step), timeline.fileIndex(step)])
          .toEqual([a.no, a.fileOffset, a.tsSec, a.tsNsec, a.ifaceId, a.fileIndex]);
        expect(timeline.changesOf(step)).toEqual(a.changes);
      });
      const all = appended.flatMap((a) => a.changes);
      expect(timeline.changesBefore(timeline.length)).toEqual(all);
      const half = Math.floor(appended.length / 2);
      expect(timeline.changesBefore(half)).toEqual(appended.slice(0, half).flatMap((a) => a.changes));
      const firstNat = appended.findIndex((a) => a.changes.some((c) => c.kind === 'nat.new'));
      expect(timeline.nextChange(-1, (k) => k === 'nat.new')).toBe(firstNat);
    } finally {
      timeline.close();
    }
  });
});

// A capture of 2^20 60-byte frames, 1 ms apart: a UDP request and its reply, over and over.
const FRAMES = 1 << 20;
const FRAME = Uint8Array.from([
  0x02, 0x42, 0xac, 0x11, 0x00, 0x03, 0x02, 0x42, 0xac, 0x11, 0x00, 0x02, 0x08, 0x00,
  0x45, 0x00, 0x00, 0x2e, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, 172, 17, 0, 2, 172, 17, 0, 3,
  0x30, 0x39, 0x00, 0x35, 0x00, 0x1a, 0x00, 0x00, ...new Array<number>(18).fill(0x61),
]);
/** The same frame the other way (MACs, addresses and ports swapped): both ends learned, nothing floods. */
const REPLY = FRAME.slice();
REPLY.set(FRAME.subarray(0, 6), 6);
REPLY.set(FRAME.subarray(6, 12), 0);
REPLY.set(FRAME.subarray(26, 30), 30);
REPLY.set(FRAME.subarray(30, 34), 26);
REPLY.set(FRAME.subarray(34, 36), 36);
REPLY.set(FRAME.subarray(36, 38), 34);
const dir = mkdtempSync(join(tmpdir(), 'dockshark-timeline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeRepeated(path: string, frames: number): void {
  const fd = openSync(path, 'w');
  writeSync(fd, encodePcapHeader({ littleEndian: true, linkType: 1 }));
  const perChunk = 8192;
  const record = 16 + FRAME.length;
  const chunk = Buffer.alloc(perChunk * record);
  for (let written = 0; written < frames; written += perChunk) {
    const n = Math.min(perChunk, frames - written);
    for (let k = 0; k < n; k++) {
      const i = written + k;
      const at = k * record;
      chunk.writeUInt32LE(1_700_000_000 + Math.floor(i / 1000), at);
      chunk.writeUInt32LE((i % 1000) * 1000, at + 4);
      chunk.writeUInt32LE(FRAME.length, at + 8);
      chunk.writeUInt32LE(FRAME.length, at + 12);
      chunk.set(i % 2 === 0 ? FRAME : REPLY, at + 16);
    }
    writeSync(fd, chunk, 0, n * record);
  }
  closeSync(fd);
}

describe('the index of a long capture', () => {
  test('2^20 frames: at most 8 bytes of typed arrays per frame, and every step where it is', () => {
    const path = join(dir, 'repeated.pcap');
    writeRepeated(path, FRAMES);
    const index = new ReplayIndex([path], createEngines).indexAll();
    try {
      const timeline = index.timeline;
      expect(timeline.length).toBe(FRAMES);
      expect(timeline.columnBytes).toBeLessThanOrEqual(8 * FRAMES);
      // Two frames repeated: changes on the first frames only, so finding them costs nothing per frame.
      expect(timeline.changeIndexBytes).toBeLessThan(64 * 1024);
      for (const step of [0, 1, 63, 64, 65, 4095, 65_536, 777_777, FRAMES - 1]) {
        expect(timeline.no(step)).toBe(step + 1);
        expect(timeline.fileOffset(step)).toBe(24 + step * (16 + FRAME.length));
        expect([timeline.tsSec(step), timeline.tsNsec(step)]).toEqual([1_700_000_000 + Math.floor(step / 1000), (step % 1000) * 1_000_000]);
      }
      expect(index.checkpoints.length).toBeLessThanOrEqual(96);
    } finally {
      index.close();
    }
  }, 300_000); // indexing a million frames takes 5-50 s on a shared machine
});

describe('changes moved to a file', () => {
  test('seek and step give the same frames and changes as with every change in memory', () => {
    const files = [join(__dirname, '../../captures/napt-collide/napt-collide-multi.pcapng')];
    const inMemory = new ReplayIndex(files, createEngines, { checkpointEvery: 16 }).indexAll();
    const spilled = new ReplayIndex(files, createEngines, { checkpointEvery: 16, spillChangesAt: 3 }).indexAll();
    const a = new ReplayCursor(inMemory);
    const b = new ReplayCursor(spilled);
    try {
      expect(spilled.timeline.changeCount).toBeGreaterThan(3);
      expect(spilled.timeline.changesBefore(spilled.timeline.length)).toEqual(inMemory.timeline.changesBefore(inMemory.timeline.length));
      const n = inMemory.timeline.length;
      for (const target of [n, 1, Math.floor(n / 2), n - 1, 2, Math.floor(n / 3)]) {
        a.seek(target);
        b.seek(target);
        expect(b.frame).toEqual(a.frame);
        expect(b.report()).toEqual(a.report());
        a.back();
        b.back();
        expect(b.frame).toEqual(a.frame);
      }
    } finally {
      for (const c of [a, b]) c.close();
      for (const i of [inMemory, spilled]) i.close();
    }
  });
});

// Re-reading frames by offset gives exactly what the streaming reader gave, for every
// committed capture, in any order, across chunk ends.

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openCapture } from '../../src/capture/open.js';
import { FrameAt, FrameAtReader } from '../../src/capture/random-access.js';
import type { InterfaceInfo } from '../../src/capture/types.js';
import { capturesDir } from '../helpers/paths.js';

interface Seen { offset: number; iface: InterfaceInfo; bytes: Uint8Array; origLen: number; direction: string | null; comments: string[] | null }

function streamed(path: string): Seen[] {
  const source = openCapture(path);
  const frames: Seen[] = [];
  for (let f = source.next(); f !== null; f = source.next()) {
    frames.push({ offset: f.fileOffset, iface: f.iface, bytes: f.bytes.slice(), origLen: f.origLen, direction: f.direction, comments: f.comments });
  }
  source.close();
  return frames;
}

const files = readdirSync(capturesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(capturesDir, d.name)).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(d.name, f)));

describe.each(files)('%s', (file) => {
  test.each([256 * 1024, 100])('every frame re-read by offset (chunks of %i bytes), backwards', (chunk) => {
    const path = join(capturesDir, file);
    const frames = streamed(path);
    const reader = new FrameAtReader([path], chunk);
    const at = new FrameAt();
    try {
      for (const f of [...frames].reverse()) {
        expect(reader.read(0, f.offset, f.iface, at)).toBe(true);
        expect(at.data.slice(at.start, at.end)).toEqual(f.bytes);
        expect([at.origLen, at.direction, at.comments]).toEqual([f.origLen, f.direction, f.comments]);
      }
    } finally {
      reader.close();
    }
  });
});

test('an offset that is not a record, or past the end, reads as false; a fifo is refused', () => {
  const path = join(capturesDir, 'bridge', 'bridge-multi.pcapng');
  const reader = new FrameAtReader([path]);
  const [first] = streamed(path);
  const at = new FrameAt();
  expect(reader.read(0, 0, first.iface, at)).toBe(false); // the section header block
  expect(reader.read(0, 1e9, first.iface, at)).toBe(false);
  expect(reader.read(5, first.offset, first.iface, at)).toBe(false);
  reader.close();
  expect(() => new FrameAtReader(['/dev/stdin'])).toThrow(/not a regular file|Cannot open/);
  const dir = mkdtempSync(join(tmpdir(), 'dockshark-ra-'));
  try {
    expect(() => new FrameAtReader([join(dir, 'missing.pcap')])).toThrow(/^Cannot open .*missing\.pcap again/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Follow mode: reading a capture file while it is still being written (the live UI's file).
// The file grows block by block, a block arrives in two halves (its header itself cut), a new
// section starts in two halves; the reader returns "nothing yet" at each end without an issue,
// gives each frame once it is whole, and once told the writer has stopped reports a cut block
// as the truncation it then is. The random-access reader re-reads frames written after it opened.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InterfaceRegistry } from '../../src/capture/interfaces.js';
import { LivePcapngWriter } from '../../src/capture/live-writer.js';
import { openCapture } from '../../src/capture/open.js';
import { encodeEpb, encodeIdb, encodeShb } from '../../src/capture/pcapng-writer.js';
import { FrameAt, FrameAtReader } from '../../src/capture/random-access.js';
import { CaptureFileReader } from '../../src/capture/reader-base.js';
import type { FrameSource } from '../../src/capture/types.js';
import { tempPath } from './capture-helpers.js';

const IFACES = [{ name: 'br0', linkType: 1, snapLen: 65535 }, { name: 'veth1', linkType: 1, snapLen: 65535 }];

function frame(n: number, size = 60): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (n * 7 + i) & 0xff);
}

function follow(path: string): CaptureFileReader {
  const source = openCapture(path, 0, new InterfaceRegistry(), { follow: true });
  expect(source).toBeInstanceOf(CaptureFileReader);
  return source as CaptureFileReader;
}

/** The next frame as plain values, or null. */
function next(source: FrameSource): { no: number; iface: string | null; bytes: number[]; offset: number; dir: string | null } | null {
  const f = source.next();
  return f === null ? null : { no: f.no, iface: f.iface.name, bytes: [...f.bytes], offset: f.fileOffset, dir: f.direction };
}

describe('follow mode', () => {
  it('reads frames as the live writer adds them, and waits at the end instead of ending', () => {
    const path = tempPath('grow.pcapng');
    const w = new LivePcapngWriter(path, IFACES);
    const source = follow(path);
    try {
      expect(next(source)).toBeNull();
      expect(source.ended).toBe(false);
      const before = fs.statSync(path).size;
      w.write(1, 1_700_000_000, 5, frame(1), 0, 60, 'in');
      expect(next(source)).toBeNull(); // still in the writer's buffer
      w.flush();
      expect(next(source)).toEqual({ no: 1, iface: 'veth1', bytes: [...frame(1)], offset: before, dir: 'in' });
      expect(next(source)).toBeNull();
      for (let n = 2; n <= 40; n++) w.write(n % 2, 1_700_000_000, n, frame(n, 60 + n * 37), 0, 60 + n * 37, 'out');
      w.flush();
      for (let n = 2; n <= 40; n++) expect(next(source)?.bytes).toEqual([...frame(n, 60 + n * 37)]);
      expect(next(source)).toBeNull();
      expect(source.issues).toEqual([]);
    } finally {
      w.close();
      source.close();
    }
  });

  it('takes a block written in two halves (its header cut too) once it is whole, and a section begun in halves', () => {
    const path = tempPath('halves.pcapng');
    const head = [encodeShb(), encodeIdb({ linkType: 1, name: 'eth0', tsresol: 9 })];
    fs.writeFileSync(path, Buffer.concat(head));
    const source = follow(path);
    try {
      const block = encodeEpb({ interfaceId: 0, bytes: frame(7, 99), flags: 1 });
      const offset = fs.statSync(path).size;
      // Cut inside the block header, after it, inside the data, just before the trailing length.
      let from = 0;
      for (const cut of [3, 6, 30, block.length - 1]) {
        fs.appendFileSync(path, block.subarray(from, cut));
        from = cut;
        expect(next(source), `after ${cut} of ${block.length} bytes`).toBeNull();
      }
      fs.appendFileSync(path, block.subarray(block.length - 1));
      expect(next(source)).toEqual({ no: 1, iface: 'eth0', bytes: [...frame(7, 99)], offset, dir: 'in' });
      // A second section (another byte order) starting in halves: its interfaces replace the first's.
      const section = Buffer.concat([encodeShb({ littleEndian: false }), encodeIdb({ littleEndian: false, linkType: 1, name: 'eth1' }),
        encodeEpb({ littleEndian: false, interfaceId: 0, bytes: frame(8) })]);
      fs.appendFileSync(path, section.subarray(0, 10));
      expect(next(source)).toBeNull();
      fs.appendFileSync(path, section.subarray(10));
      expect(next(source)).toMatchObject({ no: 2, iface: 'eth1', bytes: [...frame(8)] });
      expect(source.issues).toEqual([]);

      // Once the writer is known to have stopped, a cut block is a truncation and the end is the end.
      const last = encodeEpb({ littleEndian: false, interfaceId: 0, bytes: frame(9, 200) });
      fs.appendFileSync(path, last.subarray(0, 50));
      expect(next(source)).toBeNull();
      expect(source.issues).toEqual([]);
      source.following = false;
      expect(next(source)).toBeNull();
      expect(source.ended).toBe(true);
      expect(source.issues).toMatchObject([{ kind: 'truncated-record', missingBytes: last.length - 50 }]);
    } finally {
      source.close();
    }
  });

  it('without follow mode the same cut file ends with a truncation at once', () => {
    const path = tempPath('cut.pcapng');
    const block = encodeEpb({ bytes: frame(1) });
    fs.writeFileSync(path, Buffer.concat([encodeShb(), encodeIdb({ linkType: 1 }), block.subarray(0, 20)]));
    const source = openCapture(path) as CaptureFileReader;
    expect(source.next()).toBeNull();
    expect(source.ended).toBe(true);
    expect(source.issues).toMatchObject([{ kind: 'truncated-record' }]);
    source.close();
  });

  it('re-reads by offset frames written after the random-access reader opened the file', () => {
    const path = tempPath('reread.pcapng');
    const w = new LivePcapngWriter(path, IFACES);
    const reader = new FrameAtReader([path], 4096);
    const source = follow(path);
    try {
      const at = new FrameAt();
      const offsets: number[] = [];
      for (let n = 1; n <= 30; n++) {
        w.write(0, 1_700_000_000, n, frame(n, 500), 0, 500, null);
        w.flush();
        offsets.push(next(source)?.offset ?? -1);
        // Each one as soon as it is written (the last chunk read ended at the file's old end).
        expect(reader.read(0, offsets[n - 1], source.interfaces[0], at)).toBe(true);
        expect([...at.data.subarray(at.start, at.end)]).toEqual([...frame(n, 500)]);
      }
      expect(reader.read(0, offsets[29] + 600, source.interfaces[0], at)).toBe(false);
      expect(reader.read(0, offsets[3], source.interfaces[0], at)).toBe(true);
      expect([...at.data.subarray(at.start, at.end)]).toEqual([...frame(4, 500)]);
    } finally {
      w.close();
      reader.close();
      source.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { InterfaceRegistry } from '../../src/capture/interfaces.js';
import { openCapture } from '../../src/capture/open.js';
import { PcapReader } from '../../src/capture/pcap.js';
import { MAX_ISSUES_PER_FILE } from '../../src/capture/reader-base.js';
import { ByteSource } from '../../src/capture/byte-source.js';
import {
  concatBytes,
  encodePcap,
  encodePcapHeader,
  encodePcapRecord,
  type FrameToWrite,
  type PcapWriterOptions,
} from '../../src/capture/pcap-writer.js';
import { hex, pattern, readBytes, summary, writeTemp } from './capture-helpers.js';

const frames: FrameToWrite[] = [
  { tsSec: 1_368_908_504, tsNsec: 837_123_456, bytes: pattern(60, 1) },
  { tsSec: 1_368_908_505, tsNsec: 0, bytes: pattern(1514, 2), origLen: 1514 },
  { tsSec: 4_294_967_295, tsNsec: 999_999_999, bytes: pattern(0, 3), origLen: 9000 },
  { tsSec: 0, tsNsec: 1_000, bytes: pattern(33, 4), origLen: 64 },
];

const formats: [string, PcapWriterOptions, number][] = [
  ['µs little-endian (a1b2c3d4)', { littleEndian: true }, 1e6],
  ['µs big-endian (d4c3b2a1 on disk)', { littleEndian: false }, 1e6],
  ['ns little-endian (a1b23c4d)', { littleEndian: true, nanoseconds: true }, 1e9],
  ['ns big-endian', { littleEndian: false, nanoseconds: true }, 1e9],
  ['modified little-endian (a1b2cd34)', { littleEndian: true, modified: true }, 1e6],
  ['modified big-endian', { littleEndian: false, modified: true }, 1e6],
];

describe('classic pcap: magics and byte orders', () => {
  for (const [label, options, unitsPerSecond] of formats) {
    it(`reads ${label}`, () => {
      const result = readBytes(encodePcap(frames, { ...options, snapLen: 65535, linkType: 113 }));
      expect(result.issues).toEqual([]);
      const recordHeader = options.modified ? 24 : 16;
      const expected = frames.map((frame, i) => ({
        no: i + 1,
        tsSec: frame.tsSec,
        tsNsec: unitsPerSecond === 1e9 ? frame.tsNsec : Math.floor(frame.tsNsec / 1000) * 1000,
        origLen: frame.origLen ?? frame.bytes.length,
        bytes: Array.from(frame.bytes),
      }));
      expect(result.frames.map(summary)).toEqual(expected);
      let offset = 24;
      result.frames.forEach((frame, i) => {
        expect(frame.fileOffset).toBe(offset);
        offset += recordHeader + frames[i].bytes.length;
        expect(frame.direction).toBeNull();
        expect(frame.comments).toBeNull();
      });
      expect(result.interfaces).toHaveLength(1);
      expect(result.interfaces[0]).toMatchObject({
        id: 0,
        fileIndex: 0,
        section: 0,
        localId: 0,
        linkType: 113,
        snapLen: 65535,
        name: null,
        unitsPerSecond,
        tsOffsetSeconds: 0,
        fcsLength: 0,
      });
    });
  }

  it('decodes hand-written little-endian microsecond bytes', () => {
    const file = hex(`
      d4c3b2a1 0200 0400 00000000 00000000 ffff0000 01000000
      d8a39751 15c60c00 04000000 3c000000 deadbeef`);
    const { frames: read, issues } = readBytes(file);
    expect(issues).toEqual([]);
    expect(read.map(summary)).toEqual([
      { no: 1, tsSec: 0x5197a3d8, tsNsec: 837_141_000, origLen: 60, bytes: [0xde, 0xad, 0xbe, 0xef] },
    ]);
    expect(read[0].iface).toMatchObject({ linkType: 1, snapLen: 65535, unitsPerSecond: 1e6 });
  });

  it('decodes hand-written big-endian nanosecond bytes', () => {
    const file = hex(`
      a1b23c4d 0002 0004 00000000 00000000 00040000 00000065
      5197a3d8 3b9ac9ff 00000002 00000002 4500`);
    const { frames: read, issues } = readBytes(file);
    expect(issues).toEqual([]);
    expect(read.map(summary)).toEqual([{ no: 1, tsSec: 0x5197a3d8, tsNsec: 999_999_999, origLen: 2, bytes: [0x45, 0] }]);
    expect(read[0].iface).toMatchObject({ linkType: 101, snapLen: 262144, unitsPerSecond: 1e9 });
  });

  it('decodes hand-written modified-format bytes (24-byte record headers) and FCS bits', () => {
    const file = hex(`
      34cdb2a1 0200 0400 00000000 00000000 00000400 01000024
      0a000000 40420f00 02000000 02000000 | 02000000 0008 04 00 | 0102`);
    const { frames: read, issues, interfaces } = readBytes(file);
    expect(issues).toEqual([]);
    expect(read.map(summary)).toEqual([{ no: 1, tsSec: 11, tsNsec: 0, origLen: 2, bytes: [1, 2] }]);
    expect(interfaces[0]).toMatchObject({ linkType: 1, fcsLength: 4, snapLen: 262144 });
    expect(Buffer.from(encodePcap([{ tsSec: 10, tsNsec: 1e9 - 1, bytes: Uint8Array.of(1, 2) }], { modified: true })).subarray(24, 40)).toEqual(
      Buffer.from(hex('0a000000 3f420f00 02000000 02000000')),
    );
  });

  it('carries a fraction of a second or more into the seconds (fuzzed files have them)', () => {
    const file = hex(`
      4d3cb2a1 0200 0400 00000000 00000000 ffff0000 01000000
      0a000000 00ca9a3b 00000000 00000000
      0a000000 00000080 00000000 00000000`);
    const { frames: read } = readBytes(file);
    expect(read.map((f) => [f.tsSec, f.tsNsec])).toEqual([
      [11, 0],
      [12, 147_483_648],
    ]);
  });

  it('takes the link type from the low 16 bits and the FCS length from bits 26 and 28-31', () => {
    const withFcs = readBytes(encodePcap(frames, { linkType: 1, linkTypeFlags: 0x2400 }));
    expect(withFcs.issues).toEqual([]);
    expect(withFcs.interfaces[0]).toMatchObject({ linkType: 1, fcsLength: 4 });
    const lengthWithoutFlag = readBytes(encodePcap(frames, { linkType: 1, linkTypeFlags: 0x2000 }));
    expect(lengthWithoutFlag.interfaces[0]).toMatchObject({ linkType: 1, fcsLength: 0 });
    expect(lengthWithoutFlag.frames).toHaveLength(frames.length);
  });

  it('refuses a link type field with reserved bits set, as libpcap and tshark do', () => {
    const result = readBytes(encodePcap(frames, { linkTypeFlags: 0x0030 }));
    expect(result.frames).toEqual([]);
    expect(result.interfaces).toEqual([]);
    expect(result.issues).toMatchObject([{ kind: 'bad-header', offset: 20 }]);
    expect(result.issues[0].message).toMatch(/reserved bits/);
  });

  it('refuses major versions other than 2 and accepts any 2.x', () => {
    const v14 = readBytes(encodePcap(frames, { versionMajor: 1, versionMinor: 4 }));
    expect(v14.frames).toEqual([]);
    expect(v14.issues).toMatchObject([{ kind: 'bad-header', offset: 4 }]);
    expect(v14.issues[0].message).toMatch(/version 1\.4/);
    expect(readBytes(encodePcap(frames, { versionMajor: 2, versionMinor: 3 })).frames).toHaveLength(frames.length);
  });

  it('reports a file header cut short', () => {
    for (let length = 4; length < 24; length++) {
      const result = readBytes(encodePcapHeader().subarray(0, length));
      expect(result.frames).toEqual([]);
      expect(result.issues).toMatchObject([{ kind: 'bad-header', offset: 0 }]);
    }
  });

  it('reads a header-only file as zero frames without issues', () => {
    const result = readBytes(encodePcapHeader({ linkType: 228 }));
    expect(result.frames).toEqual([]);
    expect(result.issues).toEqual([]);
    expect(result.interfaces[0].linkType).toBe(228);
  });
});

describe('classic pcap: damaged records', () => {
  it('skips a record whose caplen exceeds its origlen, reports it, and goes on', () => {
    const file = encodePcap([frames[0], { tsSec: 5, tsNsec: 0, bytes: pattern(40, 9), origLen: 39 }, frames[1]]);
    const result = readBytes(file);
    expect(result.frames.map((f) => f.origLen)).toEqual([60, 1514]);
    expect(result.frames.map((f) => f.no)).toEqual([1, 2]);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]).toMatchObject({ kind: 'bad-record', fileIndex: 0, offset: 24 + 16 + 60 });
    expect(result.issues[0].message).toMatch(/40 captured bytes but an original length of only 39/);
  });

  it('lists at most 1000 problems per file and counts the rest', () => {
    const bad = Array.from({ length: 1500 }, (_, i) => ({ tsSec: i, tsNsec: 0, bytes: Uint8Array.of(1, 2), origLen: 1 }));
    const reader = new PcapReader(ByteSource.open(writeTemp(encodePcap([...bad, frames[0]]))), 0, new InterfaceRegistry());
    expect(reader.next()?.origLen).toBe(60);
    expect(reader.issues).toHaveLength(MAX_ISSUES_PER_FILE + 1);
    expect(reader.issues[MAX_ISSUES_PER_FILE].message).toMatch(/more problems than the first 1000/);
    expect(reader.suppressedIssues).toBe(500);
    reader.close();
  });

  it('stops at an absurd caplen (above the snaplen and 256 KiB) and keeps what came before', () => {
    const record = encodePcapRecord(frames[0]);
    new DataView(record.buffer).setUint32(8, 262_145, true);
    const file = concatBytes([encodePcapHeader({ snapLen: 65535 }), encodePcapRecord(frames[1]), record, encodePcapRecord(frames[0])]);
    const result = readBytes(file);
    expect(result.frames.map((f) => f.origLen)).toEqual([1514]);
    expect(result.issues).toMatchObject([{ kind: 'bad-record', offset: 24 + 16 + 1514 }]);
    expect(result.issues[0].message).toMatch(/262145 captured bytes/);
  });

  it('accepts a caplen above the snaplen when it is at most 256 KiB, saying so once', () => {
    const big = { tsSec: 1, tsNsec: 0, bytes: pattern(200_000, 5) };
    const result = readBytes(encodePcap([big, big], { snapLen: 96 }));
    expect(result.frames).toHaveLength(2);
    expect(result.issues).toMatchObject([{ kind: 'suspect-record', offset: 24, frameNumber: 0, blockType: 'record' }]);
    expect(result.issues[0].rule).toMatch(/snaplen \(pcap §5\)/);
    expect(Buffer.from(result.frames[0].bytes).equals(big.bytes)).toBe(true);
  });

  it('stops at a caplen above 256 MiB even when the snaplen allows it', () => {
    const record = encodePcapRecord(frames[0]);
    new DataView(record.buffer).setUint32(8, 256 * 1024 * 1024 + 1, true);
    const result = readBytes(concatBytes([encodePcapHeader({ snapLen: 0x7fffffff }), record]));
    expect(result.frames).toEqual([]);
    expect(result.issues).toMatchObject([{ kind: 'bad-record', offset: 24 }]);
  });

  for (const options of [{ littleEndian: true }, { littleEndian: false, nanoseconds: true }, { modified: true }]) {
    it(`keeps every frame before a last record cut at any length (${JSON.stringify(options)})`, () => {
      const whole = encodePcap(frames.slice(0, 2), options);
      const headerBytes = options.modified ? 24 : 16;
      const lastAt = 24 + headerBytes + frames[0].bytes.length;
      const lastLength = whole.length - lastAt;
      for (let cut = 1; cut < lastLength; cut++) {
        const result = readBytes(whole.subarray(0, lastAt + cut), { chunkBytes: 4096 });
        expect(result.frames.map(summary)).toEqual([
          { no: 1, tsSec: frames[0].tsSec, tsNsec: result.frames[0].tsNsec, origLen: 60, bytes: Array.from(frames[0].bytes) },
        ]);
        expect(result.issues).toHaveLength(1);
        const expectedMissing = cut < headerBytes ? headerBytes - cut : lastLength - cut;
        expect(result.issues[0]).toMatchObject({ kind: 'truncated-record', offset: lastAt, missingBytes: expectedMissing });
        expect(result.issues[0].message).toContain(`${expectedMissing} are missing`);
      }
      expect(readBytes(whole).issues).toEqual([]);
    });
  }
});

describe('classic pcap: window handling', () => {
  it('gives the same frames whatever the chunk size, growing the window only for big records', () => {
    const many = Array.from({ length: 50 }, (_, i) => ({ tsSec: i, tsNsec: i * 1000, bytes: pattern((i * 37) % 300, i) }));
    const file = encodePcap(many);
    const reference = readBytes(file).frames.map(summary);
    for (const chunkBytes of [16, 17, 64, 333, 4096]) {
      expect(readBytes(file, { chunkBytes }).frames.map(summary)).toEqual(reference);
    }
    const path = writeTemp(file);
    const reader = new PcapReader(ByteSource.open(path, { chunkBytes: 64 }), 0, new InterfaceRegistry());
    while (reader.next() !== null);
    expect(reader.peakWindowBytes).toBeGreaterThanOrEqual(316);
    expect(reader.peakWindowBytes).toBeLessThanOrEqual(8192);
    reader.close();
  });

  it('reuses one frame object whose bytes are a view of the window (zero copy)', () => {
    const path = writeTemp(encodePcap(frames));
    const source = openCapture(path);
    const first = source.next();
    expect(first).not.toBeNull();
    const firstBytes = first!.bytes;
    expect(firstBytes.byteOffset).toBe(first!.start);
    expect(firstBytes.buffer).toBe(first!.data!.buffer);
    expect(first!.bytes).toBe(firstBytes); // cached until the next frame
    const second = source.next();
    expect(second).toBe(first);
    expect(second!.bytes).not.toBe(firstBytes);
    expect(Array.from(second!.data!.subarray(second!.start, second!.end))).toEqual(Array.from(frames[1].bytes));
    source.close();
    source.close(); // safe twice
    expect(source.next()).toBeNull();
  });
});

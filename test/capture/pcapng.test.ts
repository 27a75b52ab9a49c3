import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/capture/pcap-writer.js';
import {
  encodeBlock,
  encodeCustomBlock,
  encodeEpb,
  encodeIdb,
  encodeIsb,
  encodeNrb,
  encodeObsoletePacketBlock,
  encodeShb,
  encodeSpb,
  timestampUnits,
} from '../../src/capture/pcapng-writer.js';
import { tsresolUnitsPerSecond } from '../../src/capture/timestamp.js';
import { hex, pattern, readBytes, summary } from './capture-helpers.js';

const LE_FILE = hex(`
  0a0d0d0a 1c000000 4d3c2b1a 0100 0000 ffffffff ffffffff 1c000000
  01000000 20000000 0100 0000 ffff0000 | 0900 0100 09000000 | 00000000 | 20000000
  06000000 28000000 00000000 0857ff12 ef35d448 05000000 3c000000 0102030405 000000 28000000`);
const BE_FILE = hex(`
  0a0d0d0a 0000001c 1a2b3c4d 0001 0000 ffffffff ffffffff 0000001c
  00000001 00000014 0071 0000 0000ffff 00000014
  00000006 00000028 00000000 0004dd03 d9292c15 00000005 0000003c 0102030405 000000 00000028`);

/** Reference conversion with BigInt: what the reader must produce exactly. */
function expectedTime(high: number, low: number, unitsPerSecond: bigint, offset = 0) {
  const units = (BigInt(high) << 32n) + BigInt(low);
  return {
    tsSec: Number(units / unitsPerSecond) + offset,
    tsNsec: Number(((units % unitsPerSecond) * 1_000_000_000n) / unitsPerSecond),
  };
}

describe('pcapng: hand-written bytes', () => {
  it('reads a little-endian section with if_tsresol 9 (nanoseconds)', () => {
    const result = readBytes(LE_FILE);
    expect(result.issues).toEqual([]);
    expect(result.frames.map(summary)).toEqual([
      { no: 1, tsSec: 1_368_908_504, tsNsec: 837_141_999, origLen: 60, bytes: [1, 2, 3, 4, 5] },
    ]);
    expect(result.frames[0].fileOffset).toBe(28 + 32);
    expect(result.interfaces).toMatchObject([
      { id: 0, fileIndex: 0, section: 0, localId: 0, linkType: 1, snapLen: 65535, unitsPerSecond: 1e9, tsOffsetSeconds: 0 },
    ]);
  });

  it('reads a big-endian section with the default microsecond resolution', () => {
    const result = readBytes(BE_FILE);
    expect(result.issues).toEqual([]);
    expect(result.frames.map(summary)).toEqual([
      { no: 1, tsSec: 1_368_908_504, tsNsec: 837_141_000, origLen: 60, bytes: [1, 2, 3, 4, 5] },
    ]);
    expect(result.interfaces[0]).toMatchObject({ linkType: 113, snapLen: 65535, unitsPerSecond: 1e6 });
  });

  it('resets the interface table at a new section and switches byte order', () => {
    const result = readBytes(concatBytes([LE_FILE, BE_FILE, LE_FILE]));
    expect(result.issues).toEqual([]);
    expect(result.frames.map((f) => [f.no, f.iface.id, f.iface.section, f.iface.localId, f.iface.linkType, f.tsNsec])).toEqual([
      [1, 0, 0, 0, 1, 837_141_999],
      [2, 1, 1, 0, 113, 837_141_000],
      [3, 2, 2, 0, 1, 837_141_999],
    ]);
    expect(result.interfaces).toHaveLength(3);
  });
});

/** Every block type, assembled by hand (little-endian); the writer must produce the same bytes. */
const KITCHEN_SINK = hex(`
  0a0d0d0a 1c000000 4d3c2b1a 01000000 ffffffff ffffffff 1c000000
  01000000 2c000000 0100 0000 40000000 | 0200 0400 65746830 | 0e00 0800 64000000 00000000 | 00000000 | 2c000000
  ad0b0000 14000000 d97e0000 78000000 14000000
  06000000 38000000 00000000 00000000 41420f00 03000000 03000000 aabbcc00
           0100 0200 68690000 | 0200 0400 01000000 | 00000000 | 38000000
  03000000 14000000 64000000 01020304 14000000
  02000000 30000000 0000 0000 00000000 02000000 01000000 dc050000 ee000000
           0200 0400 02000000 | 00000000 | 30000000
  04000000 1c000000 0100 0700 c0a80001 67770000 | 00000000 | 1c000000
  05000000 34000000 00000000 00000000 c0c62d00
           0400 0800 0a000000 00000000 | 0500 0800 01000000 00000000 | 00000000 | 34000000`);

describe('pcapng: every block type by hand', () => {
  it('reads the hand-assembled file', () => {
    const result = readBytes(KITCHEN_SINK);
    expect(result.issues).toEqual([]);
    expect(result.interfaces).toMatchObject([{ name: 'eth0', snapLen: 64, tsOffsetSeconds: 100, unitsPerSecond: 1e6 }]);
    expect(result.frames.map((f) => [f.no, f.tsSec, f.tsNsec, f.origLen, Array.from(f.bytes), f.direction, f.comments, f.fileOffset])).toEqual([
      [1, 101, 1000, 3, [0xaa, 0xbb, 0xcc], 'in', ['hi'], 28 + 44 + 20],
      [2, 0, 0, 100, [1, 2, 3, 4], null, null, 28 + 44 + 20 + 56],
      [3, 100, 2000, 1500, [0xee], 'out', null, 28 + 44 + 20 + 56 + 20],
    ]);
    expect([...result.names]).toEqual([['192.168.0.1', ['gw']]]);
    expect(result.stats).toMatchObject([{ tsSec: 103, tsNsec: 0, received: 10, dropped: 1 }]);
  });

  it('is what the writer produces', () => {
    const written = concatBytes([
      encodeShb(),
      encodeIdb({ snapLen: 64, name: 'eth0', tsOffsetSeconds: 100 }),
      encodeCustomBlock({ data: Uint8Array.of(0x78) }),
      encodeEpb({ timestamp: { high: 0, low: 1_000_001 }, bytes: Uint8Array.of(0xaa, 0xbb, 0xcc), flags: 1, comments: ['hi'] }),
      encodeSpb({ bytes: Uint8Array.of(1, 2, 3, 4), origLen: 100 }),
      encodeObsoletePacketBlock({ timestamp: { high: 0, low: 2 }, bytes: Uint8Array.of(0xee), origLen: 1500, flags: 2 }),
      encodeNrb({ records: [[Uint8Array.of(192, 168, 0, 1), ['gw']]] }),
      encodeIsb({ timestamp: { high: 0, low: 3_000_000 }, received: 10n, dropped: 1n }),
    ]);
    expect(Buffer.from(written).toString('hex')).toBe(Buffer.from(KITCHEN_SINK).toString('hex'));
  });
});

describe('pcapng: interfaces and timestamps', () => {
  for (const littleEndian of [true, false]) {
    const order = littleEndian ? 'little-endian' : 'big-endian';

    it(`converts every resolution exactly (${order})`, () => {
      const resolutions = [6, 9, 3, 0, 12, 0x88, 0x80 | 20, 0x80 | 23, 0x80 | 30, 0x80 | 36, 0x80 | 40, 0x80 | 63, 15, 19];
      const stamps = [
        [0, 0],
        [0, 1],
        [0x000fffff, 0xffffffff],
        [0x00100000, 0],
        [0x12ff5708, 0x48d435ef],
        [0xffffffff, 0xffffffff],
        [0x80000000, 0x00000001],
        [0x7fffffff, 0xfffffffe],
      ];
      const blocks = [encodeShb({ littleEndian })];
      resolutions.forEach((tsresol) => blocks.push(encodeIdb({ littleEndian, tsresol })));
      resolutions.forEach((_, interfaceId) =>
        stamps.forEach(([high, low]) =>
          blocks.push(encodeEpb({ littleEndian, interfaceId, timestamp: { high, low }, bytes: pattern(3, interfaceId) })),
        ),
      );
      const result = readBytes(concatBytes(blocks));
      expect(result.issues).toEqual([]);
      let i = 0;
      resolutions.forEach((tsresol, interfaceId) => {
        const units = tsresolUnitsPerSecond(tsresol);
        expect(result.interfaces[interfaceId].unitsPerSecond).toBe(Number(units));
        for (const [high, low] of stamps) {
          const frame = result.frames[i++];
          expect({ iface: frame.iface.localId, tsSec: frame.tsSec, tsNsec: frame.tsNsec }).toEqual({
            iface: interfaceId,
            ...expectedTime(high, low, units),
          });
        }
      });
    });

    it(`applies if_tsoffset and reads if_name, if_description, snaplen and mixed link types (${order})`, () => {
      const file = concatBytes([
        encodeShb({ littleEndian }),
        encodeIdb({ littleEndian, linkType: 1, snapLen: 96, name: 'eth0', description: 'docker0 bridge', tsOffsetSeconds: 3600 }),
        encodeIdb({ littleEndian, linkType: 0, name: 'lo', tsresol: 9, tsOffsetSeconds: -7200, fcsLengthBits: 32 }),
        encodeIdb({ littleEndian, linkType: 276 }),
        encodeEpb({ littleEndian, interfaceId: 1, timestamp: timestampUnits(10_000, 5, 1_000_000_000n), bytes: pattern(8, 1) }),
        encodeEpb({ littleEndian, interfaceId: 0, timestamp: timestampUnits(20_000, 7000, 1_000_000n), bytes: pattern(96, 2), origLen: 1500 }),
        encodeEpb({ littleEndian, interfaceId: 2, timestamp: { high: 0, low: 1_500_000 }, bytes: pattern(20, 3) }),
      ]);
      const result = readBytes(file);
      expect(result.issues).toEqual([]);
      expect(result.interfaces.map((i) => [i.name, i.description, i.linkType, i.snapLen, i.tsOffsetSeconds, i.fcsLength])).toEqual([
        ['eth0', 'docker0 bridge', 1, 96, 3600, 0],
        ['lo', null, 0, 0, -7200, 4],
        [null, null, 276, 0, 0, 0],
      ]);
      expect(result.frames.map((f) => [f.iface.linkType, f.tsSec, f.tsNsec, f.origLen, f.bytes.length])).toEqual([
        [0, 10_000 - 7200, 5, 8, 8],
        [1, 20_000 + 3600, 7000, 1500, 96],
        [276, 1, 500_000_000, 20, 20],
      ]);
    });

    it(`reads epb_flags direction, comments, the obsolete packet block and simple packet blocks (${order})`, () => {
      const file = concatBytes([
        encodeShb({ littleEndian, comment: 'section comment' }),
        encodeIdb({ littleEndian, snapLen: 64 }),
        encodeEpb({ littleEndian, bytes: pattern(4, 1), flags: 1, comments: ['first', 'zweite Zeile ✓'] }),
        encodeEpb({ littleEndian, bytes: pattern(4, 2), flags: 2 | (1 << 2) }),
        encodeEpb({ littleEndian, bytes: pattern(4, 3), flags: 3 }),
        encodeEpb({ littleEndian, bytes: pattern(4, 4), flags: 0, comments: ['only'] }),
        encodeObsoletePacketBlock({ littleEndian, timestamp: { high: 0, low: 2_000_001 }, bytes: pattern(9, 5), flags: 2 }),
        encodeSpb({ littleEndian, bytes: pattern(10, 6), origLen: 10 }),
        encodeSpb({ littleEndian, bytes: pattern(64, 7), origLen: 1514 }),
        encodeSpb({ littleEndian, bytes: pattern(80, 8), origLen: 1514 }), // more data than the snaplen
        encodeSpb({ littleEndian, bytes: pattern(7, 9), origLen: 5 }), // padding must not count as data
      ]);
      const result = readBytes(file);
      expect(result.issues).toEqual([]);
      expect(result.frames.map((f) => [f.direction, f.comments])).toEqual([
        ['in', ['first', 'zweite Zeile ✓']],
        ['out', null],
        [null, null],
        [null, ['only']],
        ['out', null],
        [null, null],
        [null, null],
        [null, null],
        [null, null],
      ]);
      expect(result.frames[4]).toMatchObject({ tsSec: 2, tsNsec: 1000, origLen: 9 });
      expect(result.frames.slice(5).map((f) => [f.tsSec, f.tsNsec, f.bytes.length, f.origLen])).toEqual([
        [0, 0, 10, 10],
        [0, 0, 64, 1514],
        [0, 0, 64, 1514],
        [0, 0, 5, 5],
      ]);
      expect(Array.from(result.frames[6].bytes)).toEqual(Array.from(pattern(64, 7)));
    });

    it(`collects name resolution and interface statistics blocks (${order})`, () => {
      const v6 = hex('fc01dead00000000000000000000beef');
      const file = concatBytes([
        encodeShb({ littleEndian }),
        encodeIdb({ littleEndian }),
        encodeNrb({
          littleEndian,
          records: [
            [Uint8Array.of(192, 168, 1, 2), ['web', 'web.docker']],
            [v6, ['v6.example']],
            [hex('20010db8000000000000000000000001'), ['doc']],
          ],
          options: [{ code: 1, value: 'nrb comment' }],
        }),
        encodeNrb({ littleEndian, records: [[Uint8Array.of(192, 168, 1, 2), ['web', 'db']]] }),
        encodeEpb({ littleEndian, bytes: pattern(4, 1) }),
        encodeIsb({ littleEndian, interfaceId: 0, timestamp: { high: 0, low: 3_000_000 }, received: 1234n, dropped: 2n ** 40n }),
        encodeIsb({ littleEndian, interfaceId: 0, timestamp: { high: 0, low: 4_000_000 } }),
      ]);
      const result = readBytes(file);
      expect(result.issues).toEqual([]);
      expect([...result.names]).toEqual([
        ['192.168.1.2', ['web', 'web.docker', 'db']],
        ['fc01:dead::beef', ['v6.example']],
        ['2001:db8::1', ['doc']],
      ]);
      expect(result.stats.map((s) => [s.iface.id, s.tsSec, s.tsNsec, s.received, s.dropped])).toEqual([
        [0, 3, 0, 1234, 2 ** 40],
        [0, 4, 0, null, null],
      ]);
      expect(result.frames).toHaveLength(1);
    });

    it(`skips custom and unknown blocks by their length (${order})`, () => {
      const file = concatBytes([
        encodeShb({ littleEndian }),
        encodeCustomBlock({ littleEndian, data: pattern(21, 1) }),
        encodeIdb({ littleEndian }),
        encodeCustomBlock({ littleEndian, type: 0x40000bad, data: pattern(3, 2) }),
        encodeBlock(0x12345, pattern(17, 3), littleEndian),
        encodeEpb({ littleEndian, bytes: pattern(4, 1) }),
        encodeBlock(0x12345, pattern(5, 4), littleEndian),
        encodeBlock(0x0000000a, pattern(8, 5), littleEndian),
        encodeEpb({ littleEndian, bytes: pattern(4, 2) }),
      ]);
      const result = readBytes(file);
      expect(result.frames.map((f) => f.no)).toEqual([1, 2]);
      expect(result.issues).toHaveLength(1);
      expect(result.issues[0]).toMatchObject({ kind: 'unsupported' });
      expect(result.issues[0].message).toMatch(/0x00012345/);
    });
  }

  it('skips a block bigger than the window without buffering it', () => {
    const file = concatBytes([
      encodeShb(),
      encodeIdb(),
      encodeCustomBlock({ data: pattern(10_000, 1) }),
      encodeEpb({ bytes: pattern(4, 1) }),
    ]);
    const result = readBytes(file, { chunkBytes: 256 });
    expect(result.issues).toEqual([]);
    expect(result.frames).toHaveLength(1);
    const cut = readBytes(file.subarray(0, 28 + 20 + 5000), { chunkBytes: 256 });
    expect(cut.issues).toMatchObject([{ kind: 'truncated-record', offset: 48 }]);
  });

  it('grows the window for a packet bigger than it', () => {
    const big = pattern(70_000, 3);
    const result = readBytes(concatBytes([encodeShb(), encodeIdb(), encodeEpb({ bytes: big }), encodeEpb({ bytes: pattern(5, 1) })]), {
      chunkBytes: 1024,
    });
    expect(result.issues).toEqual([]);
    expect(Buffer.from(result.frames[0].bytes).equals(big)).toBe(true);
    expect(result.frames[1].bytes.length).toBe(5);
  });
});

describe('pcapng: damaged files', () => {
  const head = concatBytes([encodeShb(), encodeIdb()]);
  const good = encodeEpb({ bytes: pattern(6, 1) });

  function withLength(block: Uint8Array, length: number, trailer = length): Uint8Array {
    const copy = block.slice();
    const view = new DataView(copy.buffer);
    view.setUint32(4, length, true);
    view.setUint32(copy.length - 4, trailer, true);
    return copy;
  }

  it('stops at a block length that is not a multiple of 4, below 12, or not repeated at the end', () => {
    for (const bad of [withLength(good, good.length + 2), withLength(good, 8), withLength(good, good.length, good.length + 4)]) {
      const result = readBytes(concatBytes([head, good, bad, good]));
      expect(result.frames).toHaveLength(1);
      expect(result.issues).toMatchObject([{ kind: 'bad-record', offset: head.length + good.length }]);
    }
  });

  it('skips packet blocks that do not fit their length, name an unknown interface, or have caplen > origlen', () => {
    const tooLong = good.slice();
    new DataView(tooLong.buffer).setUint32(20, 100, true);
    const bad = [tooLong, encodeEpb({ interfaceId: 3, bytes: pattern(4, 1) }), encodeEpb({ bytes: pattern(8, 1), origLen: 7 })];
    const result = readBytes(concatBytes([head, ...bad, good]));
    expect(result.frames.map((f) => f.no)).toEqual([1]);
    expect(result.issues.map((i) => i.kind)).toEqual(['bad-record', 'bad-record', 'bad-record']);
    expect(result.issues.map((i) => i.offset)).toEqual([head.length, head.length + good.length, head.length + good.length + bad[1].length]);
    expect(result.issues[1].message).toMatch(/interface 3/);
  });

  it('reports an option that overruns its block and still returns the packet', () => {
    const block = encodeEpb({ bytes: pattern(4, 1), comments: ['abcd'] });
    new DataView(block.buffer).setUint16(8 + 20 + 4 + 2, 200, true); // the comment's length
    const result = readBytes(concatBytes([head, block]));
    expect(result.frames).toHaveLength(1);
    expect(result.frames[0].comments).toBeNull();
    expect(result.issues).toMatchObject([{ kind: 'bad-option', offset: head.length + 32 }]);
  });

  it('reports a name record that overruns its block and keeps the names before it', () => {
    const nrb = encodeNrb({ records: [[Uint8Array.of(10, 0, 0, 1), ['a']], [Uint8Array.of(10, 0, 0, 2), ['b']]] });
    new DataView(nrb.buffer).setUint16(8 + 12 + 2, 99, true); // the second record's length
    const result = readBytes(concatBytes([head, nrb, good]));
    expect([...result.names]).toEqual([['10.0.0.1', ['a']]]);
    expect(result.issues).toMatchObject([{ kind: 'bad-option', offset: head.length + 8 + 12 }]);
    expect(result.frames).toHaveLength(1);
  });

  it('skips a simple packet block when the section has no interface', () => {
    const result = readBytes(concatBytes([encodeShb(), encodeSpb({ bytes: pattern(4, 1) }), encodeIdb(), encodeSpb({ bytes: pattern(4, 2) })]));
    expect(result.frames).toHaveLength(1);
    expect(result.issues).toMatchObject([{ kind: 'bad-record', offset: 28 }]);
  });

  it('stops at a section with an unsupported version, like tshark, and accepts 1.2', () => {
    const later = readBytes(concatBytes([head, good, encodeShb({ versionMajor: 2 }), encodeIdb(), good]));
    expect(later.frames).toHaveLength(1);
    expect(later.issues).toMatchObject([{ kind: 'bad-header', offset: head.length + good.length }]);
    expect(later.issues[0].message).toMatch(/version 2\.0/);
    const first = readBytes(concatBytes([encodeShb({ versionMajor: 0, versionMinor: 1 }), encodeIdb(), good]));
    expect(first.frames).toEqual([]);
    expect(first.issues).toMatchObject([{ kind: 'bad-header', offset: 0 }]);
    expect(readBytes(concatBytes([encodeShb({ versionMinor: 2 }), encodeIdb(), good])).frames).toHaveLength(1);
  });

  it('reports a bad byte-order magic', () => {
    const shb = encodeShb();
    shb[8] = 0x99;
    expect(readBytes(concatBytes([shb, encodeIdb(), good])).issues).toMatchObject([{ kind: 'bad-header', offset: 0 }]);
  });

  for (const littleEndian of [true, false]) {
    it(`keeps every frame before a last block cut at any length (${littleEndian ? 'LE' : 'BE'})`, () => {
      const start = concatBytes([encodeShb({ littleEndian }), encodeIdb({ littleEndian }), encodeEpb({ littleEndian, bytes: pattern(6, 1) })]);
      const last = encodeEpb({ littleEndian, bytes: pattern(41, 2), comments: ['x'] });
      const whole = concatBytes([start, last]);
      for (let cut = 1; cut < last.length; cut++) {
        const result = readBytes(whole.subarray(0, start.length + cut), { chunkBytes: 4096 });
        expect(result.frames.map((f) => f.no)).toEqual([1]);
        expect(result.issues).toHaveLength(1);
        const missing = cut < 8 ? 8 - cut : last.length - cut;
        expect(result.issues[0]).toMatchObject({ kind: 'truncated-record', offset: start.length, missingBytes: missing });
      }
      expect(readBytes(whole).issues).toEqual([]);
    });
  }

  it('reports a first section header cut short as a bad header', () => {
    for (let cut = 4; cut < 28; cut++) {
      const result = readBytes(encodeShb().subarray(0, cut));
      expect(result.frames).toEqual([]);
      expect(result.issues.map((i) => i.kind)).toEqual(['bad-header']);
    }
  });
});

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { InterfaceRegistry } from '../../src/capture/interfaces.js';
import { openCapture, openCaptures, readAll } from '../../src/capture/open.js';
import { concatBytes, encodePcap, encodePcapHeader } from '../../src/capture/pcap-writer.js';
import { encodeEpb, encodeIdb, encodeShb } from '../../src/capture/pcapng-writer.js';
import { tsresolUnitsPerSecond } from '../../src/capture/timestamp.js';
import { readBytes, writeTemp } from './capture-helpers.js';

/** Reads a buffer to the end, as an untrusted file would be read. Must never throw. */
function readUntrusted(bytes: Uint8Array, chunkBytes: number): number {
  const source = openCapture(writeTemp(bytes), 0, new InterfaceRegistry(), { chunkBytes });
  let frames = 0;
  for (let frame = source.next(); frame !== null; frame = source.next()) {
    frames++;
    expect(frame.bytes.length).toBeLessThanOrEqual(bytes.length);
    expect(frame.tsNsec).toBeGreaterThanOrEqual(0);
    expect(frame.tsNsec).toBeLessThan(1e9);
  }
  source.close();
  return frames;
}

const validStarts = [
  new Uint8Array(0),
  encodePcapHeader({ littleEndian: true }),
  encodePcapHeader({ littleEndian: false, nanoseconds: true }),
  encodePcapHeader({ modified: true, snapLen: 64 }),
  encodeShb(),
  concatBytes([encodeShb({ littleEndian: false }), encodeIdb({ littleEndian: false, tsresol: 0x88 })]),
  concatBytes([encodeShb(), encodeIdb({ snapLen: 32, tsresol: 9 }), encodeEpb({ bytes: Uint8Array.of(1, 2, 3) })]),
];

const somePackets = [1, 2, 3].map((n) => ({ tsSec: n, tsNsec: n * 1000, bytes: new Uint8Array(n * 10).fill(n) }));
const validFiles = [
  encodePcap(somePackets),
  encodePcap(somePackets, { littleEndian: false, nanoseconds: true }),
  encodePcap(somePackets, { modified: true }),
  concatBytes([
    encodeShb(),
    encodeIdb({ snapLen: 32, tsresol: 9, name: 'eth0' }),
    ...somePackets.map((p) => encodeEpb({ bytes: p.bytes, flags: 1, comments: ['c'] })),
    encodeShb({ littleEndian: false }),
    encodeIdb({ littleEndian: false, tsresol: 0x88 }),
    ...somePackets.map((p) => encodeEpb({ littleEndian: false, bytes: p.bytes })),
  ]),
];

describe('arbitrary input never throws', () => {
  test.prop([fc.uint8Array({ maxLength: 2048 }), fc.integer({ min: 16, max: 4096 })], { numRuns: 200 })(
    'random bytes',
    (bytes, chunkBytes) => {
      readUntrusted(bytes, chunkBytes);
    },
  );

  test.prop(
    [fc.constantFrom(...validStarts), fc.uint8Array({ maxLength: 1024 }), fc.integer({ min: 16, max: 512 })],
    { numRuns: 300 },
  )('a valid file start followed by random bytes', (start, tail, chunkBytes) => {
    readUntrusted(concatBytes([start, tail]), chunkBytes);
  });

  test.prop(
    [fc.constantFrom(...validFiles), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 0xffffffff })), { maxLength: 8 })],
    { numRuns: 300 },
  )('a valid file with a few 32-bit words overwritten', (file, edits) => {
    const bytes = file.slice();
    const view = new DataView(bytes.buffer);
    for (const [word, value] of edits) view.setUint32((word % (bytes.length >> 2)) * 4, value, true);
    readUntrusted(bytes, 64);
  });
});

const frameArbitrary = fc.record({
  tsSec: fc.integer({ min: 0, max: 0xffffffff }),
  tsNsec: fc.integer({ min: 0, max: 999_999_999 }),
  bytes: fc.uint8Array({ maxLength: 300 }),
  extra: fc.nat(70_000),
});

describe('writer → reader round trip', () => {
  test.prop(
    [
      fc.array(frameArbitrary, { maxLength: 40 }),
      fc.boolean(),
      fc.constantFrom('us', 'ns', 'modified'),
      fc.integer({ min: 16, max: 2048 }),
    ],
    { numRuns: 150 },
  )('classic pcap, every byte order and resolution', (frames, littleEndian, resolution, chunkBytes) => {
    const options = { littleEndian, nanoseconds: resolution === 'ns', modified: resolution === 'modified' };
    const written = frames.map((f) => ({ tsSec: f.tsSec, tsNsec: f.tsNsec, bytes: f.bytes, origLen: f.bytes.length + f.extra }));
    const result = readBytes(encodePcap(written, options), { chunkBytes });
    expect(result.issues).toEqual([]);
    expect(
      result.frames.map((f) => ({ tsSec: f.tsSec, tsNsec: f.tsNsec, bytes: f.bytes, origLen: f.origLen })),
    ).toEqual(
      written.map((f) => ({
        tsSec: f.tsSec,
        tsNsec: resolution === 'ns' ? f.tsNsec : Math.floor(f.tsNsec / 1000) * 1000,
        bytes: f.bytes,
        origLen: f.origLen,
      })),
    );
  });

  const tsresolArbitrary = fc.oneof(fc.integer({ min: 0, max: 18 }), fc.integer({ min: 0x80, max: 0x80 + 63 }));
  const packetArbitrary = fc.record({
    interface: fc.nat(),
    high: fc.integer({ min: 0, max: 0xffffffff }),
    low: fc.integer({ min: 0, max: 0xffffffff }),
    bytes: fc.uint8Array({ maxLength: 200 }),
    extra: fc.nat(2000),
    flags: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
    comments: fc.option(fc.array(fc.string({ maxLength: 20 }).map((text) => text.replace(/\0/g, '')), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  });

  test.prop(
    [
      fc.array(fc.record({ tsresol: tsresolArbitrary, offset: fc.integer({ min: -1e9, max: 1e9 }), linkType: fc.nat(300) }), {
        minLength: 1,
        maxLength: 4,
      }),
      fc.array(packetArbitrary, { maxLength: 30 }),
      fc.boolean(),
      fc.integer({ min: 16, max: 2048 }),
    ],
    { numRuns: 150 },
  )('pcapng, every byte order and resolution, with offsets, flags and comments', (interfaces, packets, littleEndian, chunkBytes) => {
    const blocks = [encodeShb({ littleEndian })];
    for (const i of interfaces) {
      blocks.push(encodeIdb({ littleEndian, tsresol: i.tsresol, tsOffsetSeconds: i.offset, linkType: i.linkType }));
    }
    for (const p of packets) {
      blocks.push(
        encodeEpb({
          littleEndian,
          interfaceId: p.interface % interfaces.length,
          timestamp: { high: p.high, low: p.low },
          bytes: p.bytes,
          origLen: p.bytes.length + p.extra,
          flags: p.flags,
          comments: p.comments,
        }),
      );
    }
    const result = readBytes(concatBytes(blocks), { chunkBytes });
    expect(result.issues).toEqual([]);
    const expected = packets.map((p) => {
      const i = interfaces[p.interface % interfaces.length];
      const units = (BigInt(p.high) << 32n) + BigInt(p.low);
      const unitsPerSecond = tsresolUnitsPerSecond(i.tsresol);
      return {
        localId: p.interface % interfaces.length,
        linkType: i.linkType,
        tsSec: Number(units / unitsPerSecond) + i.offset,
        tsNsec: Number(((units % unitsPerSecond) * 1_000_000_000n) / unitsPerSecond),
        bytes: p.bytes,
        origLen: p.bytes.length + p.extra,
        direction: p.flags === 1 ? 'in' : p.flags === 2 ? 'out' : null,
        comments: p.comments ?? null,
      };
    });
    expect(
      result.frames.map((f) => ({
        localId: f.iface.localId,
        linkType: f.iface.linkType,
        tsSec: f.tsSec,
        tsNsec: f.tsNsec,
        bytes: f.bytes,
        origLen: f.origLen,
        direction: f.direction,
        comments: f.comments,
      })),
    ).toEqual(expected);
  });

  test.prop([fc.array(frameArbitrary, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 4 })], { numRuns: 50 })(
    'merging files yields every frame once, in timestamp order',
    (frames, fileCount) => {
      const paths = Array.from({ length: fileCount }, (_, file) =>
        writeTemp(encodePcap(frames.filter((_, i) => i % fileCount === file).sort((a, b) => a.tsSec - b.tsSec || a.tsNsec - b.tsNsec), { nanoseconds: true })),
      );
      const merged = readAll(openCaptures(paths)).frames;
      expect(merged.map((f) => f.no)).toEqual(frames.map((_, i) => i + 1));
      for (let i = 1; i < merged.length; i++) {
        const a = merged[i - 1];
        const b = merged[i];
        expect(a.tsSec < b.tsSec || (a.tsSec === b.tsSec && (a.tsNsec < b.tsNsec || (a.tsNsec === b.tsNsec && a.iface.fileIndex <= b.iface.fileIndex)))).toBe(true);
      }
    },
  );
});

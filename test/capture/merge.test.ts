import { describe, expect, it } from 'vitest';
import { openCaptures, readAll } from '../../src/capture/open.js';
import { concatBytes, encodePcap, type FrameToWrite } from '../../src/capture/pcap-writer.js';
import { encodeEpb, encodeIdb, encodeIsb, encodeNrb, encodeShb, timestampUnits } from '../../src/capture/pcapng-writer.js';
import { hex, pattern, writeTemp } from './capture-helpers.js';

function frameAt(tsSec: number, tsNsec: number, tag: number): FrameToWrite {
  return { tsSec, tsNsec, bytes: Uint8Array.of(tag, tag, tag) };
}

/** Tag byte of each merged frame with its file, for compact expectations. */
function order(paths: string[]) {
  return readAll(openCaptures(paths)).frames.map((f) => [f.no, f.iface.fileIndex, f.bytes[0]]);
}

describe('openCaptures: merging files by time', () => {
  it('interleaves by timestamp, numbers 1..N, and breaks ties by file order', () => {
    const a = writeTemp(encodePcap([frameAt(1, 0, 10), frameAt(3, 0, 11), frameAt(5, 0, 12)], { nanoseconds: true }));
    const b = writeTemp(encodePcap([frameAt(2, 0, 20), frameAt(3, 0, 21), frameAt(6, 0, 22)], { littleEndian: false }));
    const c = writeTemp(encodePcap([frameAt(0, 999_999_999, 30), frameAt(3, 0, 31)]));
    expect(order([a, b, c])).toEqual([
      [1, 2, 30],
      [2, 0, 10],
      [3, 1, 20],
      [4, 0, 11],
      [5, 1, 21],
      [6, 2, 31],
      [7, 0, 12],
      [8, 1, 22],
    ]);
    expect(order([c, b, a]).map(([, , tag]) => tag)).toEqual([30, 10, 20, 31, 21, 11, 12, 22]);
  });

  it('keeps the file order of a file whose timestamps go backwards', () => {
    const a = writeTemp(encodePcap([frameAt(5, 0, 10), frameAt(1, 0, 11), frameAt(7, 0, 12)]));
    const b = writeTemp(encodePcap([frameAt(2, 0, 20), frameAt(6, 0, 21)]));
    expect(order([a, b]).map(([, , tag]) => tag)).toEqual([20, 10, 11, 21, 12]);
  });

  it('compares nanoseconds, not just seconds', () => {
    const a = writeTemp(encodePcap([frameAt(1, 500, 10), frameAt(1, 1_001, 11)], { nanoseconds: true }));
    const b = writeTemp(encodePcap([frameAt(1, 501, 20)], { nanoseconds: true }));
    expect(order([a, b]).map(([, , tag]) => tag)).toEqual([10, 20, 11]);
  });

  it('gives interfaces global ids across pcap and pcapng files and keeps each frame on its own', () => {
    const pcap = writeTemp(encodePcap([frameAt(10, 0, 1), frameAt(13, 0, 2)], { linkType: 113 }));
    const pcapng = writeTemp(
      concatBytes([
        encodeShb({ littleEndian: false }),
        encodeIdb({ littleEndian: false, linkType: 1, name: 'eth0' }),
        encodeIdb({ littleEndian: false, linkType: 276, name: 'any', tsresol: 9 }),
        encodeEpb({ littleEndian: false, interfaceId: 1, timestamp: timestampUnits(11, 0, 1_000_000_000n), bytes: Uint8Array.of(3) }),
        encodeEpb({ littleEndian: false, interfaceId: 0, timestamp: timestampUnits(12, 0, 1_000_000n), bytes: Uint8Array.of(4) }),
        encodeNrb({ littleEndian: false, records: [[Uint8Array.of(10, 0, 0, 1), ['gw']]] }),
        encodeIsb({ littleEndian: false, interfaceId: 0, received: 2n }),
      ]),
    );
    const result = readAll(openCaptures([pcap, pcapng]));
    expect(result.issues).toEqual([]);
    expect(result.interfaces.map((i) => [i.id, i.fileIndex, i.section, i.localId, i.linkType, i.name])).toEqual([
      [0, 0, 0, 0, 113, null],
      [1, 1, 0, 0, 1, 'eth0'],
      [2, 1, 0, 1, 276, 'any'],
    ]);
    expect(result.frames.map((f) => [f.no, f.bytes[0], f.iface.id, f.iface.linkType])).toEqual([
      [1, 1, 0, 113],
      [2, 3, 2, 276],
      [3, 4, 1, 1],
      [4, 2, 0, 113],
    ]);
    for (const frame of result.frames) expect(result.interfaces[frame.iface.id]).toBe(frame.iface);
    expect([...result.names]).toEqual([['10.0.0.1', ['gw']]]);
    expect(result.stats.map((s) => [s.iface.id, s.received])).toEqual([[1, 2]]);
  });

  it('hands out each frame zero-copy: valid until the next call, each reader holding one head', () => {
    const bytesOf = (n: number) => pattern(50, n);
    const a = writeTemp(encodePcap([0, 2, 4].map((i) => ({ tsSec: i, tsNsec: 0, bytes: bytesOf(i) }))));
    const b = writeTemp(encodePcap([1, 3, 5].map((i) => ({ tsSec: i, tsNsec: 0, bytes: bytesOf(i) }))));
    const source = openCaptures([a, b]);
    const seen: number[] = [];
    for (let frame = source.next(); frame !== null; frame = source.next()) {
      expect(Array.from(frame.bytes)).toEqual(Array.from(bytesOf(frame.tsSec)));
      seen.push(frame.tsSec);
    }
    source.close();
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reports a file of unknown format as an issue and reads the others', () => {
    const good = writeTemp(encodePcap([frameAt(1, 0, 1), frameAt(2, 0, 2)]));
    const garbage = writeTemp(hex('00112233 44556677 8899aabb'));
    const empty = writeTemp(new Uint8Array(0));
    const gzip = writeTemp(hex('1f8b0800 00000000'));
    const result = readAll(openCaptures([garbage, good, empty, gzip]));
    expect(result.frames.map((f) => [f.no, f.iface.fileIndex])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(result.issues.map((i) => [i.kind, i.fileIndex])).toEqual([
      ['bad-header', 0],
      ['bad-header', 2],
      ['bad-header', 3],
    ]);
    expect(result.issues[0].message).toBe('not a pcap or pcapng file: starts with 00 11 22 33.');
    expect(result.issues[1].message).toBe('not a pcap or pcapng file: it is empty.');
    expect(result.issues[2].message).toMatch(/looks like gzip-compressed: decompress it first with gunzip/);
    expect(result.issues.every((i) => i.unusable === true)).toBe(true);
  });

  it('throws a whole-sentence Error for a path that cannot be opened', () => {
    const good = writeTemp(encodePcap([frameAt(1, 0, 1)]));
    expect(() => openCaptures([good, '/nonexistent/dir/x.pcap'])).toThrow(/^Cannot open capture file "\/nonexistent\/dir\/x\.pcap": .*\.$/);
    expect(() => openCaptures(['/'])).toThrow(/is a directory/);
  });

  it('returns a single file as its own reader and handles an empty list', () => {
    const good = writeTemp(encodePcap([frameAt(1, 0, 1)]));
    expect(readAll(openCaptures([good])).frames).toHaveLength(1);
    const none = openCaptures([]);
    expect(none.next()).toBeNull();
    expect(none.issues).toEqual([]);
    none.close();
  });
});

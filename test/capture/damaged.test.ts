// Hand-made damaged captures, each built field by field (test/fixtures/damaged/build-damaged.ts):
// the readers keep every frame that can be read and report the rest with its offset, frame
// number, block type and the rule broken; files that are no capture are refused in one sentence.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ByteSource } from '../../src/capture/byte-source.js';
import { InterfaceRegistry } from '../../src/capture/interfaces.js';
import { openCapture, openCaptures, readAll } from '../../src/capture/open.js';
import { PcapReader } from '../../src/capture/pcap.js';
import { PcapngReader } from '../../src/capture/pcapng.js';
import { FrameAt, FrameAtReader } from '../../src/capture/random-access.js';
import { Rule } from '../../src/capture/spec-rules.js';
import { hasUnusableFile } from '../../src/capture/types.js';
import { block, concat, epb, idb, payload, pcapHeader, pcapRecord, shb } from '../fixtures/damaged/build-damaged.js';
import { readBytes, tempPath, writeTemp } from './capture-helpers.js';

const EPB_NAME = 'Enhanced Packet Block (0x00000006)';
const three = [payload(60, 1), payload(61, 2), payload(62, 3)];
/** A clean pcap of three frames at 1, 2, 3 s: header 24 bytes, records at 24, 100, 177. */
const cleanPcap = concat(pcapHeader(), ...three.map((d, i) => pcapRecord(d, { sec: i + 1 })));
/** A clean pcapng: SHB (28 bytes) at 0, IDB (20) at 28, EPBs (92, 96, 96 bytes: data padded to 4) at 48, 140, 236. */
const cleanPcapng = concat(shb(), idb(), ...three.map((d, i) => epb(d, { low: (i + 1) * 1e6 })));

describe('truncated files', () => {
  it('keeps the frames before a pcap record cut in its middle', () => {
    const r = readBytes(cleanPcap.subarray(0, 100 + 16 + 30)); // the second record: 16-byte header, 30 of 61 data bytes
    expect(r.frames.map((f) => f.no)).toEqual([1]);
    expect(r.issues).toEqual([{
      kind: 'truncated-record', fileIndex: 0, offset: 100, frameNumber: 1, blockType: 'record', rule: Rule.pcapRecordWhole,
      message: expect.stringContaining('46 of its 77 bytes are present, 31 are missing') as unknown as string, missingBytes: 31,
    }]);
  });

  it('keeps the frames before a pcapng block cut in its middle', () => {
    const r = readBytes(cleanPcapng.subarray(0, 140 + 50));
    expect(r.frames.map((f) => f.no)).toEqual([1]);
    expect(r.issues).toMatchObject([{ kind: 'truncated-record', offset: 140, frameNumber: 1, blockType: EPB_NAME, rule: Rule.blockWhole, missingBytes: 46 }]);
  });

  it('reads a file that is only a header as a capture with no frames and no problem', () => {
    for (const bytes of [pcapHeader(), shb(), concat(shb(), idb())]) {
      const r = readBytes(bytes);
      expect(r.frames).toEqual([]);
      expect(r.issues).toEqual([]);
    }
  });

  it('refuses a zero-length file, and headers cut short, as unusable', () => {
    const empty = readBytes(new Uint8Array(0));
    expect(empty.issues).toMatchObject([{ kind: 'bad-header', unusable: true, offset: 0, frameNumber: 0, message: 'not a pcap or pcapng file: it is empty.' }]);
    expect(readBytes(pcapHeader().subarray(0, 3)).issues[0].message).toBe('not a pcap or pcapng file: it is only 3 bytes long (d4 c3 b2).');
    const pcapCut = readBytes(pcapHeader().subarray(0, 20));
    expect(pcapCut.issues).toMatchObject([{ unusable: true, blockType: 'file header', rule: Rule.pcapHeaderLength }]);
    const shbCut = readBytes(shb().subarray(0, 20));
    expect(shbCut.issues).toMatchObject([{ unusable: true, blockType: 'Section Header Block (0x0a0d0d0a)', rule: Rule.blockWhole }]);
  });
});

describe('refusing what is no capture, in one sentence', () => {
  const text = (s: string) => new TextEncoder().encode(s);
  const cases: [string, Uint8Array, string][] = [
    ['HTML', text('<!DOCTYPE html><html><body>404</body></html>'), 'starts with 3c 21 44 4f (looks like HTML).'],
    ['XML', text('<?xml version="1.0"?><pdml/>'), '(looks like XML).'],
    ['JSON', text('  [{"_source": {}}]'), '(looks like JSON).'],
    ['gzip', Uint8Array.of(0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0), '(looks like gzip-compressed: decompress it first with gunzip).'],
    ['zstd', Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd, 0, 0), '(looks like zstd-compressed'],
    ['xz', Uint8Array.of(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0), '(looks like xz-compressed'],
    ['bzip2', text('BZh91AY&SY'), '(looks like bzip2-compressed'],
    ['zip', Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0x14, 0), '(looks like a zip archive'],
    ['ELF', Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0), '(looks like an ELF executable).'],
    ['snoop', Uint8Array.of(0x73, 0x6e, 0x6f, 0x6f, 0x70, 0, 0, 0, 0, 0, 0, 2), '(looks like a Solaris snoop capture'],
    ['tcpdump text', text('12:00:01.000000 IP 172.17.0.2 > 172.17.0.3: ICMP echo request\n'), '(looks like text, perhaps tcpdump\'s printed output'],
    ['UTF-8 text', text('répertoire ünïcode\n'), '(looks like text'],
  ];
  for (const [what, bytes, expected] of cases) {
    it(`names ${what}`, () => {
      const r = readBytes(bytes);
      expect(r.frames).toEqual([]);
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0]).toMatchObject({ kind: 'bad-header', unusable: true, offset: 0, rule: Rule.magic });
      expect(r.issues[0].message).toMatch(/^not a pcap or pcapng file: starts with [0-9a-f]{2}( [0-9a-f]{2}){3}/);
      expect(r.issues[0].message).toContain(expected);
    });
  }

  it('sniffs within a small explicit window (found by the property test: the sniff asked for more than the cap)', () => {
    const r = readBytes(new TextEncoder().encode('<html>'.repeat(200)), { chunkBytes: 64, maxWindowBytes: 256 });
    expect(r.issues).toMatchObject([{ unusable: true, message: 'not a pcap or pcapng file: starts with 3c 68 74 6d (looks like HTML).' }]);
  });

  it('gives no hint for binary it cannot name', () => {
    expect(readBytes(Uint8Array.of(0x00, 0x11, 0x22, 0x33, 0x80, 0x90)).issues[0].message).toBe('not a pcap or pcapng file: starts with 00 11 22 33.');
  });
});

describe('pcapng structure damage', () => {
  it('refuses a file whose first section has an unknown major version', () => {
    const r = readBytes(concat(shb({ major: 2 }), idb(), epb(three[0])));
    expect(r.frames).toEqual([]);
    expect(r.issues).toMatchObject([{ kind: 'bad-header', unusable: true, offset: 0, rule: Rule.shbVersion }]);
    expect(r.issues[0].message).toContain('version 2.0');
  });

  it('keeps the frames of a first section and stops at a later section of an unknown version, without refusing the file', () => {
    const r = readBytes(concat(cleanPcapng, shb({ major: 3 }), idb(), epb(three[0])));
    expect(r.frames).toHaveLength(3);
    expect(r.issues).toMatchObject([{ kind: 'bad-header', offset: 332, frameNumber: 3, rule: Rule.shbVersion }]);
    expect(hasUnusableFile(r.issues)).toBe(false);
  });

  it('skips an EPB naming an interface never described (or out of range) and reads on', () => {
    const noIdb = readBytes(concat(shb(), epb(three[0]), idb(), epb(three[1])));
    expect(noIdb.frames.map((f) => f.bytes.length)).toEqual([61]);
    expect(noIdb.issues).toMatchObject([{ kind: 'bad-record', offset: 28, frameNumber: 0, blockType: EPB_NAME, rule: Rule.interfaceDescribed }]);
    expect(noIdb.issues[0].message).toContain('interface 0, but its section describes no interface');
    const outOfRange = readBytes(concat(shb(), idb(), epb(three[0], { iface: 7 }), epb(three[1])));
    expect(outOfRange.frames).toHaveLength(1);
    expect(outOfRange.issues[0].message).toContain('interface 7, but its section describes interfaces 0 to 0 only');
  });

  it('keeps an EPB whose captured length is above the interface snaplen, saying so once', () => {
    const r = readBytes(concat(shb(), idb({ snapLen: 40 }), epb(three[0]), epb(three[1])));
    expect(r.frames.map((f) => f.bytes.length)).toEqual([60, 61]);
    expect(r.issues).toMatchObject([{ kind: 'suspect-record', offset: 48, frameNumber: 0, blockType: EPB_NAME, rule: Rule.epbCapLenSnapLen }]);
  });

  it('handles duplicated blocks: a repeated EPB is two frames, a repeated SHB starts a section with no interfaces', () => {
    const one = epb(three[0]);
    expect(readBytes(concat(shb(), idb(), one, one)).frames).toHaveLength(2);
    const r = readBytes(concat(shb(), idb(), one, shb(), one, idb(), one));
    expect(r.frames.map((f) => f.iface.section)).toEqual([0, 1]);
    expect(r.issues).toMatchObject([{ kind: 'bad-record', offset: 168, frameNumber: 1, rule: Rule.interfaceDescribed }]); // after the second SHB (140)
    const doubleIdb = readBytes(concat(shb(), idb(), idb({ linkType: 113 }), epb(three[0], { iface: 1 })));
    expect(doubleIdb.frames[0].iface.linkType).toBe(113);
  });

  const lengthDamage: [string, Partial<{ length: number; trailer: number }>, string, string][] = [
    ['below 12', { length: 8 }, Rule.blockLengthMinimum, 'bad-record'],
    ['not a multiple of 4', { length: 94 }, Rule.blockLengthMultiple, 'bad-record'],
    ['not repeated at the end', { trailer: 100 }, Rule.blockLengthTrailer, 'bad-record'],
    ['beyond the end of the file', { length: 4000 }, Rule.blockWhole, 'truncated-record'],
    ['of 0xFFFFFFF0 bytes', { length: 0xfffffff0 }, Rule.blockWhole, 'truncated-record'],
  ];
  for (const [what, fields, rule, kind] of lengthDamage) {
    it(`stops at a block total length ${what}, keeping the frames before it`, () => {
      const r = readBytes(concat(shb(), idb(), epb(three[0]), epb(three[1], fields), epb(three[2])));
      expect(r.frames).toHaveLength(1);
      expect(r.issues).toMatchObject([{ kind, offset: 140, frameNumber: 1, blockType: EPB_NAME, rule }]);
    });
  }

  it('skips an EPB whose captured length is above the configured maximum frame size', () => {
    const r = readBytes(concat(shb(), idb(), epb(payload(500, 1)), epb(three[1])), { maxFrameBytes: 256 });
    expect(r.frames.map((f) => f.bytes.length)).toEqual([61]);
    expect(r.issues).toMatchObject([{ kind: 'bad-record', offset: 48, rule: Rule.epbCapLenMax }]);
  });
});

describe('pcap record damage', () => {
  it('stops at a record claiming 4 GB, allocating nothing for it', () => {
    const r = readBytes(concat(pcapHeader(), pcapRecord(three[0]), pcapRecord(three[1], { capLen: 0xfffffff0 })));
    expect(r.frames).toHaveLength(1);
    expect(r.issues).toMatchObject([{ kind: 'bad-record', offset: 100, frameNumber: 1, blockType: 'record', rule: Rule.pcapCapLenMax }]);
  });

  it('takes the maximum frame size from the reader options', () => {
    const bytes = concat(pcapHeader(), pcapRecord(payload(300, 1)), pcapRecord(three[0]));
    expect(readBytes(bytes).frames).toHaveLength(2);
    const capped = readBytes(bytes, { maxFrameBytes: 299 });
    expect(capped.frames).toEqual([]);
    expect(capped.issues[0].message).toContain('more than the maximum frame size of 299');
  });

  it('lowers the maximum frame size to fit an explicit small window, so a long record cannot make the reader throw', () => {
    const r = readBytes(concat(pcapHeader(), pcapRecord(payload(300, 1))), { chunkBytes: 64, maxWindowBytes: 256 });
    expect(r.frames).toEqual([]);
    expect(r.issues).toMatchObject([{ kind: 'bad-record', offset: 24, rule: Rule.pcapCapLenMax }]);
    expect(r.issues[0].message).toContain('maximum frame size of 192');
  });

  it('skips a record whose caplen exceeds its original length and reads on', () => {
    const r = readBytes(concat(pcapHeader(), pcapRecord(three[0], { origLen: 10 }), pcapRecord(three[1])));
    expect(r.frames.map((f) => f.bytes.length)).toEqual([61]);
    expect(r.issues).toMatchObject([{ kind: 'bad-record', offset: 24, frameNumber: 0, rule: Rule.pcapCapLenOrigLen }]);
  });

  it('reads a link type it does not know (a swapped link type) without complaint: decoding is the decoders\' business', () => {
    const r = readBytes(concat(pcapHeader({ linkType: 0xfff0 }), pcapRecord(three[0])));
    expect(r.frames[0].iface.linkType).toBe(0xfff0);
    expect(r.issues).toEqual([]);
  });
});

describe('time', () => {
  it('keeps a file whose timestamps go backwards in file order, with no issue', () => {
    const r = readBytes(concat(pcapHeader(), pcapRecord(three[0], { sec: 5 }), pcapRecord(three[1], { sec: 2 }), pcapRecord(three[2], { sec: 9 })));
    expect(r.frames.map((f) => [f.no, f.tsSec])).toEqual([[1, 5], [2, 2], [3, 9]]);
    expect(r.issues).toEqual([]);
  });

  it('merges a nanosecond and a microsecond file by their exact times', () => {
    const micro = writeTemp(concat(pcapHeader(), pcapRecord(three[0], { sec: 1, fraction: 500_000 }), pcapRecord(three[1], { sec: 2, fraction: 1 })));
    const nano = writeTemp(concat(pcapHeader({ magic: 0xa1b23c4d }), pcapRecord(three[2], { sec: 1, fraction: 499_999_999 }), pcapRecord(three[0], { sec: 2, fraction: 999 })));
    const r = readAll(openCaptures([micro, nano]));
    expect(r.frames.map((f) => [f.no, f.iface.fileIndex, f.tsSec, f.tsNsec])).toEqual([
      [1, 1, 1, 499_999_999], [2, 0, 1, 500_000_000], [3, 1, 2, 999], [4, 0, 2, 1000],
    ]);
    expect(r.interfaces.map((i) => i.unitsPerSecond)).toEqual([1e6, 1e9]);
  });
});

describe('allocation bounds: a length field never sizes a buffer', () => {
  /** A sparse file: `head`, then zeros up to `size` bytes (cheap on disk, real to the reader). */
  function sparse(head: Uint8Array, size: number): string {
    const file = tempPath('sparse');
    fs.writeFileSync(file, head);
    fs.truncateSync(file, size);
    return file;
  }
  const CLAIM = 64 * 1024 * 1024;
  const SIZE = CLAIM + 4 * 1024 * 1024;

  it('pcap: a record claiming 64 MiB in a 68 MiB file keeps the window at its cap', () => {
    const file = sparse(concat(pcapHeader(), pcapRecord(three[0], { capLen: CLAIM })), SIZE);
    const source = ByteSource.open(file);
    const reader = new PcapReader(source, 0, new InterfaceRegistry());
    expect(reader.next()).toBeNull();
    expect(reader.issues).toMatchObject([{ kind: 'bad-record', rule: Rule.pcapCapLenMax }]);
    expect(reader.peakWindowBytes).toBeLessThanOrEqual(source.maxWindowBytes);
    expect(source.maxWindowBytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    reader.close();
  });

  it('pcapng: an EPB claiming 64 MiB is skipped by reading past it, never buffered', () => {
    // the block's trailer is not there (zeros), so reading stops at it, having buffered nothing
    const file = sparse(concat(shb(), idb(), epb(three[0], { length: CLAIM })), SIZE);
    const source = ByteSource.open(file);
    const reader = new PcapngReader(source, 0, new InterfaceRegistry());
    const before = process.memoryUsage().arrayBuffers;
    expect(reader.next()).toBeNull();
    expect(reader.issues).toMatchObject([{ kind: 'bad-record', offset: 48, rule: Rule.blockLengthTrailer }]);
    expect(reader.peakWindowBytes).toBeLessThanOrEqual(source.maxWindowBytes);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
    reader.close();
  });

  it('pcapng: a well-framed 2 MiB EPB beyond the maximum frame size is skipped and the next frame read', () => {
    const big = epb(payload(2 * 1024 * 1024, 1));
    const r = readBytes(concat(shb(), idb(), big, epb(three[1])));
    expect(r.frames.map((f) => f.bytes.length)).toEqual([61]);
    expect(r.issues).toMatchObject([{ kind: 'bad-record', offset: 48, blockType: EPB_NAME, rule: Rule.blockLengthMax }]);
  });

  it('random access: a record that now claims 64 MiB is refused without allocating it', () => {
    const file = sparse(concat(pcapHeader(), pcapRecord(three[0], { capLen: CLAIM })), SIZE);
    const reader = new FrameAtReader([file]);
    const iface = readAll(openCapture(writeTemp(cleanPcap))).interfaces[0];
    const before = process.memoryUsage().arrayBuffers;
    expect(reader.read(0, 24, iface, new FrameAt())).toBe(false);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
    reader.close();
  });

  it('a pipe (as standard input is): a record claiming 0xFFFFFFF0 bytes is reported, the window stays small', async () => {
    const fifo = tempPath('fifo');
    const made = spawn('mkfifo', [fifo]);
    await new Promise((done) => made.on('exit', done));
    if (!fs.existsSync(fifo)) return console.log('skipping the pipe case: mkfifo is not available');
    const data = writeTemp(concat(pcapHeader(), pcapRecord(three[0]), pcapRecord(three[1], { capLen: 0xfffffff0 }), payload(100_000, 9)));
    const writer = spawn('sh', ['-c', 'cat "$0" > "$1"', data, fifo]);
    const source = ByteSource.open(fifo); // blocks until the writer has it open
    const reader = new PcapReader(source, 0, new InterfaceRegistry());
    expect(reader.next()?.no).toBe(1);
    expect(reader.next()).toBeNull();
    expect(reader.issues).toMatchObject([{ kind: 'bad-record', offset: 100, frameNumber: 1 }]);
    expect(reader.peakWindowBytes).toBeLessThanOrEqual(source.maxWindowBytes);
    reader.close();
    writer.kill();
  });
});

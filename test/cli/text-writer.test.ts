// The CLI writes text lines as bytes (ByteWriter) through the same describe code that
// builds strings (StringSink: describeLayers, frameText). The two must agree byte for
// byte: on every frame of every recording, on crafted frames with hostile text, and on
// arbitrary values of every primitive.
import { fc, test } from '@fast-check/vitest';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptures } from '../../src/capture/open.js';
import type { InterfaceInfo, RawFrame } from '../../src/capture/types.js';
import { ByteWriter } from '../../src/cli/byte-writer.js';
import { frameText, writeFrameText } from '../../src/cli/format-frame.js';
import {
  describeLayers, formatIpv4, formatIpv6, formatMac, FrameDecoder, StringSink, writeLayers,
  type MemoWriter, type TextSink,
} from '../../src/decode/index.js';
import { bytes, eth, ipv4, udp } from '../helpers/build.js';
import { capturesDir, repoRoot } from '../helpers/paths.js';
import { FIXTURES } from '../decode/fixtures.js';

/** A ByteWriter with the smallest buffer, so that flushes happen mid-line; `take()` returns all bytes written. */
function collector(): { out: ByteWriter; take: () => Buffer } {
  const parts: Buffer[] = [];
  const out = new ByteWriter((b) => parts.push(Buffer.from(b)), 1024, 512);
  return { out, take: () => (out.flush(), Buffer.concat(parts.splice(0))) };
}

/** The same writes to both sinks; returns [bytes, UTF-8 of the string]. */
function both(write: (sink: TextSink) => void): [Buffer, Buffer] {
  const { out, take } = collector();
  write(out);
  const s = new StringSink();
  write(s);
  return [take(), Buffer.from(s.s, 'utf8')];
}

const captureFiles = readdirSync(capturesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(capturesDir, d.name)).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => `${d.name}/${f}`))
  .sort();

/** Text output of one capture, as `dockshark decode FILE --vxlan-port 8472` prints it, both ways. */
function decodeBothWays(file: string): { bytes: Buffer; lines: string[]; frames: number } {
  const source = openCaptures([resolve(capturesDir, file)]);
  const decoder = new FrameDecoder({ vxlanPorts: [4789, 8472] });
  const { out, take } = collector();
  const lines: string[] = [];
  try {
    for (let raw = source.next(); raw !== null; raw = source.next()) {
      const decoded = decoder.decode(raw);
      writeFrameText(out, raw, decoded);
      out.endLine();
      lines.push(frameText(raw, decoded));
    }
  } finally {
    source.close();
  }
  return { bytes: take(), lines, frames: lines.length };
}

// SHA-256 of each capture's text output as printed before the byte writer existed
// (regenerate with UPDATE_TEXT_DIGESTS=1 only when a change of the text is intended).
const digestsFile = resolve(repoRoot, 'test/cli/decode-text-digests.json');
const digests = JSON.parse(readFileSync(digestsFile, 'utf8')) as Record<string, string>;

describe('the byte writer prints what frameText returns', () => {
  it('covers the recordings', () => {
    expect(captureFiles.length).toBeGreaterThanOrEqual(40);
  });

  const updated: Record<string, string> = {};
  it.each(captureFiles)('%s', (file) => {
    const { bytes: written, lines, frames } = decodeBothWays(file);
    expect(frames).toBeGreaterThan(0);
    const expected = Buffer.from(lines.map((l) => l + '\n').join(''), 'utf8');
    if (!written.equals(expected)) {
      const got = written.toString('utf8').split('\n');
      const at = got.findIndex((l, i) => l !== lines[i]);
      expect(got[at], `line ${at + 1}`).toBe(lines[at]);
    }
    const digest = createHash('sha256').update(written).digest('hex');
    updated[file] = digest;
    if (!process.env.UPDATE_TEXT_DIGESTS) expect(digest, 'the text output changed (see decode-text-digests.json)').toBe(digests[file]);
  });

  it('has a digest for every recording', () => {
    if (process.env.UPDATE_TEXT_DIGESTS) writeFileSync(digestsFile, JSON.stringify(updated, null, 2) + '\n');
    expect(Object.keys(digests).sort()).toEqual(captureFiles);
  });
});

const IFACE: InterfaceInfo = {
  id: 0, fileIndex: 0, section: 0, localId: 0, linkType: 1, snapLen: 0, name: null, description: null,
  unitsPerSecond: 1e9, tsOffsetSeconds: 0,
};

function rawFrame(data: Uint8Array, name: string | null, origLen = data.length, linkType = 1): RawFrame {
  return {
    no: 1234567, iface: { ...IFACE, name, linkType }, tsSec: 1_795_000_000, tsNsec: 7_000_009, origLen, data, start: 0, end: data.length,
    get bytes() { return data; }, fileOffset: 24, direction: null, comments: null,
  };
}

/** A DNS query whose name holds ESC, DEL, a C1 byte and UTF-8 "é" (the decoder escapes them as \DDD). */
function dnsQuery(): Uint8Array {
  const label = [0x61, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x7f, 0x9b, 0xc3, 0xa9];
  const message = bytes([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0], [label.length, ...label, 4, ...Buffer.from('test'), 0], [0, 1, 0, 1]);
  return eth('02:42:ac:11:00:03', '02:42:ac:11:00:02', 0x0800, ipv4({ src: '172.17.0.2', dst: '172.17.0.1', protocol: 17 }, udp(40000, 53, message)));
}

describe('crafted frames with hostile text', () => {
  const decoder = new FrameDecoder({ vxlanPorts: [4789, 8472] });
  const cases: [string, RawFrame][] = [
    ['a DNS name with control and non-ASCII bytes', rawFrame(dnsQuery(), 'eth0')],
    ['an interface name with ESC, C1, DEL, é and an astral character', rawFrame(dnsQuery(), 'eth\u001b[31m\u009b\u007fé😀\ud800x')],
    ['a frame cut by the capture, with issues', rawFrame(dnsQuery().subarray(0, 50), 'é', 300)],
    ['an unknown link type', rawFrame(dnsQuery(), null, 80, 147)],
  ];
  it.each(cases)('%s', (_, raw) => {
    const decoded = decoder.decode(raw);
    const [written, expected] = both((sink) => writeFrameText(sink, raw, decoded));
    expect(written.equals(expected), `${written.toString()}\n${expected.toString()}`).toBe(true);
    expect(written.toString('utf8')).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('keeps the escapes of the string path', () => {
    const raw = cases[1][1];
    const text = frameText(raw, decoder.decode(raw));
    expect(text).toContain('eth\\x1b[31m\\x9b\\x7fé😀\\ud800x');
    expect(text).toContain(String.raw`A? a\027[31m\127\155\195\169.test`);
    const { out, take } = collector();
    writeFrameText(out, raw, decoder.decode(raw));
    expect(take().toString('utf8')).toContain('eth\\x1b[31m\\x9b\\x7fé😀\\ud800x'); // a lone surrogate is escaped too (src/decode/escape.ts)
  });

  test.prop([fc.constantFrom(...FIXTURES), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })], { numRuns: 2000 })(
    'decoded headers overwritten by arbitrary bytes', (fixture, at, noise) => {
      const data = Uint8Array.from(fixture.bytes);
      data.set(noise.subarray(0, Math.max(0, data.length - (at % data.length))), at % data.length);
      for (const cut of [data, data.subarray(0, at % (data.length + 1))]) {
        const decoded = decoder.decode(rawFrame(cut, null, data.length, fixture.linkType));
        const [written, expected] = both((sink) => writeLayers(sink, decoded.layers, data.length));
        expect(written.equals(expected)).toBe(true);
        expect(expected.toString('utf8')).toBe(describeLayers(decoded.layers, data.length));
      }
    });
});

describe('each primitive writes what the string sink appends', () => {
  const anyNumber = fc.oneof(
    fc.nat(), fc.integer(), fc.maxSafeNat(), fc.double(), fc.constantFrom(0, -0, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 1e8, 1e21, NaN, Infinity),
  );
  const check = (write: (sink: TextSink) => void): void => {
    const [written, expected] = both(write);
    expect(written.toString('latin1')).toBe(expected.toString('latin1'));
  };

  test.prop([anyNumber, fc.integer({ min: -1, max: 40 })], { numRuns: 3000 })('num', (n, pad) => check((s) => s.num(n, pad)));
  test.prop([anyNumber, fc.integer({ min: -1, max: 40 })], { numRuns: 3000 })('hex', (n, pad) => check((s) => s.hex(n, pad)));
  test.prop([fc.oneof(fc.integer({ min: 0, max: 2 ** 48 - 1 }), anyNumber)], { numRuns: 3000 })('mac', (m) => {
    check((s) => s.mac(m));
    expect(both((s) => s.mac(m))[1].toString()).toBe(formatMac(m));
  });
  test.prop([fc.oneof(fc.integer({ min: 0, max: 2 ** 32 - 1 }), anyNumber)], { numRuns: 3000 })('ipv4', (a) => {
    check((s) => s.ipv4(a));
    expect(both((s) => s.ipv4(a))[1].toString()).toBe(formatIpv4(a));
  });
  // Words built from groups that are often zero, to make runs of zeros.
  const group = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
  const word = fc.tuple(group, group).map(([hi, lo]) => (hi * 0x10000 + lo) >>> 0);
  test.prop([word, word, word, word], { numRuns: 3000 })('ipv6 (twice: computed, then from the cache)', (w0, w1, w2, w3) => {
    check((s) => { s.ipv6(w0, w1, w2, w3); s.text(' '); s.ipv6(w0, w1, w2, w3); });
    expect(both((s) => s.ipv6(w0, w1, w2, w3))[1].toString()).toBe(formatIpv6(w0, w1, w2, w3));
  });
  test.prop([fc.string({ unit: 'binary', maxLength: 200 })], { numRuns: 3000 })('text (UTF-8, lone surrogates included)', (t) => {
    const [written, expected] = both((s) => { s.text('x'); s.text(t); s.text('y'); });
    expect(written.equals(expected)).toBe(true);
  });
  it('text longer than the buffer', () => {
    const long = 'é'.repeat(3000) + 'x'.repeat(5000);
    const [written, expected] = both((s) => { s.text('a'); s.text(long); s.text('b'); });
    expect(written.equals(expected)).toBe(true);
  });

  const pieces: MemoWriter = (out, a, b, c) => { out.num(a); out.text('/'); out.mac(b); out.text('/'); out.ipv4(c); };
  const long: MemoWriter = (out, a) => { for (let i = 0; i < 40; i++) { out.text(' long '); out.num(a); } }; // longer than a cache entry
  // 1020 bytes: the 1 KiB buffer is flushed midway, and what follows could pass for a short entry.
  const huge: MemoWriter = (out, a) => { for (let i = 0; i < 85; i++) { out.text(' 10 bytes '); out.num(a); } };
  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 })), { minLength: 20, maxLength: 300, size: 'max' })])(
    'memo, replayed from the cache', (keys) => {
      check((s) => {
        for (const [a, b, c] of keys) {
          s.memo(pieces, a, b, c); // (distinct keys per writer: a cache slot is chosen by the keys)
          s.memo(long, a + 10, b, c);
          if (c === 0) s.memo(huge, a + 20, b, c);
        }
      });
    });
});

describe('ByteWriter.bytes', () => {
  test.prop([fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.uint8Array({ maxLength: 3000 })), { maxLength: 40 })])(
    'bytes already encoded go out as they are, in order with text, whatever their size against the buffer',
    (pieces) => {
      const drained: Uint8Array[] = [];
      const w = new ByteWriter((b) => drained.push(Uint8Array.from(b)), 1024);
      for (const p of pieces) {
        if (typeof p === 'string') w.text(p);
        else w.bytes(p);
      }
      w.flush();
      const expected = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
      expect(Buffer.concat(drained).equals(expected)).toBe(true);
    },
  );
});

// Regression tests for the bugs the fuzz harness and hostile-input probing found: every
// minimised input in test/fixtures/fuzz/ (listed with its bug in that folder's README) goes
// through the harness's targets on the built code, and each bug gets its own check on the
// source, asserting on sizes rather than time. Last, the harness's escape check itself, and a
// capture with control characters in every text field it can carry.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkText, runTargets } from '../../fuzz/target.mjs';
import { createEngines } from '../../src/analysis/engines.js';
import { Ipv4Reassembler, MAX_DATAGRAM_PAYLOAD, MAX_PENDING } from '../../src/decode/ipv4-reassembly.js';
import { ReplayIndex } from '../../src/replay/indexer.js';
import { repoRoot } from '../helpers/paths.js';

const fixtures = join(repoRoot, 'test/fixtures/fuzz');
const inputs = readdirSync(fixtures).filter((f) => /\.(pcap|pcapng)$/.test(f)).sort();

describe('the fuzz regressions', () => {
  it('are each listed in the fixtures README', () => {
    const readme = readFileSync(join(fixtures, 'README.md'), 'utf8');
    expect(inputs.length).toBeGreaterThan(0);
    for (const file of inputs) expect(readme).toContain(`\`${file}\``);
  });

  it.each(inputs)('%s passes every target of the harness (read, decode, analyze, replay, screen rows)', (file) => {
    expect(() => runTargets(join(fixtures, file))).not.toThrow();
  });
});

describe('IPv4 reassembly state copied into replay checkpoints', () => {
  const id = (n: number) => ({ src: 0x0a000001, dst: 0x0a000002, protocol: 17, id: n, iface: 0 });

  it.each([0, 65000])('costs what the fragments hold, not 64 KiB per pending datagram (fragments at offset %i)', (offset) => {
    const reassembler = new Ipv4Reassembler();
    const data = new Uint8Array(8).fill(1);
    for (let n = 0; n < MAX_PENDING; n++) reassembler.add(id(n), offset, true, data, 0, 8, 0);
    expect(reassembler.size).toBe(MAX_PENDING);
    const copy = reassembler.clone();
    expect(copy.size).toBe(MAX_PENDING);
    // before the fix: 256 x (65,515 + 2,048) bytes = 17 MB per copy, wherever the fragments were
    expect(copy.retainedBytes()).toBeLessThanOrEqual(MAX_PENDING * (8 + 8));
    expect(copy.clone().retainedBytes()).toBeLessThanOrEqual(MAX_PENDING * (8 + 8));
  });

  it('a copy still grows to and completes a full-size datagram', () => {
    const reassembler = new Ipv4Reassembler();
    const payload = Uint8Array.from({ length: MAX_DATAGRAM_PAYLOAD }, (_, i) => (i * 31) & 0xff);
    reassembler.add(id(1), 0, true, payload, 0, 8, 0);
    reassembler.add(id(1), 16000, true, payload, 16000, 16100, 0);
    const copy = reassembler.clone().clone();
    // the rest out of order, in pieces, overlapping what the copy holds packed: its bytes go
    // back in place, the buffer grows, and nothing disagrees
    expect(copy.add(id(1), 4, true, payload, 4, 20, 0)).toBe(0);
    expect(copy.add(id(1), 32768, false, payload, 32768, MAX_DATAGRAM_PAYLOAD, 0)).toBe(0);
    expect(copy.add(id(1), 8, true, payload, 8, 32768, 0)).toBe(1);
    expect(copy.payloadLength).toBe(MAX_DATAGRAM_PAYLOAD);
    expect(copy.anomalies).toEqual([]);
    expect(Buffer.from(copy.payload.subarray(0, copy.payloadLength)).equals(payload)).toBe(true);
    expect(reassembler.size).toBe(1); // the original is untouched
  });

  it('replay checkpoints of replay-fragment-checkpoints.pcap stay small', () => {
    const index = new ReplayIndex([join(fixtures, 'replay-fragment-checkpoints.pcap')], createEngines, { checkpointEvery: 8 });
    index.indexAll();
    const held = index.checkpoints.map((c) => c.pipeline.decoder.ctx.reassembler);
    expect(index.checkpoints.length).toBeGreaterThan(30);
    expect(Math.max(...held.map((r) => r.size))).toBe(MAX_PENDING);
    const total = held.reduce((n, r) => n + r.retainedBytes(), 0);
    expect(total).toBeLessThanOrEqual(index.checkpoints.length * MAX_PENDING * 16); // was 17 MB per checkpoint
    index.close();
  });
});

describe('text from a capture on its way to the terminal', () => {
  const u16le = (n: number) => [n & 255, (n >> 8) & 255];
  const u32le = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255];
  const u16 = (n: number) => [(n >> 8) & 255, n & 255];
  const pad = (a: number[]) => [...a, ...Array((4 - (a.length % 4)) % 4).fill(0)];
  const option = (code: number, bytes: number[]) => [...u16le(code), ...u16le(bytes.length), ...pad(bytes)];
  const block = (type: number, body: number[]) => {
    const length = 12 + pad(body).length;
    return [...u32le(type), ...u32le(length), ...pad(body), ...u32le(length)];
  };
  // ESC (a colour sequence), BEL, U+009B (an 8-bit CSI, as UTF-8) and DEL
  const evil = [...Buffer.from('\x1b[31mred\x07'), 0xc2, 0x9b, ...Buffer.from('x\x7f')];

  it('the check flags C0 (but newline), DEL and C1, and lets escaped text through', () => {
    for (const raw of ['\x1b[2J', 'a\x07', '\u009b1m', 'tab\there', 'del\x7f', '\r']) expect(() => checkText('test', raw)).toThrow(/raw control character/);
    for (const fine of ['\\x1b[2J', 'line\nline', 'caf\u00e9', '\u00a0']) expect(() => checkText('test', fine)).not.toThrow();
  });

  it('a pcapng with control characters in every text field (names, comments, NRB, DNS) reaches no screen raw', () => {
    const dnsName = [evil.length, ...evil, 0];
    const dns = [0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, ...dnsName, 0, 1, 0, 1, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4];
    const udp = [...u16(53), ...u16(1000), ...u16(8 + dns.length), 0, 0, ...dns];
    const ip = [0x45, 0, ...u16(20 + udp.length), 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, ...udp];
    const frame = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0, ...ip];
    const file = Uint8Array.from([
      ...block(0x0a0d0d0a, [...u32le(0x1a2b3c4d), 1, 0, 0, 0, ...Array(8).fill(0xff), ...option(1, evil), ...option(2, evil), ...option(3, evil), ...option(4, evil), 0, 0, 0, 0]),
      ...block(1, [1, 0, 0, 0, ...u32le(0), ...option(2, evil), ...option(3, evil), ...option(1, evil), 0, 0, 0, 0]),
      ...block(4, [...u16le(1), ...u16le(4 + evil.length + 1), 10, 0, 0, 1, ...pad([...evil, 0]), 0, 0, 0, 0]),
      ...block(6, [...u32le(0), ...u32le(0), ...u32le(1), ...u32le(frame.length), ...u32le(frame.length), ...pad(frame), ...option(1, evil), 0, 0, 0, 0]),
      ...block(0x40000bad, [...evil, 0, 0]),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'dockshark-escape-'));
    try {
      const path = join(dir, 'evil.pcapng');
      writeFileSync(path, file);
      // every screen: the wide layout and each compact tab
      for (let variant = 0; variant < 14; variant++) expect(runTargets(path, variant).frames).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

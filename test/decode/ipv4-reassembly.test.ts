// Ipv4Reassembler (src/decode/ipv4-reassembly.ts) against a byte-by-byte model, plus the
// recycling of its buffers and records, eviction and the internet checksum it relies on.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { internetChecksum } from '../../src/decode/checksum.js';
import {
  Ipv4Reassembler, MAX_DATAGRAM_PAYLOAD, MAX_FRAGMENTS, MAX_PENDING, Reassembly, type FragmentId,
} from '../../src/decode/ipv4-reassembly.js';
import { checksum } from '../helpers/build.js';

/** What a datagram should look like: first copy of each byte wins, disagreements counted. */
class ModelDatagram {
  readonly bytes = new Map<number, number>();
  fragments = 0;
  total = -1;
  furthest = 0;
  conflicts = 0;
}

interface Fragment { key: number; offset: number; length: number; more: boolean; seed: number }

const ids: FragmentId[] = [
  { src: 0x0a000001, dst: 0x0a000002, protocol: 17, id: 7, iface: 0 },
  { src: 0x0a000001, dst: 0x0a000002, protocol: 17, id: 7, iface: 1 }, // same (source, id), other interface
  { src: 0x0a000001, dst: 0x0a000003, protocol: 1, id: 7, iface: 0 }, // same (source, id), other destination
  { src: 0xc0a80001, dst: 0x0a000002, protocol: 17, id: 9, iface: 0 },
];

/** Fragment bytes: a pattern that depends on the position, changed where `seed` says (to make overlaps disagree). */
function fragmentBytes(f: Fragment): Uint8Array {
  const data = new Uint8Array(f.length);
  for (let i = 0; i < f.length; i++) data[i] = ((f.offset + i) * 7 + (f.seed === (f.offset + i) % 5 ? 1 : 0)) & 0xff;
  return data;
}

const fragment = fc.record({
  key: fc.integer({ min: 0, max: ids.length - 1 }),
  offset: fc.integer({ min: 0, max: 40 }).map((units) => units * 8),
  length: fc.integer({ min: 1, max: 80 }),
  more: fc.boolean(),
  seed: fc.integer({ min: 0, max: 9 }),
});

describe('Ipv4Reassembler', () => {
  test.prop([fc.array(fragment, { maxLength: 60 })], { numRuns: 1500 })(
    'completes, reports and copies exactly as the byte model says', (fragments) => {
      const reassembler = new Ipv4Reassembler();
      const model = new Map<number, ModelDatagram>();
      for (const f of fragments) {
        const data = fragmentBytes(f);
        // Offset the data in a larger array, as a frame's payload sits in a reader's chunk.
        const chunk = new Uint8Array(data.length + 13);
        chunk.set(data, 13);
        const state = reassembler.add(ids[f.key], f.offset, f.more, chunk, 13, chunk.length, 100);

        const d = model.get(f.key) ?? new ModelDatagram();
        model.set(f.key, d);
        d.fragments++;
        for (let i = 0; i < data.length; i++) {
          const at = f.offset + i;
          const had = d.bytes.get(at);
          if (had === undefined) d.bytes.set(at, data[i]);
          else if (had !== data[i]) d.conflicts++;
        }
        d.furthest = Math.max(d.furthest, f.offset + data.length);
        if (!f.more && d.total < 0) d.total = f.offset + data.length;
        let complete = d.total >= 0;
        for (let i = 0; complete && i < d.total; i++) complete = d.bytes.has(i);
        if (!complete) {
          expect(state).toBe(Reassembly.Pending);
          continue;
        }
        expect(state).toBe(Reassembly.Complete);
        model.delete(f.key);
        expect(reassembler.payloadLength).toBe(d.total);
        expect(reassembler.fragmentCount).toBe(d.fragments);
        for (let i = 0; i < d.total; i++) {
          expect(reassembler.payload[i]).toBe(d.bytes.get(i));
          expect(reassembler.payloadView.getUint8(i)).toBe(d.bytes.get(i));
        }
        const anomalies: string[] = [];
        if (d.furthest > d.total) anomalies.push(`A fragment runs to byte ${d.furthest}, past the ${d.total}-byte datagram the last fragment defines.`);
        if (d.conflicts > 0) anomalies.push(`Overlapping fragments disagree on ${d.conflicts} bytes; the first copy was kept.`);
        expect(reassembler.anomalies).toEqual(anomalies);
      }
      expect(reassembler.size).toBe(model.size);
    });

  it('gives every pending datagram its own buffer after one completed', () => {
    // Regression: a completed datagram's buffer was recycled twice, so two later datagrams shared it.
    const r = new Ipv4Reassembler();
    const a = { ...ids[0], id: 1 };
    const b = { ...ids[0], id: 2 };
    const c = { ...ids[0], id: 3 };
    const ones = new Uint8Array(16).fill(1);
    const twos = new Uint8Array(16).fill(2);
    expect(r.add(a, 0, false, ones, 0, 16, 0)).toBe(Reassembly.Complete);
    expect(r.add(b, 0, true, ones, 0, 16, 0)).toBe(Reassembly.Pending);
    expect(r.add(c, 0, true, twos, 0, 16, 0)).toBe(Reassembly.Pending);
    expect(r.add(b, 16, false, ones, 0, 16, 0)).toBe(Reassembly.Complete);
    expect(Array.from(r.payload.subarray(0, 32))).toEqual(new Array(32).fill(1));
    expect(r.anomalies).toEqual([]);
    expect(r.add(c, 16, false, twos, 0, 16, 0)).toBe(Reassembly.Complete);
    expect(Array.from(r.payload.subarray(0, 32))).toEqual(new Array(32).fill(2));
  });

  it('evicts the oldest (source, id) when MAX_PENDING datagrams wait', () => {
    const r = new Ipv4Reassembler();
    const data = new Uint8Array(8);
    for (let id = 0; id <= MAX_PENDING; id++) r.add({ ...ids[0], id }, 0, true, data, 0, 8, 0);
    expect(r.size).toBe(MAX_PENDING);
    // id 0 was evicted: its last fragment alone does not complete it (and re-adding it evicts id 1).
    expect(r.add({ ...ids[0], id: 0 }, 8, false, data, 0, 8, 0)).toBe(Reassembly.Pending);
    expect(r.add({ ...ids[0], id: 2 }, 8, false, data, 0, 8, 0)).toBe(Reassembly.Complete);
  });

  it('drops a datagram past 65535 bytes or with too many fragments', () => {
    const r = new Ipv4Reassembler();
    const data = new Uint8Array(16);
    expect(r.add(ids[0], MAX_DATAGRAM_PAYLOAD - 8, true, data, 0, 16, 0)).toBe(Reassembly.Dropped);
    expect(r.dropReason).toMatch(/past the largest possible IPv4 datagram/);
    for (let i = 0; i < MAX_FRAGMENTS; i++) expect(r.add(ids[1], 0, true, data, 0, 8, 0)).toBe(Reassembly.Pending);
    expect(r.add(ids[1], 0, true, data, 0, 8, 0)).toBe(Reassembly.Dropped);
    expect(r.size).toBe(0);
  });
});

describe('internetChecksum', () => {
  test.prop([fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 7 }), fc.nat({ max: 0x3ffff })], { numRuns: 2000 })(
    'matches the 16-bit reference at any offset, length and initial sum', (bytes, shift, initial) => {
      const buffer = new Uint8Array(bytes.length + shift);
      buffer.set(bytes, shift);
      const withInitial = new Uint8Array(bytes.length + (bytes.length % 2) + 4);
      withInitial.set(bytes);
      // The initial sum, as two more 16-bit words after the (zero-padded) bytes.
      const at = bytes.length + (bytes.length % 2);
      withInitial[at] = (initial >>> 24) & 0xff;
      withInitial[at + 1] = (initial >>> 16) & 0xff;
      withInitial[at + 2] = (initial >>> 8) & 0xff;
      withInitial[at + 3] = initial & 0xff;
      expect(internetChecksum(new DataView(buffer.buffer), shift, bytes.length, initial)).toBe(checksum(withInitial));
    });
});

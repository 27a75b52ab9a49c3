// The fuzz harness's mutators (fuzz/mutate.mjs): each does the damage it names, on the
// structure it claims to know, and the same seed and case always give the same bytes.

import { describe, expect, it } from 'vitest';
import { makeCase } from '../../fuzz/cases.mjs';
import { LINK_TYPES, MUTATION_KINDS, MUTATORS, mutate, type Mutation } from '../../fuzz/mutate.mjs';
import { Prng } from '../../fuzz/prng.mjs';
import { boundaries, parseStructure } from '../../fuzz/structure.mjs';
import { FRAMES, pcapFile, pcapngFile } from './fixtures.js';

const pcap = pcapFile();
const pcapng = pcapngFile();
const RUNS = 200;

/** Runs a mutator RUNS times on `bytes` (different PRNG streams), calling `check` on each result. */
function each(kind: string, bytes: Uint8Array, check: (m: Mutation, rng: Prng) => void, other?: Uint8Array): number {
  let applied = 0;
  for (let i = 0; i < RUNS; i++) {
    const m = MUTATORS[kind](bytes, parseStructure(bytes), new Prng(11, i), other);
    if (m === null) continue;
    applied++;
    check(m, new Prng(11, i));
  }
  return applied;
}

/** Offsets where two equal-length arrays differ. */
function differences(a: Uint8Array, b: Uint8Array): number[] {
  expect(b.length).toBe(a.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

function bitsDifferent(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) for (let x = a[i] ^ b[i]; x !== 0; x &= x - 1) n++;
  return n;
}

const blockBytes = (bytes: Uint8Array) => parseStructure(bytes).blocks.map((b) => Buffer.from(bytes.subarray(b.offset, b.offset + b.length)).toString('hex'));

describe('the structure parser', () => {
  it('finds the header, records, frames and length fields of a pcap', () => {
    const s = parseStructure(pcap);
    expect(s.format).toBe('pcap');
    expect(s.blocks.map((b) => b.length)).toEqual(FRAMES.map((f) => 16 + f.length));
    expect(s.frames.map((f) => [f.length, f.linkType])).toEqual(FRAMES.map((f) => [f.length, 1]));
    expect(s.tail).toBe(pcap.length);
    expect(s.lengthFields.filter((f) => f.what === 'pcap caplen').map((f) => f.offset)).toEqual(s.blocks.map((b) => b.offset + 8));
  });

  it('finds the SHB, IDB, EPBs, options and frames of a pcapng', () => {
    const s = parseStructure(pcapng);
    expect(s.format).toBe('pcapng');
    expect(s.blocks.map((b) => b.type)).toEqual([0x0a0d0d0a, 1, 6, 6, 6]);
    expect(s.epbs.every((e) => e.interfaces === 1)).toBe(true);
    expect(s.frames.map((f) => f.length)).toEqual(FRAMES.map((f) => f.length));
    expect(new Set(s.lengthFields.map((f) => f.what))).toEqual(new Set(['block total length', 'block trailing length', 'SHB section length', 'IDB snaplen', 'option length', 'EPB caplen', 'EPB origlen']));
  });

  it('stops at a block it cannot follow and says where', () => {
    const cut = pcapng.slice(0, pcapng.length - 10);
    const s = parseStructure(cut);
    expect(s.blocks).toHaveLength(4);
    expect(s.tail).toBe(s.blocks[3].offset + s.blocks[3].length);
  });
});

describe('each mutator does what it says', () => {
  it('bitflip flips the 1 to 8 bits it lists and nothing else', () => {
    expect(each('bitflip', pcap, (m) => {
      const flips = m.detail.replace('flipped bits ', '').split(' ').map((t) => t.split('.').map(Number));
      expect(flips.length).toBeGreaterThanOrEqual(1);
      expect(flips.length).toBeLessThanOrEqual(8);
      const expected = pcap.slice();
      for (const [offset, bit] of flips) expected[offset] ^= 1 << bit;
      expect(Buffer.from(m.bytes).equals(expected)).toBe(true);
      expect(bitsDifferent(pcap, m.bytes)).toBeLessThanOrEqual(flips.length);
    })).toBe(RUNS);
  });

  it('interesting sets 1, 2 or 4 adjacent bytes', () => {
    let changed = 0;
    each('interesting', pcapng, (m) => {
      const d = differences(pcapng, m.bytes);
      if (d.length > 0) changed++;
      expect(d.length === 0 || d[d.length - 1] - d[0] < 4).toBe(true);
    });
    expect(changed).toBeGreaterThan(RUNS / 2);
  });

  it('truncate-boundary cuts at a block boundary or a few bytes into the next block', () => {
    const marks = boundaries(parseStructure(pcapng), pcapng.length);
    each('truncate-boundary', pcapng, (m) => {
      expect(m.bytes.length).toBeLessThan(pcapng.length);
      expect(Buffer.from(pcapng.subarray(0, m.bytes.length)).equals(m.bytes)).toBe(true);
      expect(marks.some((b) => m.bytes.length >= b && m.bytes.length <= b + 12)).toBe(true);
    });
    const atBoundary = new Set<number>();
    each('truncate-boundary', pcapng, (m) => { if (marks.includes(m.bytes.length)) atBoundary.add(m.bytes.length); });
    expect(atBoundary.size).toBeGreaterThanOrEqual(marks.length - 1); // every boundary but the file's end
  });

  it('truncate-random keeps a shorter prefix', () => {
    each('truncate-random', pcap, (m) => {
      expect(m.bytes.length).toBeLessThan(pcap.length);
      expect(Buffer.from(pcap.subarray(0, m.bytes.length)).equals(m.bytes)).toBe(true);
    });
  });

  it('length-field changes only the bytes of one length field', () => {
    for (const file of [pcap, pcapng]) {
      const fields = parseStructure(file).lengthFields;
      let changed = 0;
      each('length-field', file, (m) => {
        const d = differences(file, m.bytes);
        if (d.length === 0) return;
        changed++;
        expect(fields.some((f) => d.every((o) => o >= f.offset && o < f.offset + f.size))).toBe(true);
      });
      expect(changed).toBeGreaterThan(RUNS / 2);
    }
  });

  it('duplicate repeats a whole block right after itself', () => {
    each('duplicate', pcapng, (m) => {
      const before = blockBytes(pcapng);
      const after = blockBytes(m.bytes);
      const copies = after.length - before.length;
      expect(copies).toBeGreaterThanOrEqual(1);
      const i = after.findIndex((b, k) => b !== before[k]);
      // the block before the first difference is the one repeated
      expect(after.slice(i, i + copies).every((b) => b === after[i - 1])).toBe(true);
      expect(after.slice(i + copies)).toEqual(before.slice(i));
    });
  });

  it('delete removes one whole block, never the first SHB', () => {
    each('delete', pcapng, (m) => {
      const before = blockBytes(pcapng);
      const after = blockBytes(m.bytes);
      expect(after).toHaveLength(before.length - 1);
      expect(after[0]).toBe(before[0]);
      expect(before.filter((b) => !after.includes(b))).toHaveLength(1);
    });
  });

  it('swap exchanges two blocks and keeps every byte', () => {
    each('swap', pcap, (m) => {
      const before = blockBytes(pcap);
      const after = blockBytes(m.bytes);
      expect([...after].sort()).toEqual([...before].sort());
      expect(after.filter((b, i) => b !== before[i])).toHaveLength(2);
      expect(Buffer.from(m.bytes.subarray(0, 24)).equals(pcap.subarray(0, 24))).toBe(true);
    });
  });

  it('iface-id points an EPB at an interface never described', () => {
    const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    each('iface-id', pcapng, (m) => {
      const epbs = parseStructure(m.bytes).epbs;
      expect(epbs.some((e) => view(m.bytes).getUint32(e.interfaceIdOffset, true) >= 1)).toBe(true);
      expect(differences(pcapng, m.bytes).length).toBeLessThanOrEqual(4);
    });
    expect(each('iface-id', pcap, () => {})).toBe(0); // no EPB in a classic pcap
  });

  it('linktype swaps the link type of the pcap header or an IDB, mostly among the known ones', () => {
    let known = 0;
    each('linktype', pcap, (m) => {
      const d = differences(pcap, m.bytes);
      expect(d.every((o) => o >= 20 && o < 24)).toBe(true);
      if (LINK_TYPES.includes(new DataView(m.bytes.buffer).getUint32(20, true))) known++;
    });
    expect(known).toBeGreaterThan(RUNS / 2);
    each('linktype', pcapng, (m) => {
      const idb = parseStructure(pcapng).idbs[0];
      expect(differences(pcapng, m.bytes).every((o) => o >= idb.linkTypeOffset && o < idb.linkTypeOffset + 2)).toBe(true);
    });
  });

  it('byte-order reverses the SHB byte-order magic or the pcap magic', () => {
    each('byte-order', pcapng, (m) => {
      expect(Array.from(m.bytes.subarray(8, 12))).toEqual([0x1a, 0x2b, 0x3c, 0x4d]);
      expect(differences(pcapng, m.bytes).every((o) => o >= 8 && o < 12)).toBe(true);
    });
    each('byte-order', pcap, (m) => expect(Array.from(m.bytes.subarray(0, 4))).toEqual([0xa1, 0xb2, 0xc3, 0xd4]));
  });

  it('splice joins a prefix of one seed at a boundary and a suffix of another at one of its boundaries', () => {
    const mine = boundaries(parseStructure(pcap), pcap.length);
    const theirs = boundaries(parseStructure(pcapng), pcapng.length);
    each('splice', pcap, (m) => {
      const ok = mine.some((cut) => Buffer.from(m.bytes.subarray(0, cut)).equals(pcap.subarray(0, cut))
        && theirs.some((from) => pcapng.length - from === m.bytes.length - cut && Buffer.from(m.bytes.subarray(cut)).equals(pcapng.subarray(from))));
      expect(ok).toBe(true);
    }, pcapng);
    expect(each('splice', pcap, () => {})).toBe(0); // needs a second seed
  });

  it('proto changes only bytes inside a frame, at the protocol fields', () => {
    const frames = parseStructure(pcap).frames;
    const names = new Set<string>();
    each('proto', pcap, (m) => {
      names.add(m.detail.split(' ')[0]);
      expect(differences(pcap, m.bytes).every((o) => frames.some((f) => o >= f.offset && o < f.offset + f.length))).toBe(true);
    });
    for (const name of ['ethertype', 'ipv4-ihl', 'ipv4-total-length', 'ipv4-fragment-offset', 'ipv4-flags', 'udp-length', 'vxlan-flags', 'arp-hlen', 'arp-plen', 'dns-count', 'dns-pointer']) {
      expect(names).toContain(name);
    }
  });
});

describe('mutate and cases', () => {
  it('are deterministic per seed and case, and differ between cases', () => {
    const seeds = [{ name: 'a.pcap', bytes: pcap }, { name: 'b.pcapng', bytes: pcapng }];
    const hex = (c: { bytes: Uint8Array }) => Buffer.from(c.bytes).toString('hex');
    const distinct = new Set<string>();
    for (let caseNo = 0; caseNo < 100; caseNo++) {
      const one = makeCase(seeds, 5, caseNo);
      const again = makeCase(seeds, 5, caseNo);
      expect(hex(again)).toBe(hex(one));
      expect(again.applied).toEqual(one.applied);
      distinct.add(hex(one));
    }
    expect(distinct.size).toBeGreaterThan(75); // a few coincide on these tiny files (the same cut, the same flip)
    expect(hex(makeCase(seeds, 6, 0)) === hex(makeCase(seeds, 5, 0)) && hex(makeCase(seeds, 6, 1)) === hex(makeCase(seeds, 5, 1))).toBe(false);
  });

  it('applies 1 to 4 mutations and every kind comes up', () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const { applied } = mutate(pcapng, new Prng(3, i), () => pcap);
      expect(applied.length).toBeGreaterThanOrEqual(1);
      expect(applied.length).toBeLessThanOrEqual(4);
      for (const m of applied) kinds.add(m.kind);
    }
    expect([...kinds].sort()).toEqual([...MUTATION_KINDS].sort());
  });

  it('leaves the seed bytes alone', () => {
    const copy = pcapng.slice();
    for (let i = 0; i < 200; i++) mutate(pcapng, new Prng(9, i), () => pcap);
    expect(Buffer.from(copy).equals(pcapng)).toBe(true);
  });
});

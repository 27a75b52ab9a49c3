// The mutators: each takes the bytes of a capture, its structure (structure.mjs) and a PRNG,
// and returns new bytes with one kind of damage and a line saying what was done, or null
// when the kind does not apply to this file (no EPB to point elsewhere, ...).

import { frameFields } from './protocol.mjs';
import { boundaries, parseStructure, PCAPNG_SHB } from './structure.mjs';

/** Files never grow beyond this (duplication and splicing stop there). */
export const MAX_CASE_BYTES = 256 * 1024;
const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff];
const INTERESTING_16 = [0, 1, 0x7fff, 0x8000, 0xffff];
const INTERESTING_32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff];
/** EN10MB, LINUX_SLL, LINUX_SLL2, RAW, NULL, LOOP, IPV4, IPV6. */
export const LINK_TYPES = [1, 113, 276, 101, 0, 108, 228, 229];

const hex = (n) => '0x' + n.toString(16);

function view(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readField(bytes, f) {
  const v = view(bytes);
  if (f.size === 1) return v.getUint8(f.offset);
  if (f.size === 2) return v.getUint16(f.offset, f.le ?? false);
  if (f.size === 4) return v.getUint32(f.offset, f.le ?? false);
  return Number(v.getBigUint64(f.offset, f.le ?? false));
}

function writeField(bytes, f, value) {
  const v = view(bytes);
  if (f.size === 1) v.setUint8(f.offset, value & 0xff);
  else if (f.size === 2) v.setUint16(f.offset, value & 0xffff, f.le ?? false);
  else if (f.size === 4) v.setUint32(f.offset, value >>> 0, f.le ?? false);
  else v.setBigUint64(f.offset, BigInt.asUintN(64, BigInt(Math.trunc(value))), f.le ?? false);
}

/** A value for a length field: interesting, near the old one, or near the file's size. */
function lengthValue(rng, old, fileLength, size) {
  const max = size === 1 ? 0xff : size === 2 ? 0xffff : size === 4 ? 0xffffffff : 2 ** 53;
  switch (rng.below(6)) {
    case 0: return rng.pick([0, 1, 4, 8, 12, 16, 28]);
    case 1: return Math.max(0, Math.min(max, old + rng.pick([-4, -1, 1, 4, 8, -8])));
    case 2: return size === 8 ? rng.pick([2 ** 53, 0, 2 ** 32, -1 >>> 0]) : rng.pick(size === 2 ? INTERESTING_16 : INTERESTING_32);
    case 3: return Math.min(max, fileLength + rng.between(-8, 8));
    case 4: return Math.min(max, rng.pick([0x10000, 0x40000, 0x1000000, 0x10000000, 0x3ffffff0]));
    default: return rng.below(Math.min(max, 1 << 20) + 1);
  }
}

function concat(...parts) {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(Math.min(total, MAX_CASE_BYTES));
  let at = 0;
  for (const p of parts) {
    if (at >= out.length) break;
    const take = p.subarray(0, out.length - at);
    out.set(take, at);
    at += take.length;
  }
  return out;
}

/** The blocks (or records) after the file header, which duplication, deletion and swapping move. */
function movable(s) {
  return s.format === 'pcap' ? s.blocks : s.blocks.filter((b, i) => i > 0 || b.type !== PCAPNG_SHB);
}

export const MUTATORS = {
  bitflip(bytes, s, rng) {
    if (bytes.length === 0) return null;
    const out = bytes.slice();
    const n = rng.between(1, 8);
    const at = [];
    for (let i = 0; i < n; i++) {
      const offset = rng.below(out.length);
      const bit = rng.below(8);
      out[offset] ^= 1 << bit;
      at.push(`${offset}.${bit}`);
    }
    return { bytes: out, detail: `flipped bits ${at.join(' ')}` };
  },

  interesting(bytes, s, rng) {
    if (bytes.length === 0) return null;
    const out = bytes.slice();
    const size = rng.pick([1, 1, 2, 4]);
    if (out.length < size) return null;
    const f = { offset: rng.below(out.length - size + 1), size, le: rng.chance(0.5) };
    const old = readField(out, f);
    const choices = size === 1 ? INTERESTING_8 : size === 2 ? INTERESTING_16 : INTERESTING_32;
    const value = rng.chance(0.3) ? old + (rng.chance(0.5) ? 1 : -1) : rng.pick(choices);
    writeField(out, f, value);
    return { bytes: out, detail: `set ${size} byte(s) at ${f.offset} from ${hex(old)} to ${hex(readField(out, f))}` };
  },

  'truncate-boundary'(bytes, s, rng) {
    const marks = boundaries(s, bytes.length).filter((o) => o < bytes.length);
    if (marks.length === 0) return null;
    // at a boundary, or a few bytes into the next block (its header cut)
    const at = Math.min(bytes.length - 1, rng.pick(marks) + (rng.chance(0.5) ? 0 : rng.between(1, 12)));
    return { bytes: bytes.slice(0, at), detail: `truncated at ${at} of ${bytes.length}` };
  },

  'truncate-random'(bytes, s, rng) {
    if (bytes.length === 0) return null;
    const at = rng.below(bytes.length);
    return { bytes: bytes.slice(0, at), detail: `truncated at ${at} of ${bytes.length}` };
  },

  'length-field'(bytes, s, rng) {
    if (s.lengthFields.length === 0) return null;
    const f = rng.pick(s.lengthFields);
    if (f.offset + f.size > bytes.length) return null;
    const out = bytes.slice();
    const old = readField(out, f);
    writeField(out, f, lengthValue(rng, old, bytes.length, f.size));
    return { bytes: out, detail: `${f.what} at ${f.offset}: ${old} -> ${readField(out, f)}` };
  },

  duplicate(bytes, s, rng) {
    const blocks = movable(s);
    if (blocks.length === 0) return null;
    const b = rng.pick(blocks);
    const copies = rng.chance(0.8) ? 1 : rng.between(2, 16);
    const block = bytes.subarray(b.offset, b.offset + b.length);
    const end = b.offset + b.length;
    return { bytes: concat(bytes.subarray(0, end), ...Array(copies).fill(block), bytes.subarray(end)), detail: `duplicated the block at ${b.offset} (${b.length} bytes) ${copies} time(s)` };
  },

  delete(bytes, s, rng) {
    const blocks = movable(s);
    if (blocks.length === 0) return null;
    const b = rng.pick(blocks);
    return { bytes: concat(bytes.subarray(0, b.offset), bytes.subarray(b.offset + b.length)), detail: `deleted the block at ${b.offset} (${b.length} bytes)` };
  },

  swap(bytes, s, rng) {
    const blocks = movable(s);
    if (blocks.length < 2) return null;
    let i = rng.below(blocks.length);
    let j = rng.below(blocks.length - 1);
    if (j >= i) j++;
    if (i > j) [i, j] = [j, i];
    const a = blocks[i];
    const b = blocks[j];
    const out = concat(
      bytes.subarray(0, a.offset), bytes.subarray(b.offset, b.offset + b.length),
      bytes.subarray(a.offset + a.length, b.offset), bytes.subarray(a.offset, a.offset + a.length),
      bytes.subarray(b.offset + b.length),
    );
    return { bytes: out, detail: `swapped the blocks at ${a.offset} and ${b.offset}` };
  },

  'iface-id'(bytes, s, rng) {
    if (s.epbs.length === 0) return null;
    const e = rng.pick(s.epbs);
    const out = bytes.slice();
    const f = { offset: e.interfaceIdOffset, size: e.idSize, le: e.le };
    const value = rng.pick([e.interfaces, e.interfaces + 1, e.interfaces + rng.below(1000), 0xffff, 0xffffffff, 0x80000000]);
    writeField(out, f, value);
    return { bytes: out, detail: `interface id of the block at ${e.offset} set to ${readField(out, f)} (${e.interfaces} described)` };
  },

  linktype(bytes, s, rng) {
    const targets = [];
    if (s.pcapHeader !== null) targets.push({ offset: s.pcapHeader.linkTypeOffset, size: 4, le: s.pcapHeader.le, what: 'pcap header' });
    for (const idb of s.idbs) targets.push({ offset: idb.linkTypeOffset, size: 2, le: idb.le, what: `IDB at ${idb.offset}` });
    if (targets.length === 0) return null;
    const f = rng.pick(targets);
    const out = bytes.slice();
    const old = readField(out, f);
    const value = rng.chance(0.8) ? rng.pick(LINK_TYPES) : rng.pick([rng.below(300), 0xffff, rng.u32()]);
    writeField(out, f, value);
    return { bytes: out, detail: `link type in ${f.what}: ${old} -> ${readField(out, f)}` };
  },

  'byte-order'(bytes, s, rng) {
    const out = bytes.slice();
    if (s.format === 'pcap' && bytes.length >= 4) {
      out.set([bytes[3], bytes[2], bytes[1], bytes[0]], 0);
      return { bytes: out, detail: 'byte order of the pcap magic swapped' };
    }
    if (s.shbs.length === 0) return null;
    const shb = rng.pick(s.shbs);
    const at = shb.offset + 8;
    out.set([bytes[at + 3], bytes[at + 2], bytes[at + 1], bytes[at]], at);
    return { bytes: out, detail: `byte-order magic of the SHB at ${shb.offset} swapped` };
  },

  splice(bytes, s, rng, other) {
    if (other === undefined) return null;
    const mine = boundaries(s, bytes.length);
    const theirs = boundaries(parseStructure(other), other.length);
    const cut = rng.pick(mine);
    const from = rng.pick(theirs);
    return { bytes: concat(bytes.subarray(0, cut), other.subarray(from)), detail: `first ${cut} bytes, then another seed from its byte ${from}` };
  },

  proto(bytes, s, rng) {
    if (s.frames.length === 0) return null;
    const frame = rng.pick(s.frames);
    const fields = frameFields(bytes, frame);
    if (fields.length === 0) return null;
    const f = rng.pick(fields);
    const out = bytes.slice();
    const old = readField(out, f);
    let value;
    if (f.nibble === 'low') value = (old & 0xf0) | rng.pick([0, 1, 4, 5, 6, 15]);
    else if (f.nibble === 'flags') value = (old & 0x1f) | (rng.below(8) << 5);
    else if (f.mask !== undefined) value = (old & ~f.mask) | (rng.pick([0, 1, 0x1fff, rng.below(0x2000)]) & f.mask);
    else if (f.name === 'dns-pointer') value = 0xc000 | rng.pick([0, 12, 13, f.offset - f.dnsStart, f.dnsEnd - f.dnsStart, rng.below(0x4000)]);
    else if (f.name === 'ethertype' && f.size === 2) value = rng.pick([0x0800, 0x86dd, 0x0806, 0x8100, 0x88a8, 0x0000, 0x05dc, 0xffff, rng.below(0x10000)]);
    else value = rng.chance(0.5) ? rng.pick(f.size === 1 ? INTERESTING_8 : f.size === 2 ? INTERESTING_16 : INTERESTING_32) : old + rng.pick([-1, 1, -8, 8, 20]);
    writeField(out, f, value);
    return { bytes: out, detail: `${f.name} at ${f.offset}: ${hex(old)} -> ${hex(readField(out, f))}` };
  },
};

export const MUTATION_KINDS = Object.keys(MUTATORS);

/**
 * Applies 1..maxMutations mutations to `seed`, chosen by `rng`; `pickOther()` gives the
 * second seed of a splice. Returns the bytes and what was done, in order.
 */
export function mutate(seed, rng, pickOther, maxMutations = 4) {
  let bytes = seed;
  const applied = [];
  const wanted = rng.chance(0.6) ? 1 : rng.between(2, maxMutations);
  for (let tries = 0; applied.length < wanted && tries < wanted * 4; tries++) {
    const kind = rng.pick(MUTATION_KINDS);
    const result = MUTATORS[kind](bytes, parseStructure(bytes), rng, kind === 'splice' ? pickOther() : undefined);
    if (result === null) continue;
    bytes = result.bytes;
    applied.push({ kind, detail: result.detail });
  }
  return { bytes, applied };
}

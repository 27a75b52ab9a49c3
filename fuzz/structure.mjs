// Where the blocks, records, length fields and frames of a pcap or pcapng file are, found
// tolerantly (the mutators work on damaged files too): parsing stops at the first block
// whose length cannot be followed, and what lies after it is `tail`.

const PCAP_MAGICS = new Map([
  [0xa1b2c3d4, false], // microseconds
  [0xa1b23c4d, true], // nanoseconds
  [0xa1b2cd34, false], // Kuznetzov's modified pcap
]);
export const PCAPNG_SHB = 0x0a0d0d0a;
const BOM = 0x1a2b3c4d;
const IDB = 1;
const SPB = 3;
const EPB = 6;
const OBSOLETE_PB = 2;

/**
 * { format: 'pcap'|'pcapng'|'unknown', blocks: [{ offset, length, type, le }], tail,
 *   lengthFields: [{ offset, size: 2|4|8, le, what }], idbs, epbs, frames, headerEnd }
 */
export function parseStructure(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const s = { format: 'unknown', blocks: [], tail: 0, lengthFields: [], idbs: [], epbs: [], frames: [], shbs: [], headerEnd: 0, pcapHeader: null };
  if (bytes.length < 4) return s;
  const magicLe = view.getUint32(0, true);
  const magicBe = view.getUint32(0, false);
  if (PCAP_MAGICS.has(magicLe) || PCAP_MAGICS.has(magicBe)) parsePcap(bytes, view, s, PCAP_MAGICS.has(magicLe), magicLe === 0xa1b2cd34 || magicBe === 0xa1b2cd34);
  else if (magicLe === PCAPNG_SHB) parsePcapng(bytes, view, s);
  else s.tail = 0;
  return s;
}

function parsePcap(bytes, view, s, le, modified) {
  s.format = 'pcap';
  if (bytes.length < 24) { s.tail = 0; return; }
  s.headerEnd = 24;
  s.pcapHeader = { le, linkTypeOffset: 20, snapLenOffset: 16 };
  s.lengthFields.push({ offset: 16, size: 4, le, what: 'pcap snaplen' });
  const linkType = view.getUint32(20, le) & 0xffff;
  const recordHeader = modified ? 24 : 16;
  let at = 24;
  while (at + recordHeader <= bytes.length) {
    const capLen = view.getUint32(at + 8, le);
    const length = recordHeader + capLen;
    if (at + length > bytes.length) break;
    s.blocks.push({ offset: at, length, type: 'record', le });
    s.lengthFields.push({ offset: at + 8, size: 4, le, what: 'pcap caplen' }, { offset: at + 12, size: 4, le, what: 'pcap origlen' });
    s.frames.push({ offset: at + recordHeader, length: capLen, linkType });
    at += length;
  }
  s.tail = at;
}

function parsePcapng(bytes, view, s) {
  s.format = 'pcapng';
  let at = 0;
  let le = true;
  let linkTypes = [];
  while (at + 12 <= bytes.length) {
    const typeLe = view.getUint32(at, true);
    if (typeLe === PCAPNG_SHB) {
      const bom = view.getUint32(at + 8, true);
      if (bom === BOM) le = true;
      else if (view.getUint32(at + 8, false) === BOM) le = false;
      else break;
      linkTypes = [];
    }
    const type = view.getUint32(at, le);
    const length = view.getUint32(at + 4, le);
    if (length < 12 || length % 4 !== 0 || at + length > bytes.length) break;
    const block = { offset: at, length, type, le };
    s.blocks.push(block);
    s.lengthFields.push({ offset: at + 4, size: 4, le, what: 'block total length' }, { offset: at + length - 4, size: 4, le, what: 'block trailing length' });
    if (type === PCAPNG_SHB) {
      s.shbs.push(block);
      if (length >= 28) {
        s.lengthFields.push({ offset: at + 16, size: 8, le, what: 'SHB section length' });
        options(view, at + 24, at + length - 4, le, s);
      }
    } else if (type === IDB && length >= 20) {
      s.idbs.push({ ...block, linkTypeOffset: at + 8 });
      s.lengthFields.push({ offset: at + 12, size: 4, le, what: 'IDB snaplen' });
      linkTypes.push(view.getUint16(at + 8, le));
      options(view, at + 16, at + length - 4, le, s);
    } else if ((type === EPB || type === OBSOLETE_PB) && length >= 32) {
      const capLen = view.getUint32(at + 20, le);
      const idOffset = at + 8;
      const id = type === EPB ? view.getUint32(idOffset, le) : view.getUint16(idOffset, le);
      s.epbs.push({ ...block, interfaceIdOffset: idOffset, idSize: type === EPB ? 4 : 2, interfaces: linkTypes.length });
      s.lengthFields.push({ offset: at + 20, size: 4, le, what: 'EPB caplen' }, { offset: at + 24, size: 4, le, what: 'EPB origlen' });
      const dataEnd = at + 28 + capLen;
      if (dataEnd <= at + length - 4) {
        if (linkTypes[id] !== undefined) s.frames.push({ offset: at + 28, length: capLen, linkType: linkTypes[id] });
        options(view, at + 28 + ((capLen + 3) & ~3), at + length - 4, le, s);
      }
    } else if (type === SPB && length >= 16 && linkTypes.length > 0) {
      s.lengthFields.push({ offset: at + 8, size: 4, le, what: 'SPB origlen' });
      s.frames.push({ offset: at + 12, length: Math.min(view.getUint32(at + 8, le), length - 16), linkType: linkTypes[0] });
    }
    at += length;
  }
  s.tail = at;
  s.headerEnd = s.blocks.length > 0 ? s.blocks[0].length : 0;
}

/** Option headers (code, length) in [at, end): their length fields. */
function options(view, at, end, le, s) {
  while (at + 4 <= end) {
    const code = view.getUint16(at, le);
    const length = view.getUint16(at + 2, le);
    s.lengthFields.push({ offset: at + 2, size: 2, le, what: 'option length' });
    if (code === 0) return;
    at += 4 + ((length + 3) & ~3);
  }
}

/** Offsets where a block or record starts or ends (file start and end included). */
export function boundaries(s, fileLength) {
  const set = new Set([0, fileLength]);
  if (s.headerEnd > 0) set.add(s.headerEnd);
  for (const b of s.blocks) {
    set.add(b.offset);
    set.add(b.offset + b.length);
  }
  return [...set].filter((o) => o <= fileLength).sort((a, b) => a - b);
}

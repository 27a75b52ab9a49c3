// pcapng reader. A file is a sequence of blocks, each in the byte order of its section:
//
//   0              4              8                              N-4            N
//   +--------------+--------------+------------------------------+--------------+
//   | block type   | total length | body                         | total length |
//   | u32          | u32 (N)      | fixed fields, then options   | u32 (N again)|
//   +--------------+--------------+------------------------------+--------------+
//   N is a multiple of 4 and >= 12. Options: {code u16, length u16, value padded to 4 bytes}...,
//   ending at code 0 or at the end of the body. opt_comment (1) may appear in any block.
//
//   SHB 0x0A0D0D0A  byte-order magic 0x1A2B3C4D, major u16 (1), minor u16 (0 or 2), section
//                   length i64. Starts a section: interface table reset, byte order may change.
//   IDB 1           link type u16, reserved u16, snaplen u32; if_name 2, if_description 3,
//                   if_tsresol 9 (10^-v, or 2^-v with the high bit), if_fcslen 13, if_tsoffset 14
//   PB  2           (obsolete) interface u16, drops u16, then as EPB
//   SPB 3           origlen u32, data: interface 0, no timestamp, caplen = min(origlen, snaplen, room)
//   NRB 4           records {type u16, length u16, value}: 1 IPv4 + names, 2 IPv6 + names, 0 end
//   ISB 5           interface u32, ts high u32, ts low u32; isb_ifrecv 4, isb_ifdrop 5 (u64)
//   EPB 6           interface u32, ts high u32, ts low u32, caplen u32, origlen u32, data padded
//                   to 4; epb_flags 2 (bits 0-1: 1 inbound, 2 outbound), opt_comment 1
//   anything else (custom 0x00000BAD / 0x40000BAD, DSB, ...) is skipped by its length.
//
// Damage policy: a block length that is not a multiple of 4, below 12, or not repeated at the
// block's end loses the framing, so that is a 'bad-record' and reading stops. A block longer than
// the window cap (the maximum frame size plus room for options) is never buffered: it is skipped
// by reading past it, and its trailing length is still checked. A block whose fields do not fit
// its (well-framed) length, that names an unknown interface, or whose captured length is above the
// maximum frame size, is reported as 'bad-record' and skipped. An SHB we cannot use stops reading
// ('bad-header', as tshark does; the file is unusable when it is the first). The file ending
// inside a block is a 'truncated-record'. Captured length above the interface's snaplen is a
// 'suspect-record' (reported once, the frame kept). Time going backwards is no damage.

import type { ByteSource } from './byte-source.js';
import type { CaptureFrame } from './frame.js';
import type { InterfaceRegistry } from './interfaces.js';
import { padded32, readInterfaceBlock, readPacketOptions, readStatisticsBlock } from './pcapng-blocks.js';
import { readNameRecords } from './pcapng-names.js';
import { isParsedBlock, PcapngDamageReporter } from './pcapng-damage.js';
import type { IssuePlace } from './reader-base.js';
import { pcapngBlockName, Rule } from './spec-rules.js';
import { TimestampConverter } from './timestamp.js';
import type { InterfaceInfo } from './types.js';

export const PCAPNG_SHB_TYPE = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const SWAPPED_BYTE_ORDER_MAGIC = 0x4d3c2b1a;
const IDB_TYPE = 1;
const PB_TYPE = 2;
const SPB_TYPE = 3;
const NRB_TYPE = 4;
const ISB_TYPE = 5;
const EPB_TYPE = 6;

const BLOCK_HEADER_BYTES = 8;
const MIN_BLOCK_BYTES = 12;
const MIN_SHB_BYTES = 28;

export class PcapngReader extends PcapngDamageReporter {
  private section = -1;
  private sectionInterfaces: InterfaceInfo[] = [];
  private converters: TimestampConverter[] = [];
  private snapLenWarned = false;

  /** Reads the first section header from `source`, which must be at the start of the file. */
  constructor(source: ByteSource, fileIndex: number, registry: InterfaceRegistry) {
    super(source, fileIndex, registry);
    this.readSectionHeader();
  }

  next(): CaptureFrame | null {
    const source = this.source;
    for (;;) {
      if (this.finished) return null;
      if (source.end - source.start < BLOCK_HEADER_BYTES && !source.ensure(BLOCK_HEADER_BYTES)) {
        return this.endOfInput(BLOCK_HEADER_BYTES, 'a block header', 'block header');
      }
      const le = this.littleEndian;
      const type = source.view.getUint32(source.start, le);
      if (type === PCAPNG_SHB_TYPE) {
        // Not read (yet, when following a growing file): come back for it on the next call.
        if (!this.readSectionHeader()) return null;
        continue;
      }
      const length = source.view.getUint32(source.start + 4, le);
      const lengthRule = length < MIN_BLOCK_BYTES ? Rule.blockLengthMinimum
        : (length & 3) !== 0 ? Rule.blockLengthMultiple
          : length > this.maxBlockBytes && this.following ? Rule.blockLengthMax : null;
      if (lengthRule !== null) {
        const offset = source.fileOffset;
        return this.stop(
          'bad-record',
          offset,
          `The block at byte offset ${offset} has an impossible total length of ${length} bytes, so reading stops there.`,
          { blockType: pcapngBlockName(type), rule: lengthRule },
        );
      }
      if (source.end - source.start < length) {
        // Never buffered, so a garbage length allocates nothing: skipped, its end still checked.
        if (length > this.maxBlockBytes || (length > source.bytes.length && !isParsedBlock(type) && !this.following)) {
          this.skipLargeBlock(type, length);
          continue;
        }
        if (!source.ensure(length)) return this.endOfInput(length, 'a block', pcapngBlockName(type));
      }
      const at = source.start;
      if (source.view.getUint32(at + length - 4, le) !== length) {
        return this.stopAtTrailerMismatch(source.windowFileOffset + at, length, type);
      }
      source.start = at + length;
      if (type === EPB_TYPE) {
        if (this.readPacketBlock(at, length, true)) return this.frame;
      } else if (type === SPB_TYPE) {
        if (this.readSimplePacketBlock(at, length)) return this.frame;
      } else if (type === PB_TYPE) {
        if (this.readPacketBlock(at, length, false)) return this.frame;
      } else {
        this.readOtherBlock(type, at, length);
      }
    }
  }

  /**
   * EPB and the obsolete PB share their layout after the interface id: ts high, ts low, caplen,
   * origlen, data, options. The id is a u32 in an EPB and a u16 (then u16 drops) in a PB.
   */
  private readPacketBlock(at: number, length: number, enhanced: boolean): boolean {
    const source = this.source;
    const view = source.view;
    const le = this.littleEndian;
    const type = enhanced ? EPB_TYPE : PB_TYPE;
    if (length < 32) return this.skipBlock(at, `a packet block of only ${length} bytes`, type, Rule.fieldsFit);
    const localId = enhanced ? view.getUint32(at + 8, le) : view.getUint16(at + 8, le);
    const capLen = view.getUint32(at + 20, le);
    const origLen = view.getUint32(at + 24, le);
    const dataAt = at + 28;
    const optionsAt = dataAt + padded32(capLen);
    const bodyEnd = at + length - 4;
    if (optionsAt > bodyEnd) {
      return this.skipBlock(at, `a packet block whose ${capLen} captured bytes do not fit its length of ${length}`, type, Rule.fieldsFit);
    }
    if (localId >= this.converters.length) {
      const described = this.converters.length === 0 ? 'describes no interface' : `describes interfaces 0 to ${this.converters.length - 1} only`;
      return this.skipBlock(at, `a packet block for interface ${localId}, but its section ${described}`, type, Rule.interfaceDescribed);
    }
    if (capLen > origLen) {
      return this.skipBlock(at, `a packet block with ${capLen} captured bytes but an original length of only ${origLen}`, type, Rule.epbCapLenOrigLen);
    }
    if (capLen > source.maxFrameBytes) {
      return this.skipBlock(at, `a packet block with ${capLen} captured bytes, more than the maximum frame size of ${source.maxFrameBytes}`, type, Rule.epbCapLenMax);
    }
    const converter = this.converters[localId];
    converter.convert(view.getUint32(at + 12, le), view.getUint32(at + 16, le));
    const frame = this.frame;
    frame.iface = this.sectionInterfaces[localId];
    if (capLen > frame.iface.snapLen && frame.iface.snapLen > 0 && !this.snapLenWarned) {
      this.snapLenWarned = true;
      const offset = source.windowFileOffset + at;
      this.report('suspect-record', offset,
        `The packet block at byte offset ${offset} has ${capLen} captured bytes, more than its interface's snaplen of ${frame.iface.snapLen}; it is kept whole (later blocks doing the same are not listed).`,
        { blockType: pcapngBlockName(type), rule: Rule.epbCapLenSnapLen });
    }
    frame.tsSec = converter.sec;
    frame.tsNsec = converter.nsec;
    frame.direction = null;
    frame.comments = null;
    if (optionsAt < bodyEnd) {
      const badOptionAt = readPacketOptions(view, source.bytes, optionsAt, bodyEnd, le, frame);
      if (badOptionAt >= 0) this.reportBadOption(badOptionAt, type);
    }
    return this.emit(at, dataAt, capLen, origLen);
  }

  private readSimplePacketBlock(at: number, length: number): boolean {
    if (length < 16) return this.skipBlock(at, `a simple packet block of only ${length} bytes`, SPB_TYPE, Rule.fieldsFit);
    if (this.converters.length === 0) {
      return this.skipBlock(at, 'a simple packet block in a section that describes no interface', SPB_TYPE, Rule.interfaceDescribed);
    }
    const iface = this.sectionInterfaces[0];
    const origLen = this.source.view.getUint32(at + 8, this.littleEndian);
    let capLen = Math.min(origLen, length - 16, this.source.maxFrameBytes);
    if (iface.snapLen > 0 && capLen > iface.snapLen) capLen = iface.snapLen;
    const frame = this.frame;
    frame.iface = iface;
    frame.tsSec = 0; // a simple packet block carries no timestamp
    frame.tsNsec = 0;
    frame.direction = null;
    frame.comments = null;
    return this.emit(at, at + 12, capLen, origLen);
  }

  private emit(blockAt: number, dataAt: number, capLen: number, origLen: number): true {
    const source = this.source;
    const frame = this.frame;
    frame.no = this.nextFrameNumber();
    frame.origLen = origLen;
    frame.fileOffset = source.windowFileOffset + blockAt;
    frame.setWindow(source.bytes, dataAt, dataAt + capLen);
    return true;
  }

  /**
   * Starts a section: checks the SHB, takes its byte order, resets the interface table.
   * False when it was not read: damage (reading stops), or the end of a file being followed.
   */
  private readSectionHeader(): boolean {
    const source = this.source;
    const isFirst = this.section < 0;
    const shb = (rule: string): IssuePlace => ({ blockType: pcapngBlockName(PCAPNG_SHB_TYPE), rule, ...(isFirst ? { unusable: true } : {}) });
    const cutShort = (needed: number): false => {
      if (isFirst) {
        this.stop('bad-header', 0, `The pcapng section header block is cut short: ${source.available} of its ${needed} bytes are present.`, shb(Rule.blockWhole));
      } else this.endOfInput(needed, 'a section header block', pcapngBlockName(PCAPNG_SHB_TYPE));
      return false;
    };
    if (!source.ensure(12)) return cutShort(12);
    const offset = source.fileOffset;
    const magic = source.view.getUint32(source.start + 8, true);
    const le = magic === BYTE_ORDER_MAGIC ? true : magic === SWAPPED_BYTE_ORDER_MAGIC ? false : null;
    if (le === null) {
      this.stop('bad-header', offset, `The section header block at byte offset ${offset} has no valid byte-order magic.`, shb(Rule.shbByteOrder));
      return false;
    }
    const length = source.view.getUint32(source.start + 4, le);
    if (length < MIN_SHB_BYTES || (length & 3) !== 0 || length > this.maxBlockBytes) {
      const rule = length > this.maxBlockBytes ? Rule.blockLengthMax : Rule.shbLength;
      this.stop('bad-header', offset, `The section header block at byte offset ${offset} has an impossible length of ${length} bytes.`, shb(rule));
      return false;
    }
    if (!source.ensure(length)) return cutShort(length);
    const at = source.start;
    const view = source.view;
    if (view.getUint32(at + length - 4, le) !== length) {
      this.stop('bad-header', offset,
        `The section header block at byte offset ${offset} does not end with a copy of its length (${length}).`, shb(Rule.blockLengthTrailer));
      return false;
    }
    const major = view.getUint16(at + 12, le);
    const minor = view.getUint16(at + 14, le);
    if (major !== 1 || (minor !== 0 && minor !== 2)) {
      // tshark refuses these too: the layout of everything in the section may differ.
      this.stop('bad-header', offset, `The pcapng section at byte offset ${offset} has version ${major}.${minor}, which cannot be read.`, shb(Rule.shbVersion));
      return false;
    }
    this.littleEndian = le;
    this.section++;
    this.sectionInterfaces = [];
    this.converters = [];
    source.start = at + length;
    return true;
  }

  private readOtherBlock(type: number, at: number, length: number): void {
    const source = this.source;
    const view = source.view;
    const le = this.littleEndian;
    const bodyEnd = at + length - 4;
    if (type === IDB_TYPE) {
      if (length < 20) {
        this.skipBlock(at, `an interface description block of only ${length} bytes`, IDB_TYPE, Rule.fieldsFit);
        return;
      }
      const idb = readInterfaceBlock(view, source.bytes, at, bodyEnd, le);
      if (idb.badOptionAt >= 0) this.reportBadOption(idb.badOptionAt, IDB_TYPE);
      const converter = TimestampConverter.fromTsresol(idb.tsresol, idb.tsOffsetSeconds);
      const iface = this.registry.add({
        fileIndex: this.fileIndex,
        section: this.section,
        localId: this.sectionInterfaces.length,
        linkType: idb.linkType,
        snapLen: idb.snapLen,
        name: idb.name,
        description: idb.description,
        unitsPerSecond: converter.unitsPerSecond,
        tsOffsetSeconds: idb.tsOffsetSeconds,
        fcsLength: idb.fcsLength,
      });
      this.sectionInterfaces.push(iface);
      this.converters.push(converter);
    } else if (type === NRB_TYPE) {
      const badRecordAt = readNameRecords(view, source.bytes, at + 8, bodyEnd, le, this.names);
      if (badRecordAt >= 0) this.reportBadOption(badRecordAt, NRB_TYPE);
    } else if (type === ISB_TYPE) {
      if (length < 24) {
        this.skipBlock(at, `an interface statistics block of only ${length} bytes`, ISB_TYPE, Rule.fieldsFit);
        return;
      }
      const isb = readStatisticsBlock(view, at, bodyEnd, le);
      if (isb.localId >= this.converters.length) {
        this.skipBlock(at, `an interface statistics block for interface ${isb.localId}, which the section does not describe`, ISB_TYPE, Rule.interfaceDescribed);
        return;
      }
      if (isb.badOptionAt >= 0) this.reportBadOption(isb.badOptionAt, ISB_TYPE);
      const converter = this.converters[isb.localId];
      converter.convert(isb.timestampHigh, isb.timestampLow);
      this.stats.push({
        iface: this.sectionInterfaces[isb.localId],
        tsSec: converter.sec,
        tsNsec: converter.nsec,
        received: isb.received,
        dropped: isb.dropped,
      });
    } else {
      this.noteSkippedType(type, source.windowFileOffset + at);
    }
  }
}

// Classic pcap (libpcap) reader. Every field is in the byte order the magic number reveals.
//
//   File header, 24 bytes
//   0         4         6         8             12         16         20                  24
//   +---------+---------+---------+-------------+----------+----------+-------------------+
//   | magic   | major   | minor   | thiszone    | sigfigs  | snaplen  | link type field   |
//   | u32     | u16 (2) | u16     | i32 (unused)| u32      | u32      | u32 (see below)   |
//   +---------+---------+---------+-------------+----------+----------+-------------------+
//   magic a1b2c3d4: microseconds; a1b23c4d: nanoseconds; a1b2cd34: Kuznetzov's "modified"
//   format (microseconds, 24-byte record headers). Read byte-swapped, the file is the other order.
//   Link type field: bits 0-15 link type, 16-25 reserved (must be 0), bit 26 "FCS length
//   present", bits 28-31 FCS length in 16-bit words.
//
//   Record header, 16 bytes (24 in the modified format), followed by caplen bytes of data
//   0         4          8         12        16                                     24
//   +---------+----------+---------+---------+--------------------------------------+
//   | ts sec  | ts usec  | caplen  | origlen | modified only: ifindex u32, protocol |
//   | u32     | or nsec  | u32     | u32     | u16, packet type u8, padding u8      |
//   +---------+----------+---------+---------+--------------------------------------+
//
// Damage policy:
// - caplen > origlen: 'bad-record', the record is skipped and reading goes on (its length still
//   frames the next record).
// - caplen > the maximum frame size (ByteSourceOptions.maxFrameBytes, 256 KiB by default, as
//   Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD): the length cannot be trusted, so the next record
//   cannot be found: 'bad-record' and reading stops (tshark stops there too). Nothing is allocated
//   for the claimed length.
// - snaplen < caplen <= the maximum: 'suspect-record' (once per file), the frame is kept whole.
// - timestamps going back in time are no damage (the format does not require order): frames
//   come in file order, and analysis reorders them within its window.
// - the file ends inside a record: 'truncated-record' with the missing byte count; every frame
//   before it was returned.
// - a fractional timestamp of a second or more (seen in fuzzed files) is carried into tsSec, so
//   0 <= tsNsec < 1e9 always holds.

import type { ByteSource } from './byte-source.js';
import type { CaptureFrame } from './frame.js';
import type { InterfaceRegistry } from './interfaces.js';
import { CaptureFileReader } from './reader-base.js';
import { PCAP_FILE_HEADER, PCAP_RECORD, Rule } from './spec-rules.js';

export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;
export const PCAP_MAGIC_MODIFIED = 0xa1b2cd34;

export const PCAP_FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;
const MODIFIED_RECORD_HEADER_BYTES = 24;

const LINK_TYPE_MASK = 0x0000ffff;
const LINK_TYPE_RESERVED_MASK = 0x03ff0000;
const FCS_LENGTH_PRESENT = 0x04000000;

/** Byte order and resolution of a classic pcap magic read as a little-endian u32, or null. */
export function classifyPcapMagic(
  magicAsLittleEndian: number,
): { littleEndian: boolean; nanoseconds: boolean; modified: boolean } | null {
  switch (magicAsLittleEndian) {
    case PCAP_MAGIC_MICROSECONDS:
      return { littleEndian: true, nanoseconds: false, modified: false };
    case 0xd4c3b2a1:
      return { littleEndian: false, nanoseconds: false, modified: false };
    case PCAP_MAGIC_NANOSECONDS:
      return { littleEndian: true, nanoseconds: true, modified: false };
    case 0x4d3cb2a1:
      return { littleEndian: false, nanoseconds: true, modified: false };
    case PCAP_MAGIC_MODIFIED:
      return { littleEndian: true, nanoseconds: false, modified: true };
    case 0x34cdb2a1:
      return { littleEndian: false, nanoseconds: false, modified: true };
    default:
      return null;
  }
}

export class PcapReader extends CaptureFileReader {
  private littleEndian = true;
  private recordHeaderBytes = RECORD_HEADER_BYTES;
  /** Fraction units per second: 1e6 or 1e9. */
  private fractionsPerSecond = 1e6;
  private nsPerFraction = 1000;
  /** 0: unlimited (a snaplen of 0 is written by some tools). */
  private snapLen = 0;
  private snapLenWarned = false;
  protected readonly wholeRecordRule = Rule.pcapRecordWhole;

  /** Reads the file header from `source`, which must be at the start of the file. */
  constructor(source: ByteSource, fileIndex: number, registry: InterfaceRegistry) {
    super(source, fileIndex, registry);
    this.readFileHeader();
  }

  private readFileHeader(): void {
    const source = this.source;
    if (!source.ensure(PCAP_FILE_HEADER_BYTES)) {
      this.stop(
        'bad-header',
        0,
        `The pcap file header is cut short: ${source.available} of its ${PCAP_FILE_HEADER_BYTES} bytes are present.`,
        { blockType: PCAP_FILE_HEADER, rule: Rule.pcapHeaderLength, unusable: true },
      );
      return;
    }
    const view = source.view;
    const at = source.start;
    const format = classifyPcapMagic(view.getUint32(at, true));
    if (format === null) {
      this.stop('bad-header', 0, 'The file does not start with a classic pcap magic number.', { blockType: PCAP_FILE_HEADER, rule: Rule.magic, unusable: true });
      return;
    }
    const le = format.littleEndian;
    const major = view.getUint16(at + 4, le);
    const minor = view.getUint16(at + 6, le);
    const snapLen = view.getUint32(at + 16, le);
    const linkTypeField = view.getUint32(at + 20, le);
    if (major !== 2) {
      this.stop('bad-header', 4, `The pcap file has version ${major}.${minor}; only version 2.x is supported.`, {
        blockType: PCAP_FILE_HEADER, rule: Rule.pcapVersion, unusable: true,
      });
      return;
    }
    if ((linkTypeField & LINK_TYPE_RESERVED_MASK) !== 0) {
      const reserved = (linkTypeField & LINK_TYPE_RESERVED_MASK) >>> 0;
      this.stop(
        'bad-header',
        20,
        `The pcap link type field has reserved bits set (0x${reserved.toString(16).padStart(8, '0')}), so the file is not usable.`,
        { blockType: PCAP_FILE_HEADER, rule: Rule.pcapReservedLinkBits, unusable: true },
      );
      return;
    }
    this.littleEndian = le;
    this.recordHeaderBytes = format.modified ? MODIFIED_RECORD_HEADER_BYTES : RECORD_HEADER_BYTES;
    this.fractionsPerSecond = format.nanoseconds ? 1e9 : 1e6;
    this.nsPerFraction = format.nanoseconds ? 1 : 1000;
    this.snapLen = snapLen;
    const fcsWords = (linkTypeField & FCS_LENGTH_PRESENT) !== 0 ? linkTypeField >>> 28 : 0;
    const iface = this.registry.add({
      fileIndex: this.fileIndex,
      section: 0,
      localId: 0,
      linkType: linkTypeField & LINK_TYPE_MASK,
      snapLen,
      name: null,
      description: null,
      unitsPerSecond: this.fractionsPerSecond,
      tsOffsetSeconds: 0,
      fcsLength: fcsWords * 2,
    });
    this.frame.iface = iface;
    source.start = at + PCAP_FILE_HEADER_BYTES;
  }

  next(): CaptureFrame | null {
    const source = this.source;
    const headerBytes = this.recordHeaderBytes;
    const le = this.littleEndian;
    for (;;) {
      if (this.finished) return null;
      if (source.end - source.start < headerBytes && !source.ensure(headerBytes)) {
        return this.endOfInput(headerBytes, 'a record header', PCAP_RECORD);
      }
      const capLen = source.view.getUint32(source.start + 8, le);
      if (capLen > source.maxFrameBytes) {
        const offset = source.fileOffset;
        return this.stop(
          'bad-record',
          offset,
          `The record at byte offset ${offset} claims ${capLen} captured bytes, more than the maximum frame size of ${source.maxFrameBytes}, so its length cannot be trusted and reading stops there.`,
          { blockType: PCAP_RECORD, rule: Rule.pcapCapLenMax },
        );
      }
      const recordBytes = headerBytes + capLen;
      if (source.end - source.start < recordBytes && !source.ensure(recordBytes)) {
        return this.endOfInput(recordBytes, 'a record', PCAP_RECORD);
      }
      const at = source.start;
      const view = source.view;
      const origLen = view.getUint32(at + 12, le);
      source.start = at + recordBytes;
      if (capLen > origLen) {
        const offset = source.windowFileOffset + at;
        this.report(
          'bad-record',
          offset,
          `The record at byte offset ${offset} has ${capLen} captured bytes but an original length of only ${origLen}; it is skipped.`,
          { blockType: PCAP_RECORD, rule: Rule.pcapCapLenOrigLen },
        );
        continue;
      }
      if (capLen > this.snapLen && this.snapLen > 0 && !this.snapLenWarned) {
        this.snapLenWarned = true;
        const offset = source.windowFileOffset + at;
        this.report(
          'suspect-record',
          offset,
          `The record at byte offset ${offset} has ${capLen} captured bytes, more than the file's snaplen of ${this.snapLen}; it is kept whole (later records doing the same are not listed).`,
          { blockType: PCAP_RECORD, rule: Rule.pcapCapLenSnapLen },
        );
      }
      let seconds = view.getUint32(at, le);
      let fraction = view.getUint32(at + 4, le);
      if (fraction >= this.fractionsPerSecond) {
        seconds += Math.floor(fraction / this.fractionsPerSecond);
        fraction %= this.fractionsPerSecond;
      }
      const frame = this.frame;
      frame.no = this.nextFrameNumber();
      frame.tsSec = seconds;
      frame.tsNsec = fraction * this.nsPerFraction;
      frame.origLen = origLen;
      frame.fileOffset = source.windowFileOffset + at;
      frame.setWindow(source.bytes, at + headerBytes, at + recordBytes);
      return frame;
    }
  }
}

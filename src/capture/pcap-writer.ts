// Classic pcap writer: pure encoders for tests and a streaming file writer for big files.
// Layout: see pcap.ts.

import { BufferedFileWriter } from './file-writer.js';
import { PCAP_FILE_HEADER_BYTES, PCAP_MAGIC_MICROSECONDS, PCAP_MAGIC_MODIFIED, PCAP_MAGIC_NANOSECONDS } from './pcap.js';

export interface PcapWriterOptions {
  /** Default true. */
  readonly littleEndian?: boolean;
  /** Nanosecond timestamps (magic a1b23c4d); default microseconds. */
  readonly nanoseconds?: boolean;
  /** Kuznetzov's "modified" format: 24-byte record headers (magic a1b2cd34, microseconds). */
  readonly modified?: boolean;
  /** Default 262144. */
  readonly snapLen?: number;
  /** Default 1 (Ethernet). */
  readonly linkType?: number;
  /** Bits 16-31 of the link-type field (FCS length bits, or reserved bits for damage tests). */
  readonly linkTypeFlags?: number;
  readonly versionMajor?: number;
  readonly versionMinor?: number;
}

export interface FrameToWrite {
  readonly tsSec: number;
  /** Nanoseconds; truncated to microseconds in a microsecond file. */
  readonly tsNsec: number;
  readonly bytes: Uint8Array;
  /** Default bytes.length. A smaller value makes a caplen > origlen record. */
  readonly origLen?: number;
}

export function encodePcapHeader(options: PcapWriterOptions = {}): Uint8Array {
  const header = new Uint8Array(PCAP_FILE_HEADER_BYTES);
  const view = new DataView(header.buffer);
  const le = options.littleEndian ?? true;
  const magic = options.modified
    ? PCAP_MAGIC_MODIFIED
    : options.nanoseconds
      ? PCAP_MAGIC_NANOSECONDS
      : PCAP_MAGIC_MICROSECONDS;
  view.setUint32(0, magic, le);
  view.setUint16(4, options.versionMajor ?? 2, le);
  view.setUint16(6, options.versionMinor ?? 4, le);
  view.setUint32(16, options.snapLen ?? 262144, le);
  view.setUint32(20, ((options.linkTypeFlags ?? 0) * 65536 + (options.linkType ?? 1)) >>> 0, le);
  return header;
}

export function recordHeaderBytes(options: PcapWriterOptions): number {
  return options.modified ? 24 : 16;
}

/** Writes one record (header + data) at `at` in `view`'s buffer. */
function writeRecord(
  view: DataView,
  target: Uint8Array,
  at: number,
  frame: FrameToWrite,
  options: PcapWriterOptions,
): void {
  const le = options.littleEndian ?? true;
  const fraction = options.nanoseconds && !options.modified ? frame.tsNsec : Math.floor(frame.tsNsec / 1000);
  view.setUint32(at, frame.tsSec, le);
  view.setUint32(at + 4, fraction, le);
  view.setUint32(at + 8, frame.bytes.length, le);
  view.setUint32(at + 12, frame.origLen ?? frame.bytes.length, le);
  if (options.modified) {
    view.setUint32(at + 16, 0, le); // ifindex, protocol, packet type: unused here
    view.setUint32(at + 20, 0, le);
  }
  target.set(frame.bytes, at + recordHeaderBytes(options));
}

export function encodePcapRecord(frame: FrameToWrite, options: PcapWriterOptions = {}): Uint8Array {
  const record = new Uint8Array(recordHeaderBytes(options) + frame.bytes.length);
  writeRecord(new DataView(record.buffer), record, 0, frame, options);
  return record;
}

/** A whole classic pcap file in memory. */
export function encodePcap(frames: Iterable<FrameToWrite>, options: PcapWriterOptions = {}): Uint8Array {
  const parts = [encodePcapHeader(options)];
  for (const frame of frames) parts.push(encodePcapRecord(frame, options));
  return concatBytes(parts);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Streams a classic pcap file to disk; one buffered write per MiB. */
export class PcapFileWriter {
  private readonly out: BufferedFileWriter;
  private readonly headerBytes: number;

  constructor(
    path: string,
    private readonly options: PcapWriterOptions = {},
  ) {
    this.out = new BufferedFileWriter(path);
    this.headerBytes = recordHeaderBytes(options);
    this.out.write(encodePcapHeader(options));
  }

  get bytesWritten(): number {
    return this.out.bytesWritten;
  }

  writeFrame(frame: FrameToWrite): void {
    const at = this.out.reserve(this.headerBytes + frame.bytes.length);
    writeRecord(this.out.view, this.out.buffer, at, frame, this.options);
  }

  close(): void {
    this.out.close();
  }
}

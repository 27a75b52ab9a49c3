// pcapng writer: pure block encoders (any byte order) for tests, and a streaming file writer.
// Layout: see pcapng.ts.

import { BufferedFileWriter } from './file-writer.js';
import { concatBytes } from './pcap-writer.js';

export interface PcapngOption {
  readonly code: number;
  /** Strings are written as UTF-8. */
  readonly value: Uint8Array | string;
}

/** A raw 64-bit timestamp in interface units, as its two 32-bit halves. */
export interface UnitsTimestamp {
  readonly high: number;
  readonly low: number;
}

interface ByteOrder {
  /** Default true. */
  readonly littleEndian?: boolean;
}

const utf8 = new TextEncoder();

function optionBytes(option: PcapngOption): Uint8Array {
  return typeof option.value === 'string' ? utf8.encode(option.value) : option.value;
}

/** Options (each padded to 4 bytes) followed by opt_endofopt; empty when there are none. */
export function encodeOptions(options: readonly PcapngOption[], littleEndian = true): Uint8Array {
  if (options.length === 0) return new Uint8Array(0);
  const values = options.map(optionBytes);
  let total = 4;
  for (const value of values) total += 4 + padTo4(value.length);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (let i = 0; i < options.length; i++) {
    view.setUint16(at, options[i].code, littleEndian);
    view.setUint16(at + 2, values[i].length, littleEndian);
    out.set(values[i], at + 4);
    at += 4 + padTo4(values[i].length);
  }
  return out; // the last 4 bytes are already zero: opt_endofopt
}

/** type, total length, body padded to 4 bytes, total length again. */
export function encodeBlock(type: number, body: Uint8Array, littleEndian = true): Uint8Array {
  const length = 12 + padTo4(body.length);
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, littleEndian);
  view.setUint32(4, length, littleEndian);
  out.set(body, 8);
  view.setUint32(length - 4, length, littleEndian);
  return out;
}

export function encodeShb(
  block: ByteOrder & {
    versionMajor?: number;
    versionMinor?: number;
    sectionLength?: bigint;
    comment?: string;
    options?: readonly PcapngOption[];
  } = {},
): Uint8Array {
  const le = block.littleEndian ?? true;
  const options = withComment(block.options, block.comment);
  const fixed = new DataView(new ArrayBuffer(16));
  fixed.setUint32(0, 0x1a2b3c4d, le);
  fixed.setUint16(4, block.versionMajor ?? 1, le);
  fixed.setUint16(6, block.versionMinor ?? 0, le);
  fixed.setBigInt64(8, block.sectionLength ?? -1n, le);
  return encodeBlock(0x0a0d0d0a, concatBytes([new Uint8Array(fixed.buffer), encodeOptions(options, le)]), le);
}

export function encodeIdb(
  block: ByteOrder & {
    linkType?: number;
    snapLen?: number;
    name?: string;
    description?: string;
    /** Raw if_tsresol byte (6 = microseconds, 9 = nanoseconds, 0x80 | n = 2^-n). */
    tsresol?: number;
    tsOffsetSeconds?: number;
    fcsLengthBits?: number;
    comment?: string;
    options?: readonly PcapngOption[];
  } = {},
): Uint8Array {
  const le = block.littleEndian ?? true;
  const options: PcapngOption[] = [...withComment(block.options, block.comment)];
  if (block.name !== undefined) options.push({ code: 2, value: block.name });
  if (block.description !== undefined) options.push({ code: 3, value: block.description });
  if (block.tsresol !== undefined) options.push({ code: 9, value: Uint8Array.of(block.tsresol) });
  if (block.fcsLengthBits !== undefined) options.push({ code: 13, value: Uint8Array.of(block.fcsLengthBits) });
  if (block.tsOffsetSeconds !== undefined) {
    const value = new DataView(new ArrayBuffer(8));
    value.setBigInt64(0, BigInt(block.tsOffsetSeconds), le);
    options.push({ code: 14, value: new Uint8Array(value.buffer) });
  }
  const fixed = new DataView(new ArrayBuffer(8));
  fixed.setUint16(0, block.linkType ?? 1, le);
  fixed.setUint32(4, block.snapLen ?? 0, le);
  return encodeBlock(1, concatBytes([new Uint8Array(fixed.buffer), encodeOptions(options, le)]), le);
}

interface PacketFields extends ByteOrder {
  interfaceId?: number;
  timestamp?: UnitsTimestamp;
  bytes: Uint8Array;
  /** Default bytes.length. */
  origLen?: number;
  /** epb_flags / pack_flags; bits 0-1 are the direction (1 in, 2 out). */
  flags?: number;
  comments?: readonly string[];
  options?: readonly PcapngOption[];
}

function packetBody(packet: PacketFields, obsolete: boolean): Uint8Array {
  const le = packet.littleEndian ?? true;
  const options: PcapngOption[] = (packet.comments ?? []).map((text) => ({ code: 1, value: text }));
  if (packet.flags !== undefined) {
    const value = new DataView(new ArrayBuffer(4));
    value.setUint32(0, packet.flags, le);
    options.push({ code: 2, value: new Uint8Array(value.buffer) });
  }
  options.push(...(packet.options ?? []));
  const fixed = new DataView(new ArrayBuffer(20));
  if (obsolete) fixed.setUint16(0, packet.interfaceId ?? 0, le);
  else fixed.setUint32(0, packet.interfaceId ?? 0, le);
  fixed.setUint32(4, packet.timestamp?.high ?? 0, le);
  fixed.setUint32(8, packet.timestamp?.low ?? 0, le);
  fixed.setUint32(12, packet.bytes.length, le);
  fixed.setUint32(16, packet.origLen ?? packet.bytes.length, le);
  const data = new Uint8Array(padTo4(packet.bytes.length));
  data.set(packet.bytes);
  return concatBytes([new Uint8Array(fixed.buffer), data, encodeOptions(options, le)]);
}

/** Enhanced Packet Block. */
export function encodeEpb(packet: PacketFields): Uint8Array {
  return encodeBlock(6, packetBody(packet, false), packet.littleEndian ?? true);
}

/** The obsolete Packet Block (type 2): 16-bit interface id, then as an EPB. */
export function encodeObsoletePacketBlock(packet: PacketFields): Uint8Array {
  return encodeBlock(2, packetBody(packet, true), packet.littleEndian ?? true);
}

/** Simple Packet Block: original length and data only. */
export function encodeSpb(packet: ByteOrder & { bytes: Uint8Array; origLen?: number }): Uint8Array {
  const le = packet.littleEndian ?? true;
  const body = new Uint8Array(4 + packet.bytes.length);
  new DataView(body.buffer).setUint32(0, packet.origLen ?? packet.bytes.length, le);
  body.set(packet.bytes, 4);
  return encodeBlock(3, body, le);
}

export function encodeNrb(
  block: ByteOrder & {
    /** [address bytes (4 for IPv4, 16 for IPv6), names]. */
    records: readonly (readonly [Uint8Array, readonly string[]])[];
    options?: readonly PcapngOption[];
  },
): Uint8Array {
  const le = block.littleEndian ?? true;
  const records = block.records.map(([address, names]) => {
    const text = concatBytes(names.map((name) => concatBytes([utf8.encode(name), Uint8Array.of(0)])));
    const value = concatBytes([address, text]);
    const record = new Uint8Array(4 + padTo4(value.length));
    const view = new DataView(record.buffer);
    view.setUint16(0, address.length === 4 ? 1 : 2, le);
    view.setUint16(2, value.length, le);
    record.set(value, 4);
    return record;
  });
  return encodeBlock(4, concatBytes([...records, new Uint8Array(4), encodeOptions(block.options ?? [], le)]), le);
}

export function encodeIsb(
  block: ByteOrder & {
    interfaceId?: number;
    timestamp?: UnitsTimestamp;
    received?: bigint;
    dropped?: bigint;
    options?: readonly PcapngOption[];
  },
): Uint8Array {
  const le = block.littleEndian ?? true;
  const options: PcapngOption[] = [];
  const u64 = (value: bigint): Uint8Array => {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, value, le);
    return new Uint8Array(view.buffer);
  };
  if (block.received !== undefined) options.push({ code: 4, value: u64(block.received) });
  if (block.dropped !== undefined) options.push({ code: 5, value: u64(block.dropped) });
  options.push(...(block.options ?? []));
  const fixed = new DataView(new ArrayBuffer(12));
  fixed.setUint32(0, block.interfaceId ?? 0, le);
  fixed.setUint32(4, block.timestamp?.high ?? 0, le);
  fixed.setUint32(8, block.timestamp?.low ?? 0, le);
  return encodeBlock(5, concatBytes([new Uint8Array(fixed.buffer), encodeOptions(options, le)]), le);
}

/** Custom block (0x00000BAD copyable, 0x40000BAD not): private enterprise number + data. */
export function encodeCustomBlock(
  block: ByteOrder & { type?: number; enterpriseNumber?: number; data?: Uint8Array },
): Uint8Array {
  const le = block.littleEndian ?? true;
  const data = block.data ?? new Uint8Array(0);
  const body = new Uint8Array(4 + data.length);
  new DataView(body.buffer).setUint32(0, block.enterpriseNumber ?? 32473, le);
  body.set(data, 4);
  return encodeBlock(block.type ?? 0x00000bad, body, le);
}

/** Seconds + nanoseconds as interface units (truncated), exactly. */
export function timestampUnits(tsSec: number, tsNsec: number, unitsPerSecond: bigint): UnitsTimestamp {
  const units = BigInt(tsSec) * unitsPerSecond + (BigInt(tsNsec) * unitsPerSecond) / 1_000_000_000n;
  return { high: Number(units >> 32n) >>> 0, low: Number(units & 0xffffffffn) };
}

/** Streams a single-section pcapng file to disk. Write the SHB and IDBs first. */
export class PcapngFileWriter {
  private readonly out: BufferedFileWriter;
  private readonly littleEndian: boolean;

  constructor(path: string, options: ByteOrder = {}) {
    this.out = new BufferedFileWriter(path);
    this.littleEndian = options.littleEndian ?? true;
  }

  get bytesWritten(): number {
    return this.out.bytesWritten;
  }

  /** Any encoded block (from the encode* functions, in this writer's byte order). */
  writeBlock(block: Uint8Array): void {
    this.out.write(block);
  }

  /** An EPB without options, written straight into the output buffer (no allocation). */
  writePacket(interfaceId: number, timestamp: UnitsTimestamp, bytes: Uint8Array, origLen = bytes.length): void {
    const le = this.littleEndian;
    const length = 32 + padTo4(bytes.length);
    const at = this.out.reserve(length);
    const view = this.out.view;
    view.setUint32(at, 6, le);
    view.setUint32(at + 4, length, le);
    view.setUint32(at + 8, interfaceId, le);
    view.setUint32(at + 12, timestamp.high, le);
    view.setUint32(at + 16, timestamp.low, le);
    view.setUint32(at + 20, bytes.length, le);
    view.setUint32(at + 24, origLen, le);
    this.out.buffer.set(bytes, at + 28);
    for (let pad = at + 28 + bytes.length; pad < at + length - 4; pad++) this.out.buffer[pad] = 0;
    view.setUint32(at + length - 4, length, le);
  }

  close(): void {
    this.out.close();
  }
}

function withComment(options: readonly PcapngOption[] | undefined, comment: string | undefined): readonly PcapngOption[] {
  return comment === undefined ? (options ?? []) : [{ code: 1, value: comment }, ...(options ?? [])];
}

function padTo4(length: number): number {
  return (length + 3) & ~3;
}

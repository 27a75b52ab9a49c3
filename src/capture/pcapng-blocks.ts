// Parsing of pcapng block bodies and their options (layouts in pcapng.ts). Offsets are window
// offsets into `view`; `to` is where the options end (before the trailing length).

import type { Direction } from './types.js';

const OPTION_END = 0;
const OPTION_COMMENT = 1;
const PACKET_FLAGS = 2;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const IF_FCSLEN = 13;
const IF_TSOFFSET = 14;
const ISB_IFRECV = 4;
const ISB_IFDROP = 5;

const utf8 = new TextDecoder('utf-8');

/** Bytes a value of `length` bytes occupies once padded to 32 bits. */
export function padded32(length: number): number {
  return length + ((4 - (length & 3)) & 3);
}

/** UTF-8 text of `bytes[from, from + length)`, without the NUL padding some writers add. */
export function readText(bytes: Uint8Array, from: number, length: number): string {
  let end = from + length;
  while (end > from && bytes[end - 1] === 0) end--;
  return utf8.decode(bytes.subarray(from, end));
}

/** A u64 option value as a number (exact up to 2^53). */
export function readUint64(view: DataView, at: number, le: boolean): number {
  const first = view.getUint32(at, le);
  const second = view.getUint32(at + 4, le);
  return le ? second * 4294967296 + first : first * 4294967296 + second;
}

/**
 * Calls `visit` for each option in [from, to) until opt_endofopt. Returns -1 when every option
 * fit, else the offset of the first one that does not fit (nothing after it is visited).
 */
export function walkOptions(
  view: DataView,
  from: number,
  to: number,
  le: boolean,
  visit: (code: number, valueAt: number, valueLength: number) => void,
): number {
  let at = from;
  while (at < to) {
    if (to - at < 4) return at;
    const code = view.getUint16(at, le);
    const length = view.getUint16(at + 2, le);
    if (code === OPTION_END) return -1;
    if (at + 4 + padded32(length) > to) return at;
    visit(code, at + 4, length);
    at += 4 + padded32(length);
  }
  return -1;
}

export interface InterfaceBlock {
  linkType: number;
  snapLen: number;
  name: string | null;
  description: string | null;
  /** Raw if_tsresol byte; 6 (microseconds) when absent. */
  tsresol: number;
  tsOffsetSeconds: number;
  fcsLength: number;
  /** Offset of an option that does not fit its block, or -1. */
  badOptionAt: number;
}

/** An Interface Description Block at `at` whose options end at `to`. */
export function readInterfaceBlock(view: DataView, bytes: Uint8Array, at: number, to: number, le: boolean): InterfaceBlock {
  const options: InterfaceBlock = {
    linkType: view.getUint16(at + 8, le),
    snapLen: view.getUint32(at + 12, le),
    name: null,
    description: null,
    tsresol: 6,
    tsOffsetSeconds: 0,
    fcsLength: 0,
    badOptionAt: -1,
  };
  options.badOptionAt = walkOptions(view, at + 16, to, le, (code, value, length) => {
    if (code === IF_NAME) options.name = readText(bytes, value, length);
    else if (code === IF_DESCRIPTION) options.description = readText(bytes, value, length);
    else if (code === IF_TSRESOL && length >= 1) options.tsresol = bytes[value];
    else if (code === IF_TSOFFSET && length >= 8) options.tsOffsetSeconds = Number(view.getBigInt64(value, le));
    else if (code === IF_FCSLEN && length >= 1) options.fcsLength = bytes[value] >>> 3; // the option counts bits
  });
  return options;
}

export interface StatisticsBlock {
  localId: number;
  timestampHigh: number;
  timestampLow: number;
  received: number | null;
  dropped: number | null;
  badOptionAt: number;
}

/** An Interface Statistics Block at `at` whose options end at `to`. */
export function readStatisticsBlock(view: DataView, at: number, to: number, le: boolean): StatisticsBlock {
  const block: StatisticsBlock = {
    localId: view.getUint32(at + 8, le),
    timestampHigh: view.getUint32(at + 12, le),
    timestampLow: view.getUint32(at + 16, le),
    received: null,
    dropped: null,
    badOptionAt: -1,
  };
  block.badOptionAt = walkOptions(view, at + 20, to, le, (code, value, length) => {
    if (code === ISB_IFRECV && length >= 8) block.received = readUint64(view, value, le);
    else if (code === ISB_IFDROP && length >= 8) block.dropped = readUint64(view, value, le);
  });
  return block;
}

/** Where a packet's options go: set by readPacketOptions. */
export interface PacketAnnotations {
  direction: Direction;
  comments: string[] | null;
}

const DIRECTIONS: readonly Direction[] = [null, 'in', 'out', null];

/**
 * epb_flags / pack_flags (direction) and opt_comment of a packet block into `target`, without
 * allocating unless there is a comment. Returns -1, or the offset of an option that does not fit.
 */
export function readPacketOptions(
  view: DataView,
  bytes: Uint8Array,
  from: number,
  to: number,
  le: boolean,
  target: PacketAnnotations,
): number {
  let at = from;
  while (to - at >= 4) {
    const code = view.getUint16(at, le);
    const length = view.getUint16(at + 2, le);
    if (code === OPTION_END) return -1;
    const next = at + 4 + padded32(length);
    if (next > to) return at;
    if (code === PACKET_FLAGS && length >= 4) {
      target.direction = DIRECTIONS[view.getUint32(at + 4, le) & 3];
    } else if (code === OPTION_COMMENT) {
      const text = readText(bytes, at + 4, length);
      if (target.comments === null) target.comments = [text];
      else target.comments.push(text);
    }
    at = next;
  }
  return at === to ? -1 : at;
}


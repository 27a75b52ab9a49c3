// TCP header (RFC 9293 section 3.1; the NS bit is RFC 3540's, now historic but still shown).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |          Source Port          |       Destination Port        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                        Sequence Number                        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                    Acknowledgment Number                      |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |  Data |     |N|C|E|U|A|P|R|S|F|                               |
// | Offset|Rsrvd|S|W|C|R|C|S|S|Y|I|            Window             |
// |       |     | |R|E|G|K|H|T|N|N|                               |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |           Checksum            |         Urgent Pointer        |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |                 Options (Data Offset > 5)     |    Padding    |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Options (RFC 9293 section 3.2): kind 0 End of Option List and kind 1 No-Operation
// are one byte; every other kind is kind, length (counting both bytes), data.
// Decoded: MSS (2, RFC 9293), Window Scale (3, RFC 7323), SACK Permitted (4) and
// SACK (5, RFC 2018), Timestamps (8, RFC 7323).
//
// An ICMP error usually quotes only the first 8 bytes of the TCP header (RFC 792):
// inside a quoted datagram a short header is normal. A header shorter than 20 bytes
// (quoted, or cut by the capture, which is reported) still gives a record when the
// ports and sequence number are there; the fields that were not captured stay
// "unknown" (-1, headerLength 0), as Wireshark still shows the ports of a cut header.

import { Next, type DecodeContext, type NextKind } from './context.js';
import { LayerKind, type TcpLayer } from './layers.js';

/** Lengths in bytes (a const enum, like the field offsets: tsc writes the numbers in place). */
export const enum TcpLength {
  MIN_HEADER = 20,
  /** Ports and sequence number: what an ICMP error is guaranteed to quote, and the least we make a record of. */
  PARTIAL_MIN = 8,
}
export const enum TcpField {
  SPORT = 0, DPORT = 2, SEQ = 4, ACK = 8, DATA_OFFSET = 12, FLAGS = 12, WINDOW = 14, CHECKSUM = 16, URGENT = 18, OPTIONS = 20,
}
/** The 9 flag bits of the 16-bit word at offset 12 (NS CWR ECE URG ACK PSH RST SYN FIN). */
const enum TcpFlags { MASK = 0x01ff }

export const enum TcpOption {
  EOL = 0, NOP = 1, MSS = 2, WINDOW_SCALE = 3, SACK_PERMITTED = 4, SACK = 5, TIMESTAMPS = 8,
}
const enum TcpOptionLength {
  MSS = 4,
  WINDOW_SCALE = 3,
  SACK_PERMITTED = 2,
  TIMESTAMPS = 10,
  /** A SACK option is 2 bytes plus 8 per block (left and right edge). */
  SACK_BLOCK = 8,
}

export function decodeTcp(ctx: DecodeContext, offset: number, end: number): NextKind {
  const available = end - offset;
  if (available < TcpLength.MIN_HEADER) {
    if (wholeSegment(ctx, available)) {
      ctx.issue('tcp', offset, 'bad-field',
        `The IP layer carries a ${available}-byte TCP segment, shorter than the 20-byte TCP header.`);
    } else {
      // Reported outside quoted datagrams only.
      ctx.truncated('tcp', offset, TcpLength.MIN_HEADER, available, 'TCP header');
    }
    // The ports and sequence number are still worth a record.
    if (available < TcpLength.PARTIAL_MIN) return Next.None;
  }
  const dv = ctx.dv;
  const tcp = ctx.tcp.take();
  tcp.offset = offset - ctx.frameStart;
  tcp.sport = dv.getUint16(offset + TcpField.SPORT);
  tcp.dport = dv.getUint16(offset + TcpField.DPORT);
  tcp.seq = dv.getUint32(offset + TcpField.SEQ);
  tcp.optionCount = 0;
  tcp.mss = -1;
  tcp.windowScale = -1;
  tcp.sackPermitted = false;
  tcp.sackBlocks = 0;
  tcp.tsVal = -1;
  tcp.tsEcr = -1;
  tcp.payloadLength = 0;
  tcp.headerComplete = false;
  ctx.target.push(tcp, LayerKind.Tcp);

  if (available < TcpLength.MIN_HEADER) {
    // Quoted by an ICMP error (or cut by the capture): keep the 32-bit words that were captured.
    tcp.ack = available >= TcpField.DATA_OFFSET ? dv.getUint32(offset + TcpField.ACK) : -1;
    if (available >= TcpField.CHECKSUM) {
      const word = dv.getUint16(offset + TcpField.FLAGS);
      tcp.headerLength = (word >>> 12) * 4;
      tcp.flags = word & TcpFlags.MASK;
      tcp.window = dv.getUint16(offset + TcpField.WINDOW);
    } else {
      tcp.headerLength = 0;
      tcp.flags = -1;
      tcp.window = -1;
    }
    tcp.checksum = -1;
    tcp.urgent = -1;
    return Next.None;
  }

  tcp.ack = dv.getUint32(offset + TcpField.ACK);
  const word = dv.getUint16(offset + TcpField.FLAGS);
  const headerLength = (word >>> 12) * 4;
  tcp.headerLength = headerLength;
  tcp.flags = word & TcpFlags.MASK;
  tcp.window = dv.getUint16(offset + TcpField.WINDOW);
  tcp.checksum = dv.getUint16(offset + TcpField.CHECKSUM);
  tcp.urgent = dv.getUint16(offset + TcpField.URGENT);

  if (headerLength < TcpLength.MIN_HEADER) {
    ctx.issue('tcp', offset + TcpField.DATA_OFFSET, 'bad-field',
      `The TCP data offset is ${headerLength / 4} (${headerLength} bytes), below the minimum of 5 (20 bytes).`);
    return Next.None;
  }

  // The IP layer's length, when known, says how long the segment is even if the capture cut it.
  const segmentLength = ctx.ipPayloadLength >= 0 ? ctx.ipPayloadLength : available;
  tcp.payloadLength = segmentLength > headerLength ? segmentLength - headerLength : 0;

  let optionsEnd = offset + headerLength;
  tcp.headerComplete = available >= headerLength;
  if (available < headerLength) {
    if (wholeSegment(ctx, available)) {
      // Every byte the IP layer announced was captured: the data offset itself is wrong.
      ctx.issue('tcp', offset + TcpField.DATA_OFFSET, 'bad-field',
        `The TCP data offset is ${headerLength / 4} (${headerLength} bytes), past the ${available}-byte segment the IP layer carries.`);
    } else {
      ctx.truncated('tcp', offset, headerLength, available, 'TCP header with options');
    }
    optionsEnd = end; // walk the options that were captured
  }
  if (headerLength > TcpLength.MIN_HEADER) decodeOptions(ctx, tcp, offset + TcpField.OPTIONS, optionsEnd, offset + headerLength);
  return Next.None;
}

/**
 * True when the segment is all there and still too short: every byte the IP layer
 * announced was captured (so a short header is malformed, not cut by the capture).
 */
function wholeSegment(ctx: DecodeContext, available: number): boolean {
  return ctx.ipPayloadLength >= 0 && ctx.ipPayloadLength <= available && !ctx.snapTruncated && ctx.quotedDepth === 0;
}

/**
 * Walk options in [start, stop); `headerEnd` is where the data offset says they end
 * (beyond `stop` when the capture cut the header: an option cut there is not malformed).
 */
function decodeOptions(
  ctx: DecodeContext,
  tcp: TcpLayer,
  start: number,
  stop: number,
  headerEnd: number,
): void {
  const bytes = ctx.bytes;
  const dv = ctx.dv;
  // 40 entries: options fill at most 40 bytes (data offset 15), each at least one byte.
  const kinds = tcp.optionKinds;
  let count = 0;
  let i = start;
  while (i < stop) {
    const kind = bytes[i];
    kinds[count++] = kind;
    if (kind === TcpOption.EOL) break;
    if (kind === TcpOption.NOP) {
      i++;
      continue;
    }
    if (i + 1 >= stop) {
      if (stop === headerEnd) {
        ctx.issue('tcp', i, 'bad-field',
          `TCP option kind ${kind} starts in the last byte of the header and has no length byte.`);
      }
      break;
    }
    const length = bytes[i + 1];
    if (length < 2) {
      ctx.issue('tcp', i + 1, 'bad-field',
        `TCP option kind ${kind} has length ${length}; an option's length counts its kind and length bytes, so it is at least 2.`);
      break;
    }
    if (i + length > stop) {
      if (i + length > headerEnd) {
        ctx.issue('tcp', i + 1, 'bad-field',
          `TCP option kind ${kind} has length ${length}, which runs ${i + length - headerEnd} bytes past the end of the TCP header.`);
      }
      break;
    }
    switch (kind) {
      case TcpOption.MSS:
        if (length === TcpOptionLength.MSS) tcp.mss = dv.getUint16(i + 2);
        else badLength(ctx, i, 'MSS', kind, length, '4');
        break;
      case TcpOption.WINDOW_SCALE:
        if (length === TcpOptionLength.WINDOW_SCALE) tcp.windowScale = bytes[i + 2];
        else badLength(ctx, i, 'Window Scale', kind, length, '3');
        break;
      case TcpOption.SACK_PERMITTED:
        if (length === TcpOptionLength.SACK_PERMITTED) tcp.sackPermitted = true;
        else badLength(ctx, i, 'SACK Permitted', kind, length, '2');
        break;
      case TcpOption.SACK:
        if (length > 2 && (length - 2) % TcpOptionLength.SACK_BLOCK === 0) tcp.sackBlocks = (length - 2) / TcpOptionLength.SACK_BLOCK;
        else badLength(ctx, i, 'SACK', kind, length, '2 plus 8 per block');
        break;
      case TcpOption.TIMESTAMPS:
        if (length === TcpOptionLength.TIMESTAMPS) {
          tcp.tsVal = dv.getUint32(i + 2);
          tcp.tsEcr = dv.getUint32(i + 6);
        } else {
          badLength(ctx, i, 'Timestamps', kind, length, '10');
        }
        break;
      default:
        break;
    }
    i += length;
  }
  tcp.optionCount = count;
}

function badLength(ctx: DecodeContext, at: number, name: string, kind: number, length: number, rule: string): void {
  ctx.issue('tcp', at + 1, 'bad-field', `The TCP ${name} option (kind ${kind}) has length ${length}; it must be ${rule}.`);
}

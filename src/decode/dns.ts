// DNS message (RFC 1035 section 4.1), as carried over UDP (also mDNS, RFC 6762, and LLMNR, RFC 4795).
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |              ID               |Q| Opcode|A|T|R|R|Z|A|C| RCODE |
// |                               |R|       |A|C|D|A| |D|D|       |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |            QDCOUNT            |            ANCOUNT            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// |            NSCOUNT            |            ARCOUNT            |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// | Question: QNAME (labels) | QTYPE (16) | QCLASS (16)            |
// | Answer RR: NAME | TYPE (16) | CLASS (16) | TTL (32) | RDLENGTH (16) | RDATA |
// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Names (section 4.1.4) are labels (a length byte 0-63, then the bytes) ending in a
// zero byte, or in a compression pointer: two bytes 11xxxxxx xxxxxxxx giving an offset
// from the start of the message where the rest of the name is.
//
// Only the question and answer sections are decoded; the authority and additional
// sections are counted in the header only. Classes are kept raw (mDNS sets the top bit
// for "unicast response" in questions and "cache flush" in answers).
//
// Name text: labels joined by '.', no trailing dot, the root name as "<Root>" (as
// Wireshark shows it). Bytes are shown as in RFC 1035 section 5.1 master-file text (and
// dig): printable ASCII (0x20-0x7e) as itself, a '.' inside a label as "\.", a
// backslash as "\\", every other byte as "\DDD" with three DECIMAL digits (so 0x01 is
// "\001" and 0xc3 is "\195"). Unlike Wireshark, which leaves '.' and '\' bare and shows
// non-ASCII bytes as UTF-8, the text is unambiguous and holds no control or non-ASCII
// characters, so it is safe for terminals and logs.
//
// This is the one decoder that allocates: strings and fresh question/answer arrays per message.

import { formatIpv4, formatIpv6 } from './addr.js';
import { Next, type DecodeContext, type NextKind } from './context.js';
import { LayerKind, type DnsAnswer, type DnsLayer, type DnsQuestion } from './layers.js';
import { UdpLength } from './udp.js';

export const DNS_HEADER_LEN = 12;
export const enum DnsField { ID = 0, FLAGS = 2, QDCOUNT = 4, ANCOUNT = 6, NSCOUNT = 8, ARCOUNT = 10 }
/** Offsets after a record's name. */
export const enum DnsRecordField { TYPE = 0, CLASS = 2, TTL = 4, RDLENGTH = 8, RDATA = 10 }
const QUESTION_FIXED_LEN = 4;
const RR_FIXED_LEN = 10;
/** A record at its smallest: the root name (one zero byte) and the fixed fields. */
const MIN_QUESTION_LEN = 1 + QUESTION_FIXED_LEN;
const MIN_RR_LEN = 1 + RR_FIXED_LEN;

const FLAG_QR = 0x8000;
const OPCODE_SHIFT = 11;
const FLAG_AA = 0x0400;
const FLAG_TC = 0x0200;
const FLAG_RD = 0x0100;
const FLAG_RA = 0x0080;
const RCODE_MASK = 0x000f;

export const enum DnsType { A = 1, NS = 2, CNAME = 5, PTR = 12, MX = 15, TXT = 16, AAAA = 28, SRV = 33 }

/** Questions plus answers decoded at most: a hostile count cannot make a message expensive. */
export const MAX_DNS_RECORDS = 256;
/** A name is at most 255 bytes in wire form (RFC 1035 section 3.1). */
export const MAX_NAME_WIRE_LEN = 255;
/** Compression pointers followed per name at most; more means a loop. */
export const MAX_POINTER_JUMPS = 128;
const MAX_LABEL_LEN = 63;
const LABEL_POINTER = 0xc0;
const POINTER_MASK = 0x3fff;

export const ROOT_NAME = '<Root>';

/** Text of each byte inside a label. */
const LABEL_TEXT: string[] = [];
/** Text of each byte inside a TXT character-string (shown in double quotes). */
const STRING_TEXT: string[] = [];
const HEX2: string[] = [];
for (let c = 0; c < 256; c++) {
  const decimal = '\\' + String(c).padStart(3, '0');
  const printable = c >= 0x20 && c <= 0x7e;
  LABEL_TEXT.push(c === 0x2e ? '\\.' : c === 0x5c ? '\\\\' : printable ? String.fromCharCode(c) : decimal);
  STRING_TEXT.push(c === 0x22 ? '\\"' : c === 0x5c ? '\\\\' : printable ? String.fromCharCode(c) : decimal);
  HEX2.push(c.toString(16).padStart(2, '0'));
}

/**
 * Why the last name or record step failed. Module-level so that reading a name
 * allocates nothing but its text (decoding is synchronous and never re-entered).
 */
let faultCut = false;
/** Absolute offset of the faulty byte. */
let faultAt = 0;
/** For a cut: the absolute offset the bytes had to reach. */
let faultNeed = 0;
let faultMessage = '';
/** Offset just after the name that readName read (after its first pointer when compressed). */
let nameEnd = 0;

function fail(cutShort: boolean, at: number, need: number, message: string): null {
  faultCut = cutShort;
  faultAt = at;
  faultNeed = need;
  faultMessage = message;
  return null;
}

export function decodeDns(ctx: DecodeContext, offset: number, end: number): NextKind {
  const available = end - offset;
  // The message was cut by the capture (rather than malformed) when UDP announced more than we hold.
  const carrier = ctx.target.count > 0 ? ctx.target.items[ctx.target.count - 1] : null;
  const cut = ctx.quotedDepth > 0 || (carrier !== null && carrier.proto === 'udp' && carrier.length !== 0
    ? carrier.length - UdpLength.HEADER > available
    : ctx.snapTruncated);
  if (available < DNS_HEADER_LEN) {
    if (cut) {
      ctx.truncated('dns', offset, DNS_HEADER_LEN, available, 'DNS header');
    } else {
      ctx.issue('dns', offset, 'bad-field',
        `The DNS message is ${available} bytes long, shorter than the ${DNS_HEADER_LEN}-byte DNS header.`);
    }
    return Next.None;
  }
  const dv = ctx.dv;
  const dns = ctx.dns.take();
  dns.offset = offset - ctx.frameStart;
  dns.id = dv.getUint16(offset + DnsField.ID);
  const flags = dv.getUint16(offset + DnsField.FLAGS);
  dns.qr = (flags & FLAG_QR) !== 0;
  dns.opcode = (flags >>> OPCODE_SHIFT) & 0xf;
  dns.aa = (flags & FLAG_AA) !== 0;
  dns.tc = (flags & FLAG_TC) !== 0;
  dns.rd = (flags & FLAG_RD) !== 0;
  dns.ra = (flags & FLAG_RA) !== 0;
  dns.rcode = flags & RCODE_MASK;
  dns.qdcount = dv.getUint16(offset + DnsField.QDCOUNT);
  dns.ancount = dv.getUint16(offset + DnsField.ANCOUNT);
  dns.nscount = dv.getUint16(offset + DnsField.NSCOUNT);
  dns.arcount = dv.getUint16(offset + DnsField.ARCOUNT);
  dns.questions = [];
  dns.answers = [];
  ctx.target.push(dns, LayerKind.Dns);
  decodeRecords(ctx, dns, offset, end, cut);
  return Next.None;
}

/** Questions, then answers, until the counts are met, a fault stops us, or MAX_DNS_RECORDS. */
function decodeRecords(ctx: DecodeContext, dns: DnsLayer, msg: number, end: number, cut: boolean): void {
  const dv = ctx.dv;
  const total = dns.qdcount + dns.ancount;
  let at = msg + DNS_HEADER_LEN;
  for (let i = 0; i < total; i++) {
    const isQuestion = i < dns.qdcount;
    const what = isQuestion ? `question ${i + 1}` : `answer ${i - dns.qdcount + 1}`;
    if (i === MAX_DNS_RECORDS) {
      ctx.issue('dns', at, 'unsupported',
        `The DNS header announces ${dns.qdcount} questions and ${dns.ancount} answers; only the first ${MAX_DNS_RECORDS} records are decoded.`);
      return;
    }
    if (at >= end) {
      // Nothing left: the header announces more records than the message holds.
      if (cut) {
        ctx.truncated('dns', at, isQuestion ? MIN_QUESTION_LEN : MIN_RR_LEN, 0, `DNS ${what}`);
      } else {
        const count = isQuestion ? dns.qdcount : dns.ancount;
        const done = isQuestion ? i : i - dns.qdcount;
        ctx.issue('dns', msg + (isQuestion ? DnsField.QDCOUNT : DnsField.ANCOUNT), 'bad-field',
          `The DNS header announces ${count} ${isQuestion ? 'questions' : 'answers'} but the message ends after ${done}.`);
      }
      return;
    }
    const name = readName(ctx, at, msg, end, end);
    if (name === null) return reportFault(ctx, at, end, cut, what);
    const fields = nameEnd;
    if (isQuestion) {
      if (fields + QUESTION_FIXED_LEN > end) {
        fail(true, fields, fields + QUESTION_FIXED_LEN, `The DNS message ends inside the type and class of ${what}.`);
        return reportFault(ctx, at, end, cut, what);
      }
      const question: DnsQuestion = {
        name,
        type: dv.getUint16(fields + DnsRecordField.TYPE),
        class: dv.getUint16(fields + DnsRecordField.CLASS),
      };
      dns.questions.push(question);
      at = fields + QUESTION_FIXED_LEN;
      continue;
    }
    if (fields + RR_FIXED_LEN > end) {
      fail(true, fields, fields + RR_FIXED_LEN, `The DNS message ends inside the fixed fields of ${what}.`);
      return reportFault(ctx, at, end, cut, what);
    }
    const type = dv.getUint16(fields + DnsRecordField.TYPE);
    const rdLength = dv.getUint16(fields + DnsRecordField.RDLENGTH);
    const rdata = fields + DnsRecordField.RDATA;
    if (rdata + rdLength > end) {
      fail(true, fields + DnsRecordField.RDLENGTH, rdata + rdLength,
        `The RDLENGTH ${rdLength} of DNS ${what} runs ${rdata + rdLength - end} bytes past the end of the message.`);
      return reportFault(ctx, at, end, cut, what);
    }
    const text = rdataText(ctx, type, rdata, rdLength, msg, end, what);
    const answer: DnsAnswer = {
      name,
      type,
      class: dv.getUint16(fields + DnsRecordField.CLASS),
      ttl: dv.getUint32(fields + DnsRecordField.TTL),
      data: text ?? hex(ctx.bytes, rdata, rdLength),
    };
    dns.answers.push(answer);
    if (text === null) {
      // A broken name inside the RDATA: report it and trust nothing after it.
      ctx.issue('dns', faultAt, 'bad-field', faultMessage);
      return;
    }
    at = rdata + rdLength;
  }
}

/** A cut capture is 'truncated' at the record that was cut; anything else 'bad-field' at the faulty byte. */
function reportFault(ctx: DecodeContext, start: number, end: number, cut: boolean, what: string): void {
  if (faultCut && cut) ctx.truncated('dns', start, faultNeed - start, end - start, `DNS ${what}`);
  else ctx.issue('dns', faultAt, 'bad-field', faultMessage);
}

/**
 * Read the name at `at` of the message that starts at `msg` and ends at `end`. Its
 * labels up to the first pointer must end by `inlineEnd` (the RDATA end for a name
 * inside RDATA); a pointer may lead anywhere in the message. Returns the text and sets
 * `nameEnd`, or returns null with the fault set.
 */
function readName(ctx: DecodeContext, at: number, msg: number, inlineEnd: number, end: number): string | null {
  const bytes = ctx.bytes;
  const where = at - msg;
  let bound = inlineEnd;
  let pos = at;
  let after = -1;
  let jumps = 0;
  let wireLength = 0;
  let text = '';
  for (;;) {
    if (pos >= bound) return pastBound(pos, pos + 1, bound, end, where);
    const length = bytes[pos];
    const kind = length & LABEL_POINTER;
    if (kind === 0) {
      if (length === 0) {
        if (after < 0) after = pos + 1;
        break;
      }
      if (pos + 1 + length > bound) return pastBound(pos, pos + 1 + length, bound, end, where);
      wireLength += 1 + length;
      if (wireLength + 1 > MAX_NAME_WIRE_LEN) {
        return fail(false, pos, 0,
          `The DNS name at offset ${where} of the message is longer than ${MAX_NAME_WIRE_LEN} bytes (RFC 1035 section 3.1).`);
      }
      if (text.length > 0) text += '.';
      for (let i = pos + 1; i <= pos + length; i++) text += LABEL_TEXT[bytes[i]];
      pos += 1 + length;
    } else if (kind === LABEL_POINTER) {
      if (pos + 2 > bound) return pastBound(pos, pos + 2, bound, end, where);
      const target = ((length << 8) | bytes[pos + 1]) & POINTER_MASK;
      if (after < 0) after = pos + 2;
      if (msg + target >= end) {
        return fail(true, pos, msg + target + 1,
          `A compression pointer in the DNS name at offset ${where} points to offset ${target}, past the ${end - msg}-byte message.`);
      }
      if (++jumps > MAX_POINTER_JUMPS) {
        return fail(false, pos, 0,
          `The DNS name at offset ${where} of the message follows more than ${MAX_POINTER_JUMPS} compression pointers: they loop.`);
      }
      pos = msg + target;
      bound = end;
    } else {
      // 01: extended label types (EDNS0 bit-string labels, retired by RFC 6891); 10: reserved.
      return fail(false, pos, 0,
        `The DNS name at offset ${where} of the message has length byte 0x${length.toString(16)}, of label type ${kind >>> 6}; only 0 (a label of up to ${MAX_LABEL_LEN} bytes) and 3 (a compression pointer) are defined.`);
    }
  }
  nameEnd = after;
  return text.length > 0 ? text : ROOT_NAME;
}

/** A label or pointer that needed bytes up to `need` but stopped at `bound`. */
function pastBound(pos: number, need: number, bound: number, end: number, where: number): null {
  if (bound < end) {
    return fail(false, pos, 0, `The DNS name in RDATA at offset ${where} of the message runs past the end of its RDATA.`);
  }
  return fail(true, pos, need, `The DNS name at offset ${where} of the message runs past the end of the message.`);
}

/**
 * RDATA as text. A wrong size for a known type is reported and shown as hex; a broken
 * name inside the RDATA returns null with the fault set (the caller stops there).
 */
function rdataText(
  ctx: DecodeContext, type: number, at: number, length: number, msg: number, end: number, what: string,
): string | null {
  const dv = ctx.dv;
  const stop = at + length;
  let minimum = 0;
  switch (type) {
    case DnsType.A:
      if (length === 4) return formatIpv4(dv.getUint32(at));
      minimum = 4;
      break;
    case DnsType.AAAA:
      if (length === 16) return formatIpv6(dv.getUint32(at), dv.getUint32(at + 4), dv.getUint32(at + 8), dv.getUint32(at + 12));
      minimum = 16;
      break;
    case DnsType.NS:
    case DnsType.CNAME:
    case DnsType.PTR:
      return embeddedName(ctx, at, stop, msg, end, '', what);
    case DnsType.MX:
      if (length >= 3) return embeddedName(ctx, at + 2, stop, msg, end, `${dv.getUint16(at)} `, what);
      minimum = 3;
      break;
    case DnsType.SRV:
      if (length >= 7) {
        return embeddedName(ctx, at + 6, stop, msg, end, `${dv.getUint16(at)} ${dv.getUint16(at + 2)} ${dv.getUint16(at + 4)} `, what);
      }
      minimum = 7;
      break;
    case DnsType.TXT:
      return txtText(ctx, at, stop, what);
    default:
      return hex(ctx.bytes, at, length);
  }
  const exact = type === DnsType.A || type === DnsType.AAAA;
  ctx.issue('dns', at - 2, 'bad-field',
    `The RDLENGTH of DNS ${what} (${typeName(type)}) is ${length}; it must be ${exact ? '' : 'at least '}${minimum}.`);
  return hex(ctx.bytes, at, length);
}

/** A name that fills the RDATA [at, stop), with `prefix` before it; null when the name is broken. */
function embeddedName(
  ctx: DecodeContext, at: number, stop: number, msg: number, end: number, prefix: string, what: string,
): string | null {
  const name = readName(ctx, at, msg, stop, end);
  if (name === null) {
    faultCut = false; // the RDATA was captured whole: whatever is wrong is in the bytes
    return null;
  }
  if (nameEnd !== stop) {
    ctx.issue('dns', nameEnd, 'bad-field',
      `The name in the RDATA of DNS ${what} ends ${stop - nameEnd} byte${stop - nameEnd === 1 ? '' : 's'} before the RDATA does.`);
  }
  return prefix + name;
}

/** TXT RDATA: each character-string in double quotes, separated by spaces (dig's form). */
function txtText(ctx: DecodeContext, at: number, stop: number, what: string): string {
  const bytes = ctx.bytes;
  let s = '';
  let i = at;
  while (i < stop) {
    const length = bytes[i];
    if (i + 1 + length > stop) {
      ctx.issue('dns', i, 'bad-field',
        `A ${length}-byte string in the TXT RDATA of DNS ${what} runs ${i + 1 + length - stop} bytes past the end of the RDATA.`);
      return hex(bytes, at, stop - at);
    }
    if (s.length > 0) s += ' ';
    s += '"';
    for (let j = i + 1; j <= i + length; j++) s += STRING_TEXT[bytes[j]];
    s += '"';
    i += 1 + length;
  }
  return s;
}

function hex(bytes: Uint8Array, at: number, length: number): string {
  let s = '';
  for (let i = at; i < at + length; i++) s += HEX2[bytes[i]];
  return s;
}

function typeName(type: number): string {
  switch (type) {
    case DnsType.A: return 'A';
    case DnsType.AAAA: return 'AAAA';
    case DnsType.MX: return 'MX';
    default: return 'SRV';
  }
}

// A decoded frame as one text line or one NDJSON object.

import type { RawFrame } from '../capture/types.js';
import { issueToJson, layerListToJson, safeText, StringSink, writeLayers, type DecodedFrame, type TextSink } from '../decode/index.js';
import { isoTimestamp, writeClockTimestamp } from './timestamp.js';

/** The text line of a frame (without the newline) written to `out`: a string (frameText) or bytes (the CLI). */
export function writeFrameText(out: TextSink, raw: RawFrame, decoded: DecodedFrame): void {
  out.num(raw.no);
  out.text(' ');
  writeClockTimestamp(out, raw.tsSec, raw.tsNsec, raw.iface.unitsPerSecond > 1_000_000 ? 9 : 6);
  out.text(' ');
  if (raw.iface.name !== null) {
    out.text(safeName(raw.iface.name));
    out.text(' ');
  }
  if (decoded.direction !== null) out.text(decoded.direction === 'in' ? 'In ' : 'Out ');
  writeLayers(out, decoded.layers, raw.origLen);
  const captured = raw.end - raw.start;
  if (captured < raw.origLen) {
    out.text(' [captured ');
    out.num(captured);
    out.text(' of ');
    out.num(raw.origLen);
    out.text(' bytes]');
  }
  for (const issue of decoded.issues) {
    out.text(' [!');
    out.text(issue.kind);
    out.text(' ');
    out.text(issue.layer);
    out.text('@');
    out.num(issue.offset);
    out.text(': ');
    out.text(safeText(issue.message)); // decoders' sentences may quote capture bytes
    out.text(']');
  }
}

export function frameText(raw: RawFrame, decoded: DecodedFrame): string {
  const sink = new StringSink();
  writeFrameText(sink, raw, decoded);
  return sink.s;
}

// Interface names, escaped once rather than per frame (bounded: a file may declare many).
const safeNames = new Map<string, string>();
function safeName(name: string): string {
  let safe = safeNames.get(name);
  if (safe === undefined) {
    if (safeNames.size >= 1024) safeNames.clear();
    safe = safeText(name);
    safeNames.set(name, safe);
  }
  return safe;
}

export function frameJson(raw: RawFrame, decoded: DecodedFrame): Record<string, unknown> {
  const o: Record<string, unknown> = {
    no: raw.no,
    ts: isoTimestamp(raw.tsSec, raw.tsNsec),
    iface: raw.iface.name,
    dir: decoded.direction,
    len: raw.origLen,
    caplen: raw.end - raw.start,
    layers: layerListToJson(decoded.layers),
    issues: decoded.issues.map(issueToJson),
    file: raw.iface.fileIndex,
    offset: raw.fileOffset,
  };
  if (decoded.ifindex >= 0) o.ifindex = decoded.ifindex;
  if (raw.comments) o.comments = raw.comments;
  return o;
}

export function frameNdjson(raw: RawFrame, decoded: DecodedFrame): string {
  return terminalSafeJson(frameJson(raw, decoded));
}

const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
const JSON_UNSAFE_ALL = new RegExp(JSON_UNSAFE.source, 'g');

/**
 * JSON.stringify escapes C0 controls and unpaired surrogates but not DEL, C1 (U+009B is a
 * CSI for 8-bit terminals) or the characters that reorder or hide text (bidi overrides,
 * zero-width marks, U+2028): escape those too, as \uNNNN, so JSON printed to a terminal is
 * as safe as the text (the same set as safeText; see src/decode/escape.ts).
 */
export function terminalSafeJson(value: unknown): string {
  return terminalSafeJsonText(JSON.stringify(value));
}

/** terminalSafeJson for JSON already serialised (outside strings JSON has no such characters). */
export function terminalSafeJsonText(text: string): string {
  return JSON_UNSAFE.test(text) ? text.replace(JSON_UNSAFE_ALL, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : text;
}

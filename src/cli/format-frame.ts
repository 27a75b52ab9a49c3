// A decoded frame as one text line or one NDJSON object.

import type { RawFrame } from '../capture/types.js';
import { describeLayers, issueToJson, layerListToJson, safeText, type DecodedFrame } from '../decode/index.js';
import { clockTimestamp, isoTimestamp } from './timestamp.js';

const DIRECTION_TEXT = { in: 'In', out: 'Out' } as const;

export function frameText(raw: RawFrame, decoded: DecodedFrame): string {
  const digits = raw.iface.unitsPerSecond > 1_000_000 ? 9 : 6;
  let s = `${raw.no} ${clockTimestamp(raw.tsSec, raw.tsNsec, digits)} `;
  if (raw.iface.name !== null) s += safeText(raw.iface.name) + ' ';
  if (decoded.direction !== null) s += DIRECTION_TEXT[decoded.direction] + ' ';
  s += describeLayers(decoded.layers, raw.origLen);
  if (raw.end - raw.start < raw.origLen) s += ` [captured ${raw.end - raw.start} of ${raw.origLen} bytes]`;
  for (const issue of decoded.issues) s += ` [!${issue.kind} ${issue.layer}@${issue.offset}: ${issue.message}]`;
  return s;
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

/** JSON.stringify escapes C0 controls but not DEL and C1 (e.g. U+009B, a CSI for 8-bit terminals): escape those too. */
export function terminalSafeJson(value: unknown): string {
  const text = JSON.stringify(value);
  return /[\u007f-\u009f]/.test(text)
    ? text.replace(/[\u007f-\u009f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))
    : text;
}

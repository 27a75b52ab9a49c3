// Diff-friendly JSON: keys sorted, two-space indentation, and the elements of the arrays
// named in `lineArrays` (the change log) one per line, so that a change is one line of a
// git diff. Terminal-safe like the other JSON dockshark prints (DEL and C1 escaped).

import type { JsonValue } from '../../decode/index.js';

function text(s: string): string {
  const t = JSON.stringify(s);
  return /[\u007f-\u009f]/.test(t) ? t.replace(/[\u007f-\u009f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : t;
}

function scalar(v: JsonValue): string {
  return typeof v === 'string' ? text(v) : JSON.stringify(v);
}

/** One line: `{"frame": 3, "kind": "arp.new"}`. */
function compact(v: JsonValue): string {
  if (Array.isArray(v)) return `[${v.map(compact).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).filter((k) => v[k] !== undefined).sort().map((k) => `${text(k)}: ${compact(v[k])}`).join(', ')}}`;
  }
  return scalar(v);
}

function pretty(v: JsonValue, indent: string, oneLine: boolean, lineArrays: ReadonlySet<string>): string {
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    const items = v.map((x) => (oneLine ? compact(x) : pretty(x, inner, false, lineArrays)));
    return `[\n${items.map((x) => inner + x).join(',\n')}\n${indent}]`;
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    if (keys.length === 0) return '{}';
    const items = keys.map((k) => `${inner}${text(k)}: ${pretty(v[k], inner, lineArrays.has(k), lineArrays)}`);
    return `{\n${items.join(',\n')}\n${indent}}`;
  }
  return scalar(v);
}

export function stableJson(value: JsonValue, lineArrays: ReadonlySet<string> = new Set()): string {
  return pretty(value, '', false, lineArrays);
}

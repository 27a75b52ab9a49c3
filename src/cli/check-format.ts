// `check`'s differences in words, one line each, saying which entry and which frame:
//   FDB docker0: 02:42:ac:11:00:03 learned on veth2 at frame 18 in the expected run, learned on veth3 at frame 18 now
//   missing NAT translation udp snat 172.17.0.2:40000 > 198.51.100.1:53, ... (expected, first at frame 12)
//   change log: frame 31 expected arp.new 172.17.0.4 is-at ..., got nothing
// Entries that differ only in frame numbers are listed when few; when many (a frame
// missing shifts every later number), each shift is one line with its range and an example.

import type { JsonValue } from '../decode/index.js';
import type { Comparison, Difference, Side } from '../verify/compare/difference.js';
import type { CompareOptions } from '../verify/compare/options.js';
import { canonical } from '../verify/compare/normalise.js';
import { NOUNS } from '../verify/compare/tables.js';

const SHOWN_FRAME_SHIFTS = 5;
const FRAME_WORDS: Record<string, string> = { frame: 'at frame', firstFrame: 'first at frame', lastFrame: 'last at frame', learnedFrame: 'learned at frame' };

const value = (v: JsonValue | number | undefined): string => (v === undefined ? 'nothing' : typeof v === 'string' ? v : canonical(v));
const at = (s: Side): string => (s.first === null ? '' : ` at frame ${s.first}`);
const firstAt = (s: Side, when: string): string => (s.first === null ? when : `${when}, first at frame ${s.first}`);

/** What a missing or extra entry is called: `FDB docker0 entry`, `NAT translation`. */
function label(d: Difference): string {
  if (d.table === 'fdb' || d.table === 'vni-fdb' || d.table === 'vni-arp' || d.table === 'vtep') return `${d.scope} entry`;
  if (d.table === 'other') return `report section ${d.scope}`;
  return NOUNS[d.table as keyof typeof NOUNS] ?? d.scope;
}

/** `FDB docker0: 02:42:ac:11:00:03`, `bridge docker0`, `capture`. */
function where(d: Difference): string {
  if (d.key === '') return d.scope;
  return ['bridge', 'interface', 'vni', 'tunnel'].includes(d.table) ? `${d.scope} ${d.key}` : `${d.scope}: ${d.key}`;
}

function both(d: Difference, of: (s: Side, field: string) => string): string {
  const e = d.expected as Side;
  const a = d.actual as Side;
  return `${d.fields.map((f) => of(e, f)).join(', ')} in the expected run, ${d.fields.map((f) => of(a, f)).join(', ')} now`;
}

const frameOf = (s: Side, f: string): string => `${FRAME_WORDS[f] ?? f} ${value(s.frames[f])}`;

function changeLine(d: Difference): string {
  const e = d.expected;
  const a = d.actual;
  if (d.kind === 'missing' && e) return `change log: frame ${e.first ?? '-'} expected ${e.text}, got nothing`;
  if (d.kind === 'extra' && a) return `change log: frame ${a.first ?? '-'} got ${a.text}, not expected`;
  if (!e || !a) return `change log: ${d.key}`;
  if (d.kind === 'frames') return `change log: ${e.text} ${both(d, frameOf)}`;
  if (d.kind === 'moved') return `change log: ${e.text} at frame ${e.first ?? '-'} in the expected run, at frame ${a.first ?? '-'} now (moved in the log)`;
  const detail = e.text === a.text ? ` (${d.fields.map((f) => `${f} ${value(e.value[f])} expected, ${value(a.value[f])} now`).join('; ')})` : '';
  return `change log: frame ${e.first ?? '-'} expected ${e.text}, got ${a.text} at frame ${a.first ?? '-'}${detail}`;
}

export function differenceLine(d: Difference): string {
  if (d.table === 'change') return changeLine(d);
  const e = d.expected;
  const a = d.actual;
  if (d.kind === 'missing' && e) return `missing ${label(d)} ${e.fact} (${firstAt(e, 'expected')})`;
  if (d.kind === 'extra' && a) return `extra ${label(d)} ${a.fact} (${firstAt(a, 'not expected')})`;
  if (!e || !a) return where(d);
  if (d.kind === 'counts') return `${where(d)}: ${both(d, (s, f) => `${f} ${value(s.counts[f])}`)}`;
  if (d.kind === 'frames') return `${where(d)} ${e.text}: ${both(d, frameOf)}`;
  if (e.text !== a.text) return `${where(d)} ${e.text}${at(e)} in the expected run, ${a.text}${at(a)} now`;
  return `${where(d)} ${e.text}: ${both(d, (s, f) => `${f} ${value(s.value[f])}`)}`;
}

/** Many entries differing only in frame numbers: one line per shift (expected frame -> now) that several share. */
function frameShifts(shifts: Difference[]): string[] {
  if (shifts.length <= SHOWN_FRAME_SHIFTS) return shifts.map(differenceLine);
  const groups = new Map<number, Difference[]>();
  const was = (d: Difference): number => (d.expected as Side).frames[d.fields[0]];
  const single: string[] = [];
  for (const d of shifts) {
    const delta = (d.actual as Side).frames[d.fields[0]] - was(d);
    if (Number.isNaN(delta)) single.push(differenceLine(d)); // a frame field one side lacks
    else groups.set(delta, [...(groups.get(delta) ?? []), d]);
  }
  return [...single, ...[...groups].sort((x, y) => was(x[1][0]) - was(y[1][0])).flatMap(([delta, list]) => {
    if (list.length < 3) return list.map(differenceLine);
    const frames = list.map(was);
    const n = Math.abs(delta);
    return [`frame numbers: ${list.length} entries and changes that otherwise agree are ${n} frame${n === 1 ? '' : 's'} ${delta < 0 ? 'earlier' : 'later'} now, `
      + `from expected frame ${Math.min(...frames)} to ${Math.max(...frames)} (e.g. ${differenceLine(list[0])})`];
  })];
}

export function checkText(result: Comparison): string[] {
  const shifts = result.differences.filter((d) => d.kind === 'frames');
  return [...result.differences.filter((d) => d.kind !== 'frames').map(differenceLine), ...frameShifts(shifts)];
}

export function checkSummary(result: Comparison, options: CompareOptions, expected: string): string {
  const ignored = [...options.ignore].sort();
  const how = [...(ignored.length > 0 ? [`ignored: ${ignored.join(', ')}`] : []), ...(options.matchBy === 'ip' ? ['MACs matched by IP'] : [])];
  return `check: ${result.agree} agree, ${result.differences.length} differ from ${expected}${how.length > 0 ? ` (${how.join('; ')})` : ''}.`;
}

// One row of a report (a table entry or a change) made comparable under the options:
// MACs renamed (match-by ip), sender-picked identifiers masked (ignore ports), and its
// fields split into the compared value, the traffic counters and the frame numbers, which
// are compared (and reported) separately.

import type { JsonValue } from '../../decode/index.js';
import type { CompareOptions } from './options.js';

export type Obj = { [key: string]: JsonValue };

/** One run's own knowledge that the comparison needs. */
export interface RunContext {
  readonly options: CompareOptions;
  /** MACs seen only in IPv6 housekeeping (used when ipv6-noise is ignored). */
  readonly noiseMacs: ReadonlySet<string>;
  /** MAC -> `mac-of(IP)` (match-by ip; empty otherwise). */
  readonly labels: ReadonlyMap<string, string>;
}

export interface Normalised {
  readonly value: Obj;
  readonly counts: Readonly<Record<string, number>>;
  readonly frames: Readonly<Record<string, number>>;
  /** The first frame the row names (shown even when frames are not compared). */
  readonly first: number | null;
}

const FRAME_FIELDS = new Set(['frame', 'firstFrame', 'lastFrame', 'learnedFrame']);
const TIME_FIELDS = new Set(['idleSeconds', 'afterAgeing']);
const COUNT_FIELDS = new Set(['frames', 'packets', 'ingress', 'fromHost', 'forwarded', 'toHost', 'filtered', 'flooded',
  'undetermined', 'learned', 'moved', 'expired', 'moves', 'macs', 'largestInner', 'ignored', 'mtuCounts']);
const MAC = /\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b/gi;

const isObj = (v: JsonValue | undefined): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function mapStrings(v: JsonValue, f: (s: string) => string): JsonValue {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapStrings(x, f)]));
  return v;
}

function someString(v: JsonValue, test: (s: string) => boolean): boolean {
  if (typeof v === 'string') return test(v);
  if (Array.isArray(v)) return v.some((x) => someString(x, test));
  return isObj(v) && Object.values(v).some((x) => someString(x, test));
}

/** A row about IPv6 housekeeping: a MAC seen only in it, a 33:33 MAC, a link-local or multicast IPv6 address. */
export function isNoise(row: Obj, ctx: RunContext): boolean {
  return someString(row, (s) => ctx.noiseMacs.has(s) || /^33:33:/i.test(s) || /^(fe[89ab][0-9a-f]|ff[0-9a-f]{2}):/i.test(s));
}

/**
 * A NAT connection's client port (the original source port) and ICMP echo id are the
 * sender's pick; the reply's destination port (or id) keeps only whether NAT remapped it.
 */
function maskPorts(row: Obj): Obj {
  const out: Obj = { ...row };
  if (isObj(row.original) && isObj(row.reply)) {
    const o: Obj = { ...row.original };
    const r: Obj = { ...row.reply };
    for (const [from, to] of [['sport', 'dport'], ['id', 'id']]) {
      if (o[from] === undefined) continue;
      r[to] = o[from] === r[to] ? 'kept' : 'remapped';
      o[from] = '*';
    }
    out.original = o;
    out.reply = r;
  }
  if (row.kind === 'nat.remap') out.from = out.to = '*';
  if (row.kind === 'overlay.mtu' && row.id !== undefined) out.id = '*'; // the IP identification
  return out;
}

function addCount(into: Record<string, number>, key: string, v: JsonValue): void {
  if (typeof v === 'number') into[key] = v;
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) addCount(into, `${key}.${k}`, x);
}

/** `drop`: fields never compared (explanatory sentences that repeat the compared fields). */
export function normalise(row: Obj, ctx: RunContext, drop: readonly string[] = []): Normalised {
  const { ignore } = ctx.options;
  let r = ctx.labels.size > 0 ? (mapStrings(row, (s) => s.replace(MAC, (m) => ctx.labels.get(m.toLowerCase()) ?? m)) as Obj) : row;
  if (ignore.has('ports')) r = maskPorts(r);
  const value: Obj = {};
  const counts: Record<string, number> = {};
  const frames: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) {
    if (drop.includes(k)) continue;
    if (FRAME_FIELDS.has(k) && typeof v === 'number') frames[k] = v;
    else if (TIME_FIELDS.has(k)) {
      if (!ignore.has('time')) value[k] = v;
    } else if (COUNT_FIELDS.has(k) && (typeof v === 'number' || isObj(v))) addCount(counts, k, v);
    else value[k] = v;
  }
  const first = typeof row.firstFrame === 'number' ? row.firstFrame : typeof row.frame === 'number' ? row.frame : null;
  return { value, counts, frames, first };
}

/** JSON with sorted keys: equal values give equal strings. */
export function canonical(v: JsonValue | undefined): string {
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObj(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

// Parses `conntrack -L` text (conntrack-tools): the plain format, `-o extended` (with
// the `ipv4 2` family columns), `-o extended,id`, and `conntrack -E -o timestamp,extended`
// event lines, into entries with the original and reply tuples in the shape of the
// NAPT engine's report.
//
//   udp      17 29 src=172.17.0.2 dst=198.51.100.1 sport=40000 dport=7 src=198.51.100.1 dst=198.51.100.2 sport=7 dport=40000 mark=0 use=1
//   ipv4     2 udp      17 27 src=172.17.0.3 dst=198.51.100.1 sport=40000 dport=7 src=198.51.100.1 dst=198.51.100.2 sport=7 dport=49383 mark=0 use=1
//   ipv4     2 icmp     1 29 src=... dst=... type=8 code=0 id=4660 src=... dst=... type=0 code=0 id=37473 mark=0 use=1
//   [1795387690.581983]	    [NEW] ipv4     2 icmp     1 30 src=... [UNREPLIED] src=... id=4660
//
// The first src= starts the original tuple, the second the reply tuple; tuple keys
// (src dst sport dport type code id) after the reply's start belong to it until the
// first other key (mark, use, zone, ...): an `id=` after that is the conntrack id.

import { TopologyError, quote } from './errors.js';
import { Topology } from './model.js';
import type { ConntrackEntry, ConntrackTuple } from './types.js';

export type { ConntrackEntry, ConntrackTuple };

const TUPLE_KEYS = new Set(['src', 'dst', 'sport', 'dport', 'type', 'code', 'id']);

/** One entry, or null when the line is not one (blank, the summary conntrack prints on standard error, anything else). */
export function parseConntrackLine(line: string): ConntrackEntry | null {
  let rest = line.trim();
  if (rest === '') return null;
  let time: number | null = null;
  let event: string | null = null;
  const ts = /^\[(\d+(?:\.\d+)?)\]\s*/.exec(rest);
  if (ts) {
    time = Number(ts[1]);
    rest = rest.slice(ts[0].length);
  }
  const ev = /^\[([A-Z]+)\]\s*/.exec(rest);
  if (ev) {
    event = ev[1];
    rest = rest.slice(ev[0].length);
  }
  const tokens = rest.split(/\s+/);
  // `-o extended` adds the layer-3 family and its number in front
  const family = tokens[0] === 'ipv4' || tokens[0] === 'ipv6' ? tokens[0] : null;
  const at = family === null ? 0 : 2;
  if (tokens.length < at + 3 || !/^[a-z0-9-]+$/.test(tokens[at]) || !/^\d+$/.test(tokens[at + 1]) || !/^\d+$/.test(tokens[at + 2])) return null;
  const proto = tokens[at];
  const protonum = Number(tokens[at + 1]);
  const timeout = Number(tokens[at + 2]);
  let i = at + 3;
  let state: string | null = null;
  if (i < tokens.length && /^[A-Z_]+$/.test(tokens[i])) state = tokens[i++];
  const original = new Map<string, string>();
  const reply = new Map<string, string>();
  const flags: string[] = [];
  let ctid: number | null = null;
  let phase = 0; // 0 before/in original, 1 in reply, 2 after the reply's tuple keys
  let srcSeen = 0;
  for (; i < tokens.length; i++) {
    const t = tokens[i];
    const flag = /^\[([A-Z_]+)\]$/.exec(t);
    if (flag) {
      flags.push(flag[1]);
      continue;
    }
    const eq = t.indexOf('=');
    if (eq < 0) continue;
    const key = t.slice(0, eq);
    const value = t.slice(eq + 1);
    if (key === 'src') {
      srcSeen++;
      if (srcSeen === 2) phase = 1;
    }
    if (phase === 0 && TUPLE_KEYS.has(key)) original.set(key, value);
    else if (phase === 1 && TUPLE_KEYS.has(key)) reply.set(key, value);
    else if (phase === 2 && key === 'id') ctid = Number(value);
    else if (phase === 1) phase = 2; // mark=, use=, zone=, ...: the tuples are over
  }
  if (!original.has('src')) return null; // a line about connections always has a tuple
  return { family, proto, protonum, timeout, state, original: toTuple(original), reply: toTuple(reply), flags, ctid, event, time, line };
}

function toTuple(fields: Map<string, string>): ConntrackTuple {
  const tuple: ConntrackTuple = { src: fields.get('src') ?? '', dst: fields.get('dst') ?? '' };
  for (const key of ['sport', 'dport', 'type', 'code', 'id'] as const) {
    const value = fields.get(key);
    if (value !== undefined) tuple[key] = Number(value);
  }
  return tuple;
}

/** Every entry of `text`, skipping lines that are not entries (for tests that read the lab's dumps). */
export function parseConntrack(text: string): ConntrackEntry[] {
  const out: ConntrackEntry[] = [];
  for (const line of text.split('\n')) {
    const entry = parseConntrackLine(line);
    if (entry) out.push(entry);
  }
  return out;
}

/** What `conntrack -L` prints last (on standard error, so in a file only with `2>&1`). */
const SUMMARY = /^conntrack v[\d.]+ \(conntrack-tools\): \d+ flow entr(y|ies) (has|have) been shown\.$/;

const GIVE = 'the output of `conntrack -L` (or `conntrack -L -o extended`)';

/** A `conntrack -L` dump as a topology: every line must be an entry whose numbers are numbers. */
export function parseConntrackText(text: string, source: string): Topology {
  const entries: (ConntrackEntry & { file: string })[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '' || SUMMARY.test(line.trim())) return;
    const entry = parseConntrackLine(line);
    const numbers = entry === null ? [] : [entry.original, entry.reply].flatMap((t) => [t.sport, t.dport, t.type, t.code, t.id]).concat(entry.ctid ?? 0, entry.time ?? 0);
    if (entry === null || !numbers.every((n) => n === undefined || Number.isFinite(n)) || entry.original.dst === '') {
      throw new TopologyError(`${source}: line ${i + 1} (${quote(line.trim())}) is not a conntrack entry; give ${GIVE}.`);
    }
    entries.push({ ...entry, file: source });
  });
  return new Topology([], { conntrack: entries });
}

/** The mirror of a tuple: what the other direction carries when nothing is translated. */
function mirrors(original: ConntrackTuple, reply: ConntrackTuple): boolean {
  if (original.src !== reply.dst || original.dst !== reply.src) return false;
  if (original.sport !== reply.dport || original.dport !== reply.sport) return false;
  return original.id === reply.id;
}

/** Translated: the reply tuple is not the mirror of the original (conntrack's IPS_NAT_MASK, seen from outside). */
export function isTranslated(entry: ConntrackEntry): boolean {
  return !mirrors(entry.original, entry.reply);
}

/** Which half of the original direction was translated. */
export function translationOf(entry: ConntrackEntry): { snat: boolean; dnat: boolean } {
  const o = entry.original;
  const r = entry.reply;
  return {
    snat: o.src !== r.dst || o.sport !== r.dport || (o.id !== undefined && o.id !== r.id),
    dnat: o.dst !== r.src || o.dport !== r.sport,
  };
}

/** The entry's tuples in the NAPT engine's report shape ({src,dst,sport,dport} or {src,dst,id} for ICMP). */
export function asReportTuples(entry: ConntrackEntry): { proto: string; original: Record<string, string | number> ; reply: Record<string, string | number> } {
  const shape = (t: ConntrackTuple): Record<string, string | number> =>
    entry.proto === 'icmp' ? { src: t.src, dst: t.dst, id: t.id ?? -1 } : { src: t.src, dst: t.dst, sport: t.sport ?? -1, dport: t.dport ?? -1 };
  return { proto: entry.proto, original: shape(entry.original), reply: shape(entry.reply) };
}

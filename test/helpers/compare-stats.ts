// Compares `dockshark stats --json --endpoints` with tshark's conversation and endpoint
// tables (tshark-conv.ts). A difference is a Problem; the test matches each against the
// exceptions file, where every legitimate one is listed with its reason.
import { readFileSync } from 'node:fs';
import type { ConversationReport, EndpointReport, StatsReport } from '../../src/analysis/conversation-report.js';
import { TSHARK_TABLES, type Bytes, type TsharkConversation, type TsharkStats, type TsharkTable } from './tshark-conv.js';

export interface Problem {
  /** 'eth' ... 'tcp' for conversations, 'endpoints:eth' ... for endpoints. */
  table: string;
  /** The conversation ("A <-> B", sorted) or endpoint address, as tshark prints it. */
  key: string;
  text: string;
}

export interface StatsException {
  file: string;
  table: string;
  /** Omitted: every difference in this table of this file. */
  key?: string;
  reason: string;
}

export function loadStatsExceptions(path: string): StatsException[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { exceptions: StatsException[] }).exceptions;
}

/** An address as tshark prints it: "address:port" for UDP/TCP, IPv6 without brackets. */
const text = (address: string, port: number | undefined): string => (port === undefined ? address : `${address}:${port}`);
const pairKey = (a: string, b: string): string => (a <= b ? `${a} <-> ${b}` : `${b} <-> ${a}`);
const inRange = (n: number, r: Bytes): boolean => n >= r.min && n <= r.max;
const range = (r: Bytes): string => (r.min === r.max ? String(r.min) : `${r.min}..${r.max}`);

export function compareStats(ours: StatsReport, theirs: TsharkStats): Problem[] {
  const problems: Problem[] = [];
  for (const table of TSHARK_TABLES) {
    const mine = ours[table];
    if (mine === undefined || mine.endpoints === undefined) throw new Error(`our report has no ${table} table with endpoints`);
    compareConversations(table, mine.conversations, theirs.conversations[table], problems);
    compareEndpoints(table, mine.endpoints, theirs.endpoints[table], problems);
  }
  return problems;
}

function compareConversations(table: TsharkTable, mine: readonly ConversationReport[], theirs: readonly TsharkConversation[], problems: Problem[]): void {
  const ourRows = new Map<string, ConversationReport>();
  for (const c of mine) ourRows.set(pairKey(text(c.a, c.aPort), text(c.b, c.bPort)), c);
  const theirRows = new Map<string, TsharkConversation[]>();
  for (const c of theirs) {
    const key = pairKey(c.a, c.b);
    theirRows.set(key, [...(theirRows.get(key) ?? []), c]);
  }
  for (const key of new Set([...ourRows.keys(), ...theirRows.keys()])) {
    const o = ourRows.get(key);
    const t = theirRows.get(key) ?? [];
    const say = (what: string) => problems.push({ table, key, text: `${table} ${key}: ${what}` });
    if (o === undefined) { say(`only tshark has it (${t.map((x) => x.frames).join('+')} frames)`); continue; }
    if (t.length === 0) { say(`only we have it (${o.frames} frames)`); continue; }
    if (t.length > 1) { say(`tshark splits it into ${t.length} conversations (${t.map((x) => x.frames).join('+')} frames), we have one of ${o.frames}`); continue; }
    const c = t[0];
    const a = text(o.a, o.aPort);
    if (a !== c.a) { say(`A is ${a} for us, ${c.a} for tshark`); continue; }
    for (const dir of ['aToB', 'bToA'] as const) {
      if (o[dir].frames !== c[dir].frames) say(`${dir} frames: ours ${o[dir].frames}, tshark ${c[dir].frames}`);
      if (!inRange(o[dir].bytes, c[dir].bytes)) say(`${dir} bytes: ours ${o[dir].bytes}, tshark ${range(c[dir].bytes)}`);
    }
    // tshark turns times into doubles (seconds) before printing the start to the nanosecond and the
    // duration to 0.1 ms: allow that rounding, and a double's precision at the time's size.
    const precision = (Math.abs(c.start) + Math.abs(c.duration)) * 5e-16;
    if (Math.abs(o.start - c.start) > 1.5e-9 + precision) say(`start: ours ${o.start.toFixed(9)}, tshark ${c.start.toFixed(9)}`);
    if (Math.abs(o.duration - c.duration) > 0.00005 + 1e-9 + precision) say(`duration: ours ${o.duration}, tshark ${c.duration.toFixed(4)}`);
  }
}

function compareEndpoints(table: TsharkTable, mine: readonly EndpointReport[], theirs: readonly { address: string; frames: number; bytes: number; tx: object; rx: object }[], problems: Problem[]): void {
  const t = new Map(theirs.map((e) => [e.address, e]));
  const o = new Map(mine.map((e) => [text(e.address, e.port), e]));
  const name = `endpoints:${table}`;
  for (const key of new Set([...o.keys(), ...t.keys()])) {
    const x = o.get(key);
    const y = t.get(key);
    const mineText = x && JSON.stringify({ frames: x.frames, bytes: x.bytes, tx: x.tx, rx: x.rx });
    const theirText = y && JSON.stringify({ frames: y.frames, bytes: y.bytes, tx: y.tx, rx: y.rx });
    if (mineText !== theirText) problems.push({ table: name, key, text: `${name} ${key}: ours ${mineText ?? 'absent'}, tshark ${theirText ?? 'absent'}` });
  }
}

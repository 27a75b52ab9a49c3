// Table entries of two runs matched by table, scope and key (several entries with one
// key, e.g. two connections that differ only in a masked port, match in order): an entry
// is missing, extra, changed in value, or differs only in its counters or frame numbers.

import type { JsonValue } from '../../decode/index.js';
import { differingFields, type Comparison, type Difference, type Side } from './difference.js';
import { canonical } from './normalise.js';
import type { CompareOptions } from './options.js';
import type { Entry } from './tables.js';

function side(e: Entry): Side {
  return { text: e.text, fact: e.fact, first: e.n.first, value: e.n.value, counts: e.n.counts, frames: e.n.frames };
}

function byId(entries: readonly Entry[]): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const seen = new Map<string, number>();
  for (const e of entries) {
    const id = `${e.table}\n${e.scope}\n${e.key}`;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    out.set(n === 1 ? id : `${id}\n${n}`, e);
  }
  return out;
}

const same = (a: unknown, b: unknown): boolean => canonical(a as JsonValue) === canonical(b as JsonValue);

export function compareEntries(expected: readonly Entry[], actual: readonly Entry[], options: CompareOptions): Comparison {
  const counted = !options.ignore.has('counts') && !options.ignore.has('ipv6-noise');
  const framed = !options.ignore.has('frames');
  const want = byId(expected);
  const got = byId(actual);
  const differences: Difference[] = [];
  let agree = 0;
  const diff = (kind: Difference['kind'], e: Entry, exp: Entry | null, act: Entry | null, fields: string[] = []): void => {
    differences.push({ kind, table: e.table, scope: e.scope, key: e.key, expected: exp && side(exp), actual: act && side(act), fields });
  };
  for (const [id, e] of want) {
    const a = got.get(id);
    if (a === undefined) {
      diff('missing', e, e, null);
      continue;
    }
    const values = differingFields(e.n.value, a.n.value, same);
    const counts = counted ? differingFields(e.n.counts, a.n.counts, same) : [];
    const frames = framed ? differingFields(e.n.frames, a.n.frames, same) : [];
    if (values.length > 0) diff('changed', e, e, a, values);
    else if (counts.length > 0) diff('counts', e, e, a, counts);
    else if (frames.length > 0) diff('frames', e, e, a, frames);
    else agree++;
  }
  for (const [id, a] of got) if (!want.has(id)) diff('extra', a, null, a);
  return { agree, differences };
}

// The change logs of two runs, aligned by content (frame numbers aside) so that one
// change missing does not make every later one differ. Within a stretch that does not
// align, or at the same frame, a missing and an extra change about the same thing (the same
// IP, MAC or connection) are one changed change, and the same change elsewhere in the log has moved.
// Aligned changes at other frames differ in frames.
// With time ignored, expiries (when the clock passed a deadline) are compared as a set.

import type { JsonValue } from '../../decode/index.js';
import { align } from './align.js';
import { differingFields, type Comparison, type Difference, type Side } from './difference.js';
import { canonical, isNoise, normalise, type Obj, type RunContext } from './normalise.js';
import { describeChange } from './phrases.js';

interface Item {
  readonly content: string;
  /** What the change is about: pairs a missing change with an extra one. */
  readonly subject: string;
  readonly kind: string;
  readonly side: Side;
}

/** The fields that say what a change is about, by its kind's group. */
const SUBJECT: Record<string, string[]> = {
  arp: ['ip', 'vni'], fdb: ['bridge', 'vni', 'mac'], nat: ['proto', 'original'], overlay: ['vni', 'mac', 'problem', 'src', 'dst'],
  tunnel: ['vni', 'local', 'remote'],
};

/** Never compared: an MTU problem's sentence repeats its fields (and names the IP id). */
const DROP: Record<string, string[]> = { 'overlay.mtu': ['reason'] };

function items(changes: readonly Obj[], ctx: RunContext): Item[] {
  const noise = ctx.options.ignore.has('ipv6-noise');
  return changes.filter((c) => !(noise && isNoise(c, ctx))).map((c) => {
    const kind = String(c.kind);
    const n = normalise(c, ctx, DROP[kind]);
    const about = SUBJECT[kind.split('.')[0]] ?? [];
    const subject = `${kind}\n${canonical(Object.fromEntries(about.filter((k) => n.value[k] !== undefined).map((k) => [k, n.value[k]])))}`;
    const text = describeChange(n.value);
    return { content: canonical(n.value), subject, kind, side: { text, fact: text, first: n.first, value: n.value, counts: n.counts, frames: n.frames } };
  });
}

const same = (a: unknown, b: unknown): boolean => canonical(a as JsonValue) === canonical(b as JsonValue);

function difference(kind: Difference['kind'], expected: Item | null, actual: Item | null, fields: string[] = []): Difference {
  const key = (expected ?? actual) as Item;
  return { kind, table: 'change', scope: 'change log', key: key.kind, expected: expected?.side ?? null, actual: actual?.side ?? null, fields };
}

/** Expiries as a multiset: each expected one must happen, at any frame. */
function compareSets(want: Item[], got: Item[], out: Difference[]): number {
  const pool = new Map<string, Item[]>();
  for (const g of got) {
    const list = pool.get(g.content);
    if (list === undefined) pool.set(g.content, [g]);
    else list.push(g);
  }
  let agree = 0;
  for (const w of want) {
    const match = pool.get(w.content)?.shift();
    if (match === undefined) out.push(difference('missing', w, null));
    else agree++;
  }
  for (const rest of pool.values()) for (const g of rest) out.push(difference('extra', null, g));
  return agree;
}

/**
 * The changes left out of the alignment, with the stretch each sat in: the same change
 * elsewhere in the other log has moved; one about the same thing in the same stretch has
 * changed; the rest are missing or extra.
 */
function unaligned(want: [Item, number][], got: [Item, number][], differences: Difference[]): void {
  const out: Difference[] = [];
  /** Pairs each `want` with the first unpaired `got` of the same key (maps: logs can be long); returns the unpaired. */
  const pair = (wants: [Item, number][], gots: [Item, number][], key: (x: [Item, number]) => string,
    make: (w: Item, g: Item) => Difference): [[Item, number][], [Item, number][]] => {
    const pool = new Map<string, [Item, number][]>();
    for (const g of gots) {
      const list = pool.get(key(g));
      if (list === undefined) pool.set(key(g), [g]);
      else list.push(g);
    }
    const paired = new Set<[Item, number]>();
    const rest = wants.filter((w) => {
      const g = pool.get(key(w))?.shift();
      if (g === undefined) return true;
      paired.add(g);
      out.push(make(w[0], g[0]));
      return false;
    });
    return [rest, gots.filter((g) => !paired.has(g))];
  };
  const [w1, g1] = pair(want, got, ([i]) => i.content, (w, g) => difference('moved', w, g));
  const changed = (w: Item, g: Item) => difference('changed', w, g, differingFields(w.side.value, g.side.value, same));
  const [w2, g2] = pair(w1, g1, ([i, stretch]) => `${stretch}\n${i.subject}`, changed);
  // The same thing at the same frame, where the alignment put the two in neighbouring stretches
  // (one frame's changes from several engines can align in either order).
  let unframed = 0; // changes that name no frame pair with none here
  const [w3, g3] = pair(w2, g2, ([i]) => (i.side.first === null ? `\0${unframed++}` : `${i.side.first}\n${i.subject}`), changed);
  for (const [w] of w3) out.push(difference('missing', w, null));
  for (const [g] of g3) out.push(difference('extra', null, g));
  const frame = (d: Difference): number => (d.expected ?? d.actual)?.first ?? 0;
  differences.push(...out.sort((a, b) => frame(a) - frame(b)));
}

export function compareChanges(expected: readonly Obj[], actual: readonly Obj[], ctx: { expected: RunContext; actual: RunContext }): Comparison {
  const options = ctx.expected.options;
  if (options.ignore.has('changes')) return { agree: 0, differences: [] };
  let want = items(expected, ctx.expected);
  let got = items(actual, ctx.actual);
  const differences: Difference[] = [];
  let agree = 0;
  if (options.ignore.has('time')) {
    const expiry = (i: Item): boolean => i.kind.endsWith('.expire');
    agree += compareSets(want.filter(expiry), got.filter(expiry), differences);
    want = want.filter((i) => !expiry(i));
    got = got.filter((i) => !expiry(i));
  }
  const framed = !options.ignore.has('frames');
  const left: { want: [Item, number][]; got: [Item, number][] } = { want: [], got: [] };
  let stretch = 0;
  for (const op of align(want.map((i) => i.content), got.map((i) => i.content))) {
    if (op.op === '-') left.want.push([want[op.i], stretch]);
    else if (op.op === '+') left.got.push([got[op.j], stretch]);
    else {
      stretch++;
      const fields = framed ? differingFields(want[op.i].side.frames, got[op.j].side.frames, same) : [];
      if (fields.length > 0) differences.push(difference('frames', want[op.i], got[op.j], fields));
      else agree++;
    }
  }
  unaligned(left.want, left.got, differences);
  return { agree, differences };
}

// The report's tables as keyed entries: which rows each table has, what identifies a row
// (its key: a MAC, an IP, a connection's original tuple), and the row in words. The
// `inferred` topology is left out: it is derived from the tables compared here.

import type { JsonValue } from '../../decode/index.js';
import { isNoise, normalise, type Normalised, type Obj, type RunContext } from './normalise.js';
import type { TableId } from './options.js';
import { port, remap, str, tuple } from './phrases.js';

export interface Entry {
  readonly table: TableId;
  /** Where the entry lives: `FDB docker0`, `ARP`, `NAT`, `VXLAN vni 4097`. */
  readonly scope: string;
  readonly key: string;
  /** The compared value in words (without the key). */
  readonly text: string;
  /** The whole entry in one phrase (`diff` prints it). */
  readonly fact: string;
  readonly n: Normalised;
}

/** What each table's entry is called in a sentence. */
export const NOUNS: Record<TableId, string> = {
  capture: 'capture', interface: 'capture interface', bridge: 'bridge', fdb: 'FDB entry', arp: 'ARP resolution',
  nat: 'NAT translation', tunnel: 'VXLAN tunnel', vtep: 'VXLAN MAC-to-VTEP entry', mtu: 'VXLAN MTU trouble',
  vni: 'VXLAN network', 'vni-fdb': 'FDB entry', 'vni-arp': 'ARP resolution', departure: 'departure from the topology',
  other: 'report section',
};

// handled above, compared as the change log (events), or not compared: the inferred topology follows from the tables
const KNOWN = new Set(['frames', 'interfaces', 'bridges', 'arp', 'nat', 'overlay', 'events', 'inferred', 'departures', 'ipv6Housekeeping', 'sightings']);

const list = (v: JsonValue | undefined): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const without = (row: Obj, ...keys: string[]): Obj => Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));

interface Row { table: TableId; scope: string; row: Obj; index: number }

function rows(report: Obj): Row[] {
  const out: Row[] = [];
  const add = (table: TableId, scope: string, items: Obj[]): void => items.forEach((row, index) => out.push({ table, scope, row, index }));
  const overlay = (report.overlay ?? {}) as Obj;
  add('capture', 'capture', [{ frames: report.frames ?? null }, ...(report.overlay ? [{ ignored: overlay.ignored ?? null, mtuCounts: overlay.mtuCounts ?? null }] : [])]);
  add('interface', 'interface', list(report.interfaces));
  add('bridge', 'bridge', list(report.bridges).map((b) => without(b, 'fdb')));
  for (const b of list(report.bridges)) add('fdb', `FDB ${b.name ?? '(unnamed)'}`, list(b.fdb));
  add('arp', 'ARP', list(report.arp));
  add('nat', 'NAT', list(report.nat));
  add('tunnel', 'VXLAN', list(overlay.tunnels));
  for (const vni of [...new Set(list(overlay.fdb).map((e) => e.vni))]) add('vtep', `VXLAN vni ${str(vni)}`, list(overlay.fdb).filter((e) => e.vni === vni));
  add('mtu', 'VXLAN MTU', list(overlay.mtu));
  add('vni', 'VXLAN', list(overlay.vnis).map((v) => without(v, 'bridges', 'arp')));
  for (const v of list(overlay.vnis)) {
    for (const b of list(v.bridges)) add('vni-fdb', `FDB vni ${str(v.vni)}${b.name ? ` ${b.name}` : ''}`, list(b.fdb));
    add('vni-arp', `ARP vni ${str(v.vni)}`, list(v.arp));
  }
  add('departure', 'departure', list(report.departures));
  for (const k of Object.keys(report).sort()) if (!KNOWN.has(k)) add('other', k, [{ value: report[k] }]);
  return out;
}

const fdbText = (v: Obj): string => `${v.local === true ? 'local' : 'learned'} on ${port(v.port)}`;

/** key, text and (when not `key text`) fact of one normalised row. */
function words(table: TableId, v: Obj, index: number): [string, string, string?] {
  switch (table) {
    case 'capture': return ['', ''];
    case 'interface': return [v.name === null || v.name === undefined ? `#${index + 1}` : String(v.name), `link type ${str(v.linktype)}`];
    case 'bridge': return [v.name === null || v.name === undefined ? '(unnamed)' : String(v.name), v.ifindex === undefined ? '' : `ifindex ${str(v.ifindex)}`];
    case 'fdb': case 'vni-fdb': return [`${str(v.mac)}${v.vlan === null || v.vlan === undefined ? '' : ` vlan ${str(v.vlan)}`}`, fdbText(v)];
    case 'arp': case 'vni-arp': return [str(v.ip), `is-at ${str(v.mac)}`];
    case 'nat': {
      const proto = str(v.proto);
      const o = (v.original ?? {}) as Obj;
      const r = (v.reply ?? {}) as Obj;
      const rest = `reply ${tuple(r, proto)}${remap(r, proto)} (${str(v.inside)} -> ${str(v.outside)})`;
      return [`${proto} ${tuple(o, proto)}`, `${str(v.type)}, ${rest}`, `${proto} ${str(v.type)} ${tuple(o, proto)}, ${rest}`];
    }
    case 'tunnel': return [`vni ${str(v.vni)} ${str(v.local)} <-> ${str(v.remote)}`, `port ${str(v.port)}`];
    case 'vtep': return [str(v.mac), `behind ${str(v.vtep)}`, `vni ${str(v.vni)}: ${str(v.mac)} behind ${str(v.vtep)}`];
    case 'mtu': return [`${str(v.problem)} vni ${str(v.vni)} ${str(v.src)} > ${str(v.dst)}`, `mtu ${str(v.mtu)}, ${str(v.count)} time${v.count === 1 ? '' : 's'}`];
    case 'vni': return [`vni ${str(v.vni)}`, `VTEPs ${Array.isArray(v.vteps) ? v.vteps.join(', ') : '-'}`];
    case 'departure': return [str(v.message), str(v.kind)];
    case 'other': return ['', JSON.stringify(v.value ?? null)];
  }
}

/** Fields never compared: explanatory sentences that repeat the compared fields (an MTU problem's names the packet's IP id). */
const DROP: Partial<Record<TableId, string[]>> = { mtu: ['reason'] };

export function tableEntries(report: Obj, ctx: RunContext): Entry[] {
  const only = ctx.options.tables;
  const noise = ctx.options.ignore.has('ipv6-noise');
  const out: Entry[] = [];
  for (const { table, scope, row, index } of rows(report)) {
    if (only !== undefined && !only.has(table)) continue;
    if (noise && isNoise(row, ctx)) continue;
    const n = normalise(row, ctx, DROP[table]);
    const [key, text, fact] = words(table, { ...n.value, ...n.counts }, index);
    out.push({ table, scope, key, text, fact: fact ?? [key, text].filter((s) => s !== '').join(' '), n });
  }
  return out;
}

// The state panes' tables, from the replay's analyze-shaped report at the current step,
// with the rows this step's changes touched marked (matched by bridge+MAC, IP, NAT tuple,
// VNI+MAC), and entries the step removed (aged out, withdrawn) shown as removed rows.

import type { Change } from '../../analysis/types.js';
import type { JsonValue } from '../../decode/index.js';
import { RowCache } from './row-cache.js';
import { safe } from './text.js';

export type StatePaneId = 'fdb' | 'arp' | 'nat' | 'overlay';

export interface StateRow {
  /** Rows may be shared between steps (see RowCache): never changed once built. */
  readonly cells: readonly string[];
  /** 'changed': this step made or changed the entry; 'removed': this step removed it. */
  readonly mark: 'changed' | 'removed' | null;
}

export interface StateTable {
  readonly title: string;
  readonly columns: string[];
  readonly rows: StateRow[];
  /** Columns that may be left out, first to go first, when the pane is too narrow for all. */
  readonly optional?: readonly number[];
}

type Obj = Record<string, JsonValue>;
const list = (v: JsonValue | undefined): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const same = (a: JsonValue | undefined, b: JsonValue | undefined): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
/** The part of a change kind after its namespace: 'learn' for 'fdb.learn'. */
const verb = (kind: string): string => kind.slice(kind.indexOf('.') + 1);

function marked(cells: string[], hits: readonly Change[]): StateRow {
  return hits.length === 0 ? { cells: [...cells, ''], mark: null } : { cells: [...cells, hits.map((c) => verb(c.kind)).join(',')], mark: 'changed' };
}

export function stateTables(report: Obj, changes: readonly Change[]): Record<StatePaneId, StateTable[]> {
  return { fdb: paneTables('fdb', report, changes), arp: paneTables('arp', report, changes), nat: paneTables('nat', report, changes),
    overlay: paneTables('overlay', report, changes) };
}

/** One pane's tables only: the small terminal shows one pane at a time, and builds only that one. */
export function paneTables(pane: StatePaneId, report: Obj, changes: readonly Change[]): StateTable[] {
  switch (pane) {
    case 'fdb': return fdbTables(report, changes);
    case 'arp': return [arpTable(report, changes)];
    case 'nat': return [natTable(report, changes)];
    case 'overlay': return overlayTables(report, changes);
  }
}

/** IPs by MAC from the ARP table: shown beside MACs (names over numbers). */
export function ipsByMac(report: Obj): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of list(report.arp)) {
    const mac = String(e.mac);
    out.set(mac, [...(out.get(mac) ?? []), String(e.ip)]);
  }
  return out;
}

function fdbTables(report: Obj, changes: readonly Change[]): StateTable[] {
  const ips = ipsByMac(report);
  const bridgeChanges = changes.filter((c) => c.kind.startsWith('fdb.') && c.vni === undefined);
  const bridges = list(report.bridges);
  return bridges.map((bridge) => {
    const mine = bridgeChanges.filter((c) => same(c.bridge, bridge.name));
    const rows = list(bridge.fdb).map((e) => {
      const hits = mine.filter((c) => c.kind !== 'fdb.expire' && c.kind !== 'fdb.flood' && c.mac === e.mac && same(c.vlan, e.vlan));
      // The topology's name for the MAC (a container, an interface) goes beside its IPs.
      const known = [...(ips.get(String(e.mac)) ?? []), ...(typeof e.name === 'string' ? [safe(e.name)] : [])];
      return marked([safe(e.mac), safe(e.port), e.vlan === null ? '-' : safe(e.vlan), known.join(' '),
        e.local ? 'local' : '', safe(e.firstFrame), safe(e.lastFrame)], hits);
    });
    for (const c of mine.filter((x) => x.kind === 'fdb.expire')) {
      rows.push({ cells: [safe(c.mac), safe(c.port), c.vlan === null ? '-' : safe(c.vlan), '', '', '', safe(c.lastFrame), 'aged out'], mark: 'removed' });
    }
    const title = `FDB ${bridge.name === null ? '(bridge)' : safe(bridge.name)}`;
    const columns = ['mac', 'port', 'vlan', 'ip', 'local', 'first', 'last', ''];
    // Most bridges have no VLANs: their vlan column would only be dashes.
    if (rows.every((r) => r.cells[2] === '-')) return { title, columns: without(columns, 2), rows: rows.map((r) => ({ ...r, cells: without(r.cells, 2) })), optional: [4, 5, 3] };
    return { title, columns, rows, optional: [5, 6, 4] };
  });
}

function without<T>(items: readonly T[], index: number): T[] {
  return items.filter((_, i) => i !== index);
}

function arpTable(report: Obj, changes: readonly Change[]): StateTable {
  const arp = changes.filter((c) => c.kind.startsWith('arp.'));
  const entries = list(report.arp);
  if (entries.some((e) => typeof e.name === 'string')) {
    // Names from the topology (containers, interfaces, gateways) in their own column.
    const rows = entries.map((e) => marked([safe(e.ip), safe(e.mac), typeof e.name === 'string' ? safe(e.name) : '', safe(e.firstFrame), safe(e.lastFrame)],
      arp.filter((c) => c.ip === e.ip)));
    return { title: 'ARP / neighbours', columns: ['ip', 'mac', 'name', 'first', 'last', ''], rows, optional: [3, 4, 2] };
  }
  const rows = entries.map((e) => marked([safe(e.ip), safe(e.mac), safe(e.firstFrame), safe(e.lastFrame)], arp.filter((c) => c.ip === e.ip)));
  return { title: 'ARP / neighbours', columns: ['ip', 'mac', 'first', 'last', ''], rows, optional: [2, 3] };
}

/** `ip:port`, or `ip id N` for ICMP. */
export function endpointText(t: Obj | undefined, which: 'src' | 'dst', proto: JsonValue | undefined): string {
  if (t === undefined) return '-';
  if (proto === 'icmp') return `${safe(t[which])} id ${safe(t.id)}`;
  return `${safe(t[which])}:${safe(which === 'src' ? t.sport : t.dport)}`;
}

/** What the NAT rewrote the original direction to: the source for SNAT, the destination for DNAT. */
export function translatedText(e: Obj): string {
  const reply = e.reply as Obj | undefined;
  if (reply === undefined) return '-';
  return e.type === 'dnat' ? `dst ${endpointText(reply, 'src', e.proto)}` : `src ${endpointText(reply, 'dst', e.proto)}`;
}

/** NAT rows from earlier steps: the NAT history grows with the capture, and a step changes few of its rows. */
const natRows = new RowCache<Obj, StateRow>(sameNatFields);

function natTable(report: Obj, changes: readonly Change[]): StateTable {
  const nat = changes.filter((c) => c.kind.startsWith('nat.'));
  const entries = list(report.nat);
  natRows.truncate(entries.length);
  const rows = entries.map((e, i) => {
    const hits = nat.length === 0 ? nat : nat.filter((c) => c.kind !== 'nat.withdrawn' && c.proto === e.proto && same(c.original, e.original));
    if (hits.length > 0) return marked(natCells(e), hits);
    return natRows.get(i, e) ?? natRows.set(i, e, marked(natCells(e), hits));
  });
  for (const c of nat.filter((x) => x.kind === 'nat.withdrawn')) {
    const o = c.original as Obj;
    rows.push({ cells: [safe(c.proto), `${endpointText(o, 'src', c.proto)} > ${endpointText(o, 'dst', c.proto)}`, '', '', '', 'withdrawn'], mark: 'removed' });
  }
  return { title: 'NAT translations', columns: ['proto', 'original', 'translated', 'in>out', 'pkts', ''], rows, optional: [4, 3] };
}

/** A NAT entry's cells. sameNatFields must compare every field read here. */
function natCells(e: Obj): string[] {
  const o = e.original as Obj;
  const packets = e.packets as Obj | undefined;
  return [safe(e.proto), `${endpointText(o, 'src', e.proto)} > ${endpointText(o, 'dst', e.proto)}`, translatedText(e),
    `${safe(e.inside)}>${safe(e.outside)}`, packets ? `${safe(packets.original)}/${safe(packets.reply)}` : '-'];
}

/** Entries natCells turns into the same cells: equal in every field it reads. */
function sameNatFields(a: Obj, b: Obj): boolean {
  return a.proto === b.proto && a.type === b.type && a.inside === b.inside && a.outside === b.outside
    && sameTuple(a.original, b.original) && sameTuple(a.reply, b.reply) && samePackets(a.packets, b.packets);
}

function sameTuple(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (!isObj(a) || !isObj(b)) return false;
  return a.src === b.src && a.dst === b.dst && a.sport === b.sport && a.dport === b.dport && a.id === b.id;
}

function samePackets(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  return isObj(a) && isObj(b) && a.original === b.original && a.reply === b.reply;
}

const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function overlayTables(report: Obj, changes: readonly Change[]): StateTable[] {
  const overlay = (report.overlay ?? {}) as Obj;
  const tunnels = list(overlay.tunnels).map((t) => marked([safe(t.vni), safe(t.local), safe(t.remote), safe(t.port), safe(t.frames)],
    changes.filter((c) => c.kind === 'tunnel.new' && c.vni === t.vni && c.local === t.local && c.remote === t.remote)));
  const fdb = list(overlay.fdb).map((e) => marked([safe(e.vni), safe(e.mac), safe(e.vtep), safe(e.frames)],
    changes.filter((c) => (c.kind === 'overlay.learn' || c.kind === 'overlay.move') && c.vni === e.vni && c.mac === e.mac)));
  const tables: StateTable[] = [
    { title: 'VXLAN tunnels', columns: ['vni', 'local', 'remote', 'port', 'frames', ''], rows: tunnels },
    { title: 'MACs behind VTEPs', columns: ['vni', 'mac', 'vtep', 'frames', ''], rows: fdb },
  ];
  const mtu = list(overlay.mtu);
  if (mtu.length > 0) {
    tables.push({ title: 'MTU trouble', columns: ['problem', 'vni', 'src', 'dst', 'mtu', 'count', ''], rows: mtu.map((m) => marked(
      [safe(m.problem), safe(m.vni), safe(m.src), safe(m.dst), safe(m.mtu), safe(m.count)],
      changes.filter((c) => c.kind === 'overlay.mtu' && c.problem === m.problem && c.vni === m.vni && c.src === m.src && c.dst === m.dst && same(c.mtu, m.mtu)),
    )) });
  }
  return tables;
}

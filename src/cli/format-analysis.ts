// `dockshark analyze` as readable tables, from the same report object `--json` prints.

import type { InferredTopology } from '../analysis/infer-topology.js';
import type { JsonValue } from '../decode/index.js';
import type { Departure } from '../verify/departures.js';
import { renderTable } from './table.js';

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/** An address with its name from the topology, when it has one: `192.0.2.2 (h2)`. */
function named(address: unknown, name: unknown): unknown {
  return name === undefined ? address : `${address} (${name})`;
}

function endpoint(t: Obj | undefined, proto: unknown): string {
  if (!t) return '-';
  if (proto === 'icmp') return `${t.src} > ${t.dst} id ${t.id}`;
  return `${t.src}:${t.sport} > ${t.dst}:${t.dport}`;
}

/**
 * A table whose column `key` (names from the topology) is shown only when some row has it,
 * so that output without a topology stays as narrow as before.
 */
function withNames(title: string, headers: string[], rows: Obj[], cells: (row: Obj) => unknown[], key = 'name', after = 1): string[] {
  const named = rows.some((r) => r[key] !== undefined);
  const h = named ? [...headers.slice(0, after), key, ...headers.slice(after)] : headers;
  return renderTable(title, h, rows.map((r) => {
    const c = cells(r);
    return named ? [...c.slice(0, after), r[key] ?? null, ...c.slice(after)] : c;
  }));
}

/** `changeCounts`: changes per kind when the report's `events` were not kept (`analyze` without --events). */
export function analysisText(report: Obj, showEvents: boolean, changeCounts?: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  out.push(`${report.frames} frames`, '');
  pushAll(out, renderTable('Interfaces', ['name', 'link type', 'frames'],
    list(report.interfaces).map((i) => [i.name, i.linktype, i.frames])));
  for (const bridge of list(report.bridges)) {
    pushAll(out, withNames(`Bridge ${bridge.name ?? '(unnamed)'}: forwarding database`, ['mac', 'port', 'vlan', 'local', 'first', 'last'],
      list(bridge.fdb), (e) => [e.mac, e.port, e.vlan, e.local ? 'yes' : '', e.firstFrame, e.lastFrame]));
  }
  pushAll(out, withNames('ARP / neighbours', ['ip', 'mac', 'first', 'last'],
    list(report.arp), (e) => [e.ip, e.mac, e.firstFrame, e.lastFrame], 'name', 2));
  pushAll(out, withNames('NAT translations', ['proto', 'type', 'original', 'reply', 'inside', 'outside', 'packets', 'first', 'last'],
    list(report.nat), (e) => {
      const packets = e.packets as Obj | number | undefined;
      const count = typeof packets === 'object' && packets !== null ? `${packets.original}/${packets.reply}` : packets;
      return [e.proto, e.type, endpoint(e.original as Obj, e.proto), endpoint(e.reply as Obj, e.proto), e.inside, e.outside, count, e.firstFrame, e.lastFrame];
    }, 'container', 2));
  const natOmitted = ((report.capped ?? {}) as Obj).nat;
  if (typeof natOmitted === 'number') {
    out.push(`(${natOmitted} more connections, which ended between the first and the last ones listed, are not listed; --limit nat-history=N keeps more)`, '');
  }
  const overlay = (report.overlay ?? {}) as Obj;
  pushAll(out, renderTable('VXLAN tunnels', ['vni', 'local', 'remote', 'port', 'frames'],
    list(overlay.tunnels).map((t) => [t.vni, named(t.local, t.localName), named(t.remote, t.remoteName), t.port, t.frames])));
  pushAll(out, withNames('VXLAN forwarding (MAC behind remote VTEP)', ['vni', 'mac', 'vtep'],
    list(overlay.fdb), (e) => [e.vni, e.mac, e.vtep], 'name', 2));
  const mtu = list(overlay.mtu);
  if (mtu.length > 0) pushAll(out, renderTable('VXLAN MTU trouble', ['frame', 'reason'], mtu.map((m) => [m.frame ?? m.firstFrame, m.reason])));
  if (report.inferred !== undefined) pushAll(out, inferredText(report.inferred as unknown as InferredTopology));
  if (report.departures !== undefined) {
    pushAll(out, renderTable('Departures from the topology', ['frame', 'what'],
      (report.departures as unknown as Departure[]).map((d) => [d.frame, d.message])));
  }
  const limits = (report.limits ?? {}) as Obj;
  if (list(limits.overflows).length > 0) {
    out.push(...renderTable('Limits reached', ['table', 'limit', 'first frame', 'count', 'what'],
      list(limits.overflows).map((o) => [o.table, o.limit, o.firstFrame, `${o.count} ${o.action}`, o.message])));
  }
  const events = list(report.events);
  const counts = new Map<string, number>();
  if (changeCounts !== undefined) for (const [kind, n] of changeCounts) counts.set(kind, n);
  else for (const e of events) counts.set(String(e.kind), (counts.get(String(e.kind)) ?? 0) + 1);
  pushAll(out, renderTable('Changes', ['kind', 'count'], [...counts].sort((a, b) => a[0].localeCompare(b[0]))));
  if (showEvents) {
    pushAll(out, renderTable('Change log', ['frame', 'kind', 'details'], events.map((e) => {
      const { frame, kind, ...rest } = e;
      return [frame, kind, Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ')];
    })));
  }
  return out;
}

/** The inferred topology as a few lines per bridge, uplink and overlay. */
function inferredText(t: InferredTopology): string[] {
  const rows: unknown[][] = [];
  for (const b of t.bridges) {
    const gateway = b.gateway === null ? 'gateway unknown' : `gateway ${b.gateway.ip ?? '(no IP seen)'} ${b.gateway.mac}`;
    rows.push([`bridge ${b.name ?? '(unnamed)'}`, `${b.subnet ?? 'subnet unknown'} (guessed), ${gateway}`]);
    for (const e of b.endpoints) {
      rows.push(['', `${e.mac}${e.name ? ` ${e.name}` : ''} ${e.ips.join(',') || '(no IP seen)'} on ${e.port ?? 'a port the capture does not show'}`]);
    }
  }
  for (const u of t.uplinks) {
    rows.push([`NAT ${u.inside ?? '?'} -> ${u.outside ?? '?'}`, `host address ${u.hostAddresses.join(', ')}`]);
    if (u.masqueraded.length > 0) rows.push(['', `MASQUERADE ${u.masqueraded.join(', ')}`]);
    for (const p of u.published) rows.push(['', `published ${p}`]);
  }
  for (const o of t.overlays) {
    rows.push([`overlay vni ${o.vni}`, `udp ${o.port}, VTEPs ${o.vteps.join(', ')}`]);
    for (const m of o.macs) rows.push(['', `${m.mac} behind ${m.vtep}`]);
  }
  return renderTable('Topology inferred from the capture', ['what', 'details'], rows);
}

/** Appends one by one: `out.push(...lines)` overflows the stack on a table of a million rows. */
function pushAll(out: string[], lines: readonly string[]): void {
  for (const line of lines) out.push(line);
}

// The semantic comparison of `dockshark diff`: two analysis reports (the shape of
// `analyze --json`) reduced to comparable facts, then matched as multisets. What a
// simulation cannot know is left out of the facts: timestamps and frame numbers, ICMP
// echo identifiers (ping picks them; NAT may remap them), the client's ephemeral source
// port and the value of a remapped NAT port (only whether it was remapped is compared).

import type { JsonValue } from '../decode/index.js';

type Obj = Record<string, JsonValue>;

export interface Difference {
  readonly what: string;
  readonly text: string;
}

export interface Comparison {
  readonly agree: number;
  readonly differences: Difference[];
}

function list(value: JsonValue | undefined): Obj[] {
  return Array.isArray(value) ? (value.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v)) as Obj[]) : [];
}

function str(value: JsonValue | undefined): string {
  return value === null || value === undefined ? '-' : String(value);
}

function arpFacts(report: Obj): string[] {
  return list(report.arp).map((e) => `${str(e.ip)} is-at ${str(e.mac)}`);
}

/** bridge + MAC -> where it was learned (port and whether it is the bridge's own). */
function fdbFacts(report: Obj): Map<string, string> {
  const out = new Map<string, string>();
  for (const bridge of list(report.bridges)) {
    for (const e of list(bridge.fdb)) out.set(`bridge ${str(bridge.name)}: ${str(e.mac)}`, `${e.local === true ? 'local ' : ''}on ${str(e.port)}`);
  }
  return out;
}

function endpoint(t: Obj, ip: string, port: string | null): string {
  return port === null ? str(t[ip]) : `${str(t[ip])}:${str(t[port])}`;
}

function natFacts(report: Obj): string[] {
  return list(report.nat).map((e) => {
    const o = (e.original ?? {}) as Obj;
    const r = (e.reply ?? {}) as Obj;
    const proto = str(e.proto);
    if (proto === 'icmp') {
      return `icmp ${str(e.type)} ${str(o.src)} > ${str(o.dst)}, reply ${str(r.src)} > ${str(r.dst)} (${str(e.inside)} -> ${str(e.outside)})`;
    }
    // the original source port is the client's (ephemeral unless given); the reply's
    // destination port is the translated one: only "remapped or not" is comparable
    const remapped = e.type === 'snat' && o.sport !== r.dport ? 'source port remapped' : 'source port kept';
    return `${proto} ${str(e.type)} ${str(o.src)} > ${endpoint(o, 'dst', 'dport')}, reply ${endpoint(r, 'src', 'sport')} > ${str(r.dst)}, ${remapped} (${str(e.inside)} -> ${str(e.outside)})`;
  });
}

function tunnelFacts(report: Obj): string[] {
  const overlay = (report.overlay ?? {}) as Obj;
  return list(overlay.tunnels).map((t) => `vni ${str(t.vni)} ${str(t.local)} <-> ${str(t.remote)} port ${str(t.port)}`);
}

function vtepFacts(report: Obj): string[] {
  const overlay = (report.overlay ?? {}) as Obj;
  return list(overlay.fdb).map((e) => `vni ${str(e.vni)}: ${str(e.mac)} behind ${str(e.vtep)}`);
}

/** MTU trouble on an overlay (fragmentation, ICMP fragmentation needed), with how often it happened. */
function mtuFacts(report: Obj): string[] {
  const overlay = (report.overlay ?? {}) as Obj;
  return list(overlay.mtu).map((e) => `${str(e.problem)} vni ${str(e.vni)} ${str(e.src)} > ${str(e.dst)} mtu ${str(e.mtu)}, ${str(e.count)} time${e.count === 1 ? '' : 's'}`);
}

/** Multiset difference: each fact of one side matches at most one equal fact of the other. */
function compareLists(what: string, observed: string[], expected: string[], out: Difference[]): number {
  const pool = new Map<string, number>();
  for (const fact of observed) pool.set(fact, (pool.get(fact) ?? 0) + 1);
  let agree = 0;
  for (const fact of expected) {
    const n = pool.get(fact) ?? 0;
    if (n > 0) {
      pool.set(fact, n - 1);
      agree++;
    } else out.push({ what, text: `missing ${what}: ${fact} (expected, not observed)` });
  }
  for (const [fact, n] of pool) for (let i = 0; i < n; i++) out.push({ what, text: `extra ${what}: ${fact} (observed, not expected)` });
  return agree;
}

export function compareReports(observed: Obj, expected: Obj): Comparison {
  const differences: Difference[] = [];
  let agree = compareLists('ARP resolution', arpFacts(observed), arpFacts(expected), differences);
  const fdbObserved = fdbFacts(observed);
  const fdbExpected = fdbFacts(expected);
  for (const [key, where] of fdbExpected) {
    const seen = fdbObserved.get(key);
    if (seen === undefined) differences.push({ what: 'FDB entry', text: `missing FDB entry: ${key} ${where} (expected, not observed)` });
    else if (seen !== where) differences.push({ what: 'FDB entry', text: `FDB entry differs: ${key} ${seen} observed, ${where} expected` });
    else agree++;
  }
  for (const [key, where] of fdbObserved) {
    if (!fdbExpected.has(key)) differences.push({ what: 'FDB entry', text: `extra FDB entry: ${key} ${where} (observed, not expected)` });
  }
  agree += compareLists('NAT translation', natFacts(observed), natFacts(expected), differences);
  agree += compareLists('VXLAN tunnel', tunnelFacts(observed), tunnelFacts(expected), differences);
  agree += compareLists('VXLAN MAC-to-VTEP entry', vtepFacts(observed), vtepFacts(expected), differences);
  agree += compareLists('VXLAN MTU trouble', mtuFacts(observed), mtuFacts(expected), differences);
  return { agree, differences };
}

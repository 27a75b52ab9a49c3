// A small map of the network as the replay knows it at this step: each bridge with its
// ports and the MACs (and their IPs) learned behind them, the NAT uplinks and the VXLAN
// tunnels. The current frame's path is marked: where it was captured, the port its source
// MAC sits behind (ingress) and the port of its destination (egress, or a flood).

import type { JsonValue, LayerJson } from '../../decode/index.js';
import type { Topology } from '../../topology/model.js';
import { ipsByMac } from './state-tables.js';
import { safe } from './text.js';

export type PathMark = 'in' | 'out' | 'here' | 'flood' | null;

export interface TopologyLine {
  readonly text: string;
  readonly mark: PathMark;
}

/** What of the current frame the view marks. */
export interface FramePath {
  readonly ifaceName: string | null;
  readonly layers: readonly LayerJson[];
}

type Obj = Record<string, JsonValue>;
const list = (v: JsonValue | undefined): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const NOT_CAPTURED = '(port not in capture)';

export function topologyView(report: Obj, topology: Topology | null, frame: FramePath | null): TopologyLine[] {
  const ips = ipsByMac(report);
  const macs = frameMacs(frame);
  const here = frame?.ifaceName ?? null;
  const label = (mac: JsonValue): string => {
    const ip = ips.get(String(mac));
    return ip ? `${safe(mac)} ${ip.join(',')}` : safe(mac);
  };
  const out: TopologyLine[] = [];
  for (const bridge of list(report.bridges)) {
    const name = typeof bridge.name === 'string' ? bridge.name : null;
    const entries = list(bridge.fdb);
    const flooded = macs.dst.some((m) => isGroup(m) || !entries.some((e) => e.mac === m)) && entries.some((e) => macs.src.includes(String(e.mac)));
    out.push({ text: `bridge ${name === null ? '(unnamed)' : safe(name)}`, mark: name !== null && name === here ? 'here' : flooded ? 'flood' : null });
    const ports = new Map<string, Obj[]>();
    for (const p of name !== null && topology !== null ? topology.portsOf(name) : []) ports.set(p.name, []);
    for (const e of entries) {
      const port = e.local ? 'local' : typeof e.port === 'string' ? e.port : NOT_CAPTURED;
      ports.set(port, [...(ports.get(port) ?? []), e]);
    }
    for (const [port, held] of ports) {
      out.push({ text: `  ${safe(port)}`, mark: port === here ? 'here' : null });
      for (const e of held) {
        const mac = String(e.mac);
        out.push({ text: `    ${label(mac)}`, mark: macs.src.includes(mac) ? 'in' : macs.dst.includes(mac) ? 'out' : null });
      }
    }
  }
  const uplinks = new Map<string, Set<string>>();
  // Thousands of NAT entries share a handful of (uplink, type, address, inside): each is
  // formatted (and escaped) once, not once per entry.
  const seen = new TupleSet();
  for (const e of list(report.nat)) {
    const outside = typeof e.outside === 'string' ? e.outside : '(uplink)';
    const reply = (e.reply ?? {}) as Obj;
    const address = e.type === 'dnat' ? (e.original as Obj)?.dst : reply.dst;
    if (!seen.add([outside, e.type, address, e.inside])) continue;
    uplinks.set(outside, (uplinks.get(outside) ?? new Set()).add(`${safe(e.type)} ${safe(address)} for ${safe(e.inside)}`));
  }
  for (const [outside, uses] of uplinks) {
    out.push({ text: `uplink ${safe(outside)}: ${[...uses].join(', ')}`, mark: outside === here ? 'here' : null });
  }
  const vnis = frameVnis(frame);
  for (const t of list(((report.overlay ?? {}) as Obj).tunnels)) {
    out.push({ text: `vxlan vni ${safe(t.vni)}: ${safe(t.local)} <-> ${safe(t.remote)} udp ${safe(t.port)}`, mark: vnis.includes(Number(t.vni)) ? 'here' : null });
  }
  if (here !== null && !out.some((l) => l.mark === 'here')) out.push({ text: `captured on ${safe(here)}`, mark: 'here' });
  if (out.length === 0) out.push({ text: 'nothing learned yet', mark: null });
  return out;
}

/** A set of tuples of values, as nested Maps: no key string is built (and hashed) per tuple. */
class TupleSet {
  private readonly root = new Map<unknown, unknown>();

  /** Adds the tuple; false when it was there already. */
  add(values: readonly unknown[]): boolean {
    let node = this.root;
    for (let i = 0; i < values.length - 1; i++) {
      let next = node.get(values[i]);
      if (!(next instanceof Map)) {
        next = new Map<unknown, unknown>();
        node.set(values[i], next);
      }
      node = next as Map<unknown, unknown>;
    }
    const last = values[values.length - 1];
    if (node.has(last)) return false;
    node.set(last, true);
    return true;
  }
}

function frameMacs(frame: FramePath | null): { src: string[]; dst: string[] } {
  const src: string[] = [];
  const dst: string[] = [];
  for (const l of frame?.layers ?? []) {
    if (l.proto !== 'eth') continue;
    src.push(String(l.src));
    dst.push(String(l.dst));
  }
  return { src, dst };
}

function frameVnis(frame: FramePath | null): number[] {
  return (frame?.layers ?? []).filter((l) => l.proto === 'vxlan' || l.proto === 'geneve').map((l) => Number(l.vni));
}

function isGroup(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

/** How a path mark is shown at the start of its line. */
export function markText(mark: PathMark): string {
  switch (mark) {
    case 'in': return '-> ';
    case 'out': return '<- ';
    case 'here': return '@  ';
    case 'flood': return '** ';
    default: return '   ';
  }
}

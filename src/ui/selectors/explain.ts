// The one-line explanation of the current step, in plain words, from the changes it made:
// "docker0 learned 02:42:ac:11:00:02 on veth1a2b3c4; unknown unicast flooded to 2 ports",
// "MASQUERADE: 172.17.0.3:40000 -> 198.51.100.2:49383 (port collision with 172.17.0.2)".
// A step that changed nothing is explained by its frame's summary. Engines sometimes decide
// about a frame a few frames later (which copy of a frame entered the bridge): such a
// change names the frame it is about.

import type { Change } from '../../analysis/types.js';
import type { JsonValue } from '../../decode/index.js';
import type { Topology } from '../../topology/model.js';
import { ipsByMac, endpointText } from './state-tables.js';
import { safe } from './text.js';

type Obj = Record<string, JsonValue>;
const list = (v: JsonValue | undefined): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

export function explainStep(changes: readonly Change[], report: Obj, topology: Topology | null, fallback: string, frameNo = -1): string {
  const ips = ipsByMac(report);
  const names = namesByMac(report);
  const named = (mac: JsonValue): string => {
    const known = [...(names.has(String(mac)) ? [names.get(String(mac)) as string] : []), ...(ips.get(String(mac)) ?? [])];
    return known.length > 0 ? `${safe(mac)} (${safe(known.join(', '))})` : safe(mac);
  };
  // A MAC with only its name: where the sentence already says the IP.
  const withName = (mac: JsonValue): string => (names.has(String(mac)) ? `${safe(mac)} (${safe(names.get(String(mac)))})` : safe(mac));
  const hasOverlayLearn = changes.some((c) => c.kind === 'overlay.learn' || c.kind === 'overlay.move');
  const sentences: string[] = [];
  for (const c of changes) {
    let s = c.kind === 'fdb.expire' ? ageingSentence(c, changes, named) : sentence(c, changes, report, topology, named, hasOverlayLearn, withName);
    if (s !== null && frameNo >= 0 && c.frame !== frameNo && c.kind !== 'fdb.expire') s += ` [frame ${c.frame}]`;
    if (s !== null && !sentences.includes(s)) sentences.push(s);
  }
  return sentences.length > 0 ? sentences.join('; ') : safe(fallback);
}

function sentence(c: Change, all: readonly Change[], report: Obj, topology: Topology | null, named: (mac: JsonValue) => string,
  hasOverlayLearn: boolean, withName: (mac: JsonValue) => string = safe): string | null {
  const bridge = c.bridge === null || c.bridge === undefined ? (c.vni !== undefined ? `vni ${safe(c.vni)}` : 'the bridge') : safe(c.bridge);
  switch (c.kind) {
    case 'fdb.learn':
      if (c.vni !== undefined && hasOverlayLearn) return null; // said by the overlay.learn
      return c.port === null ? `${bridge} learned ${named(c.mac)} (its port is not in the capture)` : `${bridge} learned ${named(c.mac)} on ${safe(c.port)}`;
    case 'fdb.move': return `${bridge}: ${named(c.mac)} moved from ${c.from === null ? 'a port not in the capture' : safe(c.from)} to ${c.to === null ? 'a port not in the capture' : safe(c.to)}`;
    case 'fdb.local': return `${bridge}: ${named(c.mac)} is the host's own address${c.port === null ? '' : ` (${safe(c.port)})`}`;
    case 'fdb.flood': {
      const ports = floodPorts(c, report, topology);
      return `unknown unicast to ${named(c.mac)} flooded${ports > 0 ? ` to ${ports} port${ports === 1 ? '' : 's'}` : ''}`;
    }
    case 'arp.new': return `ARP: ${safe(c.ip)} is at ${withName(c.mac)}${c.gratuitous ? ' (gratuitous)' : ''}`;
    case 'arp.changed': return `ARP: ${safe(c.ip)} changed from ${withName(c.previous)} to ${withName(c.mac)}`;
    case 'arp.flipflop': return `ARP flip-flop: ${safe(c.ip)} back to ${safe(c.mac)} from ${safe(c.previous)}`;
    case 'arp.reused': return `ARP: ${safe(c.ip)} reused by ${safe(c.mac)} (was ${safe(c.previous)})`;
    case 'arp.duplicate': return `duplicate IP ${safe(c.ip)}: claimed by ${safe(c.mac)} and ${safe(c.other)}`;
    case 'arp.mismatch': return `ARP sender ${safe(c.mac)} for ${safe(c.ip)} is not the frame's source ${safe(c.linkSrc)}`;
    case 'nat.new': return natSentence(c, all, report);
    case 'nat.remap': return null; // part of the nat.new sentence
    case 'nat.icmp-error': {
      const o = c.original as Obj;
      return `ICMP error (type ${safe(c.icmpType)} code ${safe(c.icmpCode)}) about ${safe(o?.src)}'s ${safe(c.proto)} connection, from ${safe(c.from)} to ${safe(c.to)}`;
    }
    case 'nat.withdrawn': return `NAT entry for ${endpointText(c.original as Obj, 'src', c.proto)} withdrawn: ${safe(c.reason)}`;
    case 'tunnel.new': return `new VXLAN tunnel vni ${safe(c.vni)}: ${safe(c.local)} <-> ${safe(c.remote)} (UDP ${safe(c.port)})`;
    case 'overlay.learn': return `vni ${safe(c.vni)}: ${named(c.mac)} is behind VTEP ${safe(c.vtep)}`;
    case 'overlay.move': return `vni ${safe(c.vni)}: ${named(c.mac)} moved from VTEP ${safe(c.from)} to ${safe(c.to)}`;
    case 'overlay.mtu': return safe(c.reason);
    default: return safe(c.kind);
  }
}

/** Every entry one bridge aged out in this step, in one sentence (a long pause ages many at once). */
function ageingSentence(c: Change, all: readonly Change[], named: (mac: JsonValue) => string): string {
  const expired = all.filter((x) => x.kind === 'fdb.expire' && x.bridge === c.bridge);
  const idle = Math.min(...expired.map((x) => Math.floor(Number(x.idleSeconds))));
  const bridge = c.bridge === null ? 'the bridge' : safe(c.bridge);
  return `${bridge} aged out ${expired.map((x) => `${named(x.mac)} on ${safe(x.port)}`).join(', ')} (idle ${idle} s or more)`;
}

function natSentence(c: Change, all: readonly Change[], report: Obj): string {
  const o = c.original as Obj;
  const r = c.reply as Obj;
  if (c.type === 'dnat') {
    return `DNAT: ${endpointText(o, 'src', c.proto)} -> ${endpointText(o, 'dst', c.proto)} forwarded to ${endpointText(r, 'src', c.proto)}`;
  }
  const text = `MASQUERADE: ${endpointText(o, 'src', c.proto)} -> ${endpointText(r, 'dst', c.proto)}`;
  const remapped = all.some((x) => x.kind === 'nat.remap' && x.proto === c.proto && JSON.stringify(x.original) === JSON.stringify(o));
  if (!remapped) return text;
  const what = c.proto === 'icmp' ? 'id' : 'port';
  const holder = collidingEntry(c, report);
  return holder === null ? `${text} (${what} remapped)` : `${text} (${what} collision with ${safe(holder)})`;
}

/** The inside host whose translation already held the port (or ICMP id) this connection asked for. */
function collidingEntry(c: Change, report: Obj): JsonValue | null {
  const o = c.original as Obj;
  const r = c.reply as Obj;
  for (const e of list(report.nat)) {
    const eo = e.original as Obj;
    const er = e.reply as Obj;
    if (e.proto !== c.proto || JSON.stringify(eo) === JSON.stringify(o)) continue;
    const sameOutside = er.dst === r.dst && eo.dst === o.dst && (c.proto === 'icmp' ? er.id === o.id : er.dport === o.sport && eo.dport === o.dport);
    if (sameOutside) return eo.src;
  }
  return null;
}

/** Ports an unknown-unicast frame was flooded to: the bridge's other ports (topology, else the FDB's). */
function floodPorts(c: Change, report: Obj, topology: Topology | null): number {
  const name = typeof c.bridge === 'string' ? c.bridge : null;
  let ports: string[] = name !== null && topology !== null ? topology.portsOf(name).map((l) => l.name) : [];
  if (ports.length === 0) {
    const bridge = list(report.bridges).find((b) => b.name === c.bridge);
    ports = [...new Set(list(bridge?.fdb).map((e) => e.port).filter((p): p is string => typeof p === 'string' && p !== name))];
  }
  return ports.filter((p) => p !== c.port).length;
}

/** The topology's names for MACs, as the report carries them beside FDB and ARP entries. */
function namesByMac(report: Obj): Map<string, string> {
  const out = new Map<string, string>();
  for (const bridge of Array.isArray(report.bridges) ? (report.bridges as Obj[]) : []) {
    for (const e of Array.isArray(bridge.fdb) ? (bridge.fdb as Obj[]) : []) if (typeof e.name === 'string') out.set(String(e.mac), e.name);
  }
  for (const e of Array.isArray(report.arp) ? (report.arp as Obj[]) : []) {
    if (typeof e.name === 'string' && !out.has(String(e.mac))) out.set(String(e.mac), e.name);
  }
  return out;
}

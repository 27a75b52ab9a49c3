// Where the observed traffic departs from what the topology (Docker's view: networks,
// containers, published ports) predicts: an address claimed by another MAC than the
// container that owns it, a container's MAC learned on a bridge its networks do not use,
// a published port forwarded to another container or port than Docker published, a port
// forwarded that Docker does not publish, and traffic masqueraded from outside every
// known subnet. Nothing is said where the topology is silent.

import type { JsonValue } from '../decode/index.js';
import { cidrContains, parseCidr } from '../topology/ip.js';
import type { Topology } from '../topology/model.js';

type Obj = { [key: string]: JsonValue };
const list = (v: JsonValue | undefined): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

export interface Departure {
  readonly kind: 'arp.owner' | 'fdb.bridge' | 'nat.published' | 'nat.unpublished' | 'nat.source';
  /** The frame that showed it first (the entry's first frame). */
  readonly frame: number | null;
  readonly message: string;
}

export function departures(report: Obj, topology: Topology): Departure[] {
  const out: Departure[] = [];
  const frame = (e: Obj, key = 'firstFrame'): number | null => (typeof e[key] === 'number' ? (e[key] as number) : null);

  for (const e of list(report.arp)) {
    const owner = topology.endpoints.find((p) => p.ipv4?.address === e.ip && p.mac !== null);
    if (owner !== undefined && owner.mac !== e.mac) {
      out.push({ kind: 'arp.owner', frame: frame(e),
        message: `${e.ip} was claimed by ${e.mac}, but Docker gives it to ${owner.container} (${owner.mac}) on ${owner.network}.` });
    }
  }

  for (const bridge of list(report.bridges)) {
    if (typeof bridge.name !== 'string') continue;
    const network = topology.networkOfBridge(bridge.name);
    for (const e of list(bridge.fdb)) {
      if (e.local === true) continue;
      const endpoints = topology.endpoints.filter((p) => p.mac === e.mac);
      if (endpoints.length === 0 || network === null) continue;
      if (!endpoints.some((p) => p.network === network.name || p.networkId === network.id)) {
        out.push({ kind: 'fdb.bridge', frame: frame(e),
          message: `${endpoints[0].container}'s MAC ${e.mac} was learned on ${bridge.name} (network ${network.name}), which Docker does not attach it to (${endpoints.map((p) => p.network).join(', ')}).` });
      }
    }
  }

  const subnets = topology.networks.flatMap((n) => n.subnets.map((s) => parseCidr(s.subnet))).filter((c) => c !== null);
  const hasPorts = topology.containers.some((c) => c.ports.length > 0);
  for (const e of list(report.nat)) {
    const original = (e.original ?? {}) as Obj;
    const reply = (e.reply ?? {}) as Obj;
    if (e.type === 'dnat' && hasPorts && typeof original.dport === 'number') {
      const published = topology.publisherOf(original.dport, String(e.proto));
      const to = `${reply.src}:${reply.sport}`;
      if (published === null) {
        out.push({ kind: 'nat.unpublished', frame: frame(e),
          message: `${e.proto} port ${original.dport} was forwarded to ${to}, but no container publishes it.` });
      } else {
        const owner = topology.endpointsOf(published.container.name).map((p) => p.ipv4?.address);
        if (published.port.containerPort !== reply.sport || (owner.length > 0 && !owner.includes(String(reply.src)))) {
          out.push({ kind: 'nat.published', frame: frame(e),
            message: `${e.proto} port ${original.dport} was forwarded to ${to}, but ${published.container.name} publishes it to port ${published.port.containerPort}${owner.length > 0 ? ` at ${owner.join(', ')}` : ''}.` });
        }
      }
    } else if (e.type === 'snat' && subnets.length > 0 && !subnets.some((c) => cidrContains(c, String(original.src)))) {
      out.push({ kind: 'nat.source', frame: frame(e),
        message: `Traffic from ${original.src} was masqueraded, but no network's subnet holds that address.` });
    }
  }
  return out.sort((a, b) => (a.frame ?? 0) - (b.frame ?? 0));
}

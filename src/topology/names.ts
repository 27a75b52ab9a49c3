// Turning what frames carry (MACs, addresses, the interface a frame was captured on)
// into the names users know: containers first, then interfaces, then networks.
//
// Which container sits behind a host-side veth is not in Docker's own output: `docker
// inspect` gives the container's namespace (SandboxKey), not the host end of its veth,
// and Docker names that end at random (`veth` + 7 hex). So containerOnPort uses what
// the kernel's dumps allow, in this order:
//   1. the bridge FDB (`bridge -j fdb show`): the one container MAC learned on that port;
//   2. a link dump from inside the container (`ip -j link show` in its namespace): its
//      eth0 has the container's MAC and, as `link_index`, the ifindex of the host end
//      (checked back through the host end's own `link_index` when it has one).
// A host `ip -j -d link show` alone cannot answer: `link_netnsid` numbers the peer's
// namespace as the host sees it, which no Docker output maps to a container.

import { canonicalIp, canonicalMac, cidrContains, parseCidr } from './ip.js';
import type { Link } from './model.js';
import type { Container, Network, TopologyFacts } from './types.js';

/** What names.ts reads: the facts and the links. */
export type Facts = TopologyFacts & { readonly links: readonly Link[] };

export function nameOfMac(t: Facts, mac: string): string | null {
  const m = canonicalMac(mac);
  if (m === null) return null;
  const endpoint = t.endpoints.find((e) => e.mac === m);
  if (endpoint) return endpoint.container;
  // A bridge without a fixed MAC takes one of its ports' MACs: frames from that MAC
  // come from the bridge's own IP stack, so the bridge is the better name.
  const links = t.links.filter((l) => l.mac === m && l.kind !== 'loopback');
  const link = links.find((l) => l.kind === 'bridge') ?? links[0];
  if (link) return link.name;
  // A permanent bridge FDB entry on a port is that port's (or the bridge's) own MAC.
  const own = t.fdb.find((f) => f.mac === m && f.master !== null && f.state === 'permanent' && !f.flags.includes('self') && f.ifname !== null);
  return own?.ifname ?? null;
}

export function nameOfIp(t: Facts, ip: string): string | null {
  const a = canonicalIp(ip);
  if (a === null) return null;
  const endpoint = t.endpoints.find((e) => e.ipv4?.address === a || e.ipv6?.address === a);
  if (endpoint) return endpoint.container;
  const address = t.addresses.find((x) => x.local === a);
  if (address) return address.ifname;
  const network = t.networks.find((n) => n.subnets.some((s) => s.gateway !== null && canonicalIp(s.gateway) === a));
  if (network) return `gateway of ${network.name}`;
  const peer = t.networks.flatMap((n) => n.peers).find((p) => canonicalIp(p.ip) === a);
  return peer?.name ?? null;
}

export function networkOfIp(t: Facts, ip: string): Network | null {
  const a = canonicalIp(ip);
  if (a === null) return null;
  const endpoint = t.endpoints.find((e) => e.ipv4?.address === a || e.ipv6?.address === a);
  const named = endpoint ? t.networks.find((n) => n.name === endpoint.network) : undefined;
  if (named) return named;
  let best: Network | null = null;
  let bestLen = -1;
  for (const network of t.networks) {
    for (const s of network.subnets) {
      const cidr = parseCidr(s.subnet);
      if (cidr !== null && cidr.prefixlen > bestLen && cidrContains(cidr, a)) {
        best = network;
        bestLen = cidr.prefixlen;
      }
    }
  }
  return best;
}

export function containerOnPort(t: Facts, port: string): Container | null {
  const link = t.links.find((l) => l.name === port);
  // Only a veth has one container behind it: a vxlan or uplink port learns many MACs.
  if (link !== undefined && link.kind !== 'veth') return null;
  const byName = (name: string): Container | null => t.containers.find((c) => c.name === name) ?? null;

  const learned = new Set(t.fdb.filter((f) => f.ifname === port && f.master !== null && f.state !== 'permanent' && !f.flags.includes('self')).map((f) => f.mac));
  const tunnelled = t.fdb.some((f) => f.ifname === port && f.dst !== null);
  const owners = new Set(t.endpoints.filter((e) => e.mac !== null && learned.has(e.mac)).map((e) => e.container));
  if (!tunnelled && owners.size === 1) return byName([...owners][0]);

  // The container's own link dump: its end has the container's MAC and points at our ifindex.
  for (const host of t.links.filter((l) => l.name === port)) {
    for (const inner of t.links) {
      if (inner === host || inner.mac === null || inner.linkIndex !== host.ifindex) continue;
      if (host.linkIndex !== undefined && host.linkIndex !== inner.ifindex) continue;
      const endpoint = t.endpoints.find((e) => e.mac === inner.mac);
      if (endpoint) return byName(endpoint.container);
    }
  }
  return null;
}

function byNameOrId<T extends { name: string; id: string | null }>(items: readonly T[], key: string): T | null {
  const exact = items.find((i) => i.name === key || i.id === key);
  if (exact) return exact;
  if (!/^[0-9a-f]+$/.test(key)) return null;
  const prefixed = items.filter((i) => i.id?.startsWith(key));
  return prefixed.length === 1 ? prefixed[0] : null;
}

export function findContainer(t: Facts, nameOrId: string): Container | null {
  return byNameOrId(t.containers, nameOrId.replace(/^\//, ''));
}

export function findNetwork(t: Facts, nameOrId: string): Network | null {
  return byNameOrId(t.networks, nameOrId);
}

const MODE_OF_DRIVER = new Map([['bridge', 'bridge'], ['host', 'host'], ['null', 'none']]);

export function networkModeOf(t: Facts, name: string): string | null {
  const container = findContainer(t, name);
  if (!container) return null;
  const mode = container.networkMode ?? t.endpoints.find((e) => e.container === container.name)?.network ?? null;
  if (mode === null) return null;
  if (mode === 'default' || mode === 'bridge' || mode === 'host' || mode === 'none') return mode === 'default' ? 'bridge' : mode;
  if (mode.startsWith('container:')) {
    const other = findContainer(t, mode.slice('container:'.length));
    return `container:${other?.name ?? mode.slice('container:'.length)}`;
  }
  const driver = findNetwork(t, mode)?.driver ?? null;
  return driver === null ? null : MODE_OF_DRIVER.get(driver) ?? driver;
}

// Joining the facts of several topology files. Per-host tables (addresses, neighbours,
// FDB, NAT, conntrack) are concatenated: each entry keeps its file. Networks, containers
// and endpoints are Docker's objects, which several files can describe at once (`docker
// inspect` and `docker network inspect` of the same container; each host's inspect of one
// overlay; a compose file and the inspect of what it created): those are joined into one
// object per identity, each field taken from the first file that knows it, lists united.

import type { Container, Endpoint, Network, TopologyFacts } from './types.js';

export function mergeFacts(parts: readonly TopologyFacts[]): TopologyFacts {
  return {
    networks: joinAll(parts.flatMap((p) => p.networks), sameNetwork, joinNetworks),
    containers: joinAll(parts.flatMap((p) => p.containers), sameContainer, joinContainers),
    endpoints: joinAll(parts.flatMap((p) => p.endpoints), (a, b) => a.container === b.container && a.network === b.network, joinEndpoints),
    addresses: parts.flatMap((p) => p.addresses),
    neighbours: parts.flatMap((p) => p.neighbours),
    fdb: parts.flatMap((p) => p.fdb),
    nat: parts.flatMap((p) => p.nat),
    conntrack: parts.flatMap((p) => p.conntrack),
  };
}

// Few objects per topology (tens of containers): a linear search keeps the rules readable.
function joinAll<T>(items: readonly T[], same: (a: T, b: T) => boolean, join: (a: T, b: T) => T): T[] {
  const out: T[] = [];
  for (const item of items) {
    const i = out.findIndex((o) => same(o, item));
    if (i < 0) out.push(item);
    else out[i] = join(out[i], item);
  }
  return out;
}

/** The same id; or the same name when one side has no id (a compose file knows names only). */
function sameIdentity(a: { name: string; id: string | null }, b: { name: string; id: string | null }): boolean {
  if (a.id !== null && b.id !== null) return a.id === b.id;
  return a.name === b.name;
}

const sameNetwork = (a: Network, b: Network): boolean => sameIdentity(a, b);
const sameContainer = (a: Container, b: Container): boolean => sameIdentity(a, b);

function unite<T>(a: readonly T[], b: readonly T[], key: (t: T) => string): T[] {
  const seen = new Set(a.map(key));
  return [...a, ...b.filter((t) => !seen.has(key(t)))];
}

function joinNetworks(a: Network, b: Network): Network {
  // a subnet both know keeps the gateway either one gives
  const subnets = unite(a.subnets, b.subnets, (s) => s.subnet).map((s) =>
    s.gateway !== null ? s : { subnet: s.subnet, gateway: b.subnets.find((t) => t.subnet === s.subnet)?.gateway ?? null });
  return {
    name: a.name,
    id: a.id ?? b.id,
    driver: a.driver ?? b.driver,
    bridge: a.bridge ?? b.bridge,
    subnets,
    vni: unite(a.vni, b.vni, String),
    peers: unite(a.peers, b.peers, (p) => p.ip),
    parent: a.parent ?? b.parent,
  };
}

function joinContainers(a: Container, b: Container): Container {
  return {
    name: a.name,
    id: a.id ?? b.id,
    networkMode: a.networkMode ?? b.networkMode,
    ports: unite(a.ports, b.ports, (p) => `${p.hostIp}|${p.hostPort}|${p.containerPort}|${p.proto}`),
    sandboxKey: a.sandboxKey ?? b.sandboxKey,
  };
}

function joinEndpoints(a: Endpoint, b: Endpoint): Endpoint {
  return {
    container: a.container,
    network: a.network,
    networkId: a.networkId ?? b.networkId,
    endpointId: a.endpointId ?? b.endpointId,
    mac: a.mac ?? b.mac,
    ipv4: a.ipv4 ?? b.ipv4,
    ipv6: a.ipv6 ?? b.ipv6,
    gateway: a.gateway ?? b.gateway,
  };
}

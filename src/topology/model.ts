// What dockshark knows of the network around the frames: interfaces (links, from
// `ip -j -d link show`), which bridge each one is a port of, their MACs, VXLAN devices,
// and the other facts Docker and the kernel report (types.ts): networks, containers and
// their endpoints, addresses, neighbours, FDB entries, NAT rules and conntrack entries.
// Parsers build one Topology per file (detect.ts picks the parser); merge() joins files
// from several tools and hosts. The lookups (names.ts) turn MACs, addresses and ports
// into the names users know.

import { mergeFacts } from './merge.js';
import * as names from './names.js';
import type { Container, Endpoint, FdbEntry, InterfaceAddress, Network, NatRule, Neighbour, PublishedPort, TopologyFacts } from './types.js';

export type LinkKind = 'bridge' | 'veth' | 'vxlan' | 'macvlan' | 'loopback' | 'device' | string;

export interface VxlanInfo {
  readonly vni: number;
  /** UDP destination port of the tunnel (4789, 8472, ...). */
  readonly port: number;
  /** Local VTEP address, or null when the device has none configured. */
  readonly local: string | null;
  readonly learning: boolean;
}

export interface Link {
  readonly ifindex: number;
  readonly name: string;
  readonly kind: LinkKind;
  /** MAC address (lower-case, colon-separated), or null. */
  readonly mac: string | null;
  /** The bridge this link is a port of, or null. */
  readonly master: string | null;
  readonly mtu: number | null;
  readonly vxlan: VxlanInfo | null;
  /** `link_index`: a veth's peer (or a macvlan's parent) ifindex, in the namespace `linkNetnsid` names when set. */
  readonly linkIndex?: number;
  /** `link_netnsid`: the peer's namespace as this namespace numbers it (not a container id). */
  readonly linkNetnsid?: number;
}

const NO_FACTS: TopologyFacts = { networks: [], containers: [], endpoints: [], addresses: [], neighbours: [], fdb: [], nat: [], conntrack: [] };

export class Topology implements TopologyFacts {
  private readonly byIndex = new Map<number, Link>();
  private readonly byName = new Map<string, Link>();
  readonly networks: readonly Network[];
  readonly containers: readonly Container[];
  readonly endpoints: readonly Endpoint[];
  readonly addresses: readonly InterfaceAddress[];
  readonly neighbours: readonly Neighbour[];
  readonly fdb: readonly FdbEntry[];
  readonly nat: readonly NatRule[];
  readonly conntrack: TopologyFacts['conntrack'];

  constructor(readonly links: readonly Link[], facts: Partial<TopologyFacts> = {}) {
    for (const link of links) {
      this.byIndex.set(link.ifindex, link);
      this.byName.set(link.name, link);
    }
    const all = { ...NO_FACTS, ...facts };
    this.networks = all.networks;
    this.containers = all.containers;
    this.endpoints = all.endpoints;
    this.addresses = all.addresses;
    this.neighbours = all.neighbours;
    this.fdb = all.fdb;
    this.nat = all.nat;
    this.conntrack = all.conntrack;
  }

  static empty(): Topology {
    return new Topology([]);
  }

  /**
   * Several dumps (one per tool, host or namespace) merged. Links, addresses, neighbours,
   * FDB, NAT and conntrack entries are kept side by side (later dumps win on a clash of
   * ifindex or name in the link lookups); networks, containers and endpoints described by
   * several files (docker inspect and docker network inspect, two hosts of one overlay)
   * become one, each field from the first file that knows it.
   */
  static merge(parts: readonly Topology[]): Topology {
    return new Topology(parts.flatMap((p) => p.links), mergeFacts(parts));
  }

  linkByIndex(ifindex: number): Link | undefined {
    return this.byIndex.get(ifindex);
  }

  link(name: string): Link | undefined {
    return this.byName.get(name);
  }

  isBridge(name: string): boolean {
    return this.byName.get(name)?.kind === 'bridge';
  }

  /** The bridge `name` belongs to: itself when it is a bridge, its master when it is a port. */
  bridgeOf(name: string): string | null {
    const link = this.byName.get(name);
    if (!link) return null;
    if (link.kind === 'bridge') return link.name;
    return link.master;
  }

  portsOf(bridge: string): Link[] {
    return this.links.filter((l) => l.master === bridge);
  }

  /** MACs that belong to the host itself (bridge and port addresses): never learned on a port. */
  localMacs(): Set<string> {
    return new Set(this.links.map((l) => l.mac).filter((m): m is string => m !== null && m !== '00:00:00:00:00:00'));
  }

  /** The container using `mac`, else the interface that has it (a bridge before its ports), else null. */
  nameOfMac(mac: string): string | null {
    return names.nameOfMac(this, mac);
  }

  /** The container with address `ip`, else the interface that has it, else `gateway of <network>`, else an overlay peer's name, else null. */
  nameOfIp(ip: string): string | null {
    return names.nameOfIp(this, ip);
  }

  /** The network a container with `ip` is on, else the network with the narrowest subnet holding `ip`. */
  networkOfIp(ip: string): Network | null {
    return names.networkOfIp(this, ip);
  }

  /** The container behind a host-side veth; see names.ts for what the data allows. */
  containerOnPort(portName: string): Container | null {
    return names.containerOnPort(this, portName);
  }

  /** A container by name, full id or unique id prefix. */
  container(nameOrId: string): Container | null {
    return names.findContainer(this, nameOrId);
  }

  /** A network by name, full id or unique id prefix. */
  network(nameOrId: string): Network | null {
    return names.findNetwork(this, nameOrId);
  }

  /** The network whose bridge device is `bridge` (`docker0` -> `bridge`). */
  networkOfBridge(bridge: string): Network | null {
    return this.networks.find((n) => n.bridge === bridge) ?? null;
  }

  endpointsOf(container: string): Endpoint[] {
    return this.endpoints.filter((e) => e.container === container);
  }

  /** `bridge`, `host`, `none`, `container:<name or id>`, `macvlan`, `overlay`, ...: HostConfig.NetworkMode resolved through the network's driver. */
  networkModeOf(container: string): string | null {
    return names.networkModeOf(this, container);
  }

  /** The container that publishes `hostPort`/`proto` (any host address), or null. */
  publisherOf(hostPort: number, proto: string): { container: Container; port: PublishedPort } | null {
    for (const container of this.containers) {
      const port = container.ports.find((p) => p.hostPort === hostPort && p.proto === proto);
      if (port) return { container, port };
    }
    return null;
  }
}

// What dockshark knows of the network around the frames: interfaces, which bridge
// each one is a port of, their MACs, and VXLAN devices. Built from `ip -j -d link
// show` (ip-link.ts) today; later issues add `docker network inspect`.

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
}

export class Topology {
  private readonly byIndex = new Map<number, Link>();
  private readonly byName = new Map<string, Link>();

  constructor(readonly links: readonly Link[]) {
    for (const link of links) {
      this.byIndex.set(link.ifindex, link);
      this.byName.set(link.name, link);
    }
  }

  static empty(): Topology {
    return new Topology([]);
  }

  /** Several dumps (one per host namespace) merged; later dumps win on a clash of ifindex. */
  static merge(parts: readonly Topology[]): Topology {
    return new Topology(parts.flatMap((p) => p.links));
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
}

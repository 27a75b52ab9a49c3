// The facts besides links that Docker and the kernel report about the network around
// the frames (see model.ts for links). Field names follow what the tools print where
// they have one (`dst`, `lladdr`, `ifname`, `vlan`, `prefixlen`); every fact from a
// per-host table (addresses, neighbours, FDB, NAT, conntrack) keeps the file it came
// from, since two hosts' tables can disagree and both are true.

/** A subnet of a network's IPAM config (CIDR text) and its gateway, when Docker or the compose file says. */
export interface Subnet {
  readonly subnet: string;
  readonly gateway: string | null;
}

/** One host of an overlay network, as `docker network inspect` lists it under `Peers`: its name and VTEP address. */
export interface OverlayPeer {
  readonly name: string;
  readonly ip: string;
}

export type NetworkDriver = 'bridge' | 'overlay' | 'macvlan' | 'ipvlan' | 'host' | 'null' | string;

export interface Network {
  /** As Docker names it: `bridge`, `host`, `myproject_default`, ... */
  readonly name: string;
  /** Full 64-hex network id, null when the source does not say (a compose file). */
  readonly id: string | null;
  /** Null when the source does not say (`docker inspect` of a container names its networks, not their drivers). */
  readonly driver: NetworkDriver | null;
  /** The Linux bridge device carrying it (`docker0`, `br-<id12>`, `br0` inside an overlay's namespace), null when unknown. */
  readonly bridge: string | null;
  readonly subnets: readonly Subnet[];
  /** Overlay VNIs (`com.docker.network.driver.overlay.vxlanid_list`), one per subnet; empty for other drivers. */
  readonly vni: readonly number[];
  readonly peers: readonly OverlayPeer[];
  /** The parent device of a macvlan/ipvlan network (option `parent`), null otherwise. */
  readonly parent: string | null;
}

/** A port Docker publishes: hostIp:hostPort -> containerPort/proto. */
export interface PublishedPort {
  /** Null: every host address (`0.0.0.0`/`::` or nothing given). */
  readonly hostIp: string | null;
  /** Null: Docker picks an ephemeral port when the container starts. */
  readonly hostPort: number | null;
  readonly containerPort: number;
  readonly proto: string;
}

export interface Container {
  /** Without the leading slash `docker inspect` prints. */
  readonly name: string;
  readonly id: string | null;
  /**
   * `HostConfig.NetworkMode` as Docker prints it: `bridge` (or `default`), `host`, `none`,
   * `container:<id>`, or the name of a user network (whose driver says bridge, macvlan, ...);
   * null when the source does not say. Topology.networkModeOf resolves it.
   */
  readonly networkMode: string | null;
  readonly ports: readonly PublishedPort[];
  /** `NetworkSettings.SandboxKey`: the container's network namespace path, null when unknown. */
  readonly sandboxKey: string | null;
}

/** An address with its prefix length (null when the source gives the address alone). */
export interface PrefixedAddress {
  readonly address: string;
  readonly prefixlen: number | null;
}

/** A container's attachment to one network. */
export interface Endpoint {
  readonly container: string;
  readonly network: string;
  readonly networkId: string | null;
  readonly endpointId: string | null;
  readonly mac: string | null;
  readonly ipv4: PrefixedAddress | null;
  readonly ipv6: PrefixedAddress | null;
  readonly gateway: string | null;
}

/** One address of `ip -j addr show`. */
export interface InterfaceAddress {
  readonly ifname: string;
  readonly ifindex: number | null;
  readonly family: 'inet' | 'inet6';
  readonly local: string;
  readonly prefixlen: number;
  readonly scope: string | null;
  readonly file: string;
}

/** One entry of `ip -j neigh show`. */
export interface Neighbour {
  readonly dst: string;
  /** Null when the dump was filtered by device (`ip neigh show dev eth0` omits it). */
  readonly dev: string | null;
  readonly lladdr: string | null;
  /** REACHABLE, STALE, PERMANENT, ... as printed (an entry can have several). */
  readonly state: readonly string[];
  readonly router: boolean;
  readonly file: string;
}

/** One entry of `bridge -j fdb show`. */
export interface FdbEntry {
  readonly mac: string;
  /** The port; null in `bridge fdb show dev X`, which leaves it out. */
  readonly ifname: string | null;
  /** The bridge whose table holds the entry; null for a device's own (`self`) entry. */
  readonly master: string | null;
  readonly vlan: number | null;
  /** `self`, `master`, `extern_learn`, ... */
  readonly flags: readonly string[];
  /** `permanent` (the port's or bridge's own MAC, or static), `static`, or `` (learned). */
  readonly state: string;
  /** Remote VTEP of a vxlan device entry. */
  readonly dst: string | null;
  readonly vni: number | null;
  readonly file: string;
}

/** One match of a NAT rule, with its `!`. */
export interface NatMatch {
  readonly value: string;
  readonly negated: boolean;
}

/** One `-A` rule of the nat table in `iptables-save -t nat`. */
export interface NatRule {
  readonly chain: string;
  /** `-j` (or `-g`) target: MASQUERADE, DNAT, SNAT, REDIRECT, RETURN, a user chain (DOCKER); null when the rule only counts. */
  readonly target: string | null;
  readonly protocol: NatMatch | null;
  readonly source: NatMatch | null;
  readonly destination: NatMatch | null;
  readonly inInterface: NatMatch | null;
  readonly outInterface: NatMatch | null;
  /** `--dport`/`--dports` as printed: `8080`, `8000:8010`, `80,443`. */
  readonly dport: NatMatch | null;
  readonly sport: NatMatch | null;
  /** `-m addrtype --dst-type` (Docker jumps to DOCKER for LOCAL destinations). */
  readonly dstType: NatMatch | null;
  readonly toDestination: string | null;
  readonly toSource: string | null;
  readonly toPorts: string | null;
  /** The rule as iptables-save printed it, and its line number. */
  readonly text: string;
  readonly line: number;
  readonly file: string;
}

export interface ConntrackTuple {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  type?: number;
  code?: number;
  id?: number;
}

/** One line of `conntrack -L` (plain or `-o extended`, `-o id`) or of `conntrack -E`. */
export interface ConntrackEntry {
  /** `ipv4`/`ipv6` with `-o extended`, null in the plain format. */
  family: string | null;
  /** Protocol name as conntrack prints it: tcp, udp, icmp, unknown, ... */
  proto: string;
  protonum: number;
  /** Remaining seconds (for events: the timeout set). */
  timeout: number;
  /** TCP state (ESTABLISHED, TIME_WAIT, ...), null for other protocols. */
  state: string | null;
  original: ConntrackTuple;
  reply: ConntrackTuple;
  /** [UNREPLIED], [ASSURED], ... without brackets. */
  flags: string[];
  /** Conntrack id (`-o id`), null when absent. */
  ctid: number | null;
  /** Event type (NEW, UPDATE, DESTROY) and unix time for `conntrack -E` lines; null otherwise. */
  event: string | null;
  time: number | null;
  line: string;
}

/** Everything a topology holds besides links; every list may be empty. */
export interface TopologyFacts {
  readonly networks: readonly Network[];
  readonly containers: readonly Container[];
  readonly endpoints: readonly Endpoint[];
  readonly addresses: readonly InterfaceAddress[];
  readonly neighbours: readonly Neighbour[];
  readonly fdb: readonly FdbEntry[];
  readonly nat: readonly NatRule[];
  /** With the file each came from. */
  readonly conntrack: readonly (ConntrackEntry & { readonly file: string })[];
}

// The simulated topology, as parsed from the YAML file (docs/simulate.md). Everything
// is resolved to numbers and defaults are filled in, so the simulator never re-checks.

import type { Ip, Mac } from './packet-types.js';

export type Proto = 'udp' | 'tcp';

/** A port a node answers on: UDP echoes the datagram back, TCP accepts and echoes. */
export interface Listen {
  readonly proto: Proto;
  readonly port: number;
}

export interface Address {
  readonly ip: Ip;
  /** Prefix length in bits. */
  readonly prefix: number;
}

export interface BridgeSpec {
  readonly name: string;
  readonly mac: Mac;
  /** The bridge's own address (the containers' gateway), or null for a bridge without one. */
  readonly address: Address | null;
  /** MASQUERADE the bridge's subnet when it leaves through the uplink. */
  readonly masquerade: boolean;
  /** Bytes; null: the smallest MTU of its ports, as Linux sets a bridge's. */
  readonly mtu: number | null;
}

export interface PeerSpec {
  /** Node name for --run (e.g. `wan`). */
  readonly name: string;
  /** The peer's interface name (default eth0). */
  readonly ifname: string;
  readonly mac: Mac;
  readonly address: Address;
  readonly listen: readonly Listen[];
}

export interface UplinkSpec {
  readonly name: string;
  readonly mac: Mac;
  /** Null for a macvlan parent without an address. */
  readonly address: Address | null;
  /** Default route next hop, or null (only connected subnets are reachable). */
  readonly gateway: Ip | null;
  /** An outside node at the other end, or another host's uplink (back to back). */
  readonly peer: PeerSpec | { readonly host: string } | null;
  /** Bytes (the peer's interface gets the same). */
  readonly mtu: number;
}

export interface PublishSpec {
  readonly hostPort: number;
  readonly proto: Proto;
  readonly container: string;
  readonly port: number;
}

export interface VxlanSpec {
  readonly name: string;
  readonly vni: number;
  /** Destination UDP port (4789 IANA, 8472 Linux default and Flannel). */
  readonly port: number;
  readonly local: Ip;
  readonly bridge: string;
  readonly mac: Mac;
  /** Learn inner source MAC -> outer source IP from received frames. */
  readonly learning: boolean;
  /** Answer ARP requests from `neigh` locally (`ip link add ... proxy`). */
  readonly proxy: boolean;
  /** Flood entries: all-zero MAC -> these VTEPs (`bridge fdb append 00:00:00:00:00:00 dst ...`). */
  readonly remotes: readonly Ip[];
  /** Programmed MAC -> VTEP entries (`bridge fdb add MAC dev vxlan0 dst IP self permanent`). */
  readonly fdb: readonly { readonly mac: Mac; readonly dst: Ip }[];
  /** Programmed neighbours for proxy ARP (`ip neigh add IP lladdr MAC dev vxlan0 nud permanent`). */
  readonly neigh: readonly { readonly ip: Ip; readonly mac: Mac }[];
  /** Bytes: 1450 leaves room for the 50 bytes of encapsulation on a 1500-byte underlay. */
  readonly mtu: number;
}

export interface HostSpec {
  readonly name: string;
  readonly bridges: readonly BridgeSpec[];
  readonly uplink: UplinkSpec | null;
  readonly publish: readonly PublishSpec[];
  readonly vxlan: readonly VxlanSpec[];
  readonly listen: readonly Listen[];
}

export type NetworkMode =
  | { readonly kind: 'bridge'; readonly bridge: string }
  | { readonly kind: 'host' }
  | { readonly kind: 'none' }
  | { readonly kind: 'container'; readonly container: string }
  | { readonly kind: 'macvlan' };

export interface ContainerSpec {
  readonly name: string;
  readonly host: string;
  readonly network: NetworkMode;
  /** For bridge and macvlan modes; 0 otherwise. */
  readonly mac: Mac;
  readonly address: Address | null;
  readonly gateway: Ip | null;
  /** The host-side veth's name (bridge mode). */
  readonly veth: string;
  /** The container's eth0 MTU in bytes (`ip link set eth0 mtu` inside it; the host-side veth keeps 1500). */
  readonly mtu: number;
  readonly listen: readonly Listen[];
}

export interface SimSpec {
  readonly hosts: readonly HostSpec[];
  readonly containers: readonly ContainerSpec[];
}

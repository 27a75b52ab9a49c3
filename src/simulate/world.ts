// The simulated machines: network namespaces (hosts, containers, outside peers) with
// their devices (veths, bridges, uplinks, vxlan and macvlan devices), neighbour tables,
// routes, bridge FDBs and the hosts' NAT configuration. Mutable state lives here; the
// behaviour is in datapath.ts, stack.ts, vxlan.ts, nat.ts and endpoints.ts.

import type { Conntrack } from './nat.js';
import type { EthFrame, Ip, Ipv4Packet, Mac } from './packet-types.js';
import type { Address, Listen, Proto, VxlanSpec } from './spec.js';

export type DeviceKind = 'veth' | 'bridge' | 'uplink' | 'vxlan' | 'macvlan';

export interface Bridge {
  readonly dev: Device;
  readonly ports: Device[];
  /** Learned MAC -> port. */
  readonly fdb: Map<Mac, Device>;
  readonly masquerade: boolean;
}

export interface Vxlan {
  readonly spec: VxlanSpec;
  /** Learned and programmed MAC -> remote VTEP. */
  readonly fdb: Map<Mac, Ip>;
  readonly neigh: Map<Ip, Mac>;
}

export interface Device {
  readonly name: string;
  readonly ns: Ns;
  readonly mac: Mac;
  readonly kind: DeviceKind;
  readonly addresses: Address[];
  /** The other end of a veth pair or cable. */
  peer: Device | null;
  /** The bridge this device is a port of. */
  master: Bridge | null;
  /** Set on a bridge's own device. */
  bridge: Bridge | null;
  vxlan: Vxlan | null;
  /** A macvlan child's parent, and a parent's children. */
  parent: Device | null;
  readonly children: Device[];
  /** Index in the list of capture points. */
  readonly capture: number;
  /** Which side of the topology the device is on, for the default capture set. */
  readonly side: 'host' | 'container' | 'peer';
  /** Bytes of IPv4 packet the device sends whole. */
  mtu: number;
}

export interface Route {
  readonly net: Ip;
  readonly prefix: number;
  readonly dev: Device;
  readonly via: Ip | null;
}

export interface TcpConn {
  readonly role: 'client' | 'server';
  sndNxt: number;
  rcvNxt: number;
  readonly data: Uint8Array;
}

export class Ns {
  readonly devices: Device[] = [];
  readonly routes: Route[] = [];
  readonly neigh = new Map<Ip, Mac>();
  /** Packets waiting for an ARP reply, per next hop. */
  readonly pending = new Map<Ip, Ipv4Packet[]>();
  /** Path MTUs learnt from ICMP fragmentation needed, per destination (never expire here). */
  readonly pmtu = new Map<Ip, number>();
  /** Fragments received so far, per datagram (fragments.ts). */
  readonly reassembly = new Map<string, Ipv4Packet[]>();
  readonly listen: Listen[] = [];
  /** UDP ports a --run command sends from (replies to them are consumed, not answered). */
  readonly udpClients = new Set<number>();
  readonly tcp = new Map<string, TcpConn>();
  forwarding = false;
  conntrack: Conntrack | null = null;
  /** Published ports, with the container's address resolved. */
  readonly publish: { proto: Proto; hostPort: number; target: Ip; port: number }[] = [];
  private ipId = 0;
  private ephemeral = 32768;
  private isn = 0;

  constructor(readonly name: string) {}

  /** IPv4 Identification: a per-namespace counter (Linux hashes per destination; only uniqueness matters). */
  nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /** Ephemeral source ports from the start of Linux's default range, in order. */
  nextEphemeralPort(): number {
    return this.ephemeral++;
  }

  /** Initial sequence numbers: distinct per namespace (from its name) and per connection. */
  nextIsn(): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.name.length; i++) h = Math.imul(h ^ this.name.charCodeAt(i), 0x01000193) >>> 0;
    return (h + 0x01000000 * this.isn++) >>> 0;
  }

  ownsIp(ip: Ip): boolean {
    return this.devices.some((d) => d.addresses.some((a) => a.ip === ip));
  }
}

/** Frames recorded at a capture point, in the order they passed. */
export interface Recorded {
  readonly capture: number;
  readonly t: number;
  readonly frame: EthFrame;
}

export function inSubnet(ip: Ip, net: Ip, prefix: number): boolean {
  if (prefix === 0) return true;
  const mask = (~0 << (32 - prefix)) >>> 0;
  return ((ip & mask) >>> 0) === ((net & mask) >>> 0);
}

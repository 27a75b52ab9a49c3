// Builds the simulated machines from a parsed topology: one namespace per host, per
// uplink peer and per container (host-mode containers are the host's namespace,
// container:NAME ones their target's), devices wired as Docker and the lab script wire
// them, routes (connected subnets and the default gateway) and NAT where configured.

import { Conntrack } from './nat.js';
import type { Ip, Mac } from './packet-types.js';
import type { Address, ContainerSpec, HostSpec, SimSpec } from './spec.js';
import { Ns, type Device, type DeviceKind } from './world.js';

export interface CapturePoint {
  /** The device's own name (`eth0`, `veth1c0ffee`, `docker0`). */
  readonly name: string;
  /** The namespace it is in (a host, container or peer name). */
  readonly node: string;
  readonly side: Device['side'];
}

export interface World {
  /** Namespaces by node name (aliases included: host-mode and container:NAME containers). */
  readonly nodes: Map<string, Ns>;
  readonly captures: CapturePoint[];
}

function maskNet(a: Address): Ip {
  return a.prefix === 0 ? 0 : ((a.ip & ((~0 << (32 - a.prefix)) >>> 0)) >>> 0);
}

const DEFAULT_MTU = 1500;

export function buildWorld(spec: SimSpec): World {
  const nodes = new Map<string, Ns>();
  const captures: CapturePoint[] = [];
  const device = (ns: Ns, name: string, kind: DeviceKind, mac: Mac, side: Device['side'], address: Address | null): Device => {
    const dev: Device = {
      name, ns, mac, kind, addresses: address === null ? [] : [address], peer: null, master: null, bridge: null,
      vxlan: null, parent: null, children: [], capture: captures.length, side, mtu: DEFAULT_MTU,
    };
    captures.push({ name, node: ns.name, side });
    ns.devices.push(dev);
    if (address !== null) ns.routes.push({ net: maskNet(address), prefix: address.prefix, dev, via: null });
    return dev;
  };
  const uplinks = new Map<string, Device>();
  for (const h of spec.hosts) buildHost(h, nodes, uplinks, device);
  for (const h of spec.hosts) {
    const peer = h.uplink?.peer;
    if (peer && 'host' in peer) {
      const a = uplinks.get(h.name) as Device;
      const b = uplinks.get(peer.host);
      if (b !== undefined && a.peer === null && b.peer === null) [a.peer, b.peer] = [b, a];
    }
  }
  for (const c of spec.containers) if (c.network.kind !== 'container') buildContainer(c, spec, nodes, uplinks, device);
  for (const c of spec.containers) {
    // container:NAME shares the namespace (and so the addresses) of its target, possibly through a chain
    let mode = c.network;
    const seen = new Set<string>([c.name]);
    while (mode.kind === 'container' && !seen.has(mode.container)) {
      seen.add(mode.container);
      const next = spec.containers.find((o) => o.name === (mode as { container: string }).container);
      if (next === undefined) break;
      if (next.network.kind !== 'container') nodes.set(c.name, nodes.get(next.name) as Ns);
      mode = next.network;
    }
  }
  for (const h of spec.hosts) {
    const ns = nodes.get(h.name) as Ns;
    for (const p of h.publish) {
      const c = spec.containers.find((x) => x.name === p.container && x.host === h.name);
      if (c?.address) ns.publish.push({ proto: p.proto, hostPort: p.hostPort, target: c.address.ip, port: p.port });
    }
    // Linux gives a bridge without its own MTU setting the smallest of its ports'
    for (const b of h.bridges) {
      const dev = ns.devices.find((d) => d.bridge !== null && d.name === b.name);
      if (dev?.bridge && b.mtu === null && dev.bridge.ports.length > 0) dev.mtu = Math.min(...dev.bridge.ports.map((p) => p.mtu));
    }
  }
  return { nodes, captures };
}

type MakeDevice = (ns: Ns, name: string, kind: DeviceKind, mac: Mac, side: Device['side'], address: Address | null) => Device;

function buildHost(h: HostSpec, nodes: Map<string, Ns>, uplinks: Map<string, Device>, device: MakeDevice): void {
  const ns = new Ns(h.name);
  nodes.set(h.name, ns);
  ns.forwarding = true;
  ns.listen.push(...h.listen);
  if (h.publish.length > 0 || h.bridges.some((b) => b.masquerade)) ns.conntrack = new Conntrack();
  for (const b of h.bridges) {
    const dev = device(ns, b.name, 'bridge', b.mac, 'host', b.address);
    dev.mtu = b.mtu ?? DEFAULT_MTU;
    dev.bridge = { dev, ports: [], fdb: new Map(), masquerade: b.masquerade };
  }
  const up = h.uplink;
  if (up !== null) {
    const dev = device(ns, up.name, 'uplink', up.mac, 'host', up.address);
    dev.mtu = up.mtu;
    uplinks.set(h.name, dev);
    if (up.gateway !== null) ns.routes.push({ net: 0, prefix: 0, dev, via: up.gateway });
    if (up.peer !== null && 'name' in up.peer) {
      const peerNs = new Ns(up.peer.name);
      nodes.set(up.peer.name, peerNs);
      peerNs.listen.push(...up.peer.listen);
      const peerDev = device(peerNs, up.peer.ifname, 'uplink', up.peer.mac, 'peer', up.peer.address);
      peerDev.mtu = up.mtu;
      [dev.peer, peerDev.peer] = [peerDev, dev];
    }
  }
  for (const v of h.vxlan) {
    const dev = device(ns, v.name, 'vxlan', v.mac, 'host', null);
    dev.mtu = v.mtu;
    dev.vxlan = { spec: v, fdb: new Map(v.fdb.map((e) => [e.mac, e.dst])), neigh: new Map(v.neigh.map((e) => [e.ip, e.mac])) };
    attachToBridge(ns, v.bridge, dev);
  }
}

function attachToBridge(ns: Ns, bridgeName: string, port: Device): void {
  const bridge = ns.devices.find((d) => d.bridge !== null && d.name === bridgeName)?.bridge;
  if (bridge) {
    port.master = bridge;
    bridge.ports.push(port);
  }
}

function buildContainer(c: ContainerSpec, spec: SimSpec, nodes: Map<string, Ns>, uplinks: Map<string, Device>, device: MakeDevice): void {
  const hostNs = nodes.get(c.host) as Ns;
  if (c.network.kind === 'host') {
    nodes.set(c.name, hostNs);
    hostNs.listen.push(...c.listen);
    return;
  }
  const ns = new Ns(c.name);
  nodes.set(c.name, ns);
  ns.listen.push(...c.listen);
  if (c.network.kind === 'none' || c.address === null) return;
  const eth0 = device(ns, 'eth0', c.network.kind === 'macvlan' ? 'macvlan' : 'veth', c.mac, 'container', c.address);
  eth0.mtu = c.mtu;
  if (c.gateway !== null) ns.routes.push({ net: 0, prefix: 0, dev: eth0, via: c.gateway });
  if (c.network.kind === 'macvlan') {
    const parent = uplinks.get(c.host) as Device;
    eth0.parent = parent;
    parent.children.push(eth0);
    return;
  }
  if (c.network.kind !== 'bridge') return;
  const veth = device(hostNs, c.veth, 'veth', vethMac(c, spec), 'host', null);
  [eth0.peer, veth.peer] = [veth, eth0];
  attachToBridge(hostNs, c.network.bridge, veth);
}

/** The host-side veth's MAC: never on the wire for IPv4 traffic, so any stable value does. */
function vethMac(c: ContainerSpec, spec: SimSpec): Mac {
  const index = spec.containers.indexOf(c);
  return 0x0a5800000000 + index + 1;
}

// Which bridge each captured interface is, or is a port of. From the topology
// (`ip -j -d link`) when it knows the interface; otherwise from the name (docker0,
// br-*, br0, cni0, virbr* are bridges) and from copy correlation: fdb.ts attaches an
// unknown interface to the bridge on which copies of its frames appear. A classic
// pcap names no interface at all: it is taken as the device of a single unnamed
// bridge (the "capture of docker0 alone" case); an SLL2 ifindex the topology does not
// resolve stays unknown until correlation says what it is.

import { parseIpv4, parseMac, type Ipv4Layer, type LayerList, type UdpLayer, type VxlanLayer } from '../decode/index.js';
import { Topology } from '../topology/model.js';
import { U48Map } from './u48-map.js';
import { Bridge, Entry } from './fdb-table.js';

/** Not known yet: may turn out to be a port (copy correlation) or a bridge (SLL2). */
export const ROLE_UNKNOWN = 0;
/** The bridge device itself. */
export const ROLE_BRIDGE = 1;
export const ROLE_PORT = 2;
/** Known (from the topology) to be neither a bridge nor a port of one. */
export const ROLE_OTHER = 3;

const BRIDGE_NAME = /^(docker\d+|br-.+|br\d+|cni\d+|virbr\d+)$/;
/**
 * A pseudo-port made by the analysis itself, `kind:peer` (the overlay engine hands a
 * VNI's inner frames over as received on 'vxlan:<remote VTEP>'): a port of the unnamed
 * bridge. Real interface names are letters then digits (an `eth0:1` alias does not match).
 */
const PSEUDO_PORT = /^[a-z]+:./;

export function isBridgeName(name: string): boolean {
  return BRIDGE_NAME.test(name);
}

export class Iface {
  /** Frames were captured on it (not only named by the topology). */
  captured = false;

  constructor(
    readonly name: string | null,
    /** SLL2 ifindex, or the topology's; -1 when unknown. */
    readonly ifindex: number,
    public role: number,
    /** The bridge it is (ROLE_BRIDGE) or is a port of (ROLE_PORT). */
    public bridge: Bridge | null,
    /** The role comes from the topology and is never revised. */
    readonly fixed: boolean,
  ) {}
}

/** A VXLAN device of the topology that is a bridge port: frames tunnelled to its local address enter the bridge there. */
export interface Vtep {
  readonly iface: Iface;
  readonly bridge: Bridge;
  readonly vni: number;
  readonly port: number;
  /** Local VTEP IPv4 address (u32). */
  readonly local: number;
  /** Preallocated answers of Interfaces.vtepOf (no allocation per frame). */
  readonly received: { vtep: Vtep; received: boolean };
  readonly sent: { vtep: Vtep; received: boolean };
}

function vtep(iface: Iface, bridge: Bridge, vni: number, port: number, local: number): Vtep {
  const t = { iface, bridge, vni, port, local } as Vtep & { received: unknown; sent: unknown };
  t.received = { vtep: t, received: true };
  t.sent = { vtep: t, received: false };
  return t;
}

export class Interfaces {
  /**
   * Capture interface key (see keyOf) -> interface. A U48Map: the overlay's VTEP pseudo-ports
   * have keys beyond 2^40, which a JS Map hashes in V8's runtime on every lookup.
   */
  readonly byKey = new U48Map<Iface>();
  readonly byName = new Map<string, Iface>();
  /** Bridge id -> bridge. */
  readonly bridges = new Map<string, Bridge>();
  readonly vteps: Vtep[] = [];
  /** The host's own MACs (topology.localMacs()): never learned on a port. */
  readonly localMacs = new U48Map<true>();
  readonly hasTopology: boolean;
  /** Interfaces still of unknown role (correlation is skipped when there are none). */
  unknown = 0;
  /** The last interface looked up, and its key. */
  private lastKey = 0;
  private lastIface: Iface | null = null;

  constructor(topology: Topology, populate = true) {
    this.hasTopology = topology.links.length > 0;
    if (!populate) return;
    for (const text of topology.localMacs()) {
      const mac = parseMac(text);
      if (mac !== null) this.localMacs.set(mac, true);
    }
    for (const link of topology.links) {
      let iface: Iface;
      if (link.kind === 'bridge') iface = new Iface(link.name, link.ifindex, ROLE_BRIDGE, this.bridge(link.name), true);
      else if (link.master !== null && (topology.isBridge(link.master) || (!topology.link(link.master) && isBridgeName(link.master)))) {
        const bridge = this.bridge(link.master);
        iface = new Iface(link.name, link.ifindex, ROLE_PORT, bridge, true);
        bridge.portCount++;
      } else iface = new Iface(link.name, link.ifindex, ROLE_OTHER, null, true);
      this.byName.set(link.name, iface);
    }
    // The kernel's permanent entries: each port's own MAC on that port, then the bridge's
    // own MAC on the bridge when no port has it (a bridge without a fixed MAC takes one).
    for (const link of topology.links) {
      const iface = this.byName.get(link.name) as Iface;
      if (iface.role === ROLE_PORT && link.mac !== null) this.addLocal(iface.bridge as Bridge, link.mac, iface);
    }
    for (const link of topology.links) {
      const iface = this.byName.get(link.name) as Iface;
      if (iface.role === ROLE_BRIDGE && link.mac !== null) this.addLocal(iface.bridge as Bridge, link.mac, iface);
      if (link.vxlan !== null && iface.role === ROLE_PORT && link.vxlan.local !== null && link.vxlan.vni >= 0) {
        const local = parseIpv4(link.vxlan.local);
        if (local !== null) {
          this.vteps.push(vtep(iface, iface.bridge as Bridge, link.vxlan.vni, link.vxlan.port, local >>> 0));
          (iface.bridge as Bridge).tunnelPorts++;
        }
      }
    }
  }

  private addLocal(bridge: Bridge, text: string, port: Iface): void {
    const mac = parseMac(text);
    if (mac === null || mac === 0 || bridge.untagged.has(mac)) return;
    bridge.untagged.set(mac, new Entry(bridge, mac, 0, port, true, -1, -1));
    bridge.entryCount++;
  }

  /** The bridge with this id, created on first use. */
  bridge(name: string | null, ifindex = -1, id: string = name ?? ''): Bridge {
    let b = this.bridges.get(id);
    if (b === undefined) {
      b = new Bridge(id, name, ifindex);
      this.bridges.set(id, b);
    }
    return b;
  }

  /**
   * Key of a capture interface: an SLL2 ifindex within its capture interface, else the
   * capture interface. A small integer in practice (no boxing in Map lookups).
   */
  static keyOf(ifaceId: number, ifindex: number, sll: boolean): number {
    if (!sll || ifindex < 0) return -1 - ifaceId;
    return ifindex < 0x100000 && ifaceId < 0x400 ? ifaceId * 0x100000 + ifindex : ifaceId * 4294967296 + ifindex;
  }

  /** Most capture interfaces (SLL2 ifindexes count one each) followed; beyond, frames map to `overflowIface`. */
  maxInterfaces = Infinity;
  /** Stands for every interface beyond maxInterfaces: ROLE_OTHER, nothing is learned from it. */
  readonly overflowIface = new Iface(null, -1, ROLE_OTHER, null, true);

  /** The interface a frame was captured on, created (and its role guessed) on first sight. */
  lookup(key: number, name: string | null, ifindex: number): Iface {
    if (key === this.lastKey && this.lastIface !== null) return this.lastIface; // runs of frames from one interface
    let iface = this.byKey.get(key);
    if (iface === undefined) {
      if (this.byKey.size >= this.maxInterfaces) return this.overflowIface; // crafted SLL2 ifindexes, one per frame
      iface = this.create(name, ifindex);
      iface.captured = true;
      this.byKey.set(key, iface);
    }
    this.lastKey = key;
    this.lastIface = iface;
    return iface;
  }

  private create(name: string | null, ifindex: number): Iface {
    if (name !== null) {
      const known = this.byName.get(name);
      if (known) return known;
      let iface: Iface;
      if (isBridgeName(name)) iface = new Iface(name, ifindex, ROLE_BRIDGE, this.bridge(name), false);
      else {
        iface = new Iface(name, ifindex, ROLE_UNKNOWN, null, false);
        this.unknown++;
        if (PSEUDO_PORT.test(name)) this.attach(iface, this.bridge(null));
      }
      this.byName.set(name, iface);
      return iface;
    }
    // An SLL2 ifindex nothing names: unknown until correlation tells. No interface and
    // no ifindex (classic pcap): the device of the single unnamed bridge.
    if (ifindex >= 0) {
      this.unknown++;
      return new Iface(null, ifindex, ROLE_UNKNOWN, null, false);
    }
    return new Iface(null, -1, ROLE_BRIDGE, this.bridge(null), false);
  }

  /** Make an unknown interface a port of `bridge` (copy correlation). */
  attach(iface: Iface, bridge: Bridge): void {
    if (iface.fixed || iface.role !== ROLE_UNKNOWN) return;
    iface.role = ROLE_PORT;
    iface.bridge = bridge;
    bridge.portCount++;
    this.unknown--;
  }

  /** Make an unknown SLL2 interface a bridge (it received copies of frames another interface received first). */
  promote(iface: Iface): Bridge {
    if (iface.role === ROLE_BRIDGE) return iface.bridge as Bridge;
    const b = iface.name !== null ? this.bridge(iface.name) : this.bridge(null, iface.ifindex, `#${iface.ifindex}`);
    if (iface.role === ROLE_UNKNOWN) this.unknown--;
    iface.role = ROLE_BRIDGE;
    iface.bridge = b;
    return b;
  }

  /** An egress copy (first seen on `firstName`): attach unknown interfaces to the bridge of the other copy. */
  correlate(firstName: string | null, iface: Iface): void {
    if (firstName === null) return;
    const first = this.byName.get(firstName);
    if (first === undefined || first === iface) return;
    if (iface.role === ROLE_UNKNOWN) {
      if (first.role === ROLE_BRIDGE || first.role === ROLE_PORT) this.attach(iface, first.bridge as Bridge);
      else if (first.role === ROLE_UNKNOWN) {
        const bridge = this.bridge(null); // two ports of a bridge the capture does not name
        this.attach(first, bridge);
        this.attach(iface, bridge);
      }
    } else if (first.role === ROLE_UNKNOWN && (iface.role === ROLE_BRIDGE || iface.role === ROLE_PORT)) {
      this.attach(first, iface.bridge as Bridge);
    }
  }

  /**
   * The local VTEP a VXLAN packet (layer `v` of `list`, after UDP over IPv4) belongs to:
   * received (addressed to it) or sent by it; null when it is no VTEP's of this topology.
   */
  vtepOf(list: LayerList, v: number): { vtep: Vtep; received: boolean } | null {
    const vni = (list.items[v] as VxlanLayer).vni;
    const dport = (list.items[v - 1] as UdpLayer).dport;
    const ip = list.items[v - 2] as Ipv4Layer;
    const src = ip.src >>> 0;
    const dst = ip.dst >>> 0;
    for (let i = 0; i < this.vteps.length; i++) {
      const t = this.vteps[i];
      if (t.vni !== vni || t.port !== dport) continue;
      if (t.local === dst) return t.received;
      if (t.local === src) return t.sent;
    }
    return null;
  }

  /** A deep copy, with functions mapping this copy's interfaces and entries to the new ones. */
  clone(): { copy: Interfaces; iface: (i: Iface) => Iface; entry: (e: Entry) => Entry } {
    const copy = new Interfaces(Topology.empty(), false);
    (copy as { hasTopology: boolean }).hasTopology = this.hasTopology;
    copy.unknown = this.unknown;
    copy.maxInterfaces = this.maxInterfaces;
    for (const [m] of this.localMacs.entries()) copy.localMacs.set(m, true);
    const bridges = new Map<Bridge, Bridge>();
    const entries = new Map<Entry, Entry>();
    const ifaces = new Map<Iface, Iface>();
    const iface = (i: Iface): Iface => {
      let n = ifaces.get(i);
      if (n === undefined) {
        n = new Iface(i.name, i.ifindex, i.role, i.bridge === null ? null : (bridges.get(i.bridge) as Bridge), i.fixed);
        n.captured = i.captured;
        ifaces.set(i, n);
      }
      return n;
    };
    for (const [id, b] of this.bridges) {
      const nb = new Bridge(b.id, b.name, b.ifindex);
      nb.portCount = b.portCount;
      nb.entryCount = b.entryCount;
      nb.deviceSeen = b.deviceSeen;
      nb.tunnelPorts = b.tunnelPorts;
      nb.counters.copyFrom(b.counters);
      bridges.set(b, nb);
      copy.bridges.set(id, nb);
    }
    for (const [b, nb] of bridges) {
      for (const [vlan, table] of b.tables) {
        const t = nb.table(vlan);
        for (const [mac, e] of table.entries()) {
          const n = new Entry(nb, e.mac, e.vlan, e.port === null ? null : iface(e.port), e.local, e.firstFrame, e.lastFrame);
          n.lastSec = e.lastSec;
          n.lastNsec = e.lastNsec;
          t.set(mac, n);
          entries.set(e, n);
        }
      }
    }
    for (const [k, i] of this.byKey.entries()) copy.byKey.set(k, iface(i));
    for (const [k, i] of this.byName) copy.byName.set(k, iface(i));
    for (const t of this.vteps) copy.vteps.push(vtep(iface(t.iface), bridges.get(t.bridge) as Bridge, t.vni, t.port, t.local));
    return { copy, iface, entry: (e) => entries.get(e) as Entry };
  }
}

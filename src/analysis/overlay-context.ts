// What the overlay engine needs besides the frames: VTEP addresses as small numeric
// ids (so the per-frame path allocates nothing), and what the topology says about
// VXLAN devices (local VTEP addresses, device MTUs, the bridges they are ports of).

import { formatIpv4, formatIpv6, parseIpv4, type Ipv4Layer, type Ipv6Layer } from '../decode/index.js';
import type { Link, Topology } from '../topology/model.js';
import { U48Map } from './u48-map.js';

/** First id given to an IPv6 VTEP: IPv4 addresses are their own ids (0 .. 2^32-1). */
const V6_BASE = 2 ** 32;

/**
 * VTEP addresses as numbers: an IPv4 address is its u32 value; an IPv6 address gets
 * 2^32 + n in order of appearance. Text forms are made once per address.
 */
export class VtepAddresses {
  private v6Ids = new Map<string, number>();
  private v6Texts: string[] = [];
  /** IPv4 id -> text. A U48Map: an address above 2^31 is hashed in V8's runtime by a JS Map. */
  private texts = new U48Map<string>();

  /** The id of an IPv4 or IPv6 header's source (`dst` false) or destination address; -1 when not captured. */
  idOf(ip: Ipv4Layer | Ipv6Layer, dst: boolean): number {
    if (ip.proto === 'ipv4') {
      const a = dst ? ip.dst : ip.src;
      return a < 0 ? -1 : a >>> 0;
    }
    // IPv6 underlays are rare: the text form is the key (one string per frame).
    const text = dst ? formatIpv6(ip.dst0, ip.dst1, ip.dst2, ip.dst3) : formatIpv6(ip.src0, ip.src1, ip.src2, ip.src3);
    return this.idOfV6Text(text);
  }

  /** The id of an address written as text (topology files); null when it is not an address. */
  idOfText(text: string): number | null {
    const v4 = parseIpv4(text);
    if (v4 !== null) return v4;
    if (!text.includes(':')) return null;
    return this.idOfV6Text(text.toLowerCase());
  }

  text(id: number): string {
    if (id >= V6_BASE) return this.v6Texts[id - V6_BASE];
    let t = this.texts.get(id);
    if (t === undefined) {
      t = formatIpv4(id);
      this.texts.set(id, t);
    }
    return t;
  }

  copy(): VtepAddresses {
    const c = new VtepAddresses();
    c.v6Ids = new Map(this.v6Ids);
    c.v6Texts = [...this.v6Texts];
    for (const [id, text] of this.texts.entries()) c.texts.set(id, text);
    return c;
  }

  private idOfV6Text(text: string): number {
    let id = this.v6Ids.get(text);
    if (id === undefined) {
      id = V6_BASE + this.v6Texts.length;
      this.v6Ids.set(text, id);
      this.v6Texts.push(text);
    }
    return id;
  }
}

/** Deterministic order of VTEP ids: IPv4 numerically, then IPv6 by text. */
export function compareVteps(addresses: VtepAddresses, a: number, b: number): number {
  if (a < V6_BASE && b < V6_BASE) return a - b;
  if (a < V6_BASE) return -1;
  if (b < V6_BASE) return 1;
  const ta = addresses.text(a);
  const tb = addresses.text(b);
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/** A VXLAN device of the topology. */
export interface OverlayDevice {
  readonly name: string;
  readonly vni: number;
  readonly port: number;
  readonly mtu: number | null;
  readonly learning: boolean;
}

/** What the topology (`ip -j -d link`) says that matters to the overlay. */
export class OverlayTopology {
  /** VTEP ids configured as the `local` address of a VXLAN device. */
  readonly localVteps = new Set<number>();
  readonly devices: OverlayDevice[] = [];
  /** Interface name -> the VXLAN device it is, is bridged with, or is the bridge of. */
  readonly overlayIfaces = new Map<string, OverlayDevice>();
  /** VNI -> its device (the first one listed when several hosts' dumps are merged). */
  readonly byVni = new Map<number, OverlayDevice>();

  constructor(private readonly topology: Topology, addresses: VtepAddresses) {
    for (const link of topology.links) {
      if (link.vxlan === null) continue;
      const device: OverlayDevice = {
        name: link.name, vni: link.vxlan.vni, port: link.vxlan.port, mtu: link.mtu, learning: link.vxlan.learning,
      };
      this.devices.push(device);
      if (!this.byVni.has(device.vni)) this.byVni.set(device.vni, device);
      if (link.vxlan.local !== null) {
        const id = addresses.idOfText(link.vxlan.local);
        if (id !== null) this.localVteps.add(id);
      }
      this.markOverlay(link, device);
    }
  }

  /** MTU of a capture interface from the topology; null when unknown. */
  mtuOf(iface: string | null): number | null {
    if (iface === null) return null;
    return this.topology.link(iface)?.mtu ?? null;
  }

  /** The VXLAN device whose MTU is `mtu`, or null. */
  deviceWithMtu(mtu: number): OverlayDevice | null {
    for (const d of this.devices) if (d.mtu === mtu) return d;
    return null;
  }

  private markOverlay(link: Link, device: OverlayDevice): void {
    if (!this.overlayIfaces.has(link.name)) this.overlayIfaces.set(link.name, device);
    if (link.master === null) return;
    if (!this.overlayIfaces.has(link.master)) this.overlayIfaces.set(link.master, device);
    for (const port of this.topology.portsOf(link.master)) {
      if (!this.overlayIfaces.has(port.name)) this.overlayIfaces.set(port.name, device);
    }
  }
}

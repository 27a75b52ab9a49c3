// Names over numbers: once a topology names containers and interfaces, the report's
// entries carry them beside their MACs and IPs (`name`; a NAT entry names its inside
// container). Done on the finished report, not in the engines, which stay a function
// of the frames alone; a key is added only when the topology knows the name.

import type { JsonValue } from '../decode/index.js';
import type { Topology } from '../topology/model.js';

type Obj = { [key: string]: JsonValue };

const list = (v: JsonValue | undefined): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

export class ReportNamer {
  private readonly macNames = new Map<string, string | null>();
  private readonly ipNames = new Map<string, string | null>();
  /** False when the topology holds nothing that names a MAC or an IP (no work to do). */
  readonly active: boolean;

  constructor(private readonly topology: Topology) {
    const t = topology;
    this.active = t.endpoints.length > 0 || t.links.length > 0 || t.addresses.length > 0 || t.networks.length > 0 || t.fdb.length > 0;
  }

  mac(mac: string): string | null {
    let name = this.macNames.get(mac);
    if (name === undefined) this.macNames.set(mac, (name = this.topology.nameOfMac(mac)));
    return name;
  }

  ip(ip: string): string | null {
    let name = this.ipNames.get(ip);
    if (name === undefined) this.ipNames.set(ip, (name = this.topology.nameOfIp(ip)));
    return name;
  }

  /** Adds the names the topology knows to a report (`analyze --json`'s shape), in place. */
  annotate(report: Obj): void {
    if (!this.active) return;
    const overlay = (report.overlay ?? {}) as Obj;
    const vnis = list(overlay.vnis);
    for (const bridge of [...list(report.bridges), ...vnis.flatMap((v) => list(v.bridges))]) {
      for (const e of list(bridge.fdb)) this.set(e, 'name', this.mac(String(e.mac)));
    }
    for (const e of [...list(report.arp), ...vnis.flatMap((v) => list(v.arp))]) {
      this.set(e, 'name', this.ip(String(e.ip)) ?? this.mac(String(e.mac)));
    }
    for (const e of list(report.nat)) {
      // The container inside: the source before SNAT, the destination after DNAT.
      const inside = (e.type === 'dnat' ? e.reply : e.original) as Obj | undefined;
      if (inside) this.set(e, 'container', this.ip(String(inside.src)));
    }
    for (const e of list(overlay.fdb)) this.set(e, 'name', this.mac(String(e.mac)));
    for (const t of list(overlay.tunnels)) {
      this.set(t, 'localName', t.local === null ? null : this.ip(String(t.local)));
      this.set(t, 'remoteName', t.remote === null ? null : this.ip(String(t.remote)));
    }
  }

  private set(o: Obj, key: string, name: string | null): void {
    if (name !== null) o[key] = name;
  }
}

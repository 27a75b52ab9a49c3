// The parts of the `analyze --json` report that verify compares, read as typed rows.

import type { JsonValue } from '../decode/index.js';

export interface OurFdbEntry { mac: string; port: string | null; vlan: number | null; local: boolean }
export interface OurBridge { name: string | null; fdb: OurFdbEntry[] }
export interface OurArpEntry { ip: string; mac: string }
export interface OurTuple { src: string; dst: string; sport?: number; dport?: number; id?: number }
export interface OurNatEntry { proto: string; type: string; original: OurTuple; reply: OurTuple }
export interface OurVxlanEntry { vni: number; mac: string; vtep: string }

export interface ReportView {
  /** Capture interface names (null: a file that does not name its interface). */
  interfaces: (string | null)[];
  /**
   * The bridges outside tunnels. (Each VNI's inner engines rebuild a bridge too, but one
   * that spans every host of the overlay, which no single kernel's table is.)
   */
  bridges: OurBridge[];
  /** The ARP table outside tunnels, then each VNI's. */
  arp: OurArpEntry[];
  nat: OurNatEntry[];
  vxlan: OurVxlanEntry[];
}

type Obj = Record<string, JsonValue>;

export function viewReport(report: Record<string, JsonValue>): ReportView {
  const overlay = (report.overlay ?? {}) as Obj;
  const vnis = (overlay.vnis ?? []) as Obj[];
  return {
    interfaces: ((report.interfaces ?? []) as Obj[]).map((i) => i.name as string | null),
    bridges: (report.bridges ?? []) as unknown as OurBridge[],
    arp: [...(report.arp ?? []) as unknown as OurArpEntry[], ...vnis.flatMap((v) => (v.arp ?? []) as unknown as OurArpEntry[])],
    nat: (report.nat ?? []) as unknown as OurNatEntry[],
    vxlan: (overlay.fdb ?? []) as unknown as OurVxlanEntry[],
  };
}

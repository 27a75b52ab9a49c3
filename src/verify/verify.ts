// `dockshark verify`'s core: the analysis report and what the capture showed, against
// the kernel's tables (parsed into a Topology's facts), as findings in table order.

import type { JsonValue } from '../decode/index.js';
import type { Topology } from '../topology/model.js';
import { verifyConntrack } from './conntrack.js';
import { verifyFdb } from './fdb.js';
import type { Finding, Verdict } from './findings.js';
import { verifyNeighbours } from './neigh.js';
import { viewReport } from './report-view.js';
import type { Seen } from './sightings.js';
import { verifyVxlan } from './vxlan.js';

export interface Verification {
  readonly findings: readonly Finding[];
  readonly counts: Readonly<Record<Verdict, number>>;
}

/** A finding's MAC or IP (a connection's inside address). */
function addressOf(f: Finding): { mac?: string; ip?: string } {
  if (f.table === 'fdb' || f.table === 'vxlan') return { mac: f.key };
  if (f.table === 'arp') return { ip: f.key };
  return { ip: f.inside };
}

/** `names`: the topology's names for MACs and IPs, added to each finding that has one. */
export function verify(report: Record<string, JsonValue>, seen: Seen, kernel: Topology,
  names?: { mac(mac: string): string | null; ip(ip: string): string | null }): Verification {
  const ours = viewReport(report);
  const findings = [
    ...verifyFdb(kernel.fdb, ours, seen),
    ...verifyVxlan(kernel.fdb, ours, seen),
    ...verifyNeighbours(kernel.neighbours, ours, seen),
    ...verifyConntrack(kernel.conntrack, ours, seen),
  ];
  const counts = { agree: 0, differ: 0, unchecked: 0 };
  for (const f of findings) {
    counts[f.verdict]++;
    if (names === undefined) continue;
    const { mac, ip } = addressOf(f);
    const name = mac !== undefined ? names.mac(mac) : ip !== undefined ? names.ip(ip) : null;
    if (name !== null) f.name = name;
  }
  return { findings, counts };
}

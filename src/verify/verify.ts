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

export function verify(report: Record<string, JsonValue>, seen: Seen, kernel: Topology): Verification {
  const ours = viewReport(report);
  const findings = [
    ...verifyFdb(kernel.fdb, ours, seen),
    ...verifyVxlan(kernel.fdb, ours, seen),
    ...verifyNeighbours(kernel.neighbours, ours, seen),
    ...verifyConntrack(kernel.conntrack, ours, seen),
  ];
  const counts = { agree: 0, differ: 0, unchecked: 0 };
  for (const f of findings) counts[f.verdict]++;
  return { findings, counts };
}

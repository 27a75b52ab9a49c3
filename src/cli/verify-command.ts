// `dockshark verify CAPTURE... --kernel FILE... [--topology FILE]... [--json]`: rebuild the
// tables from the captures and compare them with the kernel's own (`bridge -j fdb show`,
// `ip -j neigh show`, `conntrack -L`, taken when the capture stopped). Prints every
// agreement, difference and entry the capture cannot speak for; exit 1 on a difference.

import { createEngines } from '../analysis/engines.js';
import { ReportNamer } from '../analysis/report-names.js';
import { Topology } from '../topology/model.js';
import type { EngineOptions } from '../analysis/types.js';
import type { Finding, VerifiedTable } from '../verify/findings.js';
import { Sightings } from '../verify/sightings.js';
import { verify } from '../verify/verify.js';
import { loadTopology, runAnalysis } from '../api/analysis-run.js';
import { readExitStatus, reportReadIssues } from './read-issues.js';
import { terminalSafeJson } from './format-frame.js';
import type { LineWriter } from './output.js';
import { renderTable } from './table.js';

export interface VerifyCommandOptions {
  kernel: string[];
  topology: string[];
  json: boolean;
  vxlanPorts: number[];
  ageingSeconds: number;
}

const TITLES: Record<VerifiedTable, string> = {
  fdb: 'Bridge FDB',
  vxlan: 'VXLAN forwarding table',
  arp: 'ARP (neighbours)',
  nat: 'NAT (conntrack)',
};

export function runVerify(files: string[], options: VerifyCommandOptions, out: LineWriter, err: LineWriter): number {
  if (options.kernel.length === 0) {
    err.line('dockshark: verify needs the kernel\'s tables: give --kernel FILE (bridge -j fdb show, ip -j neigh show or conntrack -L output).');
    err.flush();
    return 2;
  }
  const kernel = loadTopology(options.kernel);
  if (kernel.fdb.length === 0 && kernel.neighbours.length === 0 && kernel.conntrack.length === 0) {
    err.line('dockshark: the --kernel files hold no FDB, neighbour or conntrack entries to compare with.');
    err.flush();
    return 2;
  }
  const seen = new Sightings();
  const run = runAnalysis(files, (o: EngineOptions) => [...createEngines(o), seen], {
    topologyFiles: options.topology,
    vxlanPorts: [4789, ...options.vxlanPorts],
    ageingSeconds: options.ageingSeconds,
    keepEvents: false,
  });
  if (readExitStatus(run.readIssues) !== 0) {
    // Nothing to compare: an empty table would be reported as disagreeing with the kernel.
    reportReadIssues(files, run.readIssues, err);
    err.flush();
    return readExitStatus(run.readIssues);
  }
  const report = run.pipeline.report();
  delete report.sightings;
  // Names from everything given: the topology and the kernel's own tables (its FDB names ports).
  const names = new ReportNamer(Topology.merge([loadTopology(options.topology), kernel]));
  const result = verify(report, seen, kernel, names);
  if (options.json) {
    out.line(terminalSafeJson({ ...result.counts, findings: result.findings as unknown as never }));
  } else {
    for (const table of Object.keys(TITLES) as VerifiedTable[]) {
      const rows = result.findings.filter((f) => f.table === table);
      for (const file of new Set(rows.map((f) => f.file))) {
        for (const line of findingsTable(`${TITLES[table]}: ${file}`, rows.filter((f) => f.file === file))) out.line(line);
      }
    }
    const { agree, differ, unchecked } = result.counts;
    out.line(`verify: ${agree} agree, ${differ} differ, ${unchecked} unchecked (the capture cannot tell).`);
  }
  out.flush();
  reportReadIssues(files, run.readIssues, err);
  err.flush();
  return result.counts.differ > 0 ? 1 : 0;
}

function findingsTable(title: string, rows: readonly Finding[]): string[] {
  const order = { differ: 0, agree: 1, unchecked: 2 };
  const sorted = [...rows].sort((a, b) => order[a.verdict] - order[b.verdict]);
  const named = rows.some((f) => f.name !== undefined);
  return renderTable(title, ['verdict', 'where', 'entry', ...(named ? ['name'] : []), 'kernel', 'dockshark', 'why'],
    sorted.map((f) => [f.verdict, f.scope, f.key, ...(named ? [f.name ?? null] : []), f.kernel, f.ours, f.why]));
}

// `dockshark snapshot FILE... [--topology F]... [--vxlan-port P]... [--ageing S] [--with-volatile] > expected.json`:
// what the captures reconstruct and the ordered change log, as stable, diff-friendly JSON
// for `dockshark check --expect`. Without --with-volatile, two runs on the same files
// print the same bytes: no times, paths, version or timing.

import { basename, resolve } from 'node:path';
import { safeText, type JsonValue } from '../decode/index.js';
import { buildSnapshot, snapshotText, type SnapshotOptions } from '../verify/compare/snapshot.js';
import { hasUnusableFile } from '../capture/types.js';
import { reportReadIssues, reportLateFrames } from './read-issues.js';
import { terminalSafeJsonText } from './format-frame.js';
import type { LineWriter } from './output.js';
import { analyseForSnapshot, dockSharkVersion, type SnapshotAnalysis } from './snapshot-run.js';
import { isUsageFailure } from './usage-failure.js';

export interface SnapshotCommandOptions {
  topology: string[];
  /** Ports decoded as VXLAN besides 4789. */
  vxlanPorts: number[];
  ageingSeconds: number;
  withVolatile: boolean;
}

/** The analysis options a snapshot records (and `check` reuses unless told otherwise). */
export function snapshotOptions(vxlanPorts: readonly number[], ageingSeconds: number, topology: readonly string[]): SnapshotOptions {
  return { vxlanPorts: [...new Set([4789, ...vxlanPorts])].sort((a, b) => a - b), ageingSeconds, topology: topology.map((t) => basename(t)) };
}

/** Runs the analysis, or says in one sentence why it cannot (exit 2). */
export function analyseOrExplain(files: string[], options: SnapshotOptions, topology: string[], err: LineWriter): SnapshotAnalysis | null {
  let a: SnapshotAnalysis;
  try {
    a = analyseForSnapshot(files, { topology, vxlanPorts: options.vxlanPorts, ageingSeconds: options.ageingSeconds });
  } catch (e) {
    if (!isUsageFailure(e)) throw e;
    err.line(`dockshark: ${safeText(e.message)}`);
    err.flush();
    return null;
  }
  reportReadIssues(files, a.analysis.readIssues, err);
  reportLateFrames(a.analysis, err);
  err.flush();
  return hasUnusableFile(a.analysis.readIssues) ? null : a;
}

export function runSnapshot(files: string[], options: SnapshotCommandOptions, out: LineWriter, err: LineWriter): number {
  const recorded = snapshotOptions(options.vxlanPorts, options.ageingSeconds, options.topology);
  const a = analyseOrExplain(files, recorded, options.topology, err);
  if (a === null) return 2;
  const volatile: Record<string, JsonValue> | undefined = options.withVolatile ? {
    createdAt: new Date().toISOString(), dockshark: dockSharkVersion(), elapsedMs: a.elapsedMs,
    files: files.map((f) => (f === '-' ? f : resolve(f))), topology: options.topology.map((f) => resolve(f)),
    capture: { first: a.span.first, last: a.span.last },
  } : undefined;
  out.line(terminalSafeJsonText(snapshotText(buildSnapshot(files.map((f) => basename(f)), recorded, a.fullReport, a.housekeeping, volatile))));
  out.flush();
  return 0;
}

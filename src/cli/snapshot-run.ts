// The analysis `snapshot` records and `check` repeats: the engines of `analyze`, plus the
// IPv6 housekeeping notes (which MACs only it showed) and the capture's time span (volatile).

import { readFileSync } from 'node:fs';
import { createEngines } from '../analysis/engines.js';
import { Ipv6Housekeeping, type HousekeepingReport } from '../analysis/ipv6-housekeeping.js';
import type { AnalysisFrame, Change, Engine, EngineOptions } from '../analysis/types.js';
import type { JsonValue } from '../decode/index.js';
import type { Run } from '../verify/compare/compare.js';
import { runAnalysis, type AnalysisRun } from '../api/analysis-run.js';
import { reportForOutput } from '../api/report.js';
import { isoTimestamp } from './timestamp.js';

type Obj = Record<string, JsonValue>;

export interface SnapshotAnalysisOptions {
  topology: string[];
  /** Every port decoded as VXLAN, 4789 included. */
  vxlanPorts: number[];
  ageingSeconds: number;
}

/** First and last capture time: volatile (two recordings of one network differ in nothing else so surely). */
class TimeSpan implements Engine {
  readonly name = 'timeSpan';
  first: string | null = null;
  last: string | null = null;

  step(frame: AnalysisFrame, _out: Change[]): void {
    if (this.first === null) this.first = isoTimestamp(frame.tsSec, frame.tsNsec);
    this.last = isoTimestamp(frame.tsSec, frame.tsNsec);
  }

  report(): JsonValue {
    return null;
  }

  clone(): Engine {
    throw new Error('TimeSpan serves one snapshot run.');
  }
}

export interface SnapshotAnalysis extends Run {
  readonly analysis: AnalysisRun;
  /** The report with its events (the shape of `analyze --json`). */
  readonly fullReport: Obj;
  readonly housekeeping: HousekeepingReport;
  readonly span: { first: string | null; last: string | null };
  readonly elapsedMs: number;
}

export function analyseForSnapshot(files: readonly string[], options: SnapshotAnalysisOptions): SnapshotAnalysis {
  const started = performance.now();
  const housekeeping = new Ipv6Housekeeping();
  const span = new TimeSpan();
  const analysis = runAnalysis(files, (o: EngineOptions) => [...createEngines(o), housekeeping, span], {
    topologyFiles: options.topology, vxlanPorts: options.vxlanPorts, ageingSeconds: options.ageingSeconds,
  });
  const raw = analysis.pipeline.report();
  delete raw[housekeeping.name];
  delete raw[span.name];
  const fullReport = reportForOutput(raw, analysis.pipeline.engineOptions.topology);
  const { events, ...report } = fullReport;
  return {
    analysis, fullReport, report, changes: (events ?? []) as Obj[], housekeeping: housekeeping.report() as unknown as HousekeepingReport,
    span: { first: span.first, last: span.last }, elapsedMs: Math.round(performance.now() - started),
  };
}

/** dockshark's version, from the package.json beside dist/ (or src/). */
export function dockSharkVersion(): string {
  try {
    return String((JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

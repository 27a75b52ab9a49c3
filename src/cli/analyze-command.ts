// `dockshark analyze FILE... [--topology FILE]... [--json] [--events] [--vxlan-port N]... [--ageing S] [-c N]`

import { createEngines } from '../analysis/engines.js';
import { runAnalysis } from './analysis-run.js';
import { reportReadIssues } from './decode-command.js';
import { analysisText, reportForOutput } from './format-analysis.js';
import { terminalSafeJson } from './format-frame.js';
import type { LineWriter } from './output.js';

export interface AnalyzeCommandOptions {
  json: boolean;
  events: boolean;
  topology: string[];
  vxlanPorts: number[];
  ageingSeconds: number;
  /** Analyse only the first N frames in time order (0: all). */
  count?: number;
}

export function runAnalyze(files: string[], options: AnalyzeCommandOptions, out: LineWriter, err: LineWriter): number {
  const run = runAnalysis(files, createEngines, {
    topologyFiles: options.topology,
    vxlanPorts: [4789, ...options.vxlanPorts],
    ageingSeconds: options.ageingSeconds,
    count: options.count ?? 0,
  });
  const report = reportForOutput(run.pipeline.report(), run.pipeline.engineOptions.topology);
  if (options.json) out.line(terminalSafeJson(report));
  else for (const line of analysisText(report, options.events)) out.line(line);
  out.flush();
  reportReadIssues(files, run.readIssues, err);
  if (run.lateFrames > 0) {
    err.line(`dockshark: ${run.lateFrames} frames arrived later than the 1 s reordering window and were analysed out of time order.`);
  }
  err.flush();
  return run.readIssues.some((i) => i.kind === 'bad-header') ? 1 : 0;
}

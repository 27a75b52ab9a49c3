// `dockshark analyze FILE... [--topology FILE]... [--json | --ndjson] [--events] [--vxlan-port N]... [--ageing S] [-c N] [-w OUT]`
//
// `--ndjson` streams every change as one line as the engines make it (the objects of
// `--json`'s `events`), then one last line {"report": {...}} without the events: the
// shape `capture --json` prints live. Nothing is kept per change, so memory stays flat.

import { createEngines } from '../analysis/engines.js';
import { FrameExporter } from '../capture/export-writer.js';
import { safeText } from '../decode/index.js';
import { runAnalysis } from '../api/analysis-run.js';
import { reportReadIssues } from './decode-command.js';
import { reportForOutput } from '../api/report.js';
import { analysisText } from './format-analysis.js';
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
  /** Stream the changes as NDJSON, then the report. */
  ndjson?: boolean;
  /** Also write the analysed frames to this pcap/pcapng. */
  write?: string;
}

export function runAnalyze(files: string[], options: AnalyzeCommandOptions, out: LineWriter, err: LineWriter): number {
  const exporter = options.write === undefined ? null : new FrameExporter(options.write);
  const ndjson = options.ndjson === true;
  let run;
  try {
    run = runAnalysis(files, createEngines, {
      topologyFiles: options.topology,
      vxlanPorts: [4789, ...options.vxlanPorts],
      ageingSeconds: options.ageingSeconds,
      count: options.count ?? 0,
      keepEvents: !ndjson,
      eachFrame: exporter === null && !ndjson ? undefined : (raw, _frame, changes) => {
        if (raw !== null) exporter?.write(raw);
        if (ndjson) for (const change of changes) out.line(terminalSafeJson(change));
      },
    });
  } finally {
    exporter?.close();
  }
  const report = reportForOutput(run.pipeline.report(), run.pipeline.engineOptions.topology);
  if (ndjson) {
    delete report.events;
    out.line(terminalSafeJson({ report }));
  } else if (options.json) out.line(terminalSafeJson(report));
  else for (const line of analysisText(report, options.events)) out.line(line);
  out.flush();
  if (exporter !== null) err.line(safeText(`dockshark: wrote ${exporter.frames} of ${run.pipeline.frames} frames to ${exporter.path}`));
  reportReadIssues(files, run.readIssues, err);
  if (run.lateFrames > 0) {
    err.line(`dockshark: ${run.lateFrames} frames arrived later than the 1 s reordering window and were analysed out of time order.`);
  }
  err.flush();
  return run.readIssues.some((i) => i.kind === 'bad-header') ? 1 : 0;
}

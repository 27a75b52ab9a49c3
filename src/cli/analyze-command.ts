// `dockshark analyze FILE... [--topology FILE]... [--json | --ndjson] [--events] [--vxlan-port N]... [--ageing S] [-c N]
//   [-Y FILTER] [-w OUT]`
//
// `-Y` selects the frames whose changes are listed (--events, --json's `events`, --ndjson)
// and written (-w). The tables still come from every frame: the kernel saw them all, and
// leaving out, say, the ARP replies would rebuild tables the kernel never had.
// `--ndjson` streams every change as one line as the engines make it (the objects of
// `--json`'s `events`), then one last line {"report": {...}} without the events: the
// shape `capture --json` prints live. Nothing is kept per change, so memory stays flat.

import { createEngines } from '../analysis/engines.js';
import { FrameExporter } from '../capture/export-writer.js';
import type { Change } from '../analysis/types.js';
import type { AnalysisLimits } from '../analysis/limits.js';
import { MutableFilterFrame, safeText, type FrameFilter, type JsonValue } from '../decode/index.js';
import { containerNames } from '../topology/container-names.js';
import { loadTopology, runAnalysis } from '../api/analysis-run.js';
import { compileFilterOption, frameMatches } from './filter-option.js';
import { noFileUsable, readExitStatus, reportReadIssues, reportLateFrames } from './read-issues.js';
import { reportForOutput } from '../api/report.js';
import type { Topology } from '../topology/model.js';
import { ChangeSpill, FrameNumberSet } from './change-spill.js';
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
  /** Display filter: the frames whose changes are listed and written. */
  filter?: string;
  /** Caps on the analysis tables (`--limit`). */
  limits?: Partial<AnalysisLimits>;
}

export function runAnalyze(files: string[], options: AnalyzeCommandOptions, out: LineWriter, err: LineWriter): number {
  const filter = options.filter === undefined ? null : compileFilterOption('-Y', options.filter, err);
  if (filter === null && options.filter !== undefined) return 2;
  const topology = loadTopology(options.topology);
  const view = new MutableFilterFrame();
  view.names = containerNames(topology);
  /** Frame numbers that matched: their changes settled at the end of input are listed too. */
  const matched = new FrameNumberSet();
  const exporter = options.write === undefined ? null : new FrameExporter(options.write);
  const ndjson = options.ndjson === true;
  // Nothing is kept per change: --ndjson prints each as it comes, --json spills them to a
  // temporary file copied into the report, text counts them (only --events keeps them all).
  const spill = options.json && !ndjson ? new ChangeSpill() : null;
  const kept: Change[] | null = !options.json && !ndjson && options.events ? [] : null;
  const counts = new Map<string, number>();
  const list = (changes: readonly Change[]) => {
    for (const change of changes) {
      if (filter !== null && !matched.has(change.frame)) continue;
      counts.set(change.kind, (counts.get(change.kind) ?? 0) + 1);
      if (ndjson) out.line(terminalSafeJson(change));
      else if (spill !== null) spill.add(change);
      else kept?.push(change);
    }
  };
  try {
    return analyzeInto(files, options, out, err, { filter, topology, view, matched, exporter, ndjson, spill, kept, counts, list });
  } finally {
    spill?.close();
  }
}

interface RunState {
  filter: FrameFilter | null;
  topology: Topology;
  view: MutableFilterFrame;
  matched: FrameNumberSet;
  exporter: FrameExporter | null;
  ndjson: boolean;
  spill: ChangeSpill | null;
  kept: Change[] | null;
  counts: Map<string, number>;
  list: (changes: readonly Change[]) => void;
}

function analyzeInto(files: string[], options: AnalyzeCommandOptions, out: LineWriter, err: LineWriter, s: RunState): number {
  const { filter, topology, view, matched, exporter, ndjson, spill, kept, counts, list } = s;
  let run;
  try {
    run = runAnalysis(files, createEngines, {
      topologyLoaded: topology,
      vxlanPorts: [4789, ...options.vxlanPorts],
      ageingSeconds: options.ageingSeconds,
      count: options.count ?? 0,
      limits: options.limits,
      keepEvents: false,
      eachFrame: (raw, frame, changes) => {
        if (raw !== null && frame !== null && filter !== null) {
          view.changes = changes;
          if (!frameMatches(filter, view, raw, frame.layers, frame.iface)) return;
          matched.add(raw.no);
        }
        if (raw !== null) exporter?.write(raw);
        list(changes);
      },
    });
  } finally {
    exporter?.close();
  }
  const report = reportForOutput(run.pipeline.report(), topology);
  report.events = (kept ?? []) as unknown as JsonValue;
  if (filter !== null) report.filter = { text: filter.text, frames: matched.size };
  // Every file refused: its sentence alone, no empty tables (runAnalyze closes the spill).
  if (noFileUsable(files.length, run.readIssues)) { /* nothing to print */ }
  else if (ndjson) {
    delete report.events;
    out.line(terminalSafeJson({ report }));
  } else if (spill !== null) writeJsonReport(report, spill, out);
  else for (const line of analysisText(report, options.events, counts)) out.line(line);
  out.flush();
  if (exporter !== null) err.line(safeText(`dockshark: wrote ${exporter.frames} of ${run.pipeline.frames} frames to ${exporter.path}`));
  else if (filter !== null && !options.json && !ndjson) err.line(`dockshark: ${matched.size} of ${run.pipeline.frames} frames match the filter; the tables come from every frame.`);
  reportReadIssues(files, run.readIssues, err);
  reportLateFrames(run, err);
  err.flush();
  return readExitStatus(run.readIssues);
}

/**
 * The report as one JSON line, as JSON.stringify would write it, but a top-level entry (and an
 * element of a top-level list) at a time, with `events` copied from the spill where the list
 * goes: one string of the whole report of a 4 GB capture, and its UTF-8 copy, cost 40 MB.
 */
function writeJsonReport(report: Record<string, JsonValue>, spill: ChangeSpill, out: LineWriter): void {
  out.text('{');
  let first = true;
  for (const [key, value] of Object.entries(report)) {
    if (value === undefined) continue; // JSON.stringify leaves such keys out
    out.text(first ? '' : ',');
    first = false;
    out.text(terminalSafeJson(key));
    out.text(':');
    if (key === 'events') {
      out.text('[');
      spill.copyTo(out);
      out.text(']');
    } else if (Array.isArray(value)) {
      out.text('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) out.text(',');
        out.text(terminalSafeJson(value[i] ?? null)); // a hole or undefined is null in JSON
      }
      out.text(']');
    } else out.text(terminalSafeJson(value));
  }
  out.line('}');
}

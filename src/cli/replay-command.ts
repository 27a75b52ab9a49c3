// `dockshark replay FILE... --at N [--until FILTER] [--json]`: the tables after the first N
// frames (in time order), exactly as `analyze` reports them for those frames, from the
// replay engine. `--until` runs on from there to the first frame matching a display filter
// (a breakpoint, as the UI's `c` does) and reports the tables after that frame.

import { createEngines } from '../analysis/engines.js';
import { ReplayCursor } from '../replay/cursor.js';
import { ReplayIndex } from '../replay/indexer.js';
import { loadTopology } from '../api/analysis-run.js';
import { readExitStatus, reportReadIssues } from './read-issues.js';
import { reportForOutput } from '../api/report.js';
import { analysisText } from './format-analysis.js';
import { terminalSafeJson } from './format-frame.js';
import type { LineWriter } from './output.js';
import { compileFilterOption } from './filter-option.js';
import { MutableFilterFrame } from '../decode/index.js';
import { containerNames } from '../topology/container-names.js';

export interface ReplayCommandOptions {
  /** Steps to apply; null: all of them. */
  at: number | null;
  json: boolean;
  events: boolean;
  topology: string[];
  vxlanPorts: number[];
  ageingSeconds: number;
  /** Display filter: run on to the first frame after `at` that matches. */
  until?: string;
}

export function runReplay(files: string[], options: ReplayCommandOptions, out: LineWriter, err: LineWriter): number {
  const until = options.until === undefined ? null : compileFilterOption('--until', options.until, err);
  if (until === null && options.until !== undefined) return 2;
  const topology = loadTopology(options.topology);
  const index = new ReplayIndex(files, createEngines, {
    topology,
    vxlanPorts: [4789, ...options.vxlanPorts],
    ageingSeconds: options.ageingSeconds,
  });
  // Opened before indexing: a pipe that cannot be re-read is refused before it is consumed.
  let cursor: ReplayCursor;
  try {
    cursor = new ReplayCursor(index);
  } catch (error) {
    index.close();
    throw error;
  }
  try {
    // Only the frames up to N are needed: index those, so `--at` on a huge file stays quick.
    if (options.at === null || until !== null) index.indexAll();
    else index.advance(options.at);
    if (readExitStatus(index.readIssues) !== 0) {
      reportReadIssues(files, index.readIssues, err);
      err.flush();
      return readExitStatus(index.readIssues);
    }
    const at = options.at ?? (until === null ? index.timeline.length : 0);
    if (at > index.timeline.length) {
      err.line(`dockshark: --at ${at} is past the end: the capture has ${index.timeline.length} frames.`);
      err.flush();
      return 1;
    }
    cursor.seek(at);
    if (until !== null) {
      const view = new MutableFilterFrame();
      view.names = containerNames(topology);
      const found = cursor.runUntil((frame, step) => {
        view.layers = frame.layers;
        view.iface = frame.iface;
        view.no = frame.no;
        view.changes = index.timeline.changesOf(step);
        return until.matches(view);
      });
      if (!found) {
        err.line(`dockshark: no frame after step ${at} matches the filter.`);
        err.flush();
        return 1;
      }
      err.line(`dockshark: stopped after step ${cursor.position}, frame ${cursor.frame?.no}: the first to match the filter.`);
    }
    const report = reportForOutput(cursor.report(), topology);
    if (options.json) out.line(terminalSafeJson(report));
    else for (const line of analysisText(report, options.events)) out.line(line);
    out.flush();
  } finally {
    cursor.close();
    index.close();
  }
  reportReadIssues(files, index.readIssues, err);
  err.flush();
  return readExitStatus(index.readIssues);
}

// `dockshark replay FILE... --at N [--json]`: the tables after the first N frames (in time
// order), exactly as `analyze` reports them for those frames, from the replay engine.

import { createEngines } from '../analysis/engines.js';
import { ReplayCursor } from '../replay/cursor.js';
import { ReplayIndex } from '../replay/indexer.js';
import { loadTopology } from '../api/analysis-run.js';
import { reportReadIssues } from './decode-command.js';
import { reportForOutput } from '../api/report.js';
import { analysisText } from './format-analysis.js';
import { terminalSafeJson } from './format-frame.js';
import type { LineWriter } from './output.js';

export interface ReplayCommandOptions {
  /** Steps to apply; null: all of them. */
  at: number | null;
  json: boolean;
  events: boolean;
  topology: string[];
  vxlanPorts: number[];
  ageingSeconds: number;
}

export function runReplay(files: string[], options: ReplayCommandOptions, out: LineWriter, err: LineWriter): number {
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
    if (options.at === null) index.indexAll();
    else index.advance(options.at);
    const at = options.at ?? index.timeline.length;
    if (at > index.timeline.length) {
      err.line(`dockshark: --at ${at} is past the end: the capture has ${index.timeline.length} frames.`);
      err.flush();
      return 1;
    }
    cursor.seek(at);
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
  return index.readIssues.some((i) => i.kind === 'bad-header') ? 1 : 0;
}

// `dockshark stats FILE... [--json] [--layer eth,ip,ipv6,udp,tcp,vxlan] [--endpoints] [--vxlan-port N]... [-c N]`
//
// Frames are taken in file order (several files merged by time), as tshark reads them,
// so the tables agree with `tshark -z conv,...` frame for frame.

import { openCaptures } from '../capture/open.js';
import type { ReadIssue } from '../capture/types.js';
import { statsReport, STATS_LAYERS, type StatsLayer } from '../analysis/conversation-report.js';
import { ConversationStats, type StatsFrame } from '../analysis/conversations.js';
import { FrameDecoder, LayerList, MutableFilterFrame, safeText, type FrameFilter } from '../decode/index.js';
import { containerNames } from '../topology/container-names.js';
import { loadTopology } from '../api/analysis-run.js';
import { compileFilterOption, frameMatches } from './filter-option.js';
import { DEFAULT_VXLAN_PORT } from './decode-command.js';
import { noFileUsable, readExitStatus, reportReadIssues } from './read-issues.js';
import { terminalSafeJson } from './format-frame.js';
import { statsText } from './format-stats.js';
import type { LineWriter } from './output.js';

export interface StatsCommandOptions {
  json: boolean;
  /** Layer names as given: comma-separated lists, repeatable; empty for all. */
  layers: string[];
  endpoints: boolean;
  vxlanPorts: number[];
  /** Stop after this many frames (0: all). */
  count: number;
  /** Display filter: count only the frames that match (as `tshark -z conv,ip,FILTER`). */
  filter?: string;
  /** Topology files: container names for the filter. */
  topology?: string[];
  /** Conversations kept per table (DEFAULT_MAX_CONVERSATIONS when absent). */
  maxConversations?: number;
}

/** The layers asked for, in report order; a string naming the first unknown one instead. */
export function parseLayers(given: readonly string[]): StatsLayer[] | string {
  const names = given.flatMap((g) => g.split(',')).map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  if (names.length === 0) return [...STATS_LAYERS];
  for (const n of names) if (!(STATS_LAYERS as readonly string[]).includes(n)) return n;
  return STATS_LAYERS.filter((l) => names.includes(l));
}

/** One frame refilled in place (the decoder reuses its layer list too). */
class Frame implements StatsFrame {
  tsSec = 0;
  tsNsec = 0;
  origLen = 0;
  layers = new LayerList();
}

export interface StatsRun {
  stats: ConversationStats;
  readIssues: readonly ReadIssue[];
}

/** Steps every frame of the files (in file order; several merged by time) through the tables. */
export function collectStats(
  files: readonly string[],
  options: { vxlanPorts: readonly number[]; count?: number; filter?: FrameFilter | null; topology?: readonly string[]; maxConversations?: number },
): StatsRun {
  const source = openCaptures(files);
  const decoder = new FrameDecoder({ vxlanPorts: [DEFAULT_VXLAN_PORT, ...options.vxlanPorts] });
  const stats = new ConversationStats(options.maxConversations);
  const frame = new Frame();
  const limit = options.count !== undefined && options.count > 0 ? options.count : Infinity;
  const filter = options.filter ?? null;
  const view = new MutableFilterFrame();
  if (filter?.usesContainers) view.names = containerNames(loadTopology(options.topology ?? []));
  try {
    for (let read = 0; read < limit; read++) {
      const raw = source.next();
      if (raw === null) break;
      frame.tsSec = raw.tsSec;
      frame.tsNsec = raw.tsNsec;
      frame.origLen = raw.origLen;
      frame.layers = decoder.decode(raw).layers;
      if (read === 0) stats.startAt(raw.tsSec, raw.tsNsec);
      if (filter !== null && !frameMatches(filter, view, raw, frame.layers, raw.iface.name)) continue;
      stats.step(frame);
    }
  } finally {
    source.close();
  }
  return { stats, readIssues: source.issues };
}

export function runStats(files: string[], options: StatsCommandOptions, out: LineWriter, err: LineWriter): number {
  const layers = parseLayers(options.layers);
  if (typeof layers === 'string') {
    err.line(`dockshark: unknown layer "${safeText(layers)}" for --layer: choose from ${STATS_LAYERS.join(', ')}.`);
    err.flush();
    return 2;
  }
  const filter = options.filter === undefined ? null : compileFilterOption('-Y', options.filter, err);
  if (filter === null && options.filter !== undefined) return 2;
  if (filter?.usesChanges) {
    err.line('dockshark: -Y: stats runs no analysis, so `change` is unknown here; `dockshark analyze -Y` lists the changes.');
    err.flush();
    return 2;
  }
  const run = collectStats(files, { ...options, filter });
  const report = statsReport(run.stats, { layers, endpoints: options.endpoints });
  // Every file refused: its sentence alone, no empty tables.
  if (!noFileUsable(files.length, run.readIssues)) {
    if (options.json) out.line(terminalSafeJson(report));
    else for (const line of statsText(report)) out.line(line);
  }
  out.flush();
  reportReadIssues(files, run.readIssues, err);
  err.flush();
  return readExitStatus(run.readIssues);
}

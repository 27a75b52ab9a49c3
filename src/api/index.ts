// dockshark as a library: `import { openCapture, analyze, replay } from 'dockshark'`.
//
// The same readers, decoders and engines as the CLI, with results that are plain data:
// analyze() gives exactly the object `dockshark analyze --json` prints (so
// `expect(await analyze(file)).toMatchSnapshot()` pins a capture's behaviour), frames
// and replay states are copies that may be kept. Files that are not captures reject with
// a CaptureError; damage a reader worked around is handed to `onReadIssue` (by default
// a process warning), never dropped.

import { createEngines } from '../analysis/engines.js';
import { resolveLimits, type AnalysisLimits } from '../analysis/limits.js';
import { openCaptures } from '../capture/open.js';
import type { ReadIssue } from '../capture/types.js';
import { ReplayCursor, type StepFrame } from '../replay/cursor.js';
import { ReplayIndex } from '../replay/indexer.js';
import { loadTopology, runAnalysis } from './analysis-run.js';
import { reportForOutput } from './report.js';
import type { AnalysisReport, ChangeEvent } from './report-types.js';
import { CaptureFrames, type CaptureFrame } from './capture-frames.js';

export type * from './report-types.js';
export type { CaptureFrame, StepFrame, ReadIssue };
export type { CaptureFrames };
export type { AnalysisLimits };

/** A file that cannot be read as a capture at all (not pcap/pcapng, header unusable). */
export class CaptureError extends Error {
  override readonly name = 'CaptureError';
  constructor(message: string, readonly issues: readonly ReadIssue[]) {
    super(message);
  }
}

export interface AnalysisOptions {
  /** Files saying what Docker or the kernel knows (docker network inspect, ip -j link, ...). */
  topology?: string | readonly string[];
  /** UDP ports decoded as VXLAN besides 4789 (e.g. 8472 for Flannel). */
  vxlanPorts?: readonly number[];
  /** Bridge FDB ageing time in seconds (default 300). */
  ageingSeconds?: number;
  /** Caps on the analysis tables (see AnalysisLimits; unset ones keep their default). A full table is listed in the report's `limits`. */
  limits?: Partial<AnalysisLimits>;
  /** Damage the readers worked around (a record cut short...); default: process.emitWarning. */
  onReadIssue?: (issue: ReadIssue, file: string) => void;
}

export interface AnalyzeOptions extends AnalysisOptions {
  /** Only the first N frames in time order. */
  count?: number;
  /** Keep the change log in `events` (default true). */
  events?: boolean;
}

const list = (files: string | readonly string[]): string[] => (typeof files === 'string' ? [files] : [...files]);

function checkIssues(files: readonly string[], issues: readonly ReadIssue[], options: AnalysisOptions): void {
  const fatal = issues.filter((i) => i.unusable === true);
  if (fatal.length > 0) {
    throw new CaptureError(fatal.map((i) => `${files[i.fileIndex]}: ${i.message}`).join(' '), issues);
  }
  const tell = options.onReadIssue ?? ((issue: ReadIssue, file: string) => process.emitWarning(`${file}: at byte ${issue.offset} (${issue.blockType}): ${issue.message} Rule: ${issue.rule}.`, 'DocksharkReadWarning'));
  for (const issue of issues) tell(issue, files[issue.fileIndex]);
}

function engineOptions(options: AnalysisOptions) {
  return { vxlanPorts: [4789, ...(options.vxlanPorts ?? [])], ageingSeconds: options.ageingSeconds ?? 300, limits: resolveLimits(options.limits) };
}

/** The frames of one or more captures (merged by time), decoded; iterate with for..of or for await. */
export function openCapture(files: string | readonly string[], options: { vxlanPorts?: readonly number[] } = {}): CaptureFrames {
  return new CaptureFrames(openCaptures(list(files)), [4789, ...(options.vxlanPorts ?? [])]);
}

/** The tables rebuilt from the captures: the object `dockshark analyze --json` prints. */
export async function analyze(files: string | readonly string[], options: AnalyzeOptions = {}): Promise<AnalysisReport> {
  const paths = list(files);
  const run = runAnalysis(paths, createEngines, {
    ...engineOptions(options),
    topologyFiles: options.topology === undefined ? [] : list(options.topology),
    count: options.count ?? 0,
    keepEvents: options.events !== false,
  });
  checkIssues(paths, run.readIssues, options);
  const report = reportForOutput(run.pipeline.report(), run.pipeline.engineOptions.topology);
  if (options.events === false) delete report.events;
  return report as unknown as AnalysisReport;
}

/** A capture indexed for stepping: the state after any number of frames, and each frame's changes. */
export class Replay {
  private constructor(private readonly index: ReplayIndex, private readonly cursor: ReplayCursor) {}

  /** Indexes the whole input (one pass; checkpoints keep seeking cheap). */
  static open(files: readonly string[], options: AnalysisOptions): Replay {
    const index = new ReplayIndex(files, createEngines, {
      ...engineOptions(options),
      topology: loadTopology(options.topology === undefined ? [] : list(options.topology)),
    });
    let cursor: ReplayCursor | null = null;
    try {
      cursor = new ReplayCursor(index);
      index.indexAll();
      checkIssues(files, index.readIssues, options);
      return new Replay(index, cursor);
    } catch (error) {
      cursor?.close();
      index.close();
      throw error;
    }
  }

  /** Frames (steps) in time order. */
  get length(): number {
    return this.index.timeline.length;
  }

  /** The state after the first `steps` frames: what analyze() reports for those frames. */
  stateAt(steps: number): AnalysisReport {
    this.seek(steps);
    return reportForOutput(this.cursor.report(), this.index.engineOptions.topology) as unknown as AnalysisReport;
  }

  /** Frame number `steps` in time order (1-based, as the UI counts), with what it changed. */
  frame(steps: number): StepFrame {
    if (steps < 1) throw new RangeError(`frames are counted from 1, not ${steps}`);
    this.seek(steps);
    return this.cursor.frame as StepFrame;
  }

  /** The changes of every frame up to `steps` (all by default), in order. */
  changes(steps = this.length): ChangeEvent[] {
    return this.stateAt(steps).events ?? [];
  }

  close(): void {
    this.cursor.close();
    this.index.close();
  }

  private seek(steps: number): void {
    if (!Number.isInteger(steps) || steps < 0 || steps > this.length) {
      throw new RangeError(`no step ${steps}: the capture has ${this.length} frames`);
    }
    this.cursor.seek(steps);
  }
}

/** Opens captures for stepping through: `(await replay(file)).stateAt(10)`. Call close() when done. */
export async function replay(files: string | readonly string[], options: AnalysisOptions = {}): Promise<Replay> {
  return Replay.open(list(files), options);
}

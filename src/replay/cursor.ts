// A position in the replay and the exact state there. The state after `position` steps is
// rebuilt from the nearest checkpoint by re-reading and re-running the frames in between,
// so seeking costs at most `checkpointEvery` frames; stepping forward costs one.

import type { AnalysisPipeline, CapturedFrame } from '../analysis/pipeline.js';
import type { AnalysisFrame, Change } from '../analysis/types.js';
import { FrameAt, FrameAtReader } from '../capture/random-access.js';
import type { InterfaceInfo } from '../capture/types.js';
import { describeLayers, layerListToJson, type DecodedFrame, type DecodeIssue, type JsonValue, type LayerJson } from '../decode/index.js';
import type { Checkpoint, ReplayIndex } from './indexer.js';

/** Frames between a kept state and the target of a long seek; most such states kept. */
const NEARBY_SPACING = 128;
const NEARBY_MAX = 4;

/** What the replay knows of the frame at a step, copied out of the decoder's pooled records. */
export interface StepFrame {
  /** 0-based step in time order. */
  readonly step: number;
  /** The frame's number in its capture (what `decode` prints). */
  readonly no: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly iface: InterfaceInfo;
  readonly direction: 'in' | 'out' | null;
  readonly ifindex: number;
  readonly origLen: number;
  /** A copy of the captured bytes. */
  readonly bytes: Uint8Array;
  /** The decoded layers (as `decode --ndjson` shows them), outermost first. */
  readonly layers: LayerJson[];
  /** The one-line summary of the layers (`describeLayers`, as `decode` prints it). */
  readonly summary: string;
  /** The interface name the engines saw (pcapng if_name, or an SLL2 ifindex named by the topology). */
  readonly ifaceName: string | null;
  readonly issues: readonly DecodeIssue[];
  /** What this step changed in the tables. */
  readonly changes: readonly Change[];
}

/** The frame handed to the pipeline when re-running a step. */
class ReplayedFrame implements CapturedFrame {
  no = 0;
  tsSec = 0;
  tsNsec = 0;
  origLen = 0;
  data: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  direction: 'in' | 'out' | null = null;
  iface!: InterfaceInfo;
  fileOffset = 0;
}

export class ReplayCursor {
  /** Steps applied: 0 is before the first frame, `timeline.length` after the last. */
  position = 0;
  private live: AnalysisPipeline;
  private current: StepFrame | null = null;
  private readonly reader: FrameAtReader;
  private readonly at = new FrameAt();
  private readonly replayed = new ReplayedFrame();
  /** The interface name the engines saw for the step applied last. */
  private lastIfaceName: string | null = null;
  /** States kept on long seeks (see seek), oldest first. */
  private readonly nearby: Checkpoint[] = [];
  /** Frames re-run so far (seeks and steps), for tests and benchmarks. */
  framesRun = 0;

  constructor(readonly index: ReplayIndex) {
    this.reader = new FrameAtReader(index.files);
    this.live = index.checkpoints[0].pipeline.clone();
  }

  /** Steps that can be reached now (grows while indexing continues). */
  get length(): number {
    return this.index.timeline.length;
  }

  /** The frame of the last applied step, or null at position 0. */
  get frame(): StepFrame | null {
    return this.current;
  }

  /** Go to the state after `steps` steps (clamped to what is indexed). */
  seek(steps: number): void {
    const target = Math.max(0, Math.min(Math.floor(steps), this.length));
    if (target === this.position) return;
    const goingBack = target < this.position;
    // Restart from a checkpoint when going back, or when one lies between here and the target
    // (one before the target's frame: that frame is re-run to be shown).
    const checkpoint = this.checkpointBefore(Math.max(0, target - 1));
    if (goingBack || checkpoint.steps > this.position) {
      this.live = checkpoint.pipeline.clone();
      this.position = checkpoint.steps;
      this.current = null;
    }
    // Stepping back one frame at a time would re-run up to a whole checkpoint interval each
    // time: keep a state a little before the target of a long seek (back, or forward: `:`, G,
    // a breakpoint's search), so the next steps back start there.
    const keepAt = target - this.position > NEARBY_SPACING ? target - NEARBY_SPACING : -1;
    // Only the target's frame is shown: the frames before it are re-run without verifying
    // checksums (no engine reads the verdicts), which makes a long seek cheaper.
    while (this.position < target) {
      if (this.position === keepAt) this.rememberNearby();
      this.apply(this.position, this.position === target - 1);
    }
    this.current = target === 0 ? null : this.snapshot(target - 1);
  }

  /** The latest checkpoint at or before `steps`: the index's, or one kept while stepping back. */
  private checkpointBefore(steps: number): Checkpoint {
    let best = this.index.checkpointBefore(steps);
    for (const c of this.nearby) if (c.steps <= steps && c.steps > best.steps) best = c;
    return best;
  }

  private rememberNearby(): void {
    this.nearby.push({ steps: this.position, pipeline: this.live.clone() });
    if (this.nearby.length > NEARBY_MAX) this.nearby.shift();
  }

  forward(): boolean {
    if (this.position >= this.length) return false;
    this.seek(this.position + 1);
    return true;
  }

  back(): boolean {
    if (this.position === 0) return false;
    this.seek(this.position - 1);
    return true;
  }

  first(): void { this.seek(Math.min(1, this.length)); }
  last(): void { this.seek(this.length); }

  /**
   * The state after the current position, shaped like `analyze --json`: engines settle what
   * they hold back (on a copy), as `analyze` does at the end of its input.
   */
  report(options: { events?: boolean } = {}): Record<string, JsonValue> {
    if (options.events === false) {
      // Engines' reports already settle held-back judgements on a copy of themselves, so
      // the tables need no finish(); only the change log does (the UI leaves it out).
      const report = this.live.report();
      report.events = [];
      return report;
    }
    const settled = this.live.clone();
    settled.finish();
    const report = settled.report();
    report.events = [...this.index.timeline.changesBefore(this.position), ...settled.events] as unknown as JsonValue;
    return report;
  }

  /**
   * Apply steps one by one until `stop` says so for the step just applied (returns true, the
   * cursor after that step) or `maxSteps` pass / the indexed steps run out (false).
   * `stop` sees the frame as the engines did and the step's 0-based number.
   */
  runUntil(stop: (frame: AnalysisFrame, step: number) => boolean, maxSteps = Infinity): boolean {
    const from = this.position;
    for (let n = 0; n < maxSteps && this.position < this.length; n++) {
      const step = this.position;
      if (stop(this.apply(step, true), step)) {
        this.current = this.snapshot(step);
        return true;
      }
    }
    if (this.position > from) this.current = this.snapshot(this.position - 1);
    return false;
  }

  close(): void {
    this.reader.close();
  }

  /** Re-run step `step` on the live pipeline, verifying checksums when the frame may be shown. */
  private apply(step: number, shown: boolean): AnalysisFrame {
    this.live.verifyChecksums = shown;
    const seen = this.live.push(this.load(step));
    this.framesRun++;
    this.live.events.length = 0;
    this.lastIfaceName = seen.iface;
    this.position = step + 1;
    this.current = null;
    return seen;
  }

  /** Re-read step `step`'s frame from its file. */
  private load(step: number): ReplayedFrame {
    const timeline = this.index.timeline;
    const iface = this.index.interfaces[timeline.ifaceId(step)];
    if (!this.reader.read(timeline.fileIndex(step), timeline.fileOffset(step), iface, this.at)) {
      throw new Error(`Frame ${timeline.no(step)} can no longer be read at byte ${timeline.fileOffset(step)} of ${this.index.files[timeline.fileIndex(step)]}: did the file change since it was opened?`);
    }
    const f = this.replayed;
    f.no = timeline.no(step);
    f.tsSec = timeline.tsSec(step);
    f.tsNsec = timeline.tsNsec(step);
    f.iface = iface;
    f.fileOffset = timeline.fileOffset(step);
    f.origLen = this.at.origLen;
    f.data = this.at.data;
    f.start = this.at.start;
    f.end = this.at.end;
    f.direction = this.at.direction;
    return f;
  }

  /** The frame of the step just applied, copied out of the pipeline's reused records. */
  private snapshot(step: number): StepFrame {
    const f = this.replayed;
    const decoded = this.live.lastDecoded as DecodedFrame;
    return {
      step,
      no: f.no,
      tsSec: f.tsSec,
      tsNsec: f.tsNsec,
      iface: f.iface,
      direction: decoded.direction,
      ifindex: decoded.ifindex,
      origLen: f.origLen,
      bytes: f.data.slice(f.start, f.end),
      layers: layerListToJson(decoded.layers),
      summary: describeLayers(decoded.layers, f.origLen),
      ifaceName: this.lastIfaceName,
      issues: decoded.issues.slice(),
      changes: this.index.timeline.changesOf(step),
    };
  }
}

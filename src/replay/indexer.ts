// Building the replay's index: one pass over the captures in time order, running the same
// pipeline as `analyze`, recording every step's frame location and changes in the Timeline
// and a checkpoint of the whole pipeline state every `checkpointEvery` steps.
//
// Indexing runs in slices (`advance(n)`), so a UI can show the first screen while the rest
// of a large capture is still being indexed.

import { resolveLimits } from '../analysis/limits.js';
import { getHeapStatistics } from 'node:v8';
import { AnalysisPipeline, MAX_BATCH, type PipelineOptions } from '../analysis/pipeline.js';
import type { Engine, EngineOptions } from '../analysis/types.js';
import { InterfaceRegistry } from '../capture/interfaces.js';
import { openCapture, openCaptures } from '../capture/open.js';
import { CaptureFileReader } from '../capture/reader-base.js';
import { TimeOrderedSource } from '../capture/reorder.js';
import type { FrameSource, InterfaceInfo, RawFrame, ReadIssue } from '../capture/types.js';
import { Topology } from '../topology/model.js';
import { Timeline } from './timeline.js';

export interface IndexOptions extends PipelineOptions {
  topology?: Topology;
  /** Steps between checkpoints at first (default 2048); doubles when there are too many. */
  checkpointEvery?: number;
  /**
   * Most checkpoints kept (default 96): bounds memory on long captures, where a checkpoint
   * (every table, cloned) takes from half a MB to a few MB. Seeking re-runs at most the frames
   * between two: on the benchmark's million frames, 16,384 with 96 (62 checkpoints, 24 MB more
   * RSS than 48 gave), 32,768 with 48 (a seek's worst case 50 ms or more).
   */
  maxCheckpoints?: number;
  /**
   * Most bytes of heap the checkpoints may take together (default 128 MiB), estimated from
   * the heap's growth while taking one: a capture with big tables gets fewer, further apart.
   */
  checkpointBudgetBytes?: number;
  /** Changes kept as objects before the timeline moves them to a temporary file (default 50,000). */
  spillChangesAt?: number;
  /**
   * Follow the one file given while a live capture writes it: its end is "no frame yet"
   * (advance() returns with `caughtUp` set) until stopFollowing(). Its frames are taken in
   * file order: a live capture stamps them on arrival, so file order is time order.
   */
  follow?: boolean;
}

/** Checkpoints kept however big they are (seeking re-runs at most a sixteenth of the capture). */
const MIN_CHECKPOINTS = 16;

export interface Checkpoint {
  /** Frames applied: the state after the first `steps` steps. */
  readonly steps: number;
  readonly pipeline: AnalysisPipeline;
}

export class ReplayIndex {
  readonly timeline: Timeline;
  /** Checkpoints in step order; the first is the empty state (0 steps). */
  readonly checkpoints: Checkpoint[] = [];
  readonly engineOptions: EngineOptions;
  readonly pipelineOptions: PipelineOptions;
  private readonly source: FrameSource;
  private readonly reorder: TimeOrderedSource | null = null;
  /** The file followed (follow mode), until it ends. */
  private readonly followed: CaptureFileReader | null = null;
  /** The pipeline that indexing pushes through (its events are moved to the timeline). */
  private readonly pipeline: AnalysisPipeline;
  private checkpointEvery: number;
  private readonly maxCheckpoints: number;
  private readonly checkpointBudget: number;
  /** Heap one checkpoint took, as last measured. */
  private checkpointBytes = 0;
  /** The frames of the batch being pushed, and what records each once the pipeline kept its changes. */
  private readonly batch: RawFrame[] = [];
  private readonly recordBatchFrame = (k: number): void => this.record(this.batch[k]);
  done = false;
  /** Follow mode: the last advance() stopped at the end of what the file holds so far. */
  caughtUp = false;

  constructor(
    readonly files: readonly string[],
    readonly makeEngines: (options: EngineOptions) => Engine[],
    options: IndexOptions = {},
  ) {
    const topology = options.topology ?? new Topology([]);
    this.timeline = new Timeline(options.spillChangesAt);
    this.engineOptions = {
      topology,
      ageingSeconds: options.ageingSeconds ?? 300,
      vxlanPorts: options.vxlanPorts ?? [4789],
      limits: resolveLimits(options.limits),
    };
    if (options.follow === true) {
      if (files.length !== 1) throw new RangeError('Follow mode reads exactly one file.');
      this.source = openCapture(files[0], 0, new InterfaceRegistry(), { follow: true });
      if (this.source instanceof CaptureFileReader) this.followed = this.source;
    } else {
      this.reorder = new TimeOrderedSource(openCaptures(files));
      this.source = this.reorder;
    }
    // Events are kept only long enough to be moved into the timeline after each step. The
    // capture's interfaces let the pipeline skip copy tracking when no frame can have copies.
    // Nothing of the indexed frames is shown, so checksums are not verified: the cursor turns
    // verifying on for the frames it shows (its pipelines are clones of the checkpoints).
    this.pipelineOptions = { ...this.engineOptions, keepEvents: true, captureInterfaces: this.source.interfaces, verifyChecksums: false };
    this.pipeline = this.freshPipeline();
    this.checkpointEvery = Math.max(1, options.checkpointEvery ?? 2048);
    this.maxCheckpoints = Math.max(2, options.maxCheckpoints ?? 96);
    this.checkpointBudget = options.checkpointBudgetBytes ?? 128 * 1024 * 1024;
    this.checkpoints.push({ steps: 0, pipeline: this.pipeline.clone() });
  }

  /** A pipeline in the empty state, configured like the index's. */
  freshPipeline(): AnalysisPipeline {
    return new AnalysisPipeline(this.makeEngines(this.engineOptions), this.pipelineOptions, this.engineOptions.topology);
  }

  /** Interfaces seen so far, by id. */
  get interfaces(): readonly InterfaceInfo[] {
    return this.source.interfaces;
  }

  get readIssues(): readonly ReadIssue[] {
    return this.source.issues;
  }

  /** Frames the reorder window could not put back in time order. */
  get lateFrames(): number {
    return this.reorder?.lateFrames ?? 0;
  }

  /** That window, for the message about them (TimeOrderedSource.windowText; empty when following a file). */
  get lateWindow(): string {
    return this.reorder?.windowText ?? '';
  }

  /** True while the file is followed (more frames may come). */
  get following(): boolean {
    return this.followed !== null && this.followed.following && !this.followed.ended;
  }

  /** The capture stopped: read what is left of the file, then finish as at the end of a file. */
  stopFollowing(): void {
    if (this.followed !== null) this.followed.following = false;
  }

  /** Index up to `maxSteps` more frames. Returns true once the whole input is indexed. */
  advance(maxSteps = Infinity): boolean {
    if (this.done) return true;
    this.caughtUp = false;
    if (this.reorder !== null) return this.advanceInBatches(this.reorder, maxSteps);
    const pipeline = this.pipeline;
    for (let n = 0; n < maxSteps; n++) {
      const raw = this.source.next();
      if (raw === null) {
        if (this.following) {
          this.caughtUp = true;
          return false;
        }
        return this.end();
      }
      pipeline.push(raw);
      this.record(raw);
    }
    return false;
  }

  /** As advance(), with the frames pushed in batches (AnalysisPipeline.pushBatch) that end at checkpoints. */
  private advanceInBatches(source: TimeOrderedSource, maxSteps: number): boolean {
    const batch = this.batch;
    for (let n = 0; n < maxSteps;) {
      const toCheckpoint = this.checkpointEvery - (this.timeline.length % this.checkpointEvery);
      const got = source.nextBatch(batch, Math.min(MAX_BATCH, maxSteps - n, toCheckpoint));
      if (got === 0) return this.end();
      this.pipeline.pushBatch(batch, got, this.recordBatchFrame);
      n += got;
    }
    return false;
  }

  /** A frame pushed: its step in the timeline, with the changes it made, and a checkpoint when due. */
  private record(raw: RawFrame): void {
    const events = this.pipeline.events;
    this.timeline.append(raw.no, raw.iface.fileIndex, raw.fileOffset, raw.tsSec, raw.tsNsec, raw.iface.id, events);
    while (events.length > 0) events.pop(); // not `length = 0`: that drops the backing store
    if (this.timeline.length % this.checkpointEvery === 0) this.checkpoint();
  }

  /** End of input: the changes finishing makes, and the source closed. */
  private end(): boolean {
    this.pipeline.finish();
    this.timeline.finishChanges = this.pipeline.events.splice(0);
    this.source.close();
    this.done = true;
    return true;
  }

  /** Index everything that is left. */
  indexAll(): this {
    this.advance();
    return this;
  }

  /** Stop reading (the UI quits while indexing) and give back the change log's file, if any. */
  close(): void {
    if (!this.done) this.source.close();
    this.timeline.close();
  }

  /** The checkpoint with the most steps not after `steps`. */
  checkpointBefore(steps: number): Checkpoint {
    const list = this.checkpoints;
    let low = 0;
    let high = list.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (list[mid].steps <= steps) low = mid;
      else high = mid - 1;
    }
    return list[low];
  }

  private checkpoint(): void {
    const before = getHeapStatistics().used_heap_size;
    this.checkpoints.push({ steps: this.timeline.length, pipeline: this.pipeline.clone() });
    const grown = getHeapStatistics().used_heap_size - before;
    if (grown > 0) this.checkpointBytes = grown; // a collection during the clone leaves the last estimate
    const overBudget = this.checkpoints.length > MIN_CHECKPOINTS && this.checkpoints.length * this.checkpointBytes > this.checkpointBudget;
    if (this.checkpoints.length <= this.maxCheckpoints && !overBudget) return;
    // Too many: keep every other one (always the empty state) and space new ones twice as far.
    this.checkpointEvery *= 2;
    const kept = this.checkpoints.filter((c) => c.steps % this.checkpointEvery === 0);
    this.checkpoints.length = 0;
    this.checkpoints.push(...kept);
  }
}

// The analysis of a live capture: frames go from the capture's queue into the same
// pipeline `analyze` runs (decode, copy recognition, engines), in slices of at most
// SLICE_MS so that cap's callbacks (and the file writer) keep running under a flood while
// the analysis catches up. Every change the engines make is handed to `onChanges`.

import { createEngines } from '../analysis/engines.js';
import { AnalysisPipeline } from '../analysis/pipeline.js';
import type { Change } from '../analysis/types.js';
import type { LiveCapture } from '../capture/live.js';
import type { Topology } from '../topology/model.js';

const SLICE_MS = 20;

export interface LiveAnalysisOptions {
  readonly topology: Topology;
  readonly vxlanPorts: readonly number[];
  readonly ageingSeconds: number;
  /** Keep every change for the final report (text mode); off, memory stays flat. */
  readonly keepEvents: boolean;
}

export class LiveAnalysis {
  readonly pipeline: AnalysisPipeline;
  private scheduled = false;
  private emitted = 0;

  constructor(
    private readonly live: LiveCapture,
    options: LiveAnalysisOptions,
    private readonly onChanges: (changes: readonly Change[]) => void,
  ) {
    const engineOptions = { topology: options.topology, vxlanPorts: options.vxlanPorts, ageingSeconds: options.ageingSeconds };
    // Events are kept in the pipeline until handed out; without keepEvents they are dropped then.
    this.pipeline = new AnalysisPipeline(createEngines(engineOptions), { ...engineOptions, keepEvents: true, captureInterfaces: live.interfaces }, options.topology);
    this.keepEvents = options.keepEvents;
  }

  private readonly keepEvents: boolean;

  /** Frames analysed so far. */
  get frames(): number {
    return this.pipeline.frames;
  }

  /** Analyses queued frames for at most one slice; schedules the rest. */
  drain(): void {
    const deadline = performance.now() + SLICE_MS;
    const pipeline = this.pipeline;
    let n = 0;
    for (let raw = this.live.next(); raw !== null; raw = this.live.next()) {
      pipeline.push(raw);
      if ((++n & 255) === 0 && performance.now() > deadline) {
        this.schedule();
        break;
      }
    }
    this.handOut();
  }

  /** Analyses everything still queued and settles the engines (end of capture). */
  finish(): void {
    for (let raw = this.live.next(); raw !== null; raw = this.live.next()) this.pipeline.push(raw);
    this.pipeline.finish();
    this.handOut();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private handOut(): void {
    const events = this.pipeline.events;
    if (events.length > this.emitted) this.onChanges(events.slice(this.emitted));
    if (this.keepEvents) this.emitted = events.length;
    else {
      events.length = 0;
      this.emitted = 0;
    }
  }
}

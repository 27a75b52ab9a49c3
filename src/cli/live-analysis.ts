// The analysis of a live capture: frames go from the capture's queue into the same
// pipeline `analyze` runs (decode, copy recognition, engines), in slices of at most
// SLICE_MS, so that cap's reads of libpcap's rings (and the file writer) come between
// them and the analysis catches up from the queue. Every change the engines make is
// handed to `onChanges`.
//
// Why slices of 1 ms: libpcap's ring holds 512 frames by default (cap-binding.ts), 2.5 ms
// of a 200,000 frames/s flood; slices of 20 ms let it overflow whenever the analysis had
// a backlog. Why not a worker thread: measured on the 2-core benchmark machine (sender,
// capture and analysis: three busy threads on two CPUs), a worker lost more frames from
// the ring (2.5 to 4.9 % with the default ring, against 0.8 to 1.1 % this way) and spent
// more CPU per frame (4.2 to 4.6 us against 3.6 to 3.9).

import { createEngines } from '../analysis/engines.js';
import { AnalysisPipeline } from '../analysis/pipeline.js';
import type { Change } from '../analysis/types.js';
import type { LiveCapture } from '../capture/live.js';
import type { Topology } from '../topology/model.js';

const SLICE_MS = 1;

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
  private readonly keepEvents: boolean;

  constructor(
    private readonly live: LiveCapture,
    options: LiveAnalysisOptions,
    private readonly onChanges: (changes: readonly Change[]) => void,
  ) {
    const engineOptions = { topology: options.topology, vxlanPorts: options.vxlanPorts, ageingSeconds: options.ageingSeconds };
    // Events are kept in the pipeline until handed out; without keepEvents they are dropped then.
    this.pipeline = new AnalysisPipeline(createEngines(engineOptions), { ...engineOptions, keepEvents: true, captureInterfaces: live.interfaces, verifyChecksums: false }, options.topology);
    this.keepEvents = options.keepEvents;
  }

  /** Frames analysed so far. */
  get frames(): number {
    return this.pipeline.frames;
  }

  /** Frames were queued: drain them soon (one check per frame; the drain is scheduled once). */
  wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  /** Analyses queued frames for at most one slice; schedules the rest. */
  private readonly drain = (): void => {
    this.scheduled = false;
    const deadline = performance.now() + SLICE_MS;
    const pipeline = this.pipeline;
    let n = 0;
    for (let raw = this.live.next(); raw !== null; raw = this.live.next()) {
      pipeline.push(raw);
      if ((++n & 63) === 0 && performance.now() > deadline) {
        this.wake();
        break;
      }
    }
    this.handOut();
  };

  /** Analyses everything still queued and settles the engines (end of capture). */
  finish(): void {
    for (let raw = this.live.next(); raw !== null; raw = this.live.next()) this.pipeline.push(raw);
    this.pipeline.finish();
    this.handOut();
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

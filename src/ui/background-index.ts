// Indexing behind the UI: the first slice before the first screen, the rest in slices of a few
// milliseconds between key presses, with the screen told of the progress now and then. On a
// live capture's file the index follows the file as it grows: once caught up it looks again
// every POLL_MS, and the screen is told of new frames at most every LIVE_PAINT_MS.
//
// A key waits for the slice running when it arrives, so slices stay short: each advance() is
// sized from how long the last one took (500 frames took 89 ms while V8 had not yet compiled
// the engines), and for QUIET_MS after a key no slice starts, leaving the step and its paint
// the whole thread.

import type { ReplayIndex } from '../replay/indexer.js';

/** Frames indexed per slice: small enough that keys stay responsive while a big file indexes. */
export const INDEX_SLICE = 20_000;
export const FIRST_SLICE = 2_000;
/**
 * Background indexing: the time one advance() should take (its frames are sized to it, between
 * MIN_STEP and MAX_STEP: once compiled, 500 frames take about 1-2 ms, and smaller advances
 * index no faster), and the time one slice may take: a key pressed during a slice waits for
 * its end, so a slice is a sixteenth of a 16 ms frame (2 ms slices made keys pressed while
 * indexing wait 1.4-2.0 ms on average, up to 7 ms; 1 ms slices, 0.7-1.4 ms, up to 3.6 ms, with
 * indexing no slower).
 */
export const STEP_MS = 0.5;
const MIN_STEP = 16;
const MAX_STEP = 500;
export const SLICE_MS = 1;
/** After a key, indexing waits this long: the step and its paint come first. */
export const QUIET_MS = 25;
const PROGRESS_MS = 250;
/** Live: the most often new frames repaint the screen, and how often a caught-up index looks for more. */
const LIVE_PAINT_MS = 100;
const POLL_MS = 40;

/** What the UI asks of a live capture writing the file it shows. */
export interface LiveSource {
  readonly interfaces: readonly string[];
  /** The file kept (-w), or null for a temporary one. */
  readonly file: string | null;
  /** Frames captured so far, as last reported (the capture runs in another process: the file may be ahead of it). */
  captured(): number;
  /** True once the capture has stopped: the file grows no more. */
  stopped(): boolean;
}

export interface IndexingOptions {
  /** Runs the next indexing slice (setImmediate in the real UI). */
  schedule?: (run: () => void) => void;
  /** Live: runs the next look for frames once the index has caught up with the file (a 40 ms timer). */
  poll?: (run: () => void) => void;
  /** Runs `run` after `ms` (setTimeout in the real UI): the wait after a key. */
  wait?: (run: () => void, ms: number) => void;
}

export class BackgroundIndexer {
  private readonly fileReached: number[];
  private scanned = 0;
  private readonly schedule: (run: () => void) => void;
  private readonly poll: (run: () => void) => void;
  private readonly wait: (run: () => void, ms: number) => void;
  /** Frames per advance() (see STEP_MS). */
  private step = MIN_STEP;
  /** No slice starts before this time (performance.now()): see keyPressed(). */
  private quietUntil = 0;

  /**
   * `tell` shows the screen what changed; `closed` says the UI has quit. `fileSizes` are the
   * input files' sizes when opened (for the progress figure).
   */
  constructor(
    private readonly index: ReplayIndex,
    private readonly live: LiveSource | null,
    private readonly fileSizes: readonly number[],
    options: IndexingOptions,
    private readonly tell: () => void,
    private readonly closed: () => boolean,
  ) {
    this.fileReached = fileSizes.map(() => 0);
    this.schedule = options.schedule ?? ((run) => setImmediate(run));
    this.poll = options.poll ?? ((run) => setTimeout(run, POLL_MS));
    this.wait = options.wait ?? ((run, ms) => setTimeout(run, ms));
  }

  /** A key was pressed: indexing pauses for QUIET_MS, so that the step it asks for paints at once. */
  keyPressed(): void {
    this.quietUntil = performance.now() + QUIET_MS;
  }

  /** Share of the input bytes indexed (1 when done). */
  get progress(): number {
    if (this.index.done) return 1;
    const total = this.fileSizes.reduce((a, b) => a + b, 0);
    return total === 0 ? 0 : this.fileReached.reduce((a, b) => a + b, 0) / total;
  }

  /** The first slice, now: the first screen needs only a page of frames (and cold code is slow). */
  first(slice: number): void {
    this.slice(Math.min(slice, FIRST_SLICE));
  }

  /** The rest, in later slices of at most SLICE_MS, so a key press waits for at most one slice. */
  run(slice: number): void {
    const index = this.index;
    const live = this.live;
    let toldAt = performance.now();
    // Live: whether something the screen shows changed since it was last told (frames, the capture's count or end).
    let dirty = false;
    let captured = -1;
    const next = () => {
      if (this.closed() || index.done) return;
      const start = performance.now();
      if (start < this.quietUntil) {
        this.wait(next, this.quietUntil - start);
        return;
      }
      if (live !== null && live.stopped() && index.following) index.stopFollowing();
      const before = index.timeline.length;
      const until = start + SLICE_MS;
      let now = start;
      do {
        const began = now;
        this.slice(Math.min(slice, this.step));
        now = performance.now();
        this.resize(now - began);
      } while (!index.done && !index.caughtUp && now < until);
      if (live !== null) {
        dirty ||= index.timeline.length > before || live.captured() !== captured || !index.following;
        captured = live.captured();
      }
      if (index.done || (live === null ? now - toldAt >= PROGRESS_MS : dirty && now - toldAt >= LIVE_PAINT_MS)) {
        toldAt = now;
        dirty = false;
        this.tell();
      }
      if (index.done) return;
      if (index.caughtUp) this.poll(next);
      else this.schedule(next);
    };
    if (!index.done) this.schedule(next);
  }

  /** The next advance's frames, from how long the last one took. */
  private resize(tookMs: number): void {
    if (tookMs < STEP_MS / 2) this.step = Math.min(MAX_STEP, this.step * 2);
    else if (tookMs > STEP_MS * 2) this.step = Math.max(MIN_STEP, this.step >> 1);
  }

  private slice(steps: number): void {
    this.index.advance(steps);
    const timeline = this.index.timeline;
    for (; this.scanned < timeline.length; this.scanned++) {
      const file = timeline.fileIndex(this.scanned);
      this.fileReached[file] = Math.max(this.fileReached[file], timeline.fileOffset(this.scanned));
    }
  }
}

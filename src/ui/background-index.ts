// Indexing behind the UI: the first slice before the first screen, the rest in slices of a few
// milliseconds between key presses, with the screen told of the progress now and then. On a
// live capture's file the index follows the file as it grows: once caught up it looks again
// every POLL_MS, and the screen is told of new frames at most every LIVE_PAINT_MS.

import type { ReplayIndex } from '../replay/indexer.js';

/** Frames indexed per slice: small enough that keys stay responsive while a big file indexes. */
export const INDEX_SLICE = 20_000;
export const FIRST_SLICE = 2_000;
/**
 * Background indexing: frames per advance() call, and the time one slice may take. A key
 * pressed during a slice waits for its end, so a slice is a quarter of a 16 ms frame (a
 * 500-frame advance takes about 2 ms; smaller advances index no faster).
 */
const SLICE_STEP = 500;
const SLICE_MS = 4;
const PROGRESS_MS = 250;
/** Live: the most often new frames repaint the screen, and how often a caught-up index looks for more. */
const LIVE_PAINT_MS = 100;
const POLL_MS = 40;

/** What the UI asks of a live capture writing the file it shows. */
export interface LiveSource {
  readonly interfaces: readonly string[];
  /** The file kept (-w), or null for a temporary one. */
  readonly file: string | null;
  /** Frames captured so far. */
  captured(): number;
  /** True once the capture has stopped: the file grows no more. */
  stopped(): boolean;
}

export interface IndexingOptions {
  /** Runs the next indexing slice (setImmediate in the real UI). */
  schedule?: (run: () => void) => void;
  /** Live: runs the next look for frames once the index has caught up with the file (a 40 ms timer). */
  poll?: (run: () => void) => void;
}

export class BackgroundIndexer {
  private readonly fileReached: number[];
  private scanned = 0;
  private readonly schedule: (run: () => void) => void;
  private readonly poll: (run: () => void) => void;

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
      if (live !== null && live.stopped() && index.following) index.stopFollowing();
      const before = index.timeline.length;
      const until = performance.now() + SLICE_MS;
      do this.slice(Math.min(slice, SLICE_STEP)); while (!index.done && !index.caughtUp && performance.now() < until);
      if (live !== null) {
        dirty ||= index.timeline.length > before || live.captured() !== captured || !index.following;
        captured = live.captured();
      }
      const now = performance.now();
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

  private slice(steps: number): void {
    this.index.advance(steps);
    const timeline = this.index.timeline;
    for (; this.scanned < timeline.length; this.scanned++) {
      const file = timeline.fileIndex(this.scanned);
      this.fileReached[file] = Math.max(this.fileReached[file], timeline.fileOffset(this.scanned));
    }
  }
}

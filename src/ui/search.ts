// The `/` search and `c` (run to a filter breakpoint), in slices: the cursor runs forward
// through the frames a few milliseconds at a time, between key presses and paints (as
// indexing does, background-index.ts), so a search through a million frames leaves the UI
// responsive: the status line says how far it got, Esc cancels it (the cursor goes back to
// where it started), any move of the cursor ends it.

import type { AnalysisFrame } from '../analysis/types.js';
import { MutableFilterFrame, type ContainerNames, type FrameFilter } from '../decode/index.js';
import { describeBreakpoint, hitBreakpoint, type Breakpoint } from '../replay/breakpoints.js';
import type { ReplayCursor } from '../replay/cursor.js';
import type { Timeline } from '../replay/timeline.js';
import { safe } from './selectors/text.js';

/** Frames run between looks at the clock. */
const SEARCH_BATCH = 500;
/** How long one slice may run: a key pressed meanwhile waits for its end. */
const SLICE_MS = 8;
/** How often the screen is told how far the search got. */
const PROGRESS_MS = 200;

export type SearchNews =
  | { readonly kind: 'found' }
  | { readonly kind: 'none' }
  | { readonly kind: 'progress'; readonly share: number };

/** What a search looks for, and who hears how it goes. */
export interface SearchTarget {
  /** The step (0-based) whose frame `frame` is: the search stops at the first that matches. */
  matches(frame: AnalysisFrame, step: number): boolean;
  tell(news: SearchNews): void;
}

/** A search for the next frame matching a filter, telling `say` in the status line's words. */
export function filterTarget(
  filter: FrameFilter, cursor: ReplayCursor, say: (text: string, error: boolean) => void, names: ContainerNames | null = null,
): SearchTarget {
  const f = new MutableFilterFrame(); // frame lengths are not known here: frame.len does not match
  f.names = names;
  return {
    matches: (frame, step) => {
      f.layers = frame.layers;
      f.iface = frame.iface;
      f.no = frame.no;
      f.changes = filter.usesChanges ? cursor.index.timeline.changesOf(step) : null;
      return filter.matches(f);
    },
    tell: (news) => {
      const { text, error } = searchMessage(news, filter, cursor.frame?.no);
      say(text, error);
    },
  };
}

/**
 * A run to the next frame that hits a breakpoint (filters need each frame decoded): progress
 * goes to `progress`, and the player's stop reason, when it ends, to `done`.
 */
export function breakpointTarget(
  breakpoints: readonly Breakpoint[], timeline: Timeline, progress: (text: string) => void, done: (stopReason: string) => void,
): SearchTarget {
  let hit: Breakpoint | null = null;
  return {
    matches: (frame, step) => (hit = hitBreakpoint(breakpoints, frame, timeline.changesOf(step))) !== null,
    tell: (news) => {
      if (news.kind === 'progress') progress(`running to a breakpoint... ${Math.floor(news.share * 100)}% (Esc cancels)`);
      else done(hit !== null ? `breakpoint: ${describeBreakpoint(hit)}` : 'no breakpoint hit before the end');
    },
  };
}

interface Run {
  readonly target: SearchTarget;
  /** The cursor's position when the search started: where a cancel puts it back. */
  readonly from: number;
  /** When the screen was last told of the progress (null: not yet). */
  toldAt: number | null;
}

export class SliceSearch {
  private run: Run | null = null;

  /**
   * `schedule` runs the next slice (setImmediate in the UI); `steps`, when given, is the exact
   * number of frames per slice (tests).
   */
  constructor(
    private readonly cursor: ReplayCursor,
    private readonly schedule: (run: () => void) => void,
    private readonly steps?: number,
  ) {}

  get searching(): boolean {
    return this.run !== null;
  }

  /** Searches forward from the cursor; the first slice runs now (a small capture is done at once). */
  start(target: SearchTarget): void {
    const run: Run = { target, from: this.cursor.position, toldAt: null };
    this.run = run;
    this.slice(run);
  }

  /** Stops a running search where it is (the user moved the cursor). */
  stop(): void {
    this.run = null;
  }

  /** Stops a running search and puts the cursor back where it started; false when none ran. */
  cancel(): boolean {
    const run = this.run;
    if (run === null) return false;
    this.run = null;
    this.cursor.seek(run.from);
    return true;
  }

  private slice(run: Run): void {
    if (this.run !== run) return; // stopped, cancelled or replaced since it was scheduled
    const cursor = this.cursor;
    const matches = run.target.matches;
    let found: boolean;
    if (this.steps !== undefined) found = cursor.runUntil(matches, this.steps);
    else {
      const until = performance.now() + SLICE_MS;
      do found = cursor.runUntil(matches, SEARCH_BATCH);
      while (!found && cursor.position < cursor.length && performance.now() < until);
    }
    if (found || cursor.position >= cursor.length) {
      this.run = null;
      if (!found) cursor.seek(run.from);
      run.target.tell({ kind: found ? 'found' : 'none' });
      return;
    }
    const now = performance.now();
    if (run.toldAt === null || now - run.toldAt >= PROGRESS_MS) {
      run.toldAt = now;
      const share = (cursor.position - run.from) / Math.max(1, cursor.length - run.from);
      run.target.tell({ kind: 'progress', share });
    }
    this.schedule(() => this.slice(run));
  }
}

/** The status line's sentence for `news` about a search for `searched` (`no`: the frame the cursor is on). */
export function searchMessage(news: SearchNews, searched: FrameFilter, no: number | undefined): { text: string; error: boolean } {
  const filter = safe(searched.text);
  if (news.kind === 'found') return { text: `frame ${no ?? '?'} matches ${filter}`, error: false };
  if (news.kind === 'none') return { text: `no frame after this one matches ${filter}`, error: true };
  return { text: `searching ${filter}... ${Math.floor(news.share * 100)}% (Esc cancels)`, error: false };
}

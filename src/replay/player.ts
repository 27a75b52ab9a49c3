// Playback: steps the cursor at the capture's own pace times a speed factor, or at a fixed
// rate, stopping at breakpoints and at the end. Time comes from an injected timer, so the
// player is tested without waiting, and nothing here knows about React.

import { changeKindMatcher, describeBreakpoint, hitBreakpoint, type Breakpoint } from './breakpoints.js';
import type { ReplayCursor } from './cursor.js';

export interface Timer {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimer: Timer = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Speed factors for capture pace, slowest first. */
export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100] as const;
/** A silence in the capture longer than this (after scaling) is shortened to it. */
export const MAX_WAIT_MS = 2000;
/** Steps due within one screen refresh are applied together, then shown once. */
export const REFRESH_MS = 16;
const MAX_STEPS_PER_TICK = 5000;
/** Playing at the end of what is indexed while indexing goes on: how often to look for more. */
export const WAIT_FOR_FRAMES_MS = 50;
const MIN_RATE = 1;
const MAX_RATE = 100_000;

export type Pace =
  | { readonly kind: 'capture'; readonly speed: number }
  | { readonly kind: 'rate'; readonly framesPerSecond: number };

export class Player {
  playing = false;
  pace: Pace = { kind: 'capture', speed: 1 };
  breakpoints: Breakpoint[] = [];
  /** Why playback last stopped on its own ('end', or the breakpoint hit), for the status line. */
  stopReason: string | null = null;
  private handle: unknown = null;

  constructor(
    private readonly cursor: ReplayCursor,
    private readonly timer: Timer,
    private readonly onUpdate: () => void,
  ) {}

  play(): void {
    if (this.playing) return;
    this.stopReason = null;
    if (this.cursor.position >= this.cursor.length) {
      this.stopReason = 'end of capture';
      this.onUpdate();
      return;
    }
    this.playing = true;
    this.schedule(this.delayBefore(this.cursor.position));
    this.onUpdate();
  }

  pause(): void {
    if (this.handle !== null) this.timer.clear(this.handle);
    this.handle = null;
    if (!this.playing) return;
    this.playing = false;
    this.onUpdate();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  faster(): void { this.changePace(1); }
  slower(): void { this.changePace(-1); }

  setPace(pace: Pace): void {
    this.pace = pace;
    this.reschedule();
  }

  /** Jump to the next step that hits a breakpoint (without waiting); false when none does. */
  runToBreakpoint(): boolean {
    if (this.breakpoints.length === 0) return false;
    const hit = this.breakpoints.every((b) => b.kind === 'change') ? this.jumpToChange() : this.scanToBreakpoint();
    this.stopReason = hit ? `breakpoint: ${describeBreakpoint(hit)}` : 'no breakpoint hit before the end';
    this.onUpdate();
    return hit !== null;
  }

  /** Change kinds are in the timeline already: seek to the step instead of re-running every frame before it. */
  private jumpToChange(): Breakpoint | null {
    const timeline = this.cursor.index.timeline;
    const matchers = this.breakpoints.map((b) => (b.kind === 'change' ? changeKindMatcher(b.pattern) : () => false));
    const step = timeline.nextChange(this.cursor.position - 1, (kind) => matchers.some((m) => m(kind)));
    this.cursor.seek(step < 0 ? this.cursor.length : step + 1);
    if (step < 0) return null;
    const kinds = timeline.changesOf(step).map((c) => c.kind);
    return this.breakpoints.find((_, i) => kinds.some(matchers[i])) ?? null;
  }

  /** Filters need each frame decoded: apply the frames one by one until one hits. */
  private scanToBreakpoint(): Breakpoint | null {
    const timeline = this.cursor.index.timeline;
    let hit: Breakpoint | null = null;
    this.cursor.runUntil((frame, step) => {
      hit = hitBreakpoint(this.breakpoints, frame, timeline.changesOf(step));
      return hit !== null;
    });
    return hit;
  }

  /** Milliseconds to wait before applying step `step` (0-based), from the step before it. */
  delayBefore(step: number): number {
    if (this.pace.kind === 'rate') return 1000 / this.pace.framesPerSecond;
    if (step <= 0 || step >= this.cursor.length) return 0;
    const timeline = this.cursor.index.timeline;
    const gapMs = (timeline.time(step) - timeline.time(step - 1)) * 1000;
    return Math.min(MAX_WAIT_MS, Math.max(0, gapMs / this.pace.speed));
  }

  private changePace(direction: 1 | -1): void {
    if (this.pace.kind === 'capture') {
      const i = SPEEDS.indexOf(this.pace.speed as (typeof SPEEDS)[number]);
      const next = SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, (i < 0 ? 3 : i) + direction))];
      this.pace = { kind: 'capture', speed: next };
    } else {
      const next = direction > 0 ? this.pace.framesPerSecond * 2 : this.pace.framesPerSecond / 2;
      this.pace = { kind: 'rate', framesPerSecond: Math.max(MIN_RATE, Math.min(MAX_RATE, next)) };
    }
    this.reschedule();
    this.onUpdate();
  }

  private reschedule(): void {
    if (!this.playing) return;
    if (this.handle !== null) this.timer.clear(this.handle);
    this.schedule(this.delayBefore(this.cursor.position));
  }

  private schedule(ms: number): void {
    this.handle = this.timer.set(() => this.tick(), ms);
  }

  /** Apply the step that is due, and every later one due within the same refresh. */
  private tick(): void {
    this.handle = null;
    if (!this.playing) return;
    const from = this.cursor.position;
    const timeline = this.cursor.index.timeline;
    let due = 0;
    let hit: Breakpoint | null = null;
    this.cursor.runUntil((frame, step) => {
      hit = hitBreakpoint(this.breakpoints, frame, timeline.changesOf(step));
      if (hit !== null) return true;
      due += this.delayBefore(step + 1);
      return due >= REFRESH_MS;
    }, MAX_STEPS_PER_TICK);
    if (hit !== null) {
      this.playing = false;
      this.stopReason = `breakpoint: ${describeBreakpoint(hit)}`;
    } else if (this.cursor.position >= this.cursor.length && this.cursor.index.done) {
      this.playing = false;
      this.stopReason = 'end of capture';
    } else if (this.cursor.position >= this.cursor.length) {
      // At the last frame indexed so far (a live capture's file still growing): look again
      // later, and repaint only when a step was taken.
      this.schedule(WAIT_FOR_FRAMES_MS);
      if (this.cursor.position === from) return;
    } else {
      this.schedule(Math.max(0, due));
    }
    this.onUpdate();
  }
}

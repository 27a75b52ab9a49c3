// The TUI's model, without React: the replay index (grown in slices while the UI runs), the
// cursor, the player and the packet list's row source, plus the actions keys trigger. The
// App subscribes to it and re-renders on every change. On a live capture (`live`) the index
// follows the file the capture writes, and the cursor the newest frame while the user is there.

import { statSync } from 'node:fs';
import { createEngines } from '../analysis/engines.js';
import { FilterSyntaxError, parseFilter, type ContainerNames, type FrameFilter, type JsonValue } from '../decode/index.js';
import { containerNames } from '../topology/container-names.js';
import { describeBreakpoint, type Breakpoint } from '../replay/breakpoints.js';
import { ReplayCursor } from '../replay/cursor.js';
import { ReplayIndex, type IndexOptions } from '../replay/indexer.js';
import { Player, realTimer, type Timer } from '../replay/player.js';
import type { Topology } from '../topology/model.js';
import { BackgroundIndexer, INDEX_SLICE, type IndexingOptions, type LiveSource } from './background-index.js';
import { breakpointTarget, filterTarget, SliceSearch } from './search.js';
import { PacketRowSource } from './selectors/packet-rows.js';
import type { ReplayView } from './selectors/screen-model.js';
import { safe } from './selectors/text.js';

export { FIRST_SLICE, INDEX_SLICE, type LiveSource } from './background-index.js';

/** Frames per second when playing at a fixed rate, before +/-. */
const FIXED_RATE = 10;
const NAMESPACES = ['fdb', 'arp', 'nat', 'tunnel', 'overlay'];

export interface SessionOptions extends IndexOptions, IndexingOptions {
  timer?: Timer;
  /** Live: the capture writing the (one) file, which the index then follows as it grows. */
  live?: LiveSource;
  /** Frames per `/` search slice (tests); by default a slice runs for a few milliseconds. */
  searchSteps?: number;
}

export interface Message {
  readonly text: string;
  readonly error: boolean;
}

export class ReplaySession {
  readonly index: ReplayIndex;
  readonly cursor: ReplayCursor;
  readonly player: Player;
  readonly rows: PacketRowSource;
  readonly topology: Topology | null;
  readonly live: LiveSource | null;
  message: Message | null = null;
  /** Bumped on every change: the React side's snapshot. */
  version = 0;
  private readonly listeners = new Set<() => void>();
  private readonly indexer: BackgroundIndexer;
  private readonly searcher: SliceSearch;
  /** What the running search is, for the status line when it is cancelled. */
  private searchWhat = '';
  private lastFilter: FrameFilter | null = null;
  /** Who owns the addresses (the topology's containers): the filters' `container`. */
  private readonly names: ContainerNames | null;
  private cachedReport: { position: number; report: Record<string, JsonValue> } | null = null;
  private closed = false;
  /** Steps indexed when the screen was last told of a change: the newest frame the user saw. */
  private newest = 0;

  constructor(files: readonly string[], options: SessionOptions = {}) {
    this.live = options.live ?? null;
    this.index = new ReplayIndex(files, createEngines, { ...options, follow: this.live !== null });
    this.topology = options.topology ?? null;
    this.names = this.topology === null ? null : containerNames(this.topology);
    this.cursor = new ReplayCursor(this.index);
    this.player = new Player(this.cursor, options.timer ?? realTimer, () => this.changed());
    this.rows = new PacketRowSource(this.index, this.index.engineOptions.vxlanPorts, this.topology);
    this.indexer = new BackgroundIndexer(this.index, this.live, files.map((f) => statSync(f).size), options, () => {
      // Like `tail -f`: the cursor moves to the newest frame when the user was at the last one
      // (once per paint, not per slice: each move re-runs the frames in between).
      if (this.followingNewest && !this.player.playing && !this.searcher.searching) this.cursor.last();
      this.changed();
    }, () => this.closed);
    this.searcher = new SliceSearch(this.cursor, options.schedule ?? ((run) => setImmediate(run)), options.searchSteps);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Index the first slice now (so the first screen has frames) and the rest in later slices
   * between key presses (see BackgroundIndexer). Live, the cursor starts at the newest frame.
   */
  start(slice = INDEX_SLICE): void {
    this.indexer.first(slice);
    if (this.live !== null) this.cursor.last();
    else if (this.cursor.position === 0) this.cursor.first();
    this.newest = this.cursor.length;
    this.indexer.run(slice);
  }

  /** A key arrived: background indexing steps aside for a moment (BackgroundIndexer.keyPressed). */
  keyPressed(): void {
    this.indexer.keyPressed();
  }

  /** Live: the cursor is at the newest frame the user saw, so it moves on as frames arrive (`tail -f`). */
  get followingNewest(): boolean {
    return this.live !== null && this.cursor.position >= this.newest;
  }

  /** Share of the input bytes indexed (1 when done). */
  get progress(): number {
    return this.indexer.progress;
  }

  /** The tables after the current position, as `analyze --json` reports them (without the change log). */
  report(): Record<string, JsonValue> {
    const position = this.cursor.position;
    if (this.cachedReport?.position !== position) this.cachedReport = { position, report: this.cursor.report({ events: false }) };
    return this.cachedReport.report;
  }

  /** A snapshot for the screen model. */
  view(): ReplayView {
    const timeline = this.index.timeline;
    return {
      position: this.cursor.position,
      length: this.cursor.length,
      indexDone: this.index.done,
      progress: this.progress,
      frame: this.cursor.frame,
      report: this.report(),
      rows: (first, count) => this.rows.rows(first, count),
      lastFrameNo: timeline.length > 0 ? timeline.no(timeline.length - 1) : 0,
      playing: this.player.playing,
      pace: this.player.pace,
      breakpoints: this.player.breakpoints.map((b) => safe(describeBreakpoint(b))),
      stopReason: this.player.stopReason === null ? null : safe(this.player.stopReason),
      message: this.message,
      topology: this.topology,
      live: this.live === null ? null : {
        interfaces: this.live.interfaces.map(safe),
        file: this.live.file === null ? null : safe(this.live.file),
        // The capture's count comes a few times a second (from its process); the file may be ahead of it.
        captured: Math.max(this.live.captured(), timeline.length),
        stopped: this.live.stopped(),
        following: this.followingNewest,
      },
    };
  }

  /** Move to the state after `position` steps (a running search ends where it is). */
  seek(position: number): void {
    this.searcher.stop();
    this.message = null;
    this.cursor.seek(position);
    this.changed();
  }

  step(delta: number): void { this.seek(this.cursor.position + delta); }
  first(): void { this.seek(Math.min(1, this.cursor.length)); }
  last(): void { this.seek(this.cursor.length); }
  togglePlay(): void { this.searcher.stop(); this.message = null; this.player.toggle(); }
  faster(): void { this.player.faster(); }
  slower(): void { this.player.slower(); }
  /** Capture pace <-> a fixed rate (starting at 10 frames/s), kept while playing. */
  togglePace(): void {
    this.player.setPace(this.player.pace.kind === 'capture' ? { kind: 'rate', framesPerSecond: FIXED_RATE } : { kind: 'capture', speed: 1 });
    this.changed();
  }

  /** `:` input: a frame number, or seconds from the first frame ("12.5s"). */
  goTo(text: string): void {
    const t = text.trim();
    const timeline = this.index.timeline;
    let step = -1;
    if (/^\d+$/.test(t)) step = timeline.stepOfFrame(Number(t));
    else if (/^\d+(\.\d+)?s$/.test(t) && timeline.length > 0) step = Math.min(timeline.stepAtTime(timeline.time(0) + parseFloat(t)), timeline.length - 1);
    else return this.say(`"${safe(t)}" is neither a frame number nor a time like 12.5s`, true);
    if (step < 0) return this.say(this.index.done ? `there is no frame ${safe(t)}` : `frame ${safe(t)} is not indexed yet`, true);
    this.player.pause();
    this.seek(step + 1);
  }

  /**
   * `/` input: go to the next frame matching the filter (empty: the last filter again). The
   * search runs in slices (search.ts): `searching` until it ends, Esc (dismiss) cancels it.
   */
  search(text: string): void {
    let filter = this.lastFilter;
    if (text.trim() !== '') {
      try {
        filter = parseFilter(text);
      } catch (e) {
        if (e instanceof FilterSyntaxError) return this.say(`filter: ${safe(e.message)}`, true);
        throw e;
      }
    }
    if (filter === null) return this.say('type a filter, e.g. arp or ip.addr == 172.17.0.2', true);
    this.lastFilter = filter;
    this.player.pause();
    this.searcher.cancel(); // a search still running: the new one starts where that one did
    this.searchWhat = `search for ${safe(filter.text)}`;
    this.searcher.start(filterTarget(filter, this.cursor, (text, error) => this.say(text, error), this.names));
  }

  /** A `/` search (or a run to a filter breakpoint) is running. */
  get searching(): boolean {
    return this.searcher.searching;
  }

  /** `b` input: a change kind (fdb.move, nat, arp.*) or a filter; empty clears every breakpoint. */
  addBreakpoint(text: string): void {
    const t = text.trim();
    if (t === '') {
      this.player.breakpoints = [];
      return this.say('breakpoints cleared', false);
    }
    let b: Breakpoint;
    const namespace = t.split('.')[0];
    if (/^[a-z]+(\.[a-z*-]+)?$/.test(t) && NAMESPACES.includes(namespace)) b = { kind: 'change', pattern: t };
    else {
      try {
        b = { kind: 'filter', filter: parseFilter(t), names: this.names };
      } catch (e) {
        if (e instanceof FilterSyntaxError) return this.say(`not a change kind (${NAMESPACES.join('.*, ')}.*) nor a filter: ${safe(e.message)}`, true);
        throw e;
      }
    }
    this.player.breakpoints = [...this.player.breakpoints, b];
    this.say(`breakpoint: ${safe(describeBreakpoint(b))} (c runs to it, space plays until it)`, false);
  }

  /**
   * `c`: run to the next breakpoint. Change kinds are found in the timeline at once; a filter
   * needs every frame decoded, so that runs in slices as the `/` search does.
   */
  continueToBreakpoint(): void {
    const breakpoints = this.player.breakpoints;
    if (breakpoints.length === 0) return this.say('no breakpoints: b adds one', true);
    this.searcher.cancel();
    this.message = null;
    this.player.pause();
    if (breakpoints.every((b) => b.kind === 'change')) {
      this.player.runToBreakpoint();
      return;
    }
    this.searchWhat = 'run to a breakpoint';
    this.searcher.start(breakpointTarget(breakpoints, this.index.timeline, (text) => this.say(text, false), (stopReason) => {
      this.player.stopReason = stopReason;
      this.message = null;
      this.changed();
    }));
  }

  /** Esc: cancels a running search or run to a breakpoint (back where it started), else clears the message. */
  dismiss(): void {
    if (this.searcher.cancel()) return this.say(`${this.searchWhat} cancelled`, false);
    if (this.message === null) return;
    this.message = null;
    this.changed();
  }

  say(text: string, error: boolean): void {
    this.message = { text, error };
    this.changed();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.searcher.stop();
    this.player.pause();
    this.rows.close();
    this.cursor.close();
    this.index.close();
  }

  private changed(): void {
    this.newest = this.cursor.length;
    this.version++;
    for (const listener of this.listeners) listener();
  }
}

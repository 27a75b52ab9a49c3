// Playback pace, speed changes, breakpoints and the end of the capture, on a fake timer.

import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { createEngines } from '../../src/analysis/engines.js';
import { parseFilter } from '../../src/decode/index.js';
import { changeKindMatcher } from '../../src/replay/breakpoints.js';
import { ReplayCursor } from '../../src/replay/cursor.js';
import { ReplayIndex } from '../../src/replay/indexer.js';
import { MAX_WAIT_MS, Player, REFRESH_MS, SPEEDS, WAIT_FOR_FRAMES_MS, type Timer } from '../../src/replay/player.js';
import { capturesDir } from '../helpers/paths.js';

/** A timer that runs callbacks only when the test says, recording the delays asked for. */
class FakeTimer implements Timer {
  delays: number[] = [];
  private pending: (() => void) | null = null;
  set(run: () => void, ms: number): unknown {
    this.delays.push(ms);
    this.pending = run;
    return run;
  }
  clear(handle: unknown): void {
    if (this.pending === handle) this.pending = null;
  }
  fire(): boolean {
    const run = this.pending;
    this.pending = null;
    run?.();
    return run !== null;
  }
}

const file = join(capturesDir, 'napt-collide', 'napt-collide-multi.pcapng');
let cursor: ReplayCursor;
afterEach(() => cursor?.close());

function setup() {
  const index = new ReplayIndex([file], createEngines, { checkpointEvery: 32 }).indexAll();
  cursor = new ReplayCursor(index);
  const timer = new FakeTimer();
  let updates = 0;
  const player = new Player(cursor, timer, () => updates++);
  return { index, timer, player, updates: () => updates };
}

describe('changeKindMatcher', () => {
  test('exact kinds, namespaces and namespace wildcards', () => {
    expect(changeKindMatcher('fdb.move')('fdb.move')).toBe(true);
    expect(changeKindMatcher('fdb.move')('fdb.learn')).toBe(false);
    expect(changeKindMatcher('nat')('nat.new')).toBe(true);
    expect(changeKindMatcher('nat.*')('nat.remap')).toBe(true);
    expect(changeKindMatcher('nat.*')('natural.x')).toBe(false);
    expect(changeKindMatcher('nat')('arp.new')).toBe(false);
  });
});

describe('Player', () => {
  test('capture pace: waits the gap between frames divided by the speed, capped', () => {
    const { index, timer, player } = setup();
    cursor.seek(1);
    player.play();
    const gap = (index.timeline.time(1) - index.timeline.time(0)) * 1000;
    expect(timer.delays[0]).toBeCloseTo(Math.min(MAX_WAIT_MS, gap), 6);
    player.faster();
    expect(player.pace).toEqual({ kind: 'capture', speed: 2 });
    expect(timer.delays.at(-1)).toBeCloseTo(Math.min(MAX_WAIT_MS, gap / 2), 6);
    for (let i = 0; i < 20; i++) player.faster();
    expect(player.pace).toEqual({ kind: 'capture', speed: SPEEDS.at(-1) });
    for (let i = 0; i < 20; i++) player.slower();
    expect(player.pace).toEqual({ kind: 'capture', speed: SPEEDS[0] });
  });

  test('a tick applies every step due within one refresh and schedules the next', () => {
    const { index, timer, player } = setup();
    player.setPace({ kind: 'rate', framesPerSecond: 1000 }); // 1 ms apart: 16 steps per refresh
    player.play();
    timer.fire();
    expect(cursor.position).toBe(Math.ceil(REFRESH_MS / 1) );
    expect(cursor.frame?.step).toBe(cursor.position - 1);
    expect(player.playing).toBe(true);
    // Play to the end: the player stops by itself and says why.
    while (timer.fire()) { /* keep ticking */ }
    expect(cursor.position).toBe(index.timeline.length);
    expect(player.playing).toBe(false);
    expect(player.stopReason).toBe('end of capture');
  });

  test('at the end of what is indexed while indexing goes on (a live capture), it waits quietly for more', () => {
    const index = new ReplayIndex([file], createEngines, { checkpointEvery: 32 });
    index.advance(40);
    cursor = new ReplayCursor(index);
    const timer = new FakeTimer();
    let updates = 0;
    const player = new Player(cursor, timer, () => updates++);
    player.setPace({ kind: 'rate', framesPerSecond: 1000 });
    player.play();
    for (let i = 0; i < 10 && cursor.position < 40; i++) timer.fire();
    expect(cursor.position).toBe(40);
    const seen = updates;
    for (let i = 0; i < 5; i++) expect(timer.fire()).toBe(true);
    expect(timer.delays.slice(-5)).toEqual(Array(5).fill(WAIT_FOR_FRAMES_MS));
    expect(updates).toBe(seen); // nothing new: no repaint
    expect(player.playing).toBe(true);
    index.advance(10);
    timer.fire();
    expect(cursor.position).toBeGreaterThan(40);
    expect(updates).toBe(seen + 1);
  });

  test('a change breakpoint stops playback on the first step making that change', () => {
    const { index, timer, player } = setup();
    const expected = index.timeline.nextChange(-1, (k) => k === 'nat.remap');
    expect(expected).toBeGreaterThan(0);
    player.breakpoints = [{ kind: 'change', pattern: 'nat.remap' }];
    player.setPace({ kind: 'rate', framesPerSecond: 100_000 });
    player.play();
    while (timer.fire()) { /* keep ticking */ }
    expect(player.playing).toBe(false);
    expect(cursor.position).toBe(expected + 1);
    expect(player.stopReason).toBe('breakpoint: change nat.remap');
    expect(cursor.frame?.changes.some((c) => c.kind === 'nat.remap')).toBe(true);
  });

  test('runToBreakpoint jumps without the timer, and again to the next hit', () => {
    const { index, player } = setup();
    player.breakpoints = [{ kind: 'change', pattern: 'nat.new' }];
    const first = index.timeline.nextChange(-1, (k) => k === 'nat.new');
    const second = index.timeline.nextChange(first, (k) => k === 'nat.new');
    expect(player.runToBreakpoint()).toBe(true);
    expect(cursor.position).toBe(first + 1);
    expect(player.runToBreakpoint()).toBe(true);
    expect(cursor.position).toBe(second + 1);
  });

  test('after the last hit, runToBreakpoint goes to the end and says so', () => {
    const { index, player } = setup();
    player.breakpoints = [{ kind: 'change', pattern: 'nat.remap' }];
    let hits = 0;
    while (player.runToBreakpoint()) hits++;
    expect(hits).toBe(index.timeline.changesBefore(index.timeline.length).filter((c) => c.kind === 'nat.remap').length);
    expect(cursor.position).toBe(index.timeline.length);
    expect(player.stopReason).toBe('no breakpoint hit before the end');
  });

  test('a filter breakpoint stops on the next matching frame', () => {
    const { player } = setup();
    player.breakpoints = [{ kind: 'change', pattern: 'tunnel.new' }, { kind: 'filter', filter: parseFilter('arp') }];
    expect(player.runToBreakpoint()).toBe(true);
    expect(cursor.frame?.summary).toMatch(/ethertype ARP .*: ARP, (Request|Reply)/);
    expect(player.stopReason).toBe('breakpoint: filter arp');
  });

  test('pause cancels the pending step', () => {
    const { timer, player } = setup();
    player.play();
    player.pause();
    expect(timer.fire()).toBe(false);
    expect(cursor.position).toBe(0);
  });
});

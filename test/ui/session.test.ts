// The UI's model without React: indexing in slices behind the first screen, go to frame or
// time, filter search, breakpoints on change kinds, and the messages the status line shows.
import { describe, expect, it } from 'vitest';
import { QUIET_MS } from '../../src/ui/background-index.js';
import { ReplaySession } from '../../src/ui/session.js';
import { NAPT_COLLIDE, session } from './helpers.js';

describe('ReplaySession', () => {
  it('shows the first frame after the first slice and indexes the rest in later slices', () => {
    const pending: (() => void)[] = [];
    const s = new ReplaySession([NAPT_COLLIDE], { schedule: (run) => pending.push(run) });
    try {
      let updates = 0;
      s.subscribe(() => updates++);
      s.start(10);
      expect(s.cursor.position).toBe(1);
      expect(s.index.timeline.length).toBe(10);
      expect(s.view()).toMatchObject({ position: 1, length: 10, indexDone: false });
      expect(s.progress).toBeGreaterThan(0);
      expect(s.progress).toBeLessThan(1);
      // Later slices run for a few milliseconds each (at least one batch of `slice` frames).
      pending.shift()!();
      expect(s.index.timeline.length).toBeGreaterThanOrEqual(20);
      while (pending.length > 0) pending.shift()!();
      expect(s.index.done).toBe(true);
      expect(s.view()).toMatchObject({ length: 92, indexDone: true, progress: 1 });
      // The screen hears about the end of indexing.
      expect(updates).toBeGreaterThanOrEqual(1);
    } finally {
      s.close();
    }
  });

  it('steps aside for a key: the slice due after it waits QUIET_MS instead of indexing', () => {
    const pending: (() => void)[] = [];
    const waits: { run: () => void; ms: number }[] = [];
    const s = new ReplaySession([NAPT_COLLIDE], { schedule: (run) => pending.push(run), wait: (run, ms) => waits.push({ run, ms }) });
    try {
      s.start(10);
      s.keyPressed();
      pending.shift()!();
      expect(s.index.timeline.length).toBe(10); // nothing indexed: the slice waits
      expect(waits).toHaveLength(1);
      expect(waits[0].ms).toBeGreaterThan(QUIET_MS - 10);
      expect(waits[0].ms).toBeLessThanOrEqual(QUIET_MS);
      const until = performance.now() + QUIET_MS;
      while (performance.now() < until) { /* the quiet time passes */ }
      waits[0].run();
      expect(s.index.timeline.length).toBeGreaterThan(10);
      while (pending.length > 0) pending.shift()!();
      expect(s.index.done).toBe(true);
    } finally {
      s.close();
    }
  });

  it('goes to a frame number or a time, and says why it cannot', () => {
    const s = session([NAPT_COLLIDE]);
    s.goTo('27');
    expect(s.cursor.frame?.no).toBe(27);
    s.goTo('2s');
    expect(s.index.timeline.time(s.cursor.position - 1) - s.index.timeline.time(0)).toBeGreaterThanOrEqual(2);
    s.goTo('999');
    expect(s.message).toEqual({ text: 'there is no frame 999', error: true });
    s.goTo('x\x1b[2J');
    expect(s.message?.text).toBe('"x\\x1b[2J" is neither a frame number nor a time like 12.5s');
  });

  it('finds the next frame matching a filter, repeats it, and stays put when none does', () => {
    const s = session([NAPT_COLLIDE]);
    s.first();
    s.search('arp.src.proto_ipv4 == 172.17.0.3 || arp.dst.proto_ipv4 == 172.17.0.3');
    expect(s.cursor.frame?.no).toBe(17);
    s.search('');
    expect(s.cursor.frame?.no).toBe(18);
    const at = s.cursor.position;
    s.search('vxlan.vni == 42');
    expect(s.cursor.position).toBe(at);
    expect(s.message).toEqual({ text: 'no frame after this one matches vxlan.vni == 42', error: true });
  });

  it('adds breakpoints on change kinds or filters, runs to them, and clears them', () => {
    const s = session([NAPT_COLLIDE]);
    s.first();
    s.addBreakpoint('nat.remap');
    s.continueToBreakpoint();
    expect(s.cursor.frame?.no).toBe(15);
    expect(s.view().stopReason).toBe('breakpoint: change nat.remap');
    s.addBreakpoint('fdb.nonsense((');
    expect(s.message?.error).toBe(true);
    expect(s.player.breakpoints).toHaveLength(1);
    s.addBreakpoint('tcp');
    expect(s.view().breakpoints).toEqual(['change nat.remap', 'filter tcp']);
    s.continueToBreakpoint();
    expect(s.cursor.frame?.no).toBe(27);
    s.addBreakpoint('');
    expect(s.player.breakpoints).toEqual([]);
    s.continueToBreakpoint();
    expect(s.message).toEqual({ text: 'no breakpoints: b adds one', error: true });
  });
});

describe('ReplaySession pace', () => {
  it('r switches between the capture pace and a fixed rate, which +/- then change', () => {
    const s = session([NAPT_COLLIDE]);
    try {
      expect(s.view().pace).toEqual({ kind: 'capture', speed: 1 });
      s.togglePace();
      expect(s.view().pace).toEqual({ kind: 'rate', framesPerSecond: 10 });
      s.faster();
      expect(s.view().pace).toEqual({ kind: 'rate', framesPerSecond: 20 });
      s.togglePace();
      expect(s.view().pace).toEqual({ kind: 'capture', speed: 1 });
    } finally {
      s.close();
    }
  });
});

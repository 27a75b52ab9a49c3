// The session on a live capture's file: the live writer writes a real capture (the userbridge
// recording's frames, in time order) in bursts while the session runs on its default
// scheduling (setImmediate slices, a timer poll once caught up; fake timers drive both).
// The index follows the file, the cursor follows the newest frame while the user is at the
// end and stays put once they step back, the tables and the status line update, and once the
// capture stops the index ends with exactly what indexing the finished file in one pass gives.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LivePcapngWriter } from '../../src/capture/live-writer.js';
import { openCaptures, type CopiedFrame } from '../../src/capture/open.js';
import { TimeOrderedSource } from '../../src/capture/reorder.js';
import { buildScreen, INITIAL_UI } from '../../src/ui/selectors/screen-model.js';
import { ReplaySession, type LiveSource } from '../../src/ui/session.js';
import { tempPath } from '../capture/capture-helpers.js';
import { session, USERBRIDGE } from './helpers.js';

/** The recording's frames in time order, copied, with their interface names. */
function framesOf(file: string): (CopiedFrame & { name: string })[] {
  const source = new TimeOrderedSource(openCaptures([file]));
  const out: (CopiedFrame & { name: string })[] = [];
  for (let f = source.next(); f !== null; f = source.next()) {
    out.push({ ...f, bytes: f.bytes.slice(), name: f.iface.name ?? '?', comments: null });
  }
  source.close();
  return out;
}

/** The FDB entries of the report, as "mac port" ("mac port local" for the bridge's own). */
function fdb(s: ReplaySession): string[] {
  const bridges = s.report().bridges as { fdb: { mac: string; port: string; local: boolean }[] }[];
  return bridges.flatMap((b) => b.fdb.map((e) => `${e.mac} ${e.port}${e.local ? ' local' : ''}`)).sort();
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ReplaySession on a live capture', () => {
  it('follows the growing file, and the newest frame while the user is at the end', () => {
    const frames = framesOf(USERBRIDGE);
    expect(frames).toHaveLength(122);
    const names = [...new Set(frames.map((f) => f.name))];
    const path = tempPath('live.pcapng');
    const writer = new LivePcapngWriter(path, names.map((name) => ({ name, linkType: 1, snapLen: 65535 })));
    let written = 0;
    let stopped = false;
    const write = (upTo: number) => {
      for (; written < upTo; written++) {
        const f = frames[written];
        writer.write(names.indexOf(f.name), f.tsSec, f.tsNsec, f.bytes, 0, f.bytes.length, f.direction);
      }
      writer.flush();
    };
    const live: LiveSource = { interfaces: names, file: path, captured: () => written, stopped: () => stopped };
    const s = new ReplaySession([path], { live });
    let paints = 0;
    s.subscribe(() => paints++);
    const status = () => buildScreen(s.view(), INITIAL_UI, 200, 40).status;
    try {
      s.start();
      expect(s.view()).toMatchObject({ length: 0, position: 0, indexDone: false });
      expect(buildScreen(s.view(), INITIAL_UI, 120, 40).explanation[0]).toBe(`Waiting for frames on ${names.join(', ')}...`);
      vi.advanceTimersByTime(500);
      expect(s.index.done).toBe(false);
      const quiet = paints;
      vi.advanceTimersByTime(1000);
      expect(paints).toBe(quiet); // nothing new: no paint while polling

      write(10);
      vi.advanceTimersByTime(150);
      expect(s.view()).toMatchObject({ length: 10, position: 10 });
      expect(s.cursor.frame?.no).toBe(10);
      expect(status()).toMatch(new RegExp(`^LIVE ${names.join(',')}: 10 frames \\| step 10/10 following \\| frame 10 on .* \\| -w ${path}$`));
      const early = fdb(s);

      // Stepped back: the cursor stays where the user put it while frames keep coming.
      s.step(-3);
      write(60);
      vi.advanceTimersByTime(150);
      expect(s.view()).toMatchObject({ length: 60, position: 7 });
      expect(status()).toContain('step 7/60 (G follows)');

      // G: at the end again, and following.
      s.last();
      write(122);
      vi.advanceTimersByTime(150);
      expect(s.view()).toMatchObject({ length: 122, position: 122 });
      expect(s.view().live).toMatchObject({ captured: 122, following: true, stopped: false });
      // The tables grew with the frames (`analyze` of the recording has these).
      const late = fdb(s);
      expect(late.length).toBeGreaterThan(early.length);
      expect(late).toEqual(['02:42:ac:11:00:02 veth1a2b3c4', '02:42:ac:11:00:03 veth5d6e7f8', '02:42:ac:11:00:04 veth9a0b1c2',
        '06:90:2b:c7:2e:0c veth9a0b1c2 local', '76:11:e9:64:76:3b veth5d6e7f8 local', '8a:96:7f:22:f5:2f veth1a2b3c4 local']);
      expect(s.index.done).toBe(false);

      // The capture stops: the index reads to the end and finishes.
      stopped = true;
      writer.close();
      vi.advanceTimersByTime(150);
      expect(s.index.done).toBe(true);
      expect(status()).toMatch(/^STOPPED .*: 122 frames \| step 122\/122 following/);

      // Exactly what one pass over the finished file gives: every step's changes, and the tables.
      const whole = session([path]);
      expect(whole.index.timeline.length).toBe(122);
      expect(s.index.timeline.changesBefore(s.index.timeline.length)).toEqual(whole.index.timeline.changesBefore(whole.index.timeline.length));
      expect(s.index.timeline.finishChanges).toEqual(whole.index.timeline.finishChanges);
      whole.last();
      expect(s.report()).toEqual(whole.report());
      // The packet list re-reads rows written after the session opened the file.
      expect(s.rows.rows(118, 4).map((r) => r.no)).toEqual([119, 120, 121, 122]);
      expect(s.rows.rows(0, 122).every((r) => r.protocol !== '?')).toBe(true);
    } finally {
      writer.close();
      s.close();
    }
  });

  it('stays at the first frames while playing is off and the user went to the start', () => {
    const path = tempPath('live2.pcapng');
    const frames = framesOf(USERBRIDGE);
    const names = [...new Set(frames.map((f) => f.name))];
    const writer = new LivePcapngWriter(path, names.map((name) => ({ name, linkType: 1, snapLen: 65535 })));
    const put = (from: number, to: number) => {
      for (const f of frames.slice(from, to)) writer.write(names.indexOf(f.name), f.tsSec, f.tsNsec, f.bytes, 0, f.bytes.length, f.direction);
      writer.flush();
    };
    const s = new ReplaySession([path], { live: { interfaces: names, file: null, captured: () => 0, stopped: () => false } });
    try {
      put(0, 30);
      s.start();
      expect(s.view()).toMatchObject({ length: 30, position: 30 });
      s.first();
      put(30, 80);
      vi.advanceTimersByTime(300);
      expect(s.view()).toMatchObject({ length: 80, position: 1 });
      // No -w: the status line names no file.
      expect(buildScreen(s.view(), INITIAL_UI, 200, 40).status).not.toContain('-w');
    } finally {
      writer.close();
      s.close();
    }
  });
});

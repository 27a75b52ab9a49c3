// The live capture's pcapng writer, its arrival clock and its bounded queue (no cap, no root).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArrivalClock, nanosecondUnits } from '../../src/capture/live-clock.js';
import { LiveFrameQueue } from '../../src/capture/live-queue.js';
import { ARRIVAL_TIME_COMMENT, LivePcapngWriter, ringFileName } from '../../src/capture/live-writer.js';
import { openCapture } from '../../src/capture/open.js';
import { timestampUnits } from '../../src/capture/pcapng-writer.js';
import type { InterfaceInfo, RawFrame } from '../../src/capture/types.js';
import { tempPath } from './capture-helpers.js';

const IFACES = [{ name: 'br0', linkType: 1, snapLen: 65535 }, { name: 'veth1', linkType: 1, snapLen: 65535 }];

function frame(n: number, size = 60): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (n * 7 + i) & 0xff);
}

function readFrames(path: string): { iface: string | null; sec: number; nsec: number; bytes: number[] }[] {
  const source = openCapture(path);
  const out: { iface: string | null; sec: number; nsec: number; bytes: number[] }[] = [];
  for (let f: RawFrame | null = source.next(); f !== null; f = source.next()) {
    out.push({ iface: f.iface.name, sec: f.tsSec, nsec: f.tsNsec, bytes: [...f.bytes] });
  }
  expect(source.issues).toEqual([]);
  source.close();
  return out;
}

describe('live pcapng writer', () => {
  it('writes out what flushSoon() was told of within a few milliseconds, not at once', async () => {
    const path = tempPath('soon.pcapng');
    const w = new LivePcapngWriter(path, IFACES);
    const header = fs.statSync(path).size;
    w.write(0, 1_700_000_000, 0, frame(1), 0, 60);
    w.flushSoon();
    w.write(0, 1_700_000_000, 1, frame(2), 0, 60);
    w.flushSoon(); // one timer for both
    expect(fs.statSync(path).size).toBe(header);
    await new Promise((r) => setTimeout(r, 50));
    expect(readFrames(path).map((f) => f.nsec)).toEqual([0, 1]);
    w.close();
  });

  it('writes one named IDB per interface and the arrival-time comment in the SHB and IDBs', () => {
    const path = tempPath('live.pcapng');
    const w = new LivePcapngWriter(path, IFACES);
    w.write(1, 1_700_000_000, 123_456_789, frame(1), 0, 60);
    w.close();
    const text = fs.readFileSync(path).toString('latin1');
    expect(text).toContain(ARRIVAL_TIME_COMMENT);
    expect(text).toContain('tcpdump -i IFACE -w - | dockshark -');
    expect(text.split('arrival timestamps (see the section comment)').length - 1).toBe(2);
    expect(readFrames(path)).toEqual([{ iface: 'veth1', sec: 1_700_000_000, nsec: 123_456_789, bytes: [...frame(1)] }]);
  });

  it('flushed blocks are readable while the file is still open', () => {
    const path = tempPath('open.pcapng');
    const w = new LivePcapngWriter(path, IFACES);
    for (let i = 0; i < 5; i++) w.write(i % 2, 1_800_000_000 + i, i, frame(i, 61 + i), 0, 61 + i);
    w.flush(); // what capture does after every burst
    const seen = readFrames(path);
    expect(seen.map((f) => f.bytes.length)).toEqual([61, 62, 63, 64, 65]);
    expect(seen.map((f) => f.iface)).toEqual(['br0', 'veth1', 'br0', 'veth1', 'br0']);
    w.write(0, 1_800_000_010, 0, frame(9), 0, 60);
    w.flush();
    expect(readFrames(path)).toHaveLength(6);
    w.close();
  });

  it('rotates through N files of at most the given size, the newest under the given name', () => {
    const path = tempPath('ring.pcapng');
    const limit = 2000;
    const w = new LivePcapngWriter(path, IFACES, { files: 3, bytes: limit });
    for (let i = 0; i < 100; i++) w.write(0, 1_900_000_000, i, frame(i, 100), 0, 100);
    w.close();
    const names = [0, 1, 2, 3].map((i) => ringFileName(path, i));
    expect(names[1]).toMatch(/ring\.1\.pcapng$/);
    expect(names.slice(0, 3).every((n) => fs.existsSync(n))).toBe(true);
    expect(fs.existsSync(names[3])).toBe(false);
    for (const n of names.slice(0, 3)) expect(fs.statSync(n).size).toBeLessThanOrEqual(limit);
    // Every file is a whole capture; together the newest files hold the last frames in order.
    const files = names.slice(0, 3).reverse().map(readFrames); // oldest first
    const nsecs = files.flat().map((f) => f.nsec);
    expect(nsecs[nsecs.length - 1]).toBe(99);
    expect(nsecs).toEqual(nsecs.slice().sort((a, b) => a - b));
    expect(nsecs).toEqual(Array.from({ length: nsecs.length }, (_, i) => 100 - nsecs.length + i));
    expect(w.frames).toBe(100);
  });

  it('names ring files before the extension', () => {
    expect(ringFileName('out.pcapng', 0)).toBe('out.pcapng');
    expect(ringFileName('dir.x/out.pcapng', 2)).toBe('dir.x/out.2.pcapng');
    expect(ringFileName('dir.x/out', 1)).toBe('dir.x/out.1');
  });
});

describe('arrival clock', () => {
  it('splits nanosecond timestamps exactly as the BigInt encoder does', () => {
    const out = { high: 0, low: 0 };
    for (const [sec, nsec] of [[0, 0], [1, 999_999_999], [1_700_000_000, 123_456_789], [4_294_967_295, 999_999_999], [65_536, 1]]) {
      nanosecondUnits(sec, nsec, out);
      expect(out).toEqual(timestampUnits(sec, nsec, 1_000_000_000n));
    }
  });

  it('never goes backwards and starts near wall time', () => {
    const clock = new ArrivalClock();
    clock.stamp();
    expect(Math.abs(clock.tsSec * 1000 + clock.tsNsec / 1e6 - Date.now())).toBeLessThan(1000);
    let last = clock.tsSec * 1e9 + clock.tsNsec;
    for (let i = 0; i < 1000; i++) {
      clock.stamp();
      expect(clock.tsNsec).toBeLessThan(1e9);
      const now = clock.tsSec * 1e9 + clock.tsNsec;
      expect(now).toBeGreaterThanOrEqual(last);
      last = now;
    }
  });
});

describe('live frame queue', () => {
  const iface = { id: 0, name: 'x', linkType: 1 } as InterfaceInfo;

  it('keeps frames in order, wraps its arena, and counts what it refuses', () => {
    const q = new LiveFrameQueue({ maxFrames: 4, maxBytes: 250 });
    for (let i = 0; i < 4; i++) expect(q.push(iface, i, 0, frame(i, 60), 60)).toBe(true);
    expect(q.push(iface, 4, 0, frame(4, 60), 60)).toBe(false); // 4 frames held: full
    expect(q.dropped).toBe(1);
    const first = q.shift();
    expect(first?.no).toBe(1);
    expect([...(first as RawFrame).bytes]).toEqual([...frame(0, 60)]);
    expect(q.push(iface, 5, 0, frame(5, 60), 60)).toBe(true); // wraps to the start of the arena
    expect(q.push(iface, 6, 0, frame(6, 60), 60)).toBe(false);
    const seen: number[] = [];
    for (let f = q.shift(); f !== null; f = q.shift()) {
      expect([...f.bytes]).toEqual([...frame(f.tsSec, 60)]);
      seen.push(f.tsSec);
    }
    expect(seen).toEqual([1, 2, 3, 5]);
    expect(q.dropped).toBe(2);
  });

  it('refuses a frame bigger than its arena and keeps going', () => {
    const q = new LiveFrameQueue({ maxFrames: 8, maxBytes: 100 });
    expect(q.push(iface, 0, 0, frame(0, 200), 200)).toBe(false);
    expect(q.push(iface, 1, 0, frame(1, 100), 100)).toBe(true);
    expect(q.shift()?.tsSec).toBe(1);
  });
});

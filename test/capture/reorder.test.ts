// TimeOrderedSource puts frames of -i any / multi-interface files back in time order.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCaptures } from '../../src/capture/open.js';
import { TimeOrderedSource } from '../../src/capture/reorder.js';
import type { FrameSource, InterfaceInfo, RawFrame } from '../../src/capture/types.js';
import { capturesDir } from '../helpers/paths.js';

const IFACE: InterfaceInfo = { id: 0, fileIndex: 0, section: 0, localId: 0, linkType: 1, snapLen: 0, name: null, description: null, unitsPerSecond: 1e6, tsOffsetSeconds: 0 };

/** A source yielding frames with the given (seconds, nanoseconds), reusing one buffer like a reader. */
function fakeSource(times: [number, number][], interfaces: InterfaceInfo[] = [IFACE]): FrameSource {
  const buffer = new Uint8Array(4);
  let i = 0;
  const frame = { no: 0, iface: interfaces[0], tsSec: 0, tsNsec: 0, origLen: 4, bytes: buffer, data: buffer, start: 0, end: 4, fileOffset: 0, direction: null, comments: null } as RawFrame;
  return {
    next() {
      if (i >= times.length) return null;
      [frame.tsSec, frame.tsNsec] = times[i];
      frame.no = ++i;
      buffer[0] = i; // the reader overwrites its buffer for every frame
      return frame;
    },
    interfaces, issues: [], stats: [], names: new Map(), close() {},
  };
}

/** `count` frames of `length` bytes, each a pattern of its number, slightly out of time order, in one reused buffer. */
function bigFrames(count: number, length: number): FrameSource {
  const buffer = new Uint8Array(length);
  let i = 0;
  const frame = { no: 0, iface: IFACE, tsSec: 0, tsNsec: 0, origLen: length, bytes: buffer, data: buffer, start: 0, end: length, fileOffset: 0, direction: null, comments: null } as RawFrame;
  return {
    next() {
      if (i >= count) return null;
      frame.no = ++i;
      frame.tsSec = Math.floor(i / 50);
      frame.tsNsec = (i * 7919) % 1000;
      for (let k = 0; k < length; k++) buffer[k] = (i * 31 + k * 7) & 0xff;
      return frame;
    },
    interfaces: [IFACE], issues: [], stats: [], names: new Map(), close() {},
  };
}

function drain(source: FrameSource): { no: number; first: number }[] {
  const out: { no: number; first: number }[] = [];
  for (let f = source.next(); f; f = source.next()) out.push({ no: f.no, first: f.data[f.start] });
  return out;
}

describe('TimeOrderedSource', () => {
  it('releases frames in timestamp order, keeping their numbers and their own bytes', () => {
    const out = drain(new TimeOrderedSource(fakeSource([[10, 500], [10, 100], [10, 300], [11, 0], [10, 900]])));
    expect(out.map((f) => f.no)).toEqual([2, 3, 1, 5, 4]);
    expect(out.map((f) => f.first)).toEqual([2, 3, 1, 5, 4]);
  });
  it('keeps equal timestamps in input order', () => {
    expect(drain(new TimeOrderedSource(fakeSource([[5, 1], [5, 1], [5, 1]]))).map((f) => f.no)).toEqual([1, 2, 3]);
  });
  it('holds at most maxFrames and counts frames later than the window allows', () => {
    const source = new TimeOrderedSource(fakeSource([[1, 0], [2, 0], [3, 0], [0, 5]]), { maxFrames: 2 });
    expect(drain(source).map((f) => f.no)).toEqual([1, 2, 4, 3]);
    expect(source.lateFrames).toBe(1);
  });
  it('holds fewer frames for a source of one interface that is not -i any, and says so', () => {
    // Frame 5 is 3 frames late: placed by a window of 4 frames, not by one of 2.
    const times: [number, number][] = [[1, 100], [1, 200], [1, 300], [1, 400], [1, 105], [1, 500]];
    const options = { maxFrames: 4, oneInterfaceMaxFrames: 2 };
    const one = new TimeOrderedSource(fakeSource(times), options);
    expect(one.heldAtMost).toBe(2);
    expect(one.windowText).toBe('1 s / 2 frames');
    expect(drain(one).map((f) => f.no)).toEqual([1, 2, 3, 5, 4, 6]);
    expect(one.lateFrames).toBe(1);
    for (const linkType of [113, 276]) { // SLL, SLL2: `-i any`, one capture interface for all devices
      const any = new TimeOrderedSource(fakeSource(times, [{ ...IFACE, linkType }]), options);
      expect(any.heldAtMost).toBe(4);
      expect(drain(any).map((f) => f.no)).toEqual([1, 5, 2, 3, 4, 6]);
      expect(any.lateFrames).toBe(0);
    }
    const two = new TimeOrderedSource(fakeSource(times, [IFACE, { ...IFACE, id: 1, localId: 1 }]), options);
    expect(drain(two).map((f) => f.no)).toEqual([1, 5, 2, 3, 4, 6]);
    // Never more than maxFrames, and 256 by default.
    expect(new TimeOrderedSource(fakeSource(times), { maxFrames: 4, oneInterfaceMaxFrames: 9 }).heldAtMost).toBe(4);
    expect(new TimeOrderedSource(fakeSource(times)).windowText).toBe('1 s / 256 frames');
  });

  it('deepens the window when the source declares a second interface', () => {
    const interfaces = [IFACE];
    const ordered = new TimeOrderedSource(fakeSource([[1, 100], [1, 200], [1, 300], [1, 400], [1, 105], [1, 500]], interfaces), { maxFrames: 4, oneInterfaceMaxFrames: 2 });
    expect(ordered.next()?.no).toBe(1); // frames 1-2 read, 1 released
    interfaces.push({ ...IFACE, id: 1, localId: 1 }); // as a pcapng file declaring another interface
    expect(ordered.heldAtMost).toBe(4);
    expect(drain(ordered).map((f) => f.no)).toEqual([5, 2, 3, 4, 6]);
    expect(ordered.lateFrames).toBe(0);
  });

  it('puts every frame late by fewer frames than the window holds in place, and counts the others', () => {
    // Timestamps within one second (the frame cap is what binds), each frame up to `jitter`
    // places of 1 us early; the window is the one the interface kind gets.
    const kinds = [[IFACE], [{ ...IFACE, linkType: 276 }], [IFACE, { ...IFACE, id: 1, localId: 1 }]];
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 48 }), fc.constantFrom(0, 1, 2), fc.integer({ min: 0, max: 30 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 200 }),
      (oneCap, cap, kind, jitter, draws) => {
        const times: [number, number][] = draws.map((d, i) => [1, 1000 * (i + 40 - Math.floor(d * (jitter + 1)))]);
        const source = new TimeOrderedSource(fakeSource(times, kinds[kind]), { maxFrames: cap, oneInterfaceMaxFrames: oneCap });
        const held = source.heldAtMost;
        expect(held).toBe(kind === 0 ? Math.min(oneCap, cap) : cap);
        const frames = drain(source);
        const out = frames.map((f) => f.no);
        // Each frame once, with its own bytes (fakeSource writes the frame's number into its reused buffer).
        expect([...out].sort((a, b) => a - b)).toEqual(times.map((_, i) => i + 1));
        expect(frames.every((f) => f.first === (f.no & 0xff))).toBe(true);
        const ns = (no: number) => times[no - 1][1];
        let descents = 0;
        for (let k = 1; k < out.length; k++) if (ns(out[k]) < ns(out[k - 1])) descents++;
        expect(source.lateFrames).toBe(descents);
        // In place when no frame comes after `held` or more frames stamped later than it.
        const lateBy = times.map((t, i) => times.slice(0, i).filter((u) => u[1] > t[1]).length);
        if (lateBy.every((n) => n < held)) {
          const sorted = times.map((_, i) => i + 1).sort((a, b) => ns(a) - ns(b) || a - b);
          expect(out).toEqual(sorted);
          expect(source.lateFrames).toBe(0);
        }
      },
    ), { numRuns: 300 });
  });

  it('copies every byte of frames of any length at any offset, from buffers at any offset', () => {
    // A reader-like source: each frame lies at a varying offset of one reused buffer (word-aligned or not).
    const backing = new Uint8Array(5000);
    const buffers = [backing.subarray(0, 4096), backing.subarray(1, 4097), backing.subarray(6, 4102)];
    const lengths = [0, 1, 2, 3, 4, 5, 7, 8, 13, 64, 65, 511, 512, 513, 1500, 3000];
    const expected: number[][] = [];
    let i = 0;
    const frame = { no: 0, iface: IFACE, tsSec: 0, tsNsec: 0, origLen: 0, bytes: backing, data: backing, start: 0, end: 0, fileOffset: 0, direction: null, comments: null } as RawFrame;
    const source: FrameSource = {
      next() {
        if (i >= 3000) return null;
        const data = buffers[i % buffers.length];
        const length = lengths[i % lengths.length];
        const start = (i * 7) % (data.length - length);
        for (let k = 0; k < length; k++) data[start + k] = (i * 31 + k * 7) & 0xff;
        expected.push(Array.from(data.subarray(start, start + length)));
        Object.assign(frame, { no: ++i, tsSec: Math.floor(i / 100), tsNsec: (i * 7919) % 1000, data, start, end: start + length, origLen: length });
        return frame;
      },
      interfaces: [IFACE], issues: [], stats: [], names: new Map(), close() {},
    };
    const seen = new Map<number, number[]>();
    const ordered = new TimeOrderedSource(source, { maxFrames: 500 });
    for (let f = ordered.next(); f; f = ordered.next()) seen.set(f.no, Array.from(f.data.subarray(f.start, f.end)));
    expect(seen.size).toBe(3000);
    for (const [no, bytes] of seen) expect(bytes, `frame ${no}`).toEqual(expected[no - 1]);
  });

  it('hands out batches whose frames all keep their bytes until the next call', () => {
    // Frames copied into slabs (a reader reusing one buffer: 4.5 MB through 1 MiB slabs) and
    // frames held in pinned reader windows (three files merged by time, read through 4 KiB
    // windows): each batch is compared only once it is complete.
    const sources = [
      () => bigFrames(3000, 1500),
      () => openCaptures([`${capturesDir}/napt/napt-multi.pcapng`, `${capturesDir}/bridge/bridge-any.pcap`, `${capturesDir}/bridge/bridge-docker0.pcap`], { chunkBytes: 4096 }),
    ];
    for (const open of sources) {
      const single = new TimeOrderedSource(open(), { maxFrames: 64 });
      const expected: [number, number[]][] = [];
      for (let f = single.next(); f; f = single.next()) expected.push([f.no, Array.from(f.data.subarray(f.start, f.end))]);
      for (const size of [1, 5, 32]) {
        const batched = new TimeOrderedSource(open(), { maxFrames: 64 });
        const got: [number, number[]][] = [];
        const batch: RawFrame[] = [];
        for (let n = batched.nextBatch(batch, size); n > 0; n = batched.nextBatch(batch, size)) {
          expect(n === size || got.length + n === expected.length).toBe(true);
          for (let k = 0; k < n; k++) got.push([batch[k].no, Array.from(batch[k].data.subarray(batch[k].start, batch[k].end))]);
        }
        expect(got.length).toBeGreaterThan(200);
        expect(got, `batches of ${size}`).toEqual(expected);
        expect(batched.lateFrames).toBe(single.lateFrames);
      }
    }
  });

  it('sorts a real -i any capture', () => {
    const source = new TimeOrderedSource(openCaptures([`${capturesDir}/bridge/bridge-any.pcap`]));
    let last = -Infinity;
    let count = 0;
    for (let f = source.next(); f; f = source.next()) {
      const t = f.tsSec * 1e9 + f.tsNsec;
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
      count++;
    }
    expect(count).toBe(111);
    expect(source.lateFrames).toBe(0);
  });
});

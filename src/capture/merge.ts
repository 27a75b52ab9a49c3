// K-way merge of several FrameSources by timestamp.
//
// Each source holds exactly one head frame (its reused frame object, valid until that source's
// next call), so nothing is copied: the merge returns the earliest head and advances that
// source only when asked for the following frame. Ties go to the source listed first, and
// frames of one source keep their file order even when its timestamps go backwards.

import type { WindowPool } from './window-pool.js';
import type { FrameSource, InterfaceInfo, InterfaceStats, RawFrame, ReadIssue } from './types.js';

export class MergedFrameSource implements FrameSource {
  private readonly heads: (RawFrame | null)[];
  /** Binary min-heap of source indexes, ordered by their head frame. */
  private readonly heap: number[] = [];
  private started = false;
  /** Source whose head was returned last and must advance before the next pick. */
  private lastSource = -1;
  private frameCount = 0;
  private cachedIssues: ReadIssue[] = [];
  private cachedStats: InterfaceStats[] = [];
  private cachedNames = new Map<string, string[]>();
  private namesKey = -1;

  constructor(
    private readonly sources: readonly FrameSource[],
    /** Shared interface list of all sources (InterfaceRegistry.interfaces). */
    readonly interfaces: readonly InterfaceInfo[],
  ) {
    this.heads = sources.map(() => null);
  }

  next(): RawFrame | null {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.sources.length; i++) {
        this.heads[i] = this.sources[i].next();
        if (this.heads[i] !== null) this.push(i);
      }
    } else if (this.lastSource >= 0) {
      const index = this.lastSource;
      const head = this.sources[index].next();
      this.heads[index] = head;
      if (head === null) this.popTop();
      this.siftDown(0);
    }
    if (this.heap.length === 0) {
      this.lastSource = -1;
      return null;
    }
    const index = this.heap[0];
    this.lastSource = index;
    const frame = this.heads[index] as RawFrame;
    frame.no = ++this.frameCount;
    return frame;
  }

  pinWindows(pool: WindowPool): void {
    for (const source of this.sources) source.pinWindows?.(pool);
  }

  get issues(): readonly ReadIssue[] {
    let total = 0;
    for (const source of this.sources) total += source.issues.length;
    if (total !== this.cachedIssues.length) this.cachedIssues = this.sources.flatMap((source) => source.issues);
    return this.cachedIssues;
  }

  get stats(): readonly InterfaceStats[] {
    let total = 0;
    for (const source of this.sources) total += source.stats.length;
    if (total !== this.cachedStats.length) this.cachedStats = this.sources.flatMap((source) => source.stats);
    return this.cachedStats;
  }

  /** Names of every source; for an address known to several, the union in source order. */
  get names(): ReadonlyMap<string, string[]> {
    let key = 0;
    for (const source of this.sources) {
      for (const list of source.names.values()) key += list.length + 1;
    }
    if (key !== this.namesKey) {
      const merged = new Map<string, string[]>();
      for (const source of this.sources) {
        for (const [address, names] of source.names) {
          const list = merged.get(address) ?? [];
          for (const name of names) if (!list.includes(name)) list.push(name);
          merged.set(address, list);
        }
      }
      this.cachedNames = merged;
      this.namesKey = key;
    }
    return this.cachedNames;
  }

  close(): void {
    for (const source of this.sources) source.close();
    this.heap.length = 0;
  }

  /** True when source a's head comes before source b's. */
  private before(a: number, b: number): boolean {
    const x = this.heads[a] as RawFrame;
    const y = this.heads[b] as RawFrame;
    if (x.tsSec !== y.tsSec) return x.tsSec < y.tsSec;
    if (x.tsNsec !== y.tsNsec) return x.tsNsec < y.tsNsec;
    return a < b;
  }

  private push(index: number): void {
    const heap = this.heap;
    let child = heap.length;
    heap.push(index);
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (!this.before(heap[child], heap[parent])) break;
      swap(heap, child, parent);
      child = parent;
    }
  }

  private popTop(): void {
    const last = this.heap.pop() as number;
    if (this.heap.length > 0) this.heap[0] = last;
  }

  private siftDown(from: number): void {
    const heap = this.heap;
    let parent = from;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= heap.length) return;
      const right = left + 1;
      const child = right < heap.length && this.before(heap[right], heap[left]) ? right : left;
      if (!this.before(heap[child], heap[parent])) return;
      swap(heap, child, parent);
      parent = child;
    }
  }
}

function swap(heap: number[], i: number, j: number): void {
  const held = heap[i];
  heap[i] = heap[j];
  heap[j] = held;
}

// The one RawFrame object each reader reuses for every frame it returns.
//
// `bytes` is made lazily: a reader only records where the frame lies in its window
// (`data`, `start`, `end`), so a consumer that reads `data[start, end)` directly costs
// no allocation per frame, and one that reads `bytes` pays for a single subarray.

import type { Direction, InterfaceInfo, RawFrame } from './types.js';

const EMPTY_BYTES = new Uint8Array(0);

/** Stands in until a reader has seen an interface; never handed out with a frame. */
export const NO_INTERFACE: InterfaceInfo = Object.freeze({
  id: -1,
  fileIndex: -1,
  section: 0,
  localId: 0,
  linkType: 0,
  snapLen: 0,
  name: null,
  description: null,
  unitsPerSecond: 1e6,
  tsOffsetSeconds: 0,
  fcsLength: 0,
});

export class CaptureFrame implements RawFrame {
  no = 0;
  iface: InterfaceInfo = NO_INTERFACE;
  tsSec = 0;
  tsNsec = 0;
  origLen = 0;
  data: Uint8Array = EMPTY_BYTES;
  start = 0;
  end = 0;
  fileOffset = 0;
  direction: Direction = null;
  comments: string[] | null = null;
  private cachedBytes: Uint8Array | null = null;

  get bytes(): Uint8Array {
    let bytes = this.cachedBytes;
    if (bytes === null) {
      bytes = this.data.subarray(this.start, this.end);
      this.cachedBytes = bytes;
    }
    return bytes;
  }

  set bytes(value: Uint8Array) {
    this.data = value;
    this.start = 0;
    this.end = value.length;
    this.cachedBytes = value;
  }

  /** Points the frame at `data[start, end)`; called by readers once per frame. */
  setWindow(data: Uint8Array, start: number, end: number): void {
    // Stored only when they change: each store of an object runs V8's write barrier.
    if (this.data !== data) this.data = data;
    this.start = start;
    this.end = end;
    if (this.cachedBytes !== null) this.cachedBytes = null;
  }
}

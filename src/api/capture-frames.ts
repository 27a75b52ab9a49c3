// The library's frame iterator: each frame decoded and copied out of the reader's and the
// decoder's reused records, so it may be kept (the CLI's hot paths never copy; a library
// user iterating a capture in a test wants plain objects).

import type { FrameSource, InterfaceInfo, ReadIssue } from '../capture/types.js';
import { describeLayers, FrameDecoder, layerListToJson, type DecodeIssue, type LayerJson } from '../decode/index.js';

export interface CaptureFrame {
  /** 1-based number in the merged sequence (what `decode` prints). */
  readonly no: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly iface: InterfaceInfo;
  /** 'in'/'out' from pcapng flags or an SLL packet type; null when the capture does not say. */
  readonly direction: 'in' | 'out' | null;
  /** Original length on the wire, in bytes. */
  readonly origLen: number;
  readonly bytes: Uint8Array;
  /** Outermost first, VXLAN inner layers after the outer ones (as `decode --ndjson`). */
  readonly layers: LayerJson[];
  /** The line `decode` prints for the frame. */
  readonly summary: string;
  /** What the decoders found wrong, with layer and byte offset. */
  readonly issues: readonly DecodeIssue[];
}

export class CaptureFrames implements Iterable<CaptureFrame>, AsyncIterable<CaptureFrame> {
  private readonly decoder: FrameDecoder;

  constructor(private readonly source: FrameSource, vxlanPorts: readonly number[]) {
    this.decoder = new FrameDecoder({ vxlanPorts: [...vxlanPorts] });
  }

  /** Interfaces seen so far (pcapng IDBs appear as they are read). */
  get interfaces(): readonly InterfaceInfo[] {
    return this.source.interfaces;
  }

  /** Damage the readers met so far (file offsets, the rule broken). */
  get issues(): readonly ReadIssue[] {
    return this.source.issues;
  }

  /** The next frame, or null at the end (the files are closed then). */
  next(): CaptureFrame | null {
    const raw = this.source.next();
    if (raw === null) {
      this.close();
      return null;
    }
    const decoded = this.decoder.decode(raw);
    return {
      no: raw.no,
      tsSec: raw.tsSec,
      tsNsec: raw.tsNsec,
      iface: raw.iface,
      direction: decoded.direction,
      origLen: raw.origLen,
      bytes: raw.data.slice(raw.start, raw.end),
      layers: layerListToJson(decoded.layers),
      summary: describeLayers(decoded.layers, raw.origLen),
      issues: decoded.issues.slice(),
    };
  }

  *[Symbol.iterator](): Iterator<CaptureFrame> {
    try {
      for (let f = this.next(); f !== null; f = this.next()) yield f;
    } finally {
      this.close();
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<CaptureFrame> {
    // not `yield* this`, which would pick this very method again
    for (const frame of this) yield frame;
  }

  /** Releases the files (also done at the end, or when a loop over the frames stops early). */
  close(): void {
    this.source.close();
  }
}

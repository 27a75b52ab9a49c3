// The pcapng a live capture writes (`capture -w FILE [--ring N:MB]`): one IDB per capture
// interface (if_name set, nanosecond timestamps), comments in the SHB and in every IDB
// saying the timestamps are arrival times, and EPBs written as frames arrive.
//
// Flushing: blocks collect in a buffer that is written out (fs.writeSync) whenever it
// holds 256 KiB, at close, and FLUSH_INTERVAL_MS after the caller's flushSoon() (called
// with each frame: a timer is armed when none is), so a crash loses at most the last few
// milliseconds, and a reader (tshark, openCapture) sees whole blocks only. Writing out at
// the end of every burst of frames instead meant 78,000 writes a second under a flood of
// 200,000 frames/s (cap hands frames over a few at a time).
//
// Ring: with `ring` = { files: N, bytes: B } no file grows past B bytes; when the next
// block would pass it, the file is closed and renamed as in logrotate: out.pcapng is
// always the file being written, out.1.pcapng the one before, ... out.(N-1).pcapng the
// oldest; the one older than that is deleted. Every file is a complete pcapng.

import { existsSync, renameSync, unlinkSync } from 'node:fs';
import { BufferedFileWriter } from './file-writer.js';
import { nanosecondUnits } from './live-clock.js';
import { encodeIdb, encodeShb } from './pcapng-writer.js';
import type { Direction } from './types.js';

export interface LiveWriterInterface {
  readonly name: string;
  readonly linkType: number;
  readonly snapLen: number;
}

export interface RingOptions {
  readonly files: number;
  readonly bytes: number;
}

export const ARRIVAL_TIME_COMMENT = 'Timestamps are arrival times stamped by dockshark (a monotonic clock anchored to wall time '
  + 'when the capture started), not kernel timestamps: the cap libpcap binding does not pass those on. '
  + 'For kernel timestamps capture with tcpdump: tcpdump -i IFACE -w - | dockshark -';

const FLUSH_BYTES = 256 * 1024;
const FLUSH_INTERVAL_MS = 5;

/** out.pcapng -> out.N.pcapng (before the last extension; appended when there is none). */
export function ringFileName(path: string, index: number): string {
  if (index === 0) return path;
  const dot = path.lastIndexOf('.');
  const slash = path.lastIndexOf('/');
  return dot > slash + 1 ? `${path.slice(0, dot)}.${index}${path.slice(dot)}` : `${path}.${index}`;
}

export class LivePcapngWriter {
  private out: BufferedFileWriter;
  private readonly header: Uint8Array;
  private readonly ts = { high: 0, low: 0 };
  /** Frames and bytes written, over every file of the ring. */
  frames = 0;
  bytes = 0;
  /** Files started (1 without a ring; more each rotation). */
  filesStarted = 0;

  constructor(
    private readonly path: string,
    interfaces: readonly LiveWriterInterface[],
    private readonly ring: RingOptions | null = null,
    hostComment = '',
  ) {
    const shbComment = hostComment === '' ? ARRIVAL_TIME_COMMENT : `${ARRIVAL_TIME_COMMENT}\n${hostComment}`;
    const blocks = [encodeShb({ comment: shbComment, options: [{ code: 4, value: 'dockshark capture' }] })];
    for (const i of interfaces) {
      blocks.push(encodeIdb({ linkType: i.linkType, snapLen: i.snapLen, name: i.name, tsresol: 9, comment: 'arrival timestamps (see the section comment)' }));
    }
    let total = 0;
    for (const b of blocks) total += b.length;
    this.header = new Uint8Array(total);
    let at = 0;
    for (const b of blocks) {
      this.header.set(b, at);
      at += b.length;
    }
    if (ring !== null && ring.bytes < this.header.length + 64) throw new RangeError(`a ring file must hold more than ${this.header.length + 64} bytes`);
    this.out = this.start();
  }

  /**
   * Writes one EPB (rotating first when a ring file would grow past its size); `direction`
   * 'in'/'out' becomes epb_flags (inbound 1, outbound 2), null writes no option.
   */
  write(interfaceId: number, tsSec: number, tsNsec: number, data: Uint8Array, start: number, end: number, direction: Direction = null): void {
    const captured = end - start;
    const padded = (captured + 3) & ~3;
    const options = direction === null ? 0 : 12; // epb_flags (4 + 4) and opt_endofopt (4)
    const length = 32 + padded + options;
    if (this.ring !== null && this.out.bytesWritten + length > this.ring.bytes && this.out.bytesWritten > this.header.length) this.rotate();
    const out = this.out;
    const at = out.reserve(length);
    const view = out.view;
    nanosecondUnits(tsSec, tsNsec, this.ts);
    view.setUint32(at, 6, true);
    view.setUint32(at + 4, length, true);
    view.setUint32(at + 8, interfaceId, true);
    view.setUint32(at + 12, this.ts.high, true);
    view.setUint32(at + 16, this.ts.low, true);
    view.setUint32(at + 20, captured, true);
    view.setUint32(at + 24, captured, true); // cap does not give the original length; snaplen is 65535
    out.buffer.set(start === 0 && end === data.length ? data : data.subarray(start, end), at + 28);
    for (let pad = at + 28 + captured; pad < at + 28 + padded; pad++) out.buffer[pad] = 0;
    if (options > 0) {
      const o = at + 28 + padded;
      view.setUint16(o, 2, true);
      view.setUint16(o + 2, 4, true);
      view.setUint32(o + 4, direction === 'in' ? 1 : 2, true);
      view.setUint32(o + 8, 0, true);
    }
    view.setUint32(at + length - 4, length, true);
    this.frames++;
    this.bytes += captured;
    if (out.bytesWritten - this.flushedMark >= FLUSH_BYTES) this.flush();
  }

  private flushedMark = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly timedFlush = (): void => {
    this.flushTimer = null;
    this.flush();
  };

  /** Writes out every buffered block. */
  flush(): void {
    this.out.flush();
    this.flushedMark = this.out.bytesWritten;
  }

  /** Makes sure what is buffered now is written out within FLUSH_INTERVAL_MS (cheap: call it after every write). */
  flushSoon(): void {
    this.flushTimer ??= setTimeout(this.timedFlush, FLUSH_INTERVAL_MS);
  }

  close(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.out.close();
  }

  private start(): BufferedFileWriter {
    const out = new BufferedFileWriter(this.path, 1 << 20);
    this.filesStarted++;
    out.write(this.header);
    out.flush();
    this.flushedMark = out.bytesWritten;
    return out;
  }

  private rotate(): void {
    this.out.close();
    const ring = this.ring as RingOptions;
    const oldest = ringFileName(this.path, ring.files - 1);
    if (ring.files > 1 && existsSync(oldest)) unlinkSync(oldest);
    for (let i = ring.files - 2; i >= 0; i--) {
      const from = ringFileName(this.path, i);
      if (existsSync(from)) renameSync(from, ringFileName(this.path, i + 1));
    }
    this.out = this.start();
  }
}

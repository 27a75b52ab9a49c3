// A synchronous, chunked byte source over one file descriptor.
//
// Readers parse straight out of `bytes`/`view` (the same ArrayBuffer): the unread data is
// `bytes[start, end)` and `bytes[0]` sits at file offset `windowFileOffset`. `ensure(n)`
// makes n unread bytes available by moving the unread tail to the front and refilling with
// fs.readSync, which measured fastest (design/libraries.md §1). The buffer grows only when a
// single record is larger than it, doubling and only as far as data keeps arriving, so a
// garbage length field in a short file cannot make us allocate much more than the file holds.
//
// Works on regular files, pipes and fifos. '-' is standard input: opening /dev/stdin gives a
// pipe its own blocking file description; if the descriptor is non-blocking anyway (or stdin
// is a socket, which /dev/stdin cannot open), reads that fail with EAGAIN sleep ~2 ms and retry.

import * as fs from 'node:fs';
import type { WindowPool } from './window-pool.js';

/**
 * The first window and the size of each read: 256 KiB. A read copies that much into the CPU's
 * caches at once, pushing out the tables the analysis engines are working on; with 1 MiB reads
 * `analyze` was 1.5 % slower and read + decode no faster. The number of read calls does not matter.
 */
export const DEFAULT_CHUNK_BYTES = 1 << 18;
/**
 * The largest frame accepted by default, in bytes: Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD.
 * A record claiming more is damage (its length cannot be trusted), whatever the snaplen says.
 */
export const DEFAULT_MAX_FRAME_BYTES = 262144;
/** Room beside the frame data in a window: a pcapng block's fixed fields and options. */
export const BLOCK_OVERHEAD_BYTES = 1024 * 1024;
/** Room for the largest pcap record header (24 bytes, the "modified" format), rounded up. */
const RECORD_HEADER_ROOM_BYTES = 64;
/** The window cap with the default frame size: a length field can never make us allocate more. */
export const MAX_WINDOW_BYTES = DEFAULT_MAX_FRAME_BYTES + BLOCK_OVERHEAD_BYTES;

export interface ByteSourceOptions {
  /** Initial window size in bytes (default DEFAULT_CHUNK_BYTES, 256 KiB). */
  readonly chunkBytes?: number;
  /** Largest frame (captured bytes) a reader accepts (default DEFAULT_MAX_FRAME_BYTES, 256 KiB). */
  readonly maxFrameBytes?: number;
  /**
   * Hard cap on the window size in bytes (default: maxFrameBytes + BLOCK_OVERHEAD_BYTES, and
   * at least chunkBytes). Larger blocks that need not be parsed are skipped without buffering.
   */
  readonly maxWindowBytes?: number;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
const EAGAIN_PAUSE_MS = 2;

export class ByteSource {
  /** The window; replaced when the buffer grows, so re-read it after `ensure`. */
  bytes: Uint8Array;
  /** DataView over the same memory as `bytes`. */
  view: DataView;
  /** First unread byte in `bytes`. Readers advance it themselves. */
  start = 0;
  /** End of the valid data in `bytes`. */
  end = 0;
  /** File offset of `bytes[0]`. */
  windowFileOffset = 0;
  /** True once a read returned 0 bytes; the data in the window may still be unread. */
  eof = false;
  /** Largest window size used so far, in bytes. */
  peakWindowBytes: number;
  readonly maxWindowBytes: number;
  /** Largest frame (captured bytes) the readers accept, in bytes. */
  readonly maxFrameBytes: number;
  readonly path: string;
  private readonly fd: number;
  private readonly ownsFd: boolean;
  private closed = false;
  /** Set by pin(): windows are switched, never overwritten (see window-pool.ts). */
  private pool: WindowPool | null = null;

  /** Opens a path, or '-' for standard input. Throws an Error (a whole sentence) on I/O failure. */
  static open(path: string, options: ByteSourceOptions = {}): ByteSource {
    const { fd, ownsFd } = openDescriptor(path);
    return new ByteSource(fd, ownsFd, path, options);
  }

  constructor(fd: number, ownsFd: boolean, path: string, options: ByteSourceOptions = {}) {
    this.fd = fd;
    this.ownsFd = ownsFd;
    this.path = path;
    const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.maxWindowBytes = options.maxWindowBytes
      ?? Math.max(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, maxFrameBytes + BLOCK_OVERHEAD_BYTES);
    // A record the readers accept must fit the window with its header (24 bytes at most), or
    // ensure() would throw: a small explicit window lowers the frame size with it.
    this.maxFrameBytes = Math.max(0, Math.min(maxFrameBytes, this.maxWindowBytes - RECORD_HEADER_ROOM_BYTES));
    const chunkBytes = Math.min(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, this.maxWindowBytes);
    this.bytes = new Uint8Array(chunkBytes);
    this.view = new DataView(this.bytes.buffer);
    this.peakWindowBytes = chunkBytes;
  }

  /** File offset of the first unread byte. */
  get fileOffset(): number {
    return this.windowFileOffset + this.start;
  }

  /**
   * From now on, bytes handed out stay as they are: instead of moving the unread tail to the
   * front (or reading over the window in discard), the source moves to a fresh window from
   * `pool` and retires the old one there.
   */
  pin(pool: WindowPool): void {
    this.pool = pool;
    pool.adopt(this.bytes);
  }

  /** Unread bytes in the window. */
  get available(): number {
    return this.end - this.start;
  }

  /**
   * Makes at least n unread bytes available at `start`. Returns false when the input ends
   * first (whatever did arrive stays in the window). n must not exceed `maxWindowBytes`.
   */
  ensure(n: number): boolean {
    if (this.end - this.start >= n) return true;
    return this.refill(n);
  }

  /** Skips n bytes without keeping them in the window. Returns how many were skipped. */
  discard(n: number): number {
    const inWindow = Math.min(n, this.end - this.start);
    this.start += inWindow;
    let left = n - inWindow;
    if (left > 0 && !this.eof && this.pool !== null) this.replaceWindow(this.pool.take(this.bytes.length));
    while (left > 0 && !this.eof) {
      this.windowFileOffset += this.end;
      this.start = 0;
      this.end = 0;
      const got = this.readInto(0, this.bytes.length);
      if (got === 0) {
        this.eof = true;
        break;
      }
      const used = Math.min(got, left);
      this.end = got;
      this.start = used;
      left -= used;
    }
    return n - left;
  }

  /**
   * Follow mode: forgets that a read hit the end, so the next `ensure` reads again (a file
   * still being written may have grown). What arrived stays in the window.
   */
  resume(): void {
    if (!this.closed) this.eof = false;
  }

  /** Releases the descriptor (standard input stays open). Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.eof = true;
    if (this.ownsFd) fs.closeSync(this.fd);
  }

  private refill(n: number): boolean {
    if (n > this.maxWindowBytes) {
      throw new RangeError(`A read of ${n} bytes exceeds the window cap of ${this.maxWindowBytes} bytes.`);
    }
    while (this.end - this.start < n) {
      if (this.eof || this.closed) return false;
      // Pinned, the window moves only when the record cannot fit in what is left of it
      // (a followed file polled at its end would otherwise switch windows at every poll).
      if (this.start > 0 && (this.pool === null || this.bytes.length - this.start < n)) this.compact();
      if (this.end === this.bytes.length) this.grow(n);
      const got = this.readInto(this.end, this.bytes.length - this.end);
      if (got === 0) {
        this.eof = true;
        return false;
      }
      this.end += got;
    }
    return true;
  }

  /** Moves the unread tail to the front of the window (of a fresh one when pinned). */
  private compact(): void {
    if (this.pool !== null) {
      const fresh = this.pool.take(this.bytes.length);
      fresh.set(this.bytes.subarray(this.start, this.end));
      this.replaceWindow(fresh);
    } else {
      this.bytes.copyWithin(0, this.start, this.end);
    }
    this.windowFileOffset += this.start;
    this.end -= this.start;
    this.start = 0;
  }

  /** Doubles the window (capped), only called when it is full of unread data. */
  private grow(needed: number): void {
    const size = Math.min(this.maxWindowBytes, Math.max(this.bytes.length * 2, 4096), roundUpToPage(needed));
    const bigger = new Uint8Array(size);
    bigger.set(this.bytes.subarray(0, this.end));
    this.pool?.adopt(bigger);
    this.replaceWindow(bigger);
    if (size > this.peakWindowBytes) this.peakWindowBytes = size;
  }

  /** Reads go to `bytes` from now on; the old window is retired when pinned. */
  private replaceWindow(bytes: Uint8Array): void {
    const old = this.bytes;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pool?.retire(old);
  }

  private readInto(offset: number, length: number): number {
    for (;;) {
      try {
        return fs.readSync(this.fd, this.bytes, offset, length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          Atomics.wait(sleepCell, 0, 0, EAGAIN_PAUSE_MS);
          continue;
        }
        if (code === 'EOF') return 0; // Windows pipes report their end this way
        throw new CaptureOpenError(`Reading "${this.path}" failed: ${(error as Error).message}.`, code, error);
      }
    }
  }
}

function roundUpToPage(bytes: number): number {
  return Math.ceil(bytes / 4096) * 4096;
}

function openDescriptor(path: string): { fd: number; ownsFd: boolean } {
  if (path === '-') {
    try {
      return { fd: fs.openSync('/dev/stdin', 'r'), ownsFd: true };
    } catch {
      return { fd: 0, ownsFd: false }; // stdin is a socket (ENXIO) or there is no /dev/stdin
    }
  }
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CaptureOpenError(`Cannot open capture file "${path}": ${OPEN_FAILURES[code ?? ''] ?? (error as Error).message}.`, code, error);
  }
  if (fs.fstatSync(fd).isDirectory()) {
    fs.closeSync(fd);
    throw new CaptureOpenError(`Cannot read capture file "${path}": it is a directory.`, 'EISDIR');
  }
  return { fd, ownsFd: true };
}

/** Plain words for the usual reasons a path cannot be opened (Node's message repeats the path). */
const OPEN_FAILURES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a component of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
};

/** A capture file that cannot be opened or read (missing, a directory, no permission): unusable input. */
export class CaptureOpenError extends Error {
  override readonly name = 'CaptureOpenError';
  constructor(message: string, readonly code: string | undefined, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

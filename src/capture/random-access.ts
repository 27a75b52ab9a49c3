// Reading one frame back by its byte offset, for the replay: the index keeps each frame's file
// and offset (RawFrame.fileOffset), so stepping back or seeking re-reads only the frames it needs.
//
// Reads go through a small cache of aligned chunks per file (positional reads, no seeking of a
// shared file position), so stepping through neighbouring frames costs one read per chunk.
// Only regular files can be re-read: standard input and fifos are refused when opened. A file
// that grows (followed while a live capture writes it) is measured again when a frame lies
// past its known end.

import * as fs from 'node:fs';
import { BLOCK_OVERHEAD_BYTES, CaptureOpenError, DEFAULT_MAX_FRAME_BYTES } from './byte-source.js';
import { padded32, readPacketOptions } from './pcapng-blocks.js';
import { classifyPcapMagic } from './pcap.js';
import { PCAPNG_SHB_TYPE } from './pcapng.js';
import type { Direction, InterfaceInfo } from './types.js';

const CHUNK_BYTES = 256 * 1024;
const CHUNKS_PER_FILE = 4;
const EPB_TYPE = 6;
const PB_TYPE = 2;
const SPB_TYPE = 3;

/** The bytes and per-packet fields of a re-read frame: data[start, end) valid until the next read. */
export class FrameAt {
  data: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  origLen = 0;
  direction: Direction = null;
  comments: string[] | null = null;
}

interface Chunk {
  /** File offset of bytes[0]. */
  at: number;
  length: number;
  bytes: Uint8Array;
  view: DataView;
  lastUse: number;
}

interface OpenFile {
  path: string;
  fd: number;
  size: number;
  format: 'pcap' | 'pcapng';
  /** Classic pcap only: byte order and record header length. */
  littleEndian: boolean;
  recordHeaderBytes: number;
  chunks: Chunk[];
}

export class FrameAtReader {
  private readonly files: OpenFile[] = [];
  private useClock = 0;

  /**
   * Opens every path. Throws an Error (a whole sentence) when a file cannot be re-read.
   * `chunkBytes` is the read size (tests make it small to cross chunk ends often).
   */
  constructor(
    paths: readonly string[],
    private readonly chunkBytes = CHUNK_BYTES,
    /** Larger records are refused: a length field never sizes a buffer beyond this (plus block overhead). */
    private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES,
  ) {
    try {
      for (const path of paths) this.files.push(openFile(path));
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /**
   * Fills `into` with the frame whose record starts at `fileOffset` in file `fileIndex`.
   * `iface` is the interface the index recorded for it (a simple packet block's snap length).
   * Returns false when the bytes there are not a packet record (the file changed since indexing).
   */
  read(fileIndex: number, fileOffset: number, iface: InterfaceInfo, into: FrameAt): boolean {
    const file = this.files[fileIndex];
    if (file === undefined) return false;
    return file.format === 'pcap' ? this.readPcap(file, fileOffset, into) : this.readPcapng(file, fileOffset, iface, into);
  }

  close(): void {
    for (const file of this.files) {
      if (file.fd >= 0) fs.closeSync(file.fd);
      file.fd = -1;
    }
  }

  private readPcap(file: OpenFile, offset: number, into: FrameAt): boolean {
    const header = this.window(file, offset, file.recordHeaderBytes);
    if (header === null) return false;
    const at = offset - header.at;
    const capLen = header.view.getUint32(at + 8, file.littleEndian);
    const origLen = header.view.getUint32(at + 12, file.littleEndian);
    if (capLen > this.maxFrameBytes) return false;
    const whole = this.window(file, offset, file.recordHeaderBytes + capLen);
    if (whole === null) return false;
    into.data = whole.bytes;
    into.start = offset - whole.at + file.recordHeaderBytes;
    into.end = into.start + capLen;
    into.origLen = origLen;
    into.direction = null;
    into.comments = null;
    return true;
  }

  private readPcapng(file: OpenFile, offset: number, iface: InterfaceInfo, into: FrameAt): boolean {
    const header = this.window(file, offset, 12);
    if (header === null) return false;
    let at = offset - header.at;
    // The block type tells the section's byte order: 6, 3 or 2 one way round, not the other.
    const asLittle = header.view.getUint32(at, true);
    const le = asLittle === EPB_TYPE || asLittle === SPB_TYPE || asLittle === PB_TYPE;
    const type = header.view.getUint32(at, le);
    const length = header.view.getUint32(at + 4, le);
    if (type !== EPB_TYPE && type !== SPB_TYPE && type !== PB_TYPE) return false;
    // The lengths the streaming reader checked, checked again: the file may have changed.
    if ((length & 3) !== 0 || length < (type === SPB_TYPE ? 16 : 32) || length > this.maxFrameBytes + BLOCK_OVERHEAD_BYTES) return false;
    const block = this.window(file, offset, length);
    if (block === null) return false;
    at = offset - block.at;
    const view = block.view;
    into.data = block.bytes;
    into.direction = null;
    into.comments = null;
    if (type === SPB_TYPE) {
      const origLen = view.getUint32(at + 8, le);
      let capLen = Math.min(origLen, length - 16);
      if (iface.snapLen > 0 && capLen > iface.snapLen) capLen = iface.snapLen;
      into.start = at + 12;
      into.end = at + 12 + capLen;
      into.origLen = origLen;
      return true;
    }
    const capLen = view.getUint32(at + 20, le);
    if (capLen > this.maxFrameBytes) return false;
    into.origLen = view.getUint32(at + 24, le);
    into.start = at + 28;
    into.end = at + 28 + capLen;
    const optionsAt = into.start + padded32(capLen);
    const bodyEnd = at + length - 4;
    if (optionsAt > bodyEnd) return false;
    if (optionsAt < bodyEnd) readPacketOptions(view, block.bytes, optionsAt, bodyEnd, le, into);
    return true;
  }

  /** A chunk holding file bytes [offset, offset + length), read if no cached chunk does. */
  private window(file: OpenFile, offset: number, length: number): Chunk | null {
    if (offset < 0) return null;
    // A file still being written (the live UI's) grows: look again before giving up.
    if (offset + length > file.size && (file.fd < 0 || (file.size = fs.fstatSync(file.fd).size) < offset + length)) return null;
    const clock = ++this.useClock;
    for (const chunk of file.chunks) {
      if (offset >= chunk.at && offset + length <= chunk.at + chunk.length) {
        chunk.lastUse = clock;
        return chunk;
      }
    }
    // An aligned chunk holds the neighbours too; a record crossing its end starts its own chunk.
    const size = this.chunkBytes;
    let at = offset - (offset % size);
    if (offset + length > at + size) at = offset;
    const want = Math.max(size, offset + length - at);
    let chunk: Chunk;
    if (file.chunks.length < CHUNKS_PER_FILE) {
      chunk = { at: 0, length: 0, bytes: new Uint8Array(want), view: new DataView(new ArrayBuffer(0)), lastUse: 0 };
      chunk.view = new DataView(chunk.bytes.buffer);
      file.chunks.push(chunk);
    } else {
      chunk = file.chunks.reduce((a, b) => (a.lastUse <= b.lastUse ? a : b));
    }
    if (chunk.bytes.length < want) {
      chunk.bytes = new Uint8Array(want);
      chunk.view = new DataView(chunk.bytes.buffer);
    }
    const got = readFully(file, chunk.bytes, Math.min(want, file.size - at), at);
    chunk.at = at;
    chunk.length = got;
    chunk.lastUse = clock;
    return offset + length <= at + got ? chunk : null;
  }
}

function readFully(file: OpenFile, into: Uint8Array, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(file.fd, into, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function openFile(path: string): OpenFile {
  // Checked before opening: opening a fifo whose writer has gone would wait forever.
  // ESPIPE ("illegal seek") is what the kernel says of reading a pipe at an offset: an I/O
  // failure the CLI reports in one line, not a bug.
  const unseekable = (what: string) =>
    new CaptureOpenError(`${what} cannot be re-read frame by frame; save the capture to a file first (tcpdump -w FILE).`, 'ESPIPE');
  if (path === '-') throw unseekable('Standard input');
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (error) {
    throw new CaptureOpenError(`Cannot open ${path} again to re-read frames: ${(error as Error).message}`, (error as NodeJS.ErrnoException).code, error);
  }
  if (!stat.isFile()) throw unseekable(`${path} is not a regular file, so it`);
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (error) {
    throw new CaptureOpenError(`Cannot open ${path} again to re-read frames: ${(error as Error).message}`, (error as NodeJS.ErrnoException).code, error);
  }
  const head = new Uint8Array(24);
  const got = fs.readSync(fd, head, 0, 24, 0);
  const magic = got >= 4 ? new DataView(head.buffer).getUint32(0, true) : -1;
  const pcap = classifyPcapMagic(magic);
  const file: OpenFile = {
    path, fd, size: stat.size, format: 'pcapng', littleEndian: true, recordHeaderBytes: 16, chunks: [],
  };
  if (pcap !== null) {
    file.format = 'pcap';
    file.littleEndian = pcap.littleEndian;
    file.recordHeaderBytes = pcap.modified ? 24 : 16;
  } else if (magic !== PCAPNG_SHB_TYPE) {
    // An unreadable file yields no frames, so nothing is ever re-read from it.
    file.format = 'pcap';
  }
  return file;
}

// Buffered synchronous file output shared by the pcap and pcapng streaming writers.

import * as fs from 'node:fs';

const DEFAULT_BUFFER_BYTES = 1 << 20;

export class BufferedFileWriter {
  /** Pending output; write through `reserve`. Replaced when a record is bigger than it. */
  buffer: Uint8Array;
  view: DataView;
  private used = 0;
  private flushedBytes = 0;
  private readonly fd: number;
  private closed = false;

  constructor(path: string, bufferBytes = DEFAULT_BUFFER_BYTES) {
    this.fd = fs.openSync(path, 'w');
    this.buffer = new Uint8Array(bufferBytes);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Bytes written so far, including those still buffered. */
  get bytesWritten(): number {
    return this.flushedBytes + this.used;
  }

  /** Makes room for n bytes and returns the offset in `buffer` where they go. */
  reserve(n: number): number {
    if (this.used + n > this.buffer.length) {
      this.flush();
      if (n > this.buffer.length) {
        this.buffer = new Uint8Array(n);
        this.view = new DataView(this.buffer.buffer);
      }
    }
    const at = this.used;
    this.used += n;
    return at;
  }

  write(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    this.buffer.set(bytes, at);
  }

  flush(): void {
    let written = 0;
    while (written < this.used) written += fs.writeSync(this.fd, this.buffer, written, this.used - written);
    this.flushedBytes += this.used;
    this.used = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    fs.closeSync(this.fd);
  }
}

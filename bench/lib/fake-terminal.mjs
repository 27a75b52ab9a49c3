// A terminal for the UI benchmark, in-process: stdin takes keys as a TTY in raw mode would
// deliver them (a 'readable' event, then read()), stdout records what Ink writes and
// reports sizes as a TTY of the given columns and rows does. Ink treats both as a real
// terminal: throttled renders, log-update's erase-and-redraw, synchronized output.

import { EventEmitter } from 'node:events';

export class FakeStdin extends EventEmitter {
  isTTY = true;
  isRaw = false;
  #queue = [];

  /** A key (or several, as one read) arriving from the terminal. */
  type(data) {
    this.#queue.push(data);
    this.emit('readable');
  }

  read() {
    if (this.#queue.length === 0) return null;
    return this.#queue.splice(0).join('');
  }

  setRawMode(on) {
    this.isRaw = on;
    return this;
  }
  setEncoding() { return this; }
  ref() { return this; }
  unref() { return this; }
  resume() { return this; }
  pause() { return this; }
  unshift(chunk) { this.#queue.unshift(String(chunk)); }
}

export class FakeStdout extends EventEmitter {
  isTTY = true;
  bytes = 0;
  writes = 0;
  /** Called with each write and the time it happened (ms, process.hrtime clock). */
  onWrite = null;

  constructor(columns, rows) {
    super();
    this.columns = columns;
    this.rows = rows;
  }

  write(data, encodingOrDone, done) {
    const text = String(data);
    this.bytes += Buffer.byteLength(text);
    this.writes++;
    this.onWrite?.(text, hrMs());
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
    if (typeof callback === 'function') queueMicrotask(callback);
    return true;
  }

  resize(columns, rows) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

/** Milliseconds on the monotonic clock all threads of the process share. */
export function hrMs() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * The environment the CLI gives the UI: React's production build (src/cli/open-command.ts sets
 * it before loading the UI), Ink drawing live (it draws nothing under CI), and colours as in a
 * terminal (chalk looks at the process's own standard output, often a pipe in a benchmark, and
 * would then paint no colour codes: a cheaper screen than a user's). Call before loading Ink.
 */
export function environmentAsTheCli() {
  process.env.NODE_ENV ??= 'production';
  delete process.env.CI;
  process.env.FORCE_COLOR ??= '1';
}

/** The step number a write to the terminal paints ('step N/...' in the status line), or null. */
export function paintedStep(text) {
  const match = /step (\d+)\//.exec(text);
  return match === null ? null : Number(match[1]);
}

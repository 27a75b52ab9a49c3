// What the live UI's capture process (capture-child-command.ts) and the UI's process
// (capture-process.ts) say to each other. The child writes one JSON object per line (NDJSON)
// on its standard output: `ready` once every interface is open (or `error`, the one sentence
// of a capture that cannot start or a file that cannot be written), `progress` a few times a second, `stopped` with the final
// counts once the file is closed. The parent writes STOP_REQUEST as a line on the child's
// standard input to end the capture; the end of that input without it means the parent is
// gone (see the child). A line that is not a well-formed message is ignored, never thrown
// on: the parent must survive whatever the child's output holds.

import type { CaptureCounts } from '../capture/file-capture.js';

export type ChildMessage =
  | { readonly type: 'ready'; readonly interfaces: readonly string[] }
  | { readonly type: 'error'; readonly message: string; readonly status: ErrorStatus }
  | { readonly type: 'progress'; readonly captured: number }
  | { readonly type: 'stopped'; readonly counts: CaptureCounts };

/** The exit status an error gives: 2 for a capture that cannot start (as `capture`), 1 for a file that cannot be written. */
export type ErrorStatus = 1 | 2;

/** The command the child runs (hidden from --help). */
export const CAPTURE_CHILD_COMMAND = 'capture-child';

/** The line that asks the child to stop. */
export const STOP_REQUEST = 'stop';

/** Lines longer than this are not messages (the longest, `stopped`, takes a few hundred bytes an interface). */
export const MAX_LINE = 1 << 20;

export function encodeMessage(message: ChildMessage): string {
  return `${JSON.stringify(message)}\n`;
}

/** The message a line holds, or null when it holds none (not JSON, an unknown type, a field missing or of the wrong kind). */
export function parseMessage(line: string): ChildMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isRecord(value)) return null;
  switch (value.type) {
    case 'ready':
      return isStrings(value.interfaces) && value.interfaces.length > 0 ? { type: 'ready', interfaces: value.interfaces } : null;
    case 'error':
      return typeof value.message === 'string' && (value.status === 1 || value.status === 2) ? { type: 'error', message: value.message, status: value.status } : null;
    case 'progress':
      return isCount(value.captured) ? { type: 'progress', captured: value.captured } : null;
    case 'stopped': {
      const counts = parseCounts(value.counts);
      return counts === null ? null : { type: 'stopped', counts };
    }
    default:
      return null;
  }
}

/** Splits the child's output, as it comes in chunks, into messages. */
export class MessageReader {
  private partial = '';
  /** In a line that grew past MAX_LINE: dropped up to its end. */
  private skipping = false;

  push(chunk: string): ChildMessage[] {
    const messages: ChildMessage[] = [];
    let text = this.partial + chunk;
    let end = text.indexOf('\n');
    while (end >= 0) {
      const line = text.slice(0, end);
      text = text.slice(end + 1);
      if (!this.skipping) {
        const message = parseMessage(line);
        if (message !== null) messages.push(message);
      }
      this.skipping = false;
      end = text.indexOf('\n');
    }
    if (text.length > MAX_LINE) {
      this.skipping = true;
      text = '';
    }
    this.partial = text;
    return messages;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Rebuilt field by field: nothing the child sent beyond what CaptureCounts holds is kept. */
function parseCounts(value: unknown): CaptureCounts | null {
  if (!isRecord(value)) return null;
  const { interfaces, received, total, dropped, truncated, seconds, missed, written } = value;
  if (!isStrings(interfaces) || !Array.isArray(received) || received.length !== interfaces.length || !received.every(isCount)) return null;
  if (!isCount(total) || !isCount(dropped) || !isCount(truncated) || typeof seconds !== 'number' || !(seconds >= 0) || !Number.isFinite(seconds)) return null;
  let missedCounts: CaptureCounts['missed'] = null;
  if (missed !== null) {
    if (!Array.isArray(missed)) return null;
    const entries = missed.map((m) => (isRecord(m) && typeof m.name === 'string' && isCount(m.counted) && isCount(m.received)
      ? { name: m.name, counted: m.counted, received: m.received } : null));
    if (entries.some((e) => e === null)) return null;
    missedCounts = entries as NonNullable<CaptureCounts['missed']>;
  }
  let writtenCounts: CaptureCounts['written'] = null;
  if (written !== null) {
    if (!isRecord(written) || !isCount(written.frames) || !isCount(written.bytes) || !isCount(written.filesStarted)) return null;
    writtenCounts = { frames: written.frames, bytes: written.bytes, filesStarted: written.filesStarted };
  }
  return { interfaces: [...interfaces], received: [...received], total, dropped, truncated, seconds, missed: missedCounts, written: writtenCounts };
}

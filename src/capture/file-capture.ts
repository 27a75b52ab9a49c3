// A live capture written to a pcapng as frames arrive: LiveCapture feeding a LivePcapngWriter,
// what `dockshark capture -w` and the live UI's capture process (src/cli/capture-child-command.ts)
// share, and the counts its summary is made of (CaptureCounts: plain data, so that the UI's
// process can print the summary of a capture that ran in another process).

import { LiveCapture, type LiveCaptureOptions } from './live.js';
import { LivePcapngWriter, type RingOptions } from './live-writer.js';

export interface FileCaptureOptions extends Omit<LiveCaptureOptions, 'onFrame'> {
  /** The pcapng to write; undefined: nothing is written. */
  readonly write?: string;
  readonly ring?: RingOptions;
  /** After each frame is written (the analysis's wake-up). */
  readonly afterFrame?: () => void;
}

export interface FileCapture {
  readonly live: LiveCapture;
  readonly writer: LivePcapngWriter | null;
}

/** What was captured, dropped and written: `capture`'s summary, once the capture has stopped. */
export interface CaptureCounts {
  /** Interface names, in capture order. */
  readonly interfaces: readonly string[];
  /** Frames received per interface. */
  readonly received: readonly number[];
  readonly total: number;
  /** Frames the analysis queue had no room for. */
  readonly dropped: number;
  /** Frames longer than the snapshot length, cut. */
  readonly truncated: number;
  /** From the start of the capture to the moment the counts were taken. */
  readonly seconds: number;
  /** Per interface, what its device counted against what arrived (LiveCapture.missed()); null: not comparable. */
  readonly missed: readonly { readonly name: string; readonly counted: number; readonly received: number }[] | null;
  /** What the writer wrote (null: no file). */
  readonly written: { readonly frames: number; readonly bytes: number; readonly filesStarted: number } | null;
}

/**
 * Opens every interface, then the file. Throws LiveCaptureError (nothing opened) when an
 * interface cannot be captured; when the file cannot be created, the capture is stopped
 * and the error thrown.
 */
export function openFileCapture(options: FileCaptureOptions): FileCapture {
  let writer: LivePcapngWriter | null = null;
  const afterFrame = options.afterFrame;
  const live = LiveCapture.open({
    ...options,
    onFrame: (iface, tsSec, tsNsec, data, length, direction) => {
      if (writer !== null) {
        writer.write(iface.id, tsSec, tsNsec, data, 0, length, direction);
        writer.flushSoon();
      }
      afterFrame?.();
    },
  });
  try {
    if (options.write !== undefined) {
      writer = new LivePcapngWriter(options.write, live.interfaces.map((i) => ({ name: i.name ?? '', linkType: i.linkType, snapLen: i.snapLen })), options.ring ?? null);
    }
  } catch (error) {
    live.stop();
    throw error;
  }
  return { live, writer };
}

/** The counts as they are now (after stop(), the capture's final ones). */
export function captureCounts({ live, writer }: FileCapture): CaptureCounts {
  return {
    interfaces: live.interfaces.map((i) => i.name ?? '?'),
    received: [...live.received],
    total: live.total,
    dropped: live.dropped,
    truncated: live.truncated,
    seconds: (Date.now() - live.startedAt) / 1000,
    missed: live.missed(),
    written: writer === null ? null : { frames: writer.frames, bytes: writer.bytes, filesStarted: writer.filesStarted },
  };
}

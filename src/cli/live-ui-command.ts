// `dockshark -i IFACE [-i IFACE]... [-f BPF] [-w FILE] [-c N] [--duration S] [-B KiB]`: the replay
// UI on a live capture. Frames are written to a pcapng as they arrive (-w FILE, or a temporary
// file deleted on quit), and the UI's session follows that file as it grows: indexed as it is
// written and re-read by offset when stepping, as a capture file is. `q` stops the capture,
// closes the file and prints `capture`'s summary. When standard output is not a terminal this
// is `dockshark capture` (the tables at the end, --ring allowed), as `dockshark FILE` is then
// `analyze`; the UI itself refuses --ring (RING_REFUSED says why).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveCaptureError } from '../capture/cap-binding.js';
import { LiveCapture } from '../capture/live.js';
import { LivePcapngWriter, type RingOptions } from '../capture/live-writer.js';
import { safeText } from '../decode/index.js';
import type { LiveSource } from '../ui/session.js';
import { loadTopology } from '../api/analysis-run.js';
import { captureSummary, capturingOn, runCapture, type CaptureCommandOptions } from './capture-command.js';
import { DEFAULT_VXLAN_PORT, reportReadIssues } from './decode-command.js';
import type { LineWriter } from './output.js';
import { loadUi, uiInput } from './ui-launch.js';

export interface LiveUiOptions {
  interface: string[];
  filter: string;
  write?: string;
  /** Only without a terminal (then this is `capture`): see RING_REFUSED. */
  ring?: RingOptions;
  count: number;
  duration?: number;
  /** libpcap's ring per session, KiB (undefined: LiveCapture's default). */
  bufferSize?: number;
  topology: string[];
  vxlanPort: number[];
  ageingSeconds: number;
}

/**
 * Why the UI refuses --ring. The UI indexes every frame of the file it follows and re-reads
 * frames by their offset whenever you step back, to any frame since the capture started;
 * a ring deletes its oldest files, so those frames would vanish under the index (and
 * keeping the deleted files open to read them would keep the disk space the ring is
 * there to bound). The follow-mode reader also follows one file: it would wait at the end
 * of the renamed one forever.
 */
export const RING_REFUSED = '--ring works with `dockshark capture` only, because the UI keeps every frame since the capture started '
  + 'readable (it re-reads frames from the file as you step back) and a ring deletes its oldest files: capture with '
  + '`dockshark capture -i IFACE -w FILE --ring N:MB`, then open the files in the UI.';

/** Signals that end the UI as `q` does (the terminal is given back, the summary printed). */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Starts the capture and the UI; 2 at once when the capture cannot start (as `capture`), else 0. */
export function runLiveUi(opts: LiveUiOptions, out: LineWriter, err: LineWriter): number {
  const captureOpts: CaptureCommandOptions = {
    interface: opts.interface, filter: opts.filter, write: opts.write, ring: opts.ring, count: opts.count, duration: opts.duration, bufferSize: opts.bufferSize,
    json: false, topology: opts.topology, vxlanPort: opts.vxlanPort, ageing: opts.ageingSeconds,
  };
  if (!process.stdout.isTTY) return runCapture(captureOpts, out, err);
  if (opts.ring !== undefined) {
    err.line(`dockshark: ${RING_REFUSED}`);
    err.flush();
    return 2;
  }
  const topology = loadTopology(opts.topology);
  const stdin = uiInput(err);
  if (stdin === null) return 1;
  const giveBackInput = () => { if (stdin !== process.stdin) stdin.destroy(); };
  let writer: LivePcapngWriter | null = null;
  let live: LiveCapture;
  try {
    live = LiveCapture.open({
      interfaces: opts.interface, filter: opts.filter, count: opts.count,
      bufferBytes: opts.bufferSize === undefined ? undefined : opts.bufferSize * 1024,
      // The UI reads the file, not a queue: nothing to drop when it falls behind.
      queue: false,
      onFrame: (iface, tsSec, tsNsec, data, length, direction) => {
        if (writer === null) return;
        writer.write(iface.id, tsSec, tsNsec, data, 0, length, direction);
        writer.flushSoon();
      },
    });
  } catch (error) {
    giveBackInput();
    if (!(error instanceof LiveCaptureError)) throw error;
    err.line(`dockshark: ${safeText(error.message)}`);
    err.flush();
    return 2;
  }
  const dir = opts.write === undefined ? mkdtempSync(join(tmpdir(), 'dockshark-live-')) : null;
  const file = opts.write ?? join(dir as string, 'capture.pcapng');
  const cleanUp = () => { if (dir !== null) rmSync(dir, { recursive: true, force: true }); };
  try {
    writer = new LivePcapngWriter(file, live.interfaces.map((i) => ({ name: i.name ?? '', linkType: i.linkType, snapLen: i.snapLen })));
  } catch (error) {
    live.stop();
    giveBackInput();
    cleanUp();
    throw error;
  }
  const liveWriter = writer;
  err.line(capturingOn(live, opts.filter, 'q stops it and quits'));
  err.flush();

  const timer = opts.duration === undefined ? null : setTimeout(() => live.stop(), opts.duration * 1000);
  let quit: (() => void) | null = null;
  let quitAsked = false;
  const onSignal = () => {
    quitAsked = true;
    quit?.();
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  const stopAll = (then: () => void) => {
    if (timer !== null) clearTimeout(timer);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    live.stop();
    live.onStop(() => {
      liveWriter.close();
      then();
      cleanUp();
      err.flush();
    });
  };
  const source: LiveSource = {
    interfaces: live.interfaces.map((i) => i.name ?? '?'),
    file: opts.write ?? null,
    captured: () => live.total,
    stopped: () => live.stopped,
  };
  const sessionOptions = { topology, vxlanPorts: [DEFAULT_VXLAN_PORT, ...opts.vxlanPort], ageingSeconds: opts.ageingSeconds, live: source };
  loadUi(stdin, (startTui) => {
    quit = startTui([file], sessionOptions, stdin, (issues, error, session) => {
      giveBackInput();
      stopAll(() => {
        reportReadIssues([file], issues, err);
        if (error) {
          err.line(`dockshark: ${safeText(String(error))}`);
          process.exitCode = 1;
        }
        for (const line of captureSummary(live, session.index.timeline.length, liveWriter, captureOpts)) err.line(line);
      });
    });
    if (quitAsked) quit();
  }, err, () => stopAll(() => {}));
  return 0;
}

// `dockshark -i IFACE [-i IFACE]... [-f BPF] [-w FILE] [-c N] [--duration S] [-B KiB]`: the replay
// UI on a live capture. The capture runs in a process of its own (capture-process.ts: under a
// flood, the UI's indexing and painting must not keep it from reading libpcap's rings), which
// writes the frames to a pcapng as they arrive (-w FILE, or a temporary file deleted on quit);
// the UI's session follows that file as it grows: indexed as it is written and re-read by
// offset when stepping, as a capture file is. The UI starts once the process says it is
// capturing; when it cannot, its one sentence is printed with exit status 2 and no UI. `q`
// (or SIGINT, SIGTERM) stops the process, which closes the file, and prints `capture`'s
// summary from its counts, with whatever else it wrote, after the terminal is given back.
// When standard output is not a terminal this is `dockshark capture` in this process (the
// tables at the end, --ring allowed), as `dockshark FILE` is then `analyze`; the UI itself
// refuses --ring (RING_REFUSED says why).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RingOptions } from '../capture/live-writer.js';
import { safeText } from '../decode/index.js';
import type { LiveSource } from '../ui/session.js';
import { loadTopology } from '../api/analysis-run.js';
import { captureSummary, capturingOn, runCapture, type CaptureCommandOptions } from './capture-command.js';
import { DEFAULT_VXLAN_PORT, reportReadIssues } from './decode-command.js';
import { CaptureProcess } from './capture-process.js';
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

/**
 * Starts the capture process and, once it says it is capturing, the UI; 2 when the capture
 * cannot start, 1 when its file cannot be written (as `capture`; set when the process says
 * so), else 0.
 */
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
  const dir = opts.write === undefined ? mkdtempSync(join(tmpdir(), 'dockshark-live-')) : null;
  const file = opts.write ?? join(dir as string, 'capture.pcapng');
  const cleanUp = () => { if (dir !== null) rmSync(dir, { recursive: true, force: true }); };
  const capture = CaptureProcess.start({
    interfaces: opts.interface, filter: opts.filter, file, count: opts.count, duration: opts.duration, bufferSize: opts.bufferSize, temporary: dir !== null,
  });
  const printOutput = () => { for (const line of capture.takeOutput()) err.line(line); };

  let quit: (() => void) | null = null;
  let quitAsked = false;
  const onSignal = () => {
    quitAsked = true;
    quit?.();
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  const stopAll = (then: () => void) => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    capture.stop();
    capture.whenEnded(() => {
      then();
      cleanUp();
      err.flush();
    });
  };
  capture.whenStarted((started) => {
    // Before the UI has the terminal: what the process said (libpcap's warnings), then the
    // "capturing on" line, or the one sentence of a capture that cannot start.
    printOutput();
    if (started.kind === 'ready') {
      err.line(capturingOn(started.interfaces, opts.filter, 'q stops it and quits'));
      err.flush();
      return;
    }
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
    // loadUi may have switched the terminal to raw mode already.
    if (stdin.isRaw) stdin.setRawMode(false);
    giveBackInput();
    err.line(`dockshark: ${safeText(started.kind === 'error' ? started.message : `the capture process ended (${started.how}) before it was capturing.`)}`);
    err.flush();
    capture.whenEnded(cleanUp);
    process.exitCode = started.kind === 'error' ? started.status : 1;
  });
  // The UI loads (Ink and React: most of a second) while the capture process starts.
  loadUi(stdin, (startTui) => capture.whenStarted((started) => {
    if (started.kind !== 'ready') return;
    const source: LiveSource = {
      interfaces: started.interfaces,
      file: opts.write ?? null,
      captured: () => capture.captured,
      stopped: () => capture.stopped,
    };
    const sessionOptions = { topology, vxlanPorts: [DEFAULT_VXLAN_PORT, ...opts.vxlanPort], ageingSeconds: opts.ageingSeconds, live: source };
    quit = startTui([file], sessionOptions, stdin, (issues, error, session) => {
      giveBackInput();
      stopAll(() => {
        reportReadIssues([file], issues, err);
        if (error) {
          err.line(`dockshark: ${safeText(String(error))}`);
          process.exitCode = 1;
        }
        printOutput();
        for (const line of summary(capture, session.index.timeline.length, captureOpts)) err.line(line);
        if (capture.unexpectedEnd !== null) process.exitCode = 1;
      });
    });
    if (quitAsked) quit();
  }), err, () => stopAll(() => {}));
  return 0;
}

/** `capture`'s summary from the process's counts, or what is known when it ended without them. */
function summary(capture: CaptureProcess, analysed: number, opts: CaptureCommandOptions): string[] {
  if (capture.counts !== null) return captureSummary(capture.counts, analysed, opts);
  const file = opts.write === undefined ? '' : ` ${safeText(opts.write)} holds what it wrote until then.`;
  const atLeast = Math.max(capture.captured, analysed);
  return [`dockshark: the capture process ${capture.unexpectedEnd ?? 'ended'} before it could report its counts: `
    + `it captured at least ${atLeast} frames; analysed ${analysed}.${file}`];
}

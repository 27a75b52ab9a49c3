// `dockshark capture-child -i IFACE... -w FILE [-f BPF] [-c N] [--duration S] [-B KiB] [--temporary]`:
// the live UI's capture, run by the UI in a process of its own (capture-process.ts), hidden
// from --help. It captures and writes FILE as `capture -w` does (openFileCapture), without
// analysis (the UI analyses the file), and talks to the UI in NDJSON on standard output
// (capture-child-protocol.ts): `ready` or `error`, `progress` every PROGRESS_MS while the
// count grows, and `stopped` with the summary's counts once FILE is closed.
//
// It stops on -c, --duration, SIGINT or SIGTERM, on the UI's stop request on standard input,
// and when standard input ends without one: the UI is gone (killed, or its terminal closed),
// so the capture must not run on unseen. Then a --temporary FILE is deleted (and its
// directory, if empty): nobody is left to read it or to delete it.

import type { Command } from 'commander';
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { LiveCaptureError } from '../capture/cap-binding.js';
import { captureCounts, openFileCapture, type FileCapture } from '../capture/file-capture.js';
import { collect, count } from './arg-parsers.js';
import { CAPTURE_CHILD_COMMAND, encodeMessage, STOP_REQUEST, type ChildMessage } from './capture-child-protocol.js';
import { captureOptions, interfaceNames, stopOnSignalsOrDuration } from './capture-command.js';
import { bufferKiB, positive } from './live-args.js';
import { PipeClosed, type LineWriter } from './output.js';
import { isUsageFailure } from './usage-failure.js';

/** How often the count is sent while it grows: the UI's status line repaints at most 10 times a second. */
const PROGRESS_MS = 100;

export interface CaptureChildOptions {
  interface: string[];
  filter: string;
  write: string;
  count: number;
  duration?: number;
  bufferSize?: number;
  temporary: boolean;
}

export function registerCaptureChildCommand(program: Command, out: LineWriter, err: LineWriter, setExit: (code: number) => void): void {
  program
    .command(CAPTURE_CHILD_COMMAND, { hidden: true })
    .description('The live UI\'s capture process (internal): capture and write FILE, no analysis, NDJSON messages on standard output.')
    .requiredOption('-i, --interface <name>', 'interface (repeatable)', collect, [])
    .requiredOption('-w, --write <file>', 'the pcapng to write')
    .option('-f, --filter <bpf>', 'libpcap capture filter', '')
    .option('-c, --count <n>', 'stop after n frames', count, 0)
    .option('--duration <seconds>', 'stop after this many seconds', positive('a duration'))
    .option('-B, --buffer-size <KiB>', 'libpcap\'s ring per session, KiB', bufferKiB)
    .option('--temporary', 'FILE is the UI\'s temporary file: deleted if the UI goes away without a stop request', false)
    .action((opts: CaptureChildOptions) => setExit(runCaptureChild(opts, out, err)));
}

/** Starts the capture; 2 (1: the file) at once, after an `error` message, when it cannot start, else 0. */
export function runCaptureChild(opts: CaptureChildOptions, out: LineWriter, err: LineWriter): number {
  const send = (message: ChildMessage): void => {
    try {
      out.text(encodeMessage(message));
      out.flush();
    } catch (error) {
      // The UI is gone: standard input's end stops the capture.
      if (!(error instanceof PipeClosed)) throw error;
    }
  };
  let capture: FileCapture;
  try {
    // The UI reads the file, not a queue: nothing to drop when it falls behind.
    capture = openFileCapture({ ...captureOptions(opts), queue: false });
  } catch (error) {
    // As `capture` fails: one sentence, 2 for the capture, 1 for the file (-w in a missing directory...).
    const status = error instanceof LiveCaptureError ? 2 : isUsageFailure(error) ? 1 : null;
    if (status === null) throw error;
    send({ type: 'error', message: (error as Error).message, status });
    return status;
  }
  const { live, writer } = capture;
  send({ type: 'ready', interfaces: interfaceNames(live) });
  let sent = 0;
  const progress = setInterval(() => {
    if (live.total === sent) return;
    sent = live.total;
    send({ type: 'progress', captured: sent });
  }, PROGRESS_MS);
  stopOnSignalsOrDuration(live, opts.duration);
  let stopAsked = false;
  let orphaned = false;
  const input = process.stdin;
  input.setEncoding('utf8');
  let heard = '';
  input.on('data', (text: string) => {
    // The request may come in two chunks; only the last line or two matter.
    heard = (heard + text).slice(-64);
    if (!heard.split('\n').includes(STOP_REQUEST)) return;
    stopAsked = true;
    live.stop();
  });
  const gone = (): void => {
    if (stopAsked || live.stopped) return;
    orphaned = true;
    live.stop();
  };
  input.on('end', gone);
  input.on('error', gone);
  live.onStop(() => {
    clearInterval(progress);
    writer?.close();
    if (orphaned && opts.temporary) removeTemporary(opts.write);
    send({ type: 'stopped', counts: captureCounts(capture) });
    // Nothing more to hear: let the process end.
    input.destroy();
    err.flush();
    process.exitCode = 0;
  });
  return 0;
}

/** The UI's temporary file and, when nothing else is in it, its directory. */
function removeTemporary(file: string): void {
  rmSync(file, { force: true });
  try {
    if (readdirSync(dirname(file)).length === 0) rmdirSync(dirname(file));
  } catch {
    // Already gone, or not ours to remove.
  }
}

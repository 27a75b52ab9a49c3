// `dockshark capture -i IFACE [-i IFACE]... [-f FILTER] [-w FILE [--ring N:MB]] [-c N] [--duration S] [-B KiB] [--json]`
// and `dockshark list-interfaces`: live capture through the optional `cap` binding.
//
// Frames are written to the file as they arrive (never held back by the analysis) and
// analysed as `analyze` does. `--json` prints every change the engines make as one NDJSON
// line as it happens (the objects of `analyze --json`'s `events`), then one last line
// {"report": {...}} (the `analyze --json` object without its events); without it, the
// analyze tables are printed at the end. Counts and drops go to standard error.
// Stops on -c, --duration, SIGINT or SIGTERM, flushing the file. The capture and its file
// (openFileCapture), the stop triggers, the "capturing on" line and the summary (made of
// CaptureCounts, plain data) are shared with the live UI's capture process
// (capture-child-command.ts), which captures without analysis.

import type { Command } from 'commander';
import { LiveCaptureError } from '../capture/cap-binding.js';
import { captureCounts, openFileCapture, type CaptureCounts, type FileCapture, type FileCaptureOptions } from '../capture/file-capture.js';
import { DEFAULT_RING_BYTES, listInterfaces, type LiveCapture } from '../capture/live.js';
import { ringFileName, type RingOptions } from '../capture/live-writer.js';
import { safeText } from '../decode/index.js';
import { loadTopology } from '../api/analysis-run.js';
import { collect, count, port, seconds, TOPOLOGY_HELP } from './arg-parsers.js';
import { DEFAULT_VXLAN_PORT } from './decode-command.js';
import { reportForOutput } from '../api/report.js';
import { analysisText } from './format-analysis.js';
import { terminalSafeJson } from './format-frame.js';
import { LiveAnalysis } from './live-analysis.js';
import { bufferKiB, positive, ring } from './live-args.js';
import { PipeClosed, type LineWriter } from './output.js';

export interface CaptureCommandOptions {
  interface: string[];
  filter: string;
  write?: string;
  ring?: RingOptions;
  /** libpcap's ring per session, KiB (undefined: LiveCapture's default). */
  bufferSize?: number;
  count: number;
  duration?: number;
  json: boolean;
  topology: string[];
  vxlanPort: number[];
  ageing: number;
}

export function registerCaptureCommands(program: Command, out: LineWriter, err: LineWriter, setExit: (code: number) => void): void {
  program
    .command('capture')
    .description('Capture live (libpcap, through the optional `cap` binding), analyse as frames arrive, and optionally write a pcapng.')
    .requiredOption('-i, --interface <name>', 'interface to capture on, `any` for all (repeatable)', collect, [])
    .option('-f, --filter <bpf>', 'libpcap capture filter (tcpdump syntax)', '')
    .option('-w, --write <file>', 'write the frames to this pcapng as they arrive')
    .option('--ring <N:MB>', 'with -w: N files of at most MB megabytes, FILE the newest, FILE.1 ... older', ring)
    .option('-c, --count <n>', 'stop after n frames', count, 0)
    .option('--duration <seconds>', 'stop after this many seconds', positive('a duration'))
    .option('-B, --buffer-size <KiB>', `libpcap's ring for each direction of each interface, KiB, as tcpdump's -B (default ${DEFAULT_RING_BYTES >> 10})`, bufferKiB)
    .option('--json', 'one NDJSON line per analysis change as it happens, then {"report": ...}', false)
    .option('--topology <file>', TOPOLOGY_HELP, collect, [])
    .option('--vxlan-port <port>', `also decode this UDP port as VXLAN (always ${DEFAULT_VXLAN_PORT}; repeatable)`, port, [])
    .option('--ageing <seconds>', 'bridge FDB ageing time', seconds, 300)
    .action((opts: CaptureCommandOptions) => setExit(runCapture(opts, out, err)));
  program
    .command('list-interfaces')
    .description('List the interfaces live capture can open (libpcap\'s device list).')
    .action(() => setExit(runListInterfaces(out, err)));
}

function fail(err: LineWriter, message: string): number {
  err.line(`dockshark: ${safeText(message)}`);
  err.flush();
  return 2;
}

export function runListInterfaces(out: LineWriter, err: LineWriter): number {
  try {
    for (const d of listInterfaces()) {
      out.line([d.name, d.addresses.join(','), d.description].filter((s) => s !== '').map((s) => safeText(s)).join('  '));
    }
  } catch (error) {
    if (error instanceof LiveCaptureError) return fail(err, error.message);
    throw error;
  }
  out.flush();
  return 0;
}

/** The capture options `capture` and the live UI's capture process share: -i, -f, -c, -B (KiB) and -w. */
export function captureOptions(opts: { interface: string[]; filter: string; count: number; bufferSize?: number; write?: string }): FileCaptureOptions {
  return {
    interfaces: opts.interface,
    filter: opts.filter,
    count: opts.count,
    bufferBytes: opts.bufferSize === undefined ? undefined : opts.bufferSize * 1024,
    write: opts.write,
  };
}

/** Starts the capture; returns 2 at once when it cannot start, else 0 (the exit status is set when it ends). */
export function runCapture(opts: CaptureCommandOptions, out: LineWriter, err: LineWriter): number {
  if (opts.ring !== undefined && opts.write === undefined) return fail(err, '--ring needs -w FILE to name the files.');
  const topology = loadTopology(opts.topology);
  let analysis: LiveAnalysis | null = null;
  let capture: FileCapture;
  try {
    capture = openFileCapture({ ...captureOptions(opts), ring: opts.ring, afterFrame: () => analysis?.wake() });
  } catch (error) {
    if (error instanceof LiveCaptureError) return fail(err, error.message);
    throw error;
  }
  const { live, writer } = capture;
  analysis = new LiveAnalysis(live, {
    topology, vxlanPorts: [DEFAULT_VXLAN_PORT, ...opts.vxlanPort], ageingSeconds: opts.ageing, keepEvents: !opts.json,
  }, (changes) => {
    if (!opts.json) return;
    try {
      for (const change of changes) out.line(terminalSafeJson(change));
      out.flush();
    } catch (error) {
      if (!(error instanceof PipeClosed)) throw error;
      live.stop(); // the reader went away (`| head`): stop quietly
    }
  });
  // As tcpdump's "listening on": scripts (and the tests) wait for it before sending.
  err.line(capturingOn(interfaceNames(live), opts.filter, 'stop with Ctrl-C'));
  err.flush();
  stopOnSignalsOrDuration(live, opts.duration);
  const finalAnalysis = analysis;
  live.onStop(() => {
    writer?.close();
    try {
      finalAnalysis.finish();
      const report = reportForOutput(finalAnalysis.pipeline.report(), topology);
      if (opts.json) {
        delete report.events;
        out.line(terminalSafeJson({ report }));
      } else {
        for (const line of analysisText(report, false)) out.line(line);
      }
      out.flush();
    } catch (error) {
      if (!(error instanceof PipeClosed)) throw error;
    }
    for (const line of captureSummary(captureCounts(capture), finalAnalysis.frames, opts)) err.line(line);
    err.flush();
    process.exitCode = 0;
  });
  return 0;
}

/** Stops the capture on SIGINT, SIGTERM or after `duration` seconds; the listeners and the timer go when it stops. */
export function stopOnSignalsOrDuration(live: LiveCapture, duration: number | undefined): void {
  const stop = (): void => live.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const timer = duration === undefined ? null : setTimeout(stop, duration * 1000);
  live.onStop(() => {
    if (timer !== null) clearTimeout(timer);
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  });
}

export function interfaceNames(live: LiveCapture): string[] {
  return live.interfaces.map((i) => i.name ?? '?');
}

/** The line scripts wait for before sending: `dockshark: capturing on br0, veth1; stop with Ctrl-C.` */
export function capturingOn(interfaces: readonly string[], filter: string, howToStop: string): string {
  return `dockshark: capturing on ${interfaces.map((name) => safeText(name)).join(', ')}${filter === '' ? '' : ` with filter ${safeText(filter)}`}; ${howToStop}.`;
}

/** What was captured, dropped, written and analysed: standard error, after the capture. */
export function captureSummary(counts: CaptureCounts, analysed: number, opts: { write?: string; ring?: RingOptions }): string[] {
  const per = counts.interfaces.map((name, id) => `${safeText(name)} ${counts.received[id]}`).join(', ');
  const lines = [
    `dockshark: captured ${counts.total} frames in ${counts.seconds.toFixed(1)} s (${per}); analysed ${analysed}.`,
    `dockshark: dropped by dockshark: ${counts.dropped} (analysis queue full); dropped by the kernel: unknown (the cap binding does not report libpcap's counts).`,
  ];
  const missed = (counts.missed ?? []).filter((m) => m.counted > m.received);
  if (missed.length > 0) {
    const which = missed.map((m) => `${safeText(m.name)} counted ${m.counted}, ${m.counted - m.received} more than captured`).join('; ');
    lines.push(`dockshark: the interfaces counted more frames than arrived here (${which}): frames lost before dockshark, `
      + 'libpcap\'s ring being full (a larger one: -B KiB), or frames that GRO/TSO merged into fewer, larger ones.');
  }
  if (counts.truncated > 0) lines.push(`dockshark: ${counts.truncated} frames were longer than 65535 bytes and were cut.`);
  const written = counts.written;
  if (written !== null && opts.write !== undefined) {
    const kept = opts.ring === undefined ? 0 : Math.min(written.filesStarted, opts.ring.files);
    const files = opts.ring === undefined ? safeText(opts.write)
      : `${safeText(opts.write)}${written.filesStarted > 1 ? ` (ring: ${kept} files, oldest ${safeText(ringFileName(opts.write, kept - 1))})` : ''}`;
    lines.push(`dockshark: wrote ${written.frames} frames (${written.bytes} bytes) to ${files}.`);
  }
  return lines;
}

// `dockshark capture -i IFACE [-i IFACE]... [-f FILTER] [-w FILE [--ring N:MB]] [-c N] [--duration S] [-B KiB] [--json]`
// and `dockshark list-interfaces`: live capture through the optional `cap` binding.
//
// Frames are written to the file as they arrive (never held back by the analysis) and
// analysed as `analyze` does. `--json` prints every change the engines make as one NDJSON
// line as it happens (the objects of `analyze --json`'s `events`), then one last line
// {"report": {...}} (the `analyze --json` object without its events); without it, the
// analyze tables are printed at the end. Counts and drops go to standard error.
// Stops on -c, --duration, SIGINT or SIGTERM, flushing the file.

import type { Command } from 'commander';
import { LiveCaptureError } from '../capture/cap-binding.js';
import { DEFAULT_RING_BYTES, LiveCapture, listInterfaces } from '../capture/live.js';
import { LivePcapngWriter, ringFileName, type RingOptions } from '../capture/live-writer.js';
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

/** Starts the capture; returns 2 at once when it cannot start, else 0 (the exit status is set when it ends). */
export function runCapture(opts: CaptureCommandOptions, out: LineWriter, err: LineWriter): number {
  if (opts.ring !== undefined && opts.write === undefined) return fail(err, '--ring needs -w FILE to name the files.');
  const topology = loadTopology(opts.topology);
  let writer: LivePcapngWriter | null = null;
  let analysis: LiveAnalysis | null = null;
  let live: LiveCapture;
  try {
    live = LiveCapture.open({
      interfaces: opts.interface,
      filter: opts.filter,
      count: opts.count,
      bufferBytes: opts.bufferSize === undefined ? undefined : opts.bufferSize * 1024,
      onFrame: (iface, tsSec, tsNsec, data, length, direction) => {
        if (writer !== null) {
          writer.write(iface.id, tsSec, tsNsec, data, 0, length, direction);
          writer.flushSoon();
        }
        analysis?.wake();
      },
    });
  } catch (error) {
    if (error instanceof LiveCaptureError) return fail(err, error.message);
    throw error;
  }
  try {
    if (opts.write !== undefined) {
      writer = new LivePcapngWriter(opts.write, live.interfaces.map((i) => ({ name: i.name ?? '', linkType: i.linkType, snapLen: i.snapLen })), opts.ring ?? null);
    }
  } catch (error) {
    live.stop();
    throw error;
  }
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
  err.line(capturingOn(live, opts.filter, 'stop with Ctrl-C'));
  err.flush();
  const stop = (): void => live.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const timer = opts.duration === undefined ? null : setTimeout(stop, opts.duration * 1000);
  const finalAnalysis = analysis;
  const finalWriter = writer;
  live.onStop(() => {
    if (timer !== null) clearTimeout(timer);
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    finalWriter?.close();
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
    for (const line of captureSummary(live, finalAnalysis.frames, finalWriter, opts)) err.line(line);
    err.flush();
    process.exitCode = 0;
  });
  return 0;
}

/** The line scripts wait for before sending: `dockshark: capturing on br0, veth1; stop with Ctrl-C.` */
export function capturingOn(live: LiveCapture, filter: string, howToStop: string): string {
  return `dockshark: capturing on ${live.interfaces.map((i) => safeText(i.name ?? '?')).join(', ')}${filter === '' ? '' : ` with filter ${safeText(filter)}`}; ${howToStop}.`;
}

/** What was captured, dropped, written and analysed: standard error, after the capture. */
export function captureSummary(live: LiveCapture, analysed: number, writer: LivePcapngWriter | null, opts: CaptureCommandOptions): string[] {
  const seconds = (Date.now() - live.startedAt) / 1000;
  const per = live.interfaces.map((i) => `${safeText(i.name ?? '?')} ${live.received[i.id]}`).join(', ');
  const lines = [
    `dockshark: captured ${live.total} frames in ${seconds.toFixed(1)} s (${per}); analysed ${analysed}.`,
    `dockshark: dropped by dockshark: ${live.dropped} (analysis queue full); dropped by the kernel: unknown (the cap binding does not report libpcap's counts).`,
  ];
  const missed = (live.missed() ?? []).filter((m) => m.counted > m.received);
  if (missed.length > 0) {
    const which = missed.map((m) => `${safeText(m.name)} counted ${m.counted}, ${m.counted - m.received} more than captured`).join('; ');
    lines.push(`dockshark: the interfaces counted more frames than arrived here (${which}): frames lost before dockshark, `
      + 'libpcap\'s ring being full (a larger one: -B KiB), or frames that GRO/TSO merged into fewer, larger ones.');
  }
  if (live.truncated > 0) lines.push(`dockshark: ${live.truncated} frames were longer than 65535 bytes and were cut.`);
  if (writer !== null && opts.write !== undefined) {
    const files = opts.ring === undefined ? safeText(opts.write)
      : `${safeText(opts.write)}${writer.filesStarted > 1 ? ` (ring: ${Math.min(writer.filesStarted, opts.ring.files)} files, oldest ${safeText(ringFileName(opts.write, Math.min(writer.filesStarted, opts.ring.files) - 1))})` : ''}`;
    lines.push(`dockshark: wrote ${writer.frames} frames (${writer.bytes} bytes) to ${files}.`);
  }
  return lines;
}

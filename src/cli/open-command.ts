// `dockshark open FILE... [--topology F]... [--vxlan-port N]...` and plain `dockshark FILE...`:
// the full-screen replay UI when stdout is a terminal, the `analyze` tables when it is not
// (a pipe or a file gets something useful instead of escape sequences). With `-i IFACE...`
// the same UI on a live capture (live-ui-command.ts).

import type { Command } from 'commander';
import { loadTopology } from '../api/analysis-run.js';
import { collect, count, port, seconds, TOPOLOGY_HELP } from './arg-parsers.js';
import { runAnalyze } from './analyze-command.js';
import { DEFAULT_VXLAN_PORT } from './decode-command.js';
import { EXIT_UNUSABLE_INPUT, readExitStatus, reportLateFrames, reportReadIssues } from './read-issues.js';
import { safeText } from '../decode/index.js';
import { DEFAULT_RING_BYTES } from '../capture/live.js';
import { bufferKiB, positive, ring } from './live-args.js';
import { runLiveUi, type LiveUiOptions } from './live-ui-command.js';
import { loadUi, uiInput } from './ui-launch.js';
import type { LineWriter } from './output.js';

export interface OpenCommandOptions {
  topology: string[];
  vxlanPorts: number[];
  ageingSeconds: number;
}

export function registerOpenCommand(program: Command, out: LineWriter, err: LineWriter, setExit: (code: number) => void): void {
  program
    .command('open', { isDefault: true })
    .description('Step through captures in a terminal UI (the default command: `dockshark FILE...`), or through a live capture '
      + '(`dockshark -i IFACE...`) as it arrives. Prints the analyze tables (with -i: as `capture` does) when stdout is not a terminal.')
    .argument('[files...]', 'capture files (merged by time)')
    .option('-i, --interface <name>', 'capture live on this interface instead of reading files, `any` for all (repeatable)', collect, [])
    .option('-f, --filter <bpf>', 'with -i: libpcap capture filter (tcpdump syntax)', '')
    .option('-w, --write <file>', 'with -i: keep the capture in this pcapng (default: a temporary file, deleted on quit)')
    .option('--ring <N:MB>', 'with -i and -w, when standard output is not a terminal (as `capture`): N files of at most MB megabytes; the UI refuses it', ring)
    .option('-c, --count <n>', 'with -i: stop capturing after n frames (the UI stays)', count, 0)
    .option('--duration <seconds>', 'with -i: stop capturing after this many seconds (the UI stays)', positive('a duration'))
    .option('-B, --buffer-size <KiB>', `with -i: libpcap's ring for each direction of each interface, KiB, as tcpdump's -B (default ${DEFAULT_RING_BYTES >> 10})`, bufferKiB)
    .option('--topology <file>', TOPOLOGY_HELP, collect, [])
    .option('--vxlan-port <port>', `also decode this UDP port as VXLAN (always ${DEFAULT_VXLAN_PORT}; repeatable)`, port, [])
    .option('--ageing <seconds>', 'bridge FDB ageing time', seconds, 300)
    .action((files: string[], opts: OpenArgs) => {
      if (opts.interface.length > 0 || liveOnly(opts) !== null) {
        const misuse = opts.interface.length === 0 ? `${liveOnly(opts)} goes with -i (a live capture).`
          : files.length > 0 ? 'give capture files or -i interfaces (a live capture), not both.' : null;
        if (misuse !== null) {
          err.line(`dockshark: ${misuse}`);
          err.flush();
          return setExit(2);
        }
        return setExit(runLiveUi({ ...opts, ageingSeconds: opts.ageing }, out, err));
      }
      if (files.length === 0) {
        // Plain `dockshark`: say what it can do rather than complain about a missing file.
        program.outputHelp({ error: true });
        return setExit(1);
      }
      setExit(runOpen(files, { topology: opts.topology, vxlanPorts: opts.vxlanPort, ageingSeconds: opts.ageing }, out, err));
    });
}

/** What commander parses: the live UI's options, with the ageing option under its flag's name. */
type OpenArgs = Omit<LiveUiOptions, 'ageingSeconds'> & { ageing: number };

/** The first live-capture option given, or null. */
function liveOnly(opts: OpenArgs): string | null {
  if (opts.filter !== '') return '-f';
  if (opts.write !== undefined) return '-w';
  if (opts.ring !== undefined) return '--ring';
  if (opts.count > 0) return '-c';
  if (opts.duration !== undefined) return '--duration';
  if (opts.bufferSize !== undefined) return '-B';
  return null;
}

export function runOpen(files: string[], options: OpenCommandOptions, out: LineWriter, err: LineWriter): number {
  if (!process.stdout.isTTY) {
    return runAnalyze(files, { json: false, events: false, topology: options.topology, vxlanPorts: options.vxlanPorts, ageingSeconds: options.ageingSeconds }, out, err);
  }
  if (files.includes('-')) {
    err.line('dockshark: the UI re-reads frames from their files, so it cannot read standard input; save the capture first (tcpdump -w FILE), or use `dockshark analyze -`.');
    err.flush();
    return EXIT_UNUSABLE_INPUT;
  }
  const stdin = uiInput(err);
  if (stdin === null) return 1;
  const sessionOptions = {
    topology: loadTopology(options.topology), vxlanPorts: [DEFAULT_VXLAN_PORT, ...options.vxlanPorts], ageingSeconds: options.ageingSeconds,
  };
  loadUi(stdin, (startTui) => startTui(files, sessionOptions, stdin, (issues, error, session) => {
    if (stdin !== process.stdin) stdin.destroy();
    reportReadIssues(files, issues, err);
    reportLateFrames(session.index, err); // of the frames indexed before quitting
    if (readExitStatus(issues) !== 0) process.exitCode = readExitStatus(issues);
    if (error) {
      err.line(`dockshark: ${safeText(String(error))}`);
      process.exitCode = 1;
    }
    err.flush();
  }), err);
  return 0;
}

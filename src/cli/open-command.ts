// `dockshark open FILE... [--topology F]... [--vxlan-port N]...` and plain `dockshark FILE...`:
// the full-screen replay UI when stdout is a terminal, the `analyze` tables when it is not
// (a pipe or a file gets something useful instead of escape sequences).

import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import type { Command } from 'commander';
import { loadTopology } from './analysis-run.js';
import { collect, port, seconds, TOPOLOGY_HELP } from './arg-parsers.js';
import { runAnalyze } from './analyze-command.js';
import { reportReadIssues, DEFAULT_VXLAN_PORT } from './decode-command.js';
import { safeText } from '../decode/index.js';
import type { LineWriter } from './output.js';

export interface OpenCommandOptions {
  topology: string[];
  vxlanPorts: number[];
  ageingSeconds: number;
}

export function registerOpenCommand(program: Command, out: LineWriter, err: LineWriter, setExit: (code: number) => void): void {
  program
    .command('open', { isDefault: true })
    .description('Step through captures in a terminal UI (the default command: `dockshark FILE...`). Prints the analyze tables when stdout is not a terminal.')
    .argument('[files...]', 'capture files (merged by time)')
    .option('--topology <file>', TOPOLOGY_HELP, collect, [])
    .option('--vxlan-port <port>', `also decode this UDP port as VXLAN (always ${DEFAULT_VXLAN_PORT}; repeatable)`, port, [])
    .option('--ageing <seconds>', 'bridge FDB ageing time', seconds, 300)
    .action((files: string[], opts: { topology: string[]; vxlanPort: number[]; ageing: number }) => {
      if (files.length === 0) {
        // Plain `dockshark`: say what it can do rather than complain about a missing file.
        program.outputHelp({ error: true });
        return setExit(1);
      }
      setExit(runOpen(files, { topology: opts.topology, vxlanPorts: opts.vxlanPort, ageingSeconds: opts.ageing }, out, err));
    });
}

export function runOpen(files: string[], options: OpenCommandOptions, out: LineWriter, err: LineWriter): number {
  if (!process.stdout.isTTY) {
    return runAnalyze(files, { json: false, events: false, topology: options.topology, vxlanPorts: options.vxlanPorts, ageingSeconds: options.ageingSeconds }, out, err);
  }
  if (files.includes('-')) {
    err.line('dockshark: the UI re-reads frames from their files, so it cannot read standard input; save the capture first (tcpdump -w FILE), or use `dockshark analyze -`.');
    err.flush();
    return 1;
  }
  const stdin = process.stdin.isTTY ? process.stdin : terminalInput();
  if (stdin === null) {
    err.line('dockshark: no terminal to read keys from; run it in a terminal, or pipe its output to get the analyze tables.');
    err.flush();
    return 1;
  }
  const sessionOptions = {
    topology: loadTopology(options.topology), vxlanPorts: [DEFAULT_VXLAN_PORT, ...options.vxlanPorts], ageingSeconds: options.ageingSeconds,
  };
  // Keys typed while the UI loads are kept for it instead of being echoed over the screen.
  stdin.setRawMode(true);
  // Loaded here only: Ink and React cost every other command most of a second to load.
  // React's development build times every render (performance.measure) and checks every
  // element: several times slower per step. Use the production build unless told otherwise.
  process.env.NODE_ENV ??= 'production';
  // Ink draws nothing but the last frame, on exit, when CI or CONTINUOUS_INTEGRATION is set
  // (its is-in-ci check, read when Ink loads). This is an interactive terminal, so draw.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  import('../ui/start.js').then(({ startTui }) => startTui(files, sessionOptions, stdin, (issues, error) => {
    if (stdin !== process.stdin) stdin.destroy();
    reportReadIssues(files, issues, err);
    if (error) {
      err.line(`dockshark: ${safeText(String(error))}`);
      process.exitCode = 1;
    }
    err.flush();
  })).catch((error: unknown) => {
    // The UI never started (a file that cannot be read): give the terminal back as it was.
    stdin.setRawMode(false);
    if (stdin !== process.stdin) stdin.destroy();
    err.line(`dockshark: ${safeText(error instanceof Error ? error.message : String(error))}`);
    err.flush();
    process.exitCode = 1;
  });
  return 0;
}

/** Keys from the controlling terminal when standard input is redirected. */
function terminalInput(): ReadStream | null {
  try {
    return new ReadStream(openSync('/dev/tty', 'r'));
  } catch {
    return null;
  }
}

// The live UI's capture, in a process of its own: `dockshark capture-child` (capture-child-command.ts),
// started from this same CLI (process.execPath and dist/cli/main.js). In the UI's own thread,
// the UI's indexing and painting kept cap from reading libpcap's rings under a flood (21-29 %
// lost at 200,000 frames/s); in a process of its own the capture has a CPU to itself while
// the UI catches up from the file. (`cap` cannot be loaded in a worker thread: it is not a
// context-aware addon.)
//
// The child is started detached (a session of its own, no controlling terminal) with every
// standard stream a pipe: it can never write over the UI, and the terminal's signals go to
// the UI only, which stops it. Its messages (capture-child-protocol.ts) come on its standard
// output; what it writes on standard error is kept, to be printed after the UI gives the
// terminal back. Its standard input is its lifeline: when this process dies, that input
// ends and the child stops and closes the file.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CaptureCounts } from '../capture/file-capture.js';
import { CAPTURE_CHILD_COMMAND, MessageReader, STOP_REQUEST, type ChildMessage, type ErrorStatus } from './capture-child-protocol.js';

/** After a stop request, how long the child has to close its file before it is killed. */
export const STOP_TIMEOUT_MS = 10_000;

/** The child's standard error kept for after the UI, at most (the rest is counted). */
const MAX_OUTPUT = 64 * 1024;

export interface CaptureProcessOptions {
  readonly interfaces: readonly string[];
  readonly filter: string;
  /** The pcapng the child writes and the UI follows. */
  readonly file: string;
  readonly count: number;
  readonly duration?: number;
  readonly bufferSize?: number;
  /** `file` is the UI's temporary file: the child deletes it if the UI goes away without stopping it. */
  readonly temporary: boolean;
}

/** How the start went: capturing on these interfaces, the sentence (and exit status) of a capture that cannot start, or an end without either. */
export type StartOutcome =
  | { readonly kind: 'ready'; readonly interfaces: readonly string[] }
  | { readonly kind: 'error'; readonly message: string; readonly status: ErrorStatus }
  | { readonly kind: 'ended'; readonly how: string };

export class CaptureProcess {
  /** Frames captured, as last reported. */
  captured = 0;
  /** The final counts, once the child has stopped capturing. */
  counts: CaptureCounts | null = null;
  /** How the child ended, once it has (`exit status 0`, `killed by SIGKILL`...). */
  endedHow: string | null = null;
  private started: StartOutcome | null = null;
  /** What the child said of its start (settled a turn later). */
  private said: StartOutcome | null = null;
  private readonly startListeners: ((outcome: StartOutcome) => void)[] = [];
  private readonly endListeners: (() => void)[] = [];
  private output = '';
  private outputLeftOut = 0;
  private killTimer: NodeJS.Timeout | null = null;
  private killedAfterTimeout = false;
  private stopAsked = false;

  private constructor(private readonly child: ChildProcess) {
    const reader = new MessageReader();
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const message of reader.push(chunk)) this.receive(message);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.keep(chunk));
    // The child gone before reading its stop request: nothing to do.
    child.stdin?.on('error', () => {});
    child.on('error', (error) => {
      // Could not be started at all (or signalled): as an end, said in the summary.
      this.keep(`${error.message}\n`);
    });
    child.on('close', (code, signal) => this.ended(code, signal));
  }

  /** Starts the child; its outcome comes to whenStarted(). */
  static start(options: CaptureProcessOptions): CaptureProcess {
    const main = fileURLToPath(new URL('./main.js', import.meta.url));
    // --name=value: a value that starts with a dash (a file name) stays a value.
    const args = [main, CAPTURE_CHILD_COMMAND, ...options.interfaces.map((name) => `--interface=${name}`), `--write=${options.file}`];
    if (options.filter !== '') args.push(`--filter=${options.filter}`);
    if (options.count > 0) args.push(`--count=${options.count}`);
    if (options.duration !== undefined) args.push(`--duration=${options.duration}`);
    if (options.bufferSize !== undefined) args.push(`--buffer-size=${options.bufferSize}`);
    if (options.temporary) args.push('--temporary');
    return new CaptureProcess(spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true }));
  }

  /** True once the capture has stopped (the file grows no more): stopped by itself or when asked, or ended. */
  get stopped(): boolean {
    return this.counts !== null || this.endedHow !== null;
  }

  /** `listener` gets the outcome of the start, at once when it is known. */
  whenStarted(listener: (outcome: StartOutcome) => void): void {
    if (this.started !== null) listener(this.started);
    else this.startListeners.push(listener);
  }

  /** `listener` runs once the child has exited and its output is all read (at once if it has). */
  whenEnded(listener: () => void): void {
    if (this.endedHow !== null) listener();
    else this.endListeners.push(listener);
  }

  /** Asks the child to stop (it closes the file, sends its counts and exits); kills it if it has not within STOP_TIMEOUT_MS. */
  stop(): void {
    if (this.stopAsked || this.endedHow !== null) return;
    this.stopAsked = true;
    this.child.stdin?.end(`${STOP_REQUEST}\n`);
    this.killTimer = setTimeout(() => {
      this.killedAfterTimeout = true;
      this.child.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
  }

  /** What the child wrote on standard error since the last call, line by line. */
  takeOutput(): string[] {
    const lines = this.output === '' ? [] : this.output.replace(/\n$/, '').split('\n');
    if (this.outputLeftOut > 0) lines.push(`(${this.outputLeftOut} more bytes of the capture process's output left out)`);
    this.output = '';
    this.outputLeftOut = 0;
    return lines;
  }

  /** The child ended without its final counts: how, for the summary; null when it stopped as it should. */
  get unexpectedEnd(): string | null {
    if (this.counts !== null || this.endedHow === null) return null;
    return this.killedAfterTimeout ? `did not stop within ${STOP_TIMEOUT_MS / 1000} s of being asked and was killed` : `ended (${this.endedHow})`;
  }

  private receive(message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
      case 'error': {
        this.said ??= message.type === 'ready' ? { kind: 'ready', interfaces: message.interfaces } : { kind: 'error', message: message.message, status: message.status };
        // A turn later: what the child wrote on standard error before (libpcap's warnings) comes
        // on another pipe, and is printed first.
        const said = this.said;
        setImmediate(() => this.settle(said));
        break;
      }
      case 'progress':
        this.captured = Math.max(this.captured, message.captured);
        break;
      case 'stopped':
        this.counts = message.counts;
        this.captured = message.counts.total;
        break;
    }
  }

  private settle(outcome: StartOutcome): void {
    if (this.started !== null) return;
    this.started = outcome;
    for (const listener of this.startListeners.splice(0)) listener(outcome);
  }

  private keep(text: string): void {
    const room = MAX_OUTPUT - this.output.length;
    if (text.length <= room) this.output += text;
    else {
      this.output += text.slice(0, Math.max(0, room));
      this.outputLeftOut += text.length - Math.max(0, room);
    }
  }

  private ended(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.killTimer !== null) clearTimeout(this.killTimer);
    this.endedHow = code !== null ? `exit status ${code}` : `killed by ${signal ?? 'a signal'}`;
    this.settle(this.said ?? { kind: 'ended', how: this.endedHow });
    for (const listener of this.endListeners.splice(0)) listener();
  }
}

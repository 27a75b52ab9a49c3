// Starting the full-screen UI from a command: the terminal to read keys from, and loading Ink
// and React only when the UI runs (they take a good part of a second to load).

import { openSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { safeText } from '../decode/index.js';
import type { LineWriter } from './output.js';
import { EXIT_UNUSABLE_INPUT } from './read-issues.js';
import { isCaptureOpenFailure } from './usage-failure.js';

/** The terminal to read keys from (standard input, or /dev/tty when it is redirected); null, said on `err`, without one. */
export function uiInput(err: LineWriter): NodeJS.ReadStream | ReadStream | null {
  const stdin = process.stdin.isTTY ? process.stdin : terminalInput();
  if (stdin === null) {
    err.line('dockshark: no terminal to read keys from; run it in a terminal, or pipe its output to get the analyze tables.');
    err.flush();
  }
  return stdin;
}

type StartTui = typeof import('../ui/start.js').startTui;

/**
 * Loads the UI (Ink and React) and hands `startTui` to `run`. When it cannot start, the
 * terminal is given back, `onError` runs and the exit status is 1.
 */
export function loadUi(stdin: NodeJS.ReadStream | ReadStream, run: (startTui: StartTui) => void, err: LineWriter, onError: () => void = () => {}): void {
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
  import('../ui/start.js').then(({ startTui }) => run(startTui)).catch((error: unknown) => {
    // The UI never started (a file that cannot be read): give the terminal back as it was.
    stdin.setRawMode(false);
    if (stdin !== process.stdin) stdin.destroy();
    onError();
    err.line(`dockshark: ${safeText(error instanceof Error ? error.message : String(error))}`);
    err.flush();
    process.exitCode = isCaptureOpenFailure(error) ? EXIT_UNUSABLE_INPUT : 1;
  });
}

/** Keys from the controlling terminal when standard input is redirected. */
function terminalInput(): ReadStream | null {
  try {
    return new ReadStream(openSync('/dev/tty', 'r'));
  } catch {
    return null;
  }
}

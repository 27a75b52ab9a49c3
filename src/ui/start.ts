// Starting the full-screen UI on a terminal: loaded only when it is needed (Ink and React
// take a good part of a second to load, which `decode` and `analyze` should not pay).

import type { ReadStream } from 'node:tty';
import { render, type Instance, type RenderOptions } from 'ink';
import { createElement } from 'react';
import type { ReadIssue } from '../capture/types.js';
import { App } from './App.js';
import { speedUpInkPaint } from './ink-paint.js';
import { ReplaySession, type SessionOptions } from './session.js';

// The alternate screen keeps the user's scrollback as it was once the UI quits.
const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';

export interface Terminal {
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
}

/**
 * Ink's options for the UI. The benchmark (bench/tui.mjs) mounts the UI through `mountUi`
 * too, so what it times is what the CLI paints.
 *
 * maxFps: Ink throttles paints (30 a second by default) with a leading-edge debounce, so a
 * key pressed within 33 ms of the last paint (a held key, a progress update while indexing)
 * waited up to 33 ms more before its step showed. This UI paints on a key, on the player's
 * ticks (at most one per REFRESH_MS, 16 ms) and on indexing progress (every PROGRESS_MS):
 * paint rates are bounded where they arise, so Ink's throttle only adds latency.
 *
 * incrementalRendering stays off: Ink 6.8's incremental log-update moves the cursor one line
 * too few when the output ends with a newline, as ours does (it is one line shorter than the
 * terminal), so every paint lands one line lower (seen in tmux). The standard log-update
 * erases the whole screen and redraws it, which also keeps resizes right; synchronized output
 * (which Ink writes around each paint) keeps that from flickering where the terminal supports it.
 */
export function inkOptions(terminal: Terminal): RenderOptions {
  return { stdin: terminal.stdin, stdout: terminal.stdout, exitOnCtrlC: true, patchConsole: false, maxFps: MAX_FPS };
}

/** Effectively unthrottled: Ink waits at most a millisecond after a paint. */
const MAX_FPS = 1000;

// Before the first paint: Ink's paint, cheaper (see there).
await speedUpInkPaint();

/** Switches the terminal to the alternate screen and renders the UI of `session` on it. */
export function mountUi(session: ReplaySession, terminal: Terminal): Instance {
  terminal.stdout.write(ENTER_ALTERNATE_SCREEN);
  return render(createElement(App, { session }), inkOptions(terminal));
}

/**
 * Opens the files and runs the UI until the user quits; `done` gets the files' read problems
 * (and the session, closed). Returns a function that quits the UI as `q` does (a signal).
 */
export function startTui(files: readonly string[], options: SessionOptions, stdin: NodeJS.ReadStream | ReadStream,
  done: (issues: readonly ReadIssue[], error: unknown, session: ReplaySession) => void): () => void {
  const session = new ReplaySession(files, options);
  // The first slice is indexed before the first paint; the rest follows between key presses.
  session.start();
  if (session.index.readIssues.length > 0) session.say(`${session.index.readIssues.length} problem(s) reading the capture: listed when you quit`, true);
  const app = mountUi(session, { stdin: stdin as NodeJS.ReadStream, stdout: process.stdout });
  const finish = (error: unknown) => {
    session.close();
    process.stdout.write(LEAVE_ALTERNATE_SCREEN);
    done(session.index.readIssues, error, session);
  };
  app.waitUntilExit().then(() => finish(null), finish);
  return () => app.unmount();
}

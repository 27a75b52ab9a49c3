// Starting the full-screen UI on a terminal: loaded only when it is needed (Ink and React
// take a good part of a second to load, which `decode` and `analyze` should not pay).

import type { ReadStream } from 'node:tty';
import { render } from 'ink';
import { createElement } from 'react';
import type { ReadIssue } from '../capture/types.js';
import { App } from './App.js';
import { ReplaySession, type SessionOptions } from './session.js';

// The alternate screen keeps the user's scrollback as it was once the UI quits.
const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';

/** Opens the files and runs the UI until the user quits; `done` gets the files' read problems. */
export function startTui(files: readonly string[], options: SessionOptions, stdin: NodeJS.ReadStream | ReadStream,
  done: (issues: readonly ReadIssue[], error: unknown) => void): void {
  const session = new ReplaySession(files, options);
  // The first slice is indexed before the first paint; the rest follows between key presses.
  session.start();
  if (session.index.readIssues.length > 0) session.say(`${session.index.readIssues.length} problem(s) reading the capture: listed when you quit`, true);
  process.stdout.write(ENTER_ALTERNATE_SCREEN);
  const app = render(createElement(App, { session }), { stdin: stdin as NodeJS.ReadStream, exitOnCtrlC: true, patchConsole: false });
  const finish = (error: unknown) => {
    session.close();
    process.stdout.write(LEAVE_ALTERNATE_SCREEN);
    done(session.index.readIssues, error);
  };
  app.waitUntilExit().then(() => finish(null), finish);
}

// The interactive screen: subscribes to the session, keeps the UI's own state (focus,
// scroll, prompt, help), turns keys into actions through the keymap and paints the model.

import { useApp, useInput, useStdout } from 'ink';
import { useEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore } from 'react';
import { Screen } from './components/Screen.js';
import { actionFor, splitKeys, type Action, type KeyFlags } from './keymap.js';
import { nextPane, type PaneId } from './selectors/layout.js';
import { ScreenContent } from './selectors/screen-content.js';
import { INITIAL_UI, screenModel, type ScreenModel, type UiState } from './selectors/screen-model.js';
import type { ReplaySession } from './session.js';

export interface AppProps {
  readonly session: ReplaySession;
  /** Fixed size (tests); by default the terminal's, following resizes. */
  readonly width?: number;
  readonly height?: number;
  readonly onQuit?: () => void;
}

export function App({ session, width, height, onQuit }: AppProps) {
  const version = useSyncExternalStore((listener) => session.subscribe(listener), () => session.version);
  const size = useTerminalSize(width, height);
  // UI state lives in a ref so several keys arriving in one read each see the previous one's effect.
  const uiRef = useRef<UiState>(INITIAL_UI);
  const [, repaint] = useReducer((n: number) => n + 1, 0);
  const setUi = (next: UiState) => {
    uiRef.current = next;
    repaint();
  };
  const ui = uiRef.current;
  const listTop = useRef(0);
  const { exit } = useApp();
  // What the step shows is built once per step and size; focus and scrolling only window it.
  const content = useMemo(
    () => new ScreenContent(session.view(), size.width, size.height),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [session, version, size.width, size.height],
  );
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const model = useMemo(() => screenModel(content, { ...ui, listTop: listTop.current }), [content, ui]);
  listTop.current = model.listTop;

  const onKey = (input: string, key: KeyFlags): void => {
    const now = uiRef.current;
    if (now.prompt !== null) return editPrompt(input, key, now, setUi, session);
    const action = actionFor(input, key);
    if (action === 'quit') {
      session.close();
      exit();
      onQuit?.();
      return;
    }
    if (now.help) {
      if (action === 'help' || action === 'cancel') setUi({ ...now, help: false });
      return;
    }
    if (action !== null) perform(action, model, now, setUi, session);
  };
  useInput((input, key) => {
    session.keyPressed();
    for (const [one, flags] of splitKeys(input, key)) onKey(one, flags);
  });

  return <Screen model={model} />;
}

const FOLLOW: UiState['scroll'] = {};

function perform(action: Action, model: ScreenModel, ui: UiState, setUi: (ui: UiState) => void, session: ReplaySession): void {
  const page = model.layout.listRows;
  const stepBy = (n: number) => {
    session.step(n);
    if (Object.keys(ui.scroll).length > 0) setUi({ ...ui, scroll: FOLLOW }); // panes follow the new step again
  };
  const scrollBy = (id: PaneId, n: number) => setUi({ ...ui, scroll: { ...ui.scroll, [id]: Math.max(0, model.scroll[id] + n) } });
  const onList = ui.focus === 'list';
  switch (action) {
    case 'down': return onList ? stepBy(1) : scrollBy(ui.focus, 1);
    case 'up': return onList ? stepBy(-1) : scrollBy(ui.focus, -1);
    case 'pageDown': return onList ? stepBy(page) : scrollBy(ui.focus, page);
    case 'pageUp': return onList ? stepBy(-page) : scrollBy(ui.focus, -page);
    case 'next': return stepBy(1);
    case 'previous': return stepBy(-1);
    case 'first': session.first(); return setUi({ ...ui, scroll: FOLLOW });
    case 'last': session.last(); return setUi({ ...ui, scroll: FOLLOW });
    case 'togglePlay': return session.togglePlay();
    case 'faster': return session.faster();
    case 'slower': return session.slower();
    case 'togglePace': return session.togglePace();
    case 'gotoFrame': return setUi({ ...ui, prompt: { kind: 'goto', text: '' } });
    case 'filter': return setUi({ ...ui, prompt: { kind: 'filter', text: '' } });
    case 'breakpoint': return setUi({ ...ui, prompt: { kind: 'breakpoint', text: '' } });
    case 'continue': return session.continueToBreakpoint();
    case 'nextPane':
    case 'previousPane': {
      const focus = nextPane(ui.focus, action === 'nextPane' ? 1 : -1);
      return setUi({ ...ui, focus, tab: focus === 'list' ? ui.tab : focus });
    }
    case 'help': return setUi({ ...ui, help: true });
    case 'cancel': return session.dismiss();
    default: return undefined;
  }
}

function editPrompt(input: string, key: KeyFlags & { backspace?: boolean; delete?: boolean }, ui: UiState, setUi: (ui: UiState) => void,
  session: ReplaySession): void {
  const prompt = ui.prompt;
  if (prompt === null) return;
  if (key.escape) return setUi({ ...ui, prompt: null });
  if (key.return) {
    setUi({ ...ui, prompt: null, scroll: FOLLOW });
    if (prompt.kind === 'goto') session.goTo(prompt.text);
    else if (prompt.kind === 'filter') session.search(prompt.text);
    else session.addBreakpoint(prompt.text);
    return;
  }
  if (key.backspace || key.delete) return setUi({ ...ui, prompt: { ...prompt, text: prompt.text.slice(0, -1) } });
  // Only printable characters are typed in (a pasted escape sequence is not).
  const typed = key.ctrl || key.meta ? '' : [...input].filter((c) => c >= ' ' && c !== '\x7f').join('');
  if (typed !== '') setUi({ ...ui, prompt: { ...prompt, text: prompt.text + typed } });
}

/**
 * The terminal's size, following resizes; fixed when given. One line is left free: Ink clears
 * the whole terminal on every paint of an output as tall as the terminal (flicker), and
 * repaints only the changed lines otherwise.
 */
function useTerminalSize(width?: number, height?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  const read = () => ({ width: width ?? stdout.columns ?? 80, height: height ?? Math.max(12, (stdout.rows ?? 24) - 1) });
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (width !== undefined && height !== undefined) return undefined;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout, width, height]);
  return width !== undefined && height !== undefined ? { width, height } : size;
}

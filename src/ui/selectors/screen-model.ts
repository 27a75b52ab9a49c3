// Everything the Screen paints: the step's ScreenContent windowed by the UI's own state
// (focus, scroll, prompt). Pure: the components only lay it out. Only what is on screen is
// in the model: the packet list's visible rows, each shown pane's visible lines.

import { DETAIL_PANES, listWindowTop, PANE_TITLES, type Layout, type PaneId } from './layout.js';
import { packetLine } from './packet-columns.js';
import { autoScroll, clampScroll, type StyledLine } from './pane-lines.js';
import { ScreenContent, type ReplayView } from './screen-content.js';
import { cut, safe } from './text.js';
import { safeText } from '../../decode/index.js';

export type { ReplayView } from './screen-content.js';

export type PromptKind = 'goto' | 'filter' | 'breakpoint';
export const PROMPT_LABELS: Record<PromptKind, string> = { goto: 'go to frame (or 12.5s): ', filter: 'filter: ', breakpoint: 'break on change kind or filter: ' };

/** The UI's side. Scroll null: follow the step (show what it changed). */
export interface UiState {
  readonly focus: PaneId;
  /** The detail pane shown in the compact layout. */
  readonly tab: PaneId;
  readonly scroll: Partial<Record<PaneId, number | null>>;
  readonly listTop: number;
  readonly prompt: { readonly kind: PromptKind; readonly text: string } | null;
  readonly help: boolean;
}

export interface ListLine {
  readonly text: string;
  readonly color: string;
  readonly selected: boolean;
}

/** A detail pane as shown: its title and the lines in its window. */
export interface PaneModel {
  readonly title: string;
  readonly lines: readonly StyledLine[];
  /** The first line shown. */
  readonly scroll: number;
  /** Lines in the whole pane. */
  readonly total: number;
}

export interface ScreenModel {
  readonly width: number;
  readonly height: number;
  readonly layout: Layout;
  readonly listHeader: string;
  readonly listLines: ListLine[];
  readonly listTop: number;
  /** The detail panes on screen: every one in the wide layout, the current tab's in the compact one. */
  readonly panes: Partial<Record<PaneId, PaneModel>>;
  /** Resolved first line shown of each pane (0 for panes not on screen). */
  readonly scroll: Record<PaneId, number>;
  readonly focus: PaneId;
  readonly tab: PaneId;
  /** Two lines: the step explained in words. */
  readonly explanation: string[];
  readonly status: string;
  readonly bottom: { readonly text: string; readonly color?: string };
  readonly help: boolean;
}

export const INITIAL_UI: UiState = { focus: 'list', tab: 'tree', scroll: {}, listTop: 0, prompt: null, help: false };

export function buildScreen(view: ReplayView, ui: UiState, width: number, height: number): ScreenModel {
  return screenModel(new ScreenContent(view, width, height), ui);
}

export function screenModel(content: ScreenContent, ui: UiState): ScreenModel {
  const { layout, view } = content;
  const scroll = { list: 0, ...Object.fromEntries(DETAIL_PANES.map((id) => [id, 0])) } as Record<PaneId, number>;
  const shown = layout.mode === 'compact' ? [{ id: ui.tab, height: layout.detail.height }] : layout.columns.flat();
  const panes: Partial<Record<PaneId, PaneModel>> = {};
  for (const { id, height } of shown) {
    const text = content.pane(id);
    const rows = height - 1;
    const asked = ui.scroll[id];
    const first = asked === null || asked === undefined ? autoScroll(text, rows, 0) : clampScroll(asked, text.length, rows);
    scroll[id] = first;
    const title = layout.mode === 'compact' ? tabsTitle(content, ui.tab) : content.title(id);
    panes[id] = { title: safeText(title), lines: text.slice(first, Math.max(0, rows)).map(safeLine), scroll: first, total: text.length };
  }
  const selected = view.position - 1;
  const listTop = listWindowTop(Math.max(0, selected), layout.listRows, ui.listTop, view.length);
  scroll.list = listTop;
  const listLines = view.rows(listTop, layout.listRows).map((row) => ({ text: safeText(packetLine(row, content.listColumns)), color: row.colour, selected: row.step === selected }));
  return {
    width: layout.width, height: content.height, layout, listHeader: content.listHeader, listLines, listTop, panes, scroll,
    focus: ui.focus, tab: ui.tab, explanation: content.explanation.map(safeText), status: safeText(content.status), bottom: bottomLine(view, ui, layout.width), help: ui.help,
  };
}

/**
 * The last safety net before Ink: the selectors escape capture text where they format it
 * (so widths are those of the escaped text), and escaping twice changes nothing, so a line
 * that still holds a control character here can only be a selector's bug; it is escaped
 * rather than sent to the terminal. The same object comes back when nothing changes (Pane
 * skips rendering unchanged lines by identity).
 */
function safeLine(line: StyledLine): StyledLine {
  const text = safeText(line.text);
  return text === line.text ? line : { ...line, text };
}

/** The compact layout's title line: every pane as a tab, the shown one with its count. */
function tabsTitle(content: ScreenContent, tab: PaneId): string {
  return DETAIL_PANES.map((id) => (id === tab ? `[${content.title(id)}]` : ` ${PANE_TITLES[id]} `)).join('');
}

function bottomLine(view: ReplayView, ui: UiState, width: number): { text: string; color?: string } {
  // What is typed (or pasted) at the prompt, and messages quoting it, are escaped like capture text.
  if (ui.prompt !== null) return { text: cut(`${PROMPT_LABELS[ui.prompt.kind]}${safe(ui.prompt.text)}_`, width), color: 'cyan' };
  if (view.message !== null) return { text: cut(safeText(view.message.text), width), color: view.message.error ? 'red' : 'green' };
  return { text: cut('? help  q quit  n/p step  space play  +/- speed  : go to  / filter  b break  Tab pane', width), color: 'gray' };
}

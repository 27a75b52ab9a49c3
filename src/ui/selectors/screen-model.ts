// Everything the Screen paints, computed from the replay's state and the UI's own state
// (focus, scroll, prompt) for one terminal size. Pure: the components only lay it out.

import type { JsonValue } from '../../decode/index.js';
import type { StepFrame } from '../../replay/cursor.js';
import type { Pace } from '../../replay/player.js';
import type { Topology } from '../../topology/model.js';
import { explainStep } from './explain.js';
import { DETAIL_PANES, layoutFor, listWindowTop, PANE_TITLES, type Layout, type PaneId } from './layout.js';
import { packetColumns, packetHeader, packetLine } from './packet-columns.js';
import { ifaceLabel, type PacketRow } from './packet-rows.js';
import { autoScroll, clampScroll, hexLines, tableLines, topologyLines, treeLines, type StyledLine } from './pane-lines.js';
import { stateTables } from './state-tables.js';
import { cut, safe, wrap } from './text.js';
import { topologyView } from './topology-view.js';

/** The replay's side: what the session knows now. */
export interface ReplayView {
  readonly position: number;
  readonly length: number;
  readonly indexDone: boolean;
  readonly progress: number;
  readonly frame: StepFrame | null;
  readonly report: Record<string, JsonValue>;
  readonly rows: (first: number, count: number) => PacketRow[];
  readonly lastFrameNo: number;
  readonly playing: boolean;
  readonly pace: Pace;
  readonly breakpoints: readonly string[];
  readonly stopReason: string | null;
  readonly message: { readonly text: string; readonly error: boolean } | null;
  readonly topology: Topology | null;
}

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

export interface ScreenModel {
  readonly width: number;
  readonly height: number;
  readonly layout: Layout;
  readonly listHeader: string;
  readonly listLines: ListLine[];
  readonly listTop: number;
  readonly panes: Record<PaneId, StyledLine[]>;
  /** Resolved first line shown of each pane. */
  readonly scroll: Record<PaneId, number>;
  readonly titles: Record<PaneId, string>;
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
  const probe = layoutFor(width, height);
  const paneWidth = (id: PaneId): number => probe.mode === 'compact' ? probe.width : probe.columns.flat().find((b) => b.id === id)?.width ?? probe.width;
  const changes = view.frame?.changes ?? [];
  const tables = stateTables(view.report, changes);
  const panes: Record<PaneId, StyledLine[]> = {
    list: [],
    tree: treeLines(view.frame, paneWidth('tree')),
    hex: hexLines(view.frame, paneWidth('hex')),
    topology: topologyLines(topologyView(view.report, view.topology, view.frame), paneWidth('topology')),
    fdb: tableLines(tables.fdb, paneWidth('fdb')),
    arp: tableLines(tables.arp, paneWidth('arp')),
    nat: tableLines(tables.nat, paneWidth('nat')),
    overlay: tableLines(tables.overlay, paneWidth('overlay')),
  };
  const desired = Object.fromEntries(DETAIL_PANES.map((id) => [id, panes[id].length + 1])) as Record<PaneId, number>;
  const layout = layoutFor(width, height, desired);
  const heights: Partial<Record<PaneId, number>> = {};
  for (const box of layout.columns.flat()) heights[box.id] = box.height - 1;
  const scroll = {} as Record<PaneId, number>;
  for (const id of DETAIL_PANES) {
    const h = layout.mode === 'compact' ? layout.detail.height - 1 : heights[id] ?? 0;
    const asked = ui.scroll[id];
    scroll[id] = asked === null || asked === undefined ? autoScroll(panes[id], h, 0) : clampScroll(asked, panes[id].length, h);
  }
  const selected = view.position - 1;
  const listTop = listWindowTop(Math.max(0, selected), layout.listRows, ui.listTop, view.length);
  scroll.list = listTop;
  const columns = packetColumns(layout.width, view.lastFrameNo);
  const listLines = view.rows(listTop, layout.listRows).map((row) => ({ text: packetLine(row, columns), color: row.colour, selected: row.step === selected }));
  const titles = {} as Record<PaneId, string>;
  for (const id of ['list', ...DETAIL_PANES] as PaneId[]) titles[id] = PANE_TITLES[id];
  titles.fdb = `FDB (${tables.fdb.reduce((n, t) => n + t.rows.length, 0)})`;
  titles.arp = `ARP (${tables.arp[0].rows.length})`;
  titles.nat = `NAT (${tables.nat[0].rows.length})`;
  return {
    width: layout.width, height, layout, listHeader: packetHeader(columns), listLines, listTop, panes, scroll, titles,
    focus: ui.focus, tab: ui.tab, explanation: wrap(explanation(view), layout.width, 2), status: cut(statusText(view), layout.width),
    bottom: bottomLine(view, ui, layout.width), help: ui.help,
  };
}

function explanation(view: ReplayView): string {
  const frame = view.frame;
  if (frame === null) return view.length === 0 ? (view.indexDone ? 'The capture has no frames.' : 'Reading the capture...') : 'Before the first frame: nothing learned yet.';
  return `#${frame.no}: ${explainStep(frame.changes, view.report, view.topology, frame.summary, frame.no)}`;
}

/** A breakpoint as the status line shows it: `nat.remap`, `/arp/`. */
function short(breakpoint: string): string {
  return breakpoint.startsWith('change ') ? breakpoint.slice(7) : breakpoint.startsWith('filter ') ? `/${breakpoint.slice(7)}/` : breakpoint;
}

export function paceText(pace: Pace): string {
  return pace.kind === 'capture' ? `${pace.speed}x` : `${pace.framesPerSecond} fps`;
}

export function statusText(view: ReplayView): string {
  const parts = [`step ${view.position}/${view.length}${view.indexDone ? '' : '+'}`];
  const frame = view.frame;
  if (frame !== null) parts.push(`frame ${frame.no} on ${safe(frame.ifaceName ?? ifaceLabel(frame.iface, frame.ifindex, view.topology))}${frame.direction ? ` (${frame.direction})` : ''}`);
  parts.push(`${view.playing ? 'playing' : 'paused'} ${paceText(view.pace)}`);
  if (!view.indexDone) parts.push(`indexing ${Math.floor(view.progress * 100)}%`);
  if (view.breakpoints.length > 0) parts.push(`bp ${view.breakpoints.map(short).join(', ')}`);
  if (view.stopReason !== null) parts.push(view.stopReason.startsWith('breakpoint: ') ? `hit ${short(view.stopReason.slice(12))}` : view.stopReason);
  return parts.join(' | ');
}

function bottomLine(view: ReplayView, ui: UiState, width: number): { text: string; color?: string } {
  if (ui.prompt !== null) return { text: cut(`${PROMPT_LABELS[ui.prompt.kind]}${ui.prompt.text}_`, width), color: 'cyan' };
  if (view.message !== null) return { text: cut(view.message.text, width), color: view.message.error ? 'red' : 'green' };
  return { text: cut('? help  q quit  n/p step  space play  +/- speed  : go to  / filter  b break  Tab pane', width), color: 'gray' };
}


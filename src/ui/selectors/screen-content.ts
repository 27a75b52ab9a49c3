// What the screen shows of one replay state at one terminal size, before the UI's own state
// (focus, scroll, prompt) picks what is on screen. The App keeps one per step and size, so
// moving the focus or scrolling a pane rebuilds nothing here. Panes are built on first use:
// the small terminal shows one detail pane at a time and builds only that one.

import type { JsonValue } from '../../decode/index.js';
import type { StepFrame } from '../../replay/cursor.js';
import type { Pace } from '../../replay/player.js';
import type { Topology } from '../../topology/model.js';
import { explainStep } from './explain.js';
import { DETAIL_PANES, layoutFor, PANE_TITLES, type Layout, type PaneId } from './layout.js';
import { packetColumns, packetHeader, type PacketColumns } from './packet-columns.js';
import { ifaceLabel, type PacketRow } from './packet-rows.js';
import { hexText, linesText, tableText, topologyLines, treeLines, type PaneText } from './pane-lines.js';
import { paneTables, type StatePaneId, type StateTable } from './state-tables.js';
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
  /** A live capture's state (`dockshark -i`), escaped; absent or null for files. */
  readonly live?: LiveView | null;
}

export interface LiveView {
  readonly interfaces: readonly string[];
  /** The file kept (-w), or null for a temporary one. */
  readonly file: string | null;
  readonly captured: number;
  readonly stopped: boolean;
  /** The cursor moves on to each new frame (it is at the newest). */
  readonly following: boolean;
}

export class ScreenContent {
  readonly layout: Layout;
  readonly listColumns: PacketColumns;
  readonly listHeader: string;
  /** Two lines: the step explained in words. */
  readonly explanation: string[];
  readonly status: string;
  private readonly probe: Layout;
  private readonly texts = new Map<PaneId, PaneText>();
  private readonly tables = new Map<StatePaneId, StateTable[]>();

  constructor(readonly view: ReplayView, width: number, readonly height: number) {
    // Pane widths depend on the terminal only; the wide layout's heights on what each pane holds.
    this.probe = layoutFor(width, height);
    this.layout = this.probe.mode === 'compact' ? this.probe
      : layoutFor(width, height, Object.fromEntries(DETAIL_PANES.map((id) => [id, this.pane(id).length + 1])));
    this.listColumns = packetColumns(this.layout.width, view.lastFrameNo);
    this.listHeader = packetHeader(this.listColumns);
    this.explanation = wrap(explanation(view), this.layout.width, 2);
    this.status = cut(statusText(view), this.layout.width);
  }

  /** A detail pane's lines, built once. */
  pane(id: PaneId): PaneText {
    let text = this.texts.get(id);
    if (text === undefined) {
      text = this.build(id, this.paneWidth(id));
      this.texts.set(id, text);
    }
    return text;
  }

  /** A pane's title: the state panes count their entries. */
  title(id: PaneId): string {
    switch (id) {
      case 'fdb': return `FDB (${this.stateTables('fdb').reduce((n, t) => n + t.rows.length, 0)})`;
      case 'arp': return `ARP (${this.stateTables('arp')[0].rows.length})`;
      case 'nat': return `NAT (${this.stateTables('nat')[0].rows.length})`;
      default: return PANE_TITLES[id];
    }
  }

  private paneWidth(id: PaneId): number {
    const probe = this.probe;
    return probe.mode === 'compact' ? probe.width : probe.columns.flat().find((b) => b.id === id)?.width ?? probe.width;
  }

  private stateTables(id: StatePaneId): StateTable[] {
    let tables = this.tables.get(id);
    if (tables === undefined) {
      tables = paneTables(id, this.view.report, this.view.frame?.changes ?? []);
      this.tables.set(id, tables);
    }
    return tables;
  }

  private build(id: PaneId, width: number): PaneText {
    const view = this.view;
    switch (id) {
      case 'tree': return linesText(treeLines(view.frame, width));
      case 'hex': return hexText(view.frame, width);
      case 'topology': return linesText(topologyLines(topologyView(view.report, view.topology, view.frame), width));
      case 'fdb':
      case 'arp':
      case 'nat':
      case 'overlay': return tableText(this.stateTables(id), width);
      case 'list': return linesText([]);
    }
  }
}

function explanation(view: ReplayView): string {
  const frame = view.frame;
  if (frame === null && view.length === 0 && view.live) {
    return view.live.stopped ? 'The capture stopped before any frame arrived.' : `Waiting for frames on ${view.live.interfaces.join(', ')}...`;
  }
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
  const live = view.live ?? null;
  const parts = live === null ? [`step ${view.position}/${view.length}${view.indexDone ? '' : '+'}`] : [
    `${live.stopped ? 'STOPPED' : 'LIVE'} ${live.interfaces.join(',')}: ${live.captured} frames`,
    `step ${view.position}/${view.length}${live.following ? ' following' : ' (G follows)'}`,
  ];
  const frame = view.frame;
  if (frame !== null) parts.push(`frame ${frame.no} on ${safe(frame.ifaceName ?? ifaceLabel(frame.iface, frame.ifindex, view.topology))}${frame.direction ? ` (${frame.direction})` : ''}`);
  parts.push(`${view.playing ? 'playing' : 'paused'} ${paceText(view.pace)}`);
  if (!view.indexDone && live === null) parts.push(`indexing ${Math.floor(view.progress * 100)}%`);
  if (view.breakpoints.length > 0) parts.push(`bp ${view.breakpoints.map(short).join(', ')}`);
  if (view.stopReason !== null) parts.push(view.stopReason.startsWith('breakpoint: ') ? `hit ${short(view.stopReason.slice(12))}` : view.stopReason);
  if (live?.file) parts.push(`-w ${live.file}`);
  return parts.join(' | ');
}

// Each detail pane's content as styled lines for a given width: the components only paint
// them. A pane is a PaneText: its length and the line a step changed are known up front,
// but lines are formatted only when asked for, so a NAT table of thousands of rows costs
// the few rows on screen (its column widths still come from every row). Changed table rows
// are highlighted, removed ones shown in red.

import type { StepFrame } from '../../replay/cursor.js';
import { bytesPerLine, hexDump } from './hex-dump.js';
import { layerTree, treeLineText } from './layer-tree.js';
import type { StateTable } from './state-tables.js';
import { alignedLine, columnWidths, cut, narrowed } from './text.js';
import { markText, type TopologyLine } from './topology-view.js';

export interface StyledLine {
  readonly text: string;
  readonly color?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
  /** A line the current step changed: panes scroll to show it. */
  readonly marked?: boolean;
}

export interface PaneText {
  readonly length: number;
  /** The first line the current step changed (the pane scrolls to show it), or -1. */
  readonly firstMarked: number;
  /** Lines [from, from + count) that exist. */
  slice(from: number, count: number): StyledLine[];
}

/** A PaneText over lines built already (short panes). */
export function linesText(lines: readonly StyledLine[]): PaneText {
  return { length: lines.length, firstMarked: lines.findIndex((l) => l.marked), slice: (from, count) => lines.slice(Math.max(0, from), from + count) };
}

/** Every line of a pane (tests, and panes small enough to build whole). */
export function allLines(text: PaneText): StyledLine[] {
  return text.slice(0, text.length);
}

const NO_FRAME: StyledLine[] = [{ text: 'no frame selected', dim: true }];

export function treeLines(frame: StepFrame | null, width: number): StyledLine[] {
  if (frame === null) return NO_FRAME;
  const issues = frame.issues.map((i) => ({ layer: i.layer, offset: i.offset, kind: i.kind, message: i.message }));
  return layerTree(frame.layers, issues, width).map((line) => ({
    text: cut(treeLineText(line), width),
    bold: line.kind === 'layer',
    color: line.kind === 'issue' ? 'red' : line.kind === 'inner' ? 'cyan' : undefined,
  }));
}

/** The hex pane: a 9 KB jumbo frame is 600 lines, of which a dozen show. */
export function hexText(frame: StepFrame | null, width: number): PaneText {
  if (frame === null) return linesText(NO_FRAME);
  const perLine = bytesPerLine(width);
  return {
    length: Math.ceil(frame.bytes.length / perLine),
    firstMarked: -1,
    slice: (from, count) => hexDump(frame.bytes, perLine, from, count).map((text) => ({ text: cut(text, width) })),
  };
}

export function hexLines(frame: StepFrame | null, width: number): StyledLine[] {
  return allLines(hexText(frame, width));
}

/** Where one table's lines start in the pane, and how its rows are laid out. */
interface TableBlock {
  readonly table: StateTable;
  readonly start: number;
  /** Lines before the header: the table's title when the pane holds several tables. */
  readonly titled: boolean;
  /** The columns shown (optional ones dropped to fit) and their widths; null for an empty table. */
  readonly keep: number[] | null;
  readonly widths: number[] | null;
}

export function tableText(tables: readonly StateTable[], width: number): PaneText {
  const blocks: TableBlock[] = [];
  let length = 0;
  let firstMarked = -1;
  for (const table of tables) {
    const titled = tables.length > 1;
    const start = length;
    if (table.rows.length === 0) {
      blocks.push({ table, start, titled, keep: null, widths: null });
      length += (titled ? 1 : 0) + 1;
      continue;
    }
    const natural = columnWidths(table.columns, table.rows.map((r) => r.cells));
    const keep = keptColumns(natural, table.optional ?? [], width - 2);
    blocks.push({ table, start, titled, keep, widths: narrowed(keep.map((i) => natural[i]), width - 2) });
    const firstRow = start + (titled ? 1 : 0) + 1;
    if (firstMarked < 0) {
      const marked = table.rows.findIndex((r) => r.mark !== null);
      if (marked >= 0) firstMarked = firstRow + marked;
    }
    length = firstRow + table.rows.length;
  }
  const slice = (from: number, count: number): StyledLine[] => {
    const out: StyledLine[] = [];
    for (let line = Math.max(0, from); line < Math.min(length, from + count); line++) {
      let b = blocks.length - 1;
      while (b > 0 && blocks[b].start > line) b--;
      out.push(tableLine(blocks[b], line - blocks[b].start, width));
    }
    return out;
  };
  return { length, firstMarked, slice };
}

/** Line `at` of a table block (0: its title when titled). */
function tableLine({ table, titled, keep, widths }: TableBlock, at: number, width: number): StyledLine {
  if (titled && at === 0) return { text: cut(table.title, width), bold: true };
  const i = at - (titled ? 1 : 0);
  if (keep === null || widths === null) return { text: '  (empty)', dim: true };
  const pick = (cells: readonly string[]) => keep.map((c) => cells[c] ?? '');
  if (i === 0) return { text: `  ${alignedLine(pick(table.columns), widths, width - 2)}`, dim: true };
  const row = table.rows[i - 1];
  const text = `${row.mark === null ? ' ' : row.mark === 'removed' ? '-' : '*'} ${alignedLine(pick(row.cells), widths, width - 2)}`;
  if (row.mark === 'changed') return { text, color: 'yellow', bold: true, marked: true };
  if (row.mark === 'removed') return { text, color: 'red', marked: true };
  return { text };
}

export function tableLines(tables: readonly StateTable[], width: number): StyledLine[] {
  return allLines(tableText(tables, width));
}

/** Indexes of the columns shown: optional ones are dropped (in their order) until the rest fit. */
export function columnsThatFit(table: StateTable, width: number): number[] {
  return keptColumns(columnWidths(table.columns, table.rows.map((r) => r.cells)), table.optional ?? [], width);
}

function keptColumns(natural: readonly number[], optional: readonly number[], width: number): number[] {
  const keep = natural.map((_, i) => i);
  const total = () => keep.reduce((n, i) => n + natural[i], 0) + 2 * (keep.length - 1);
  for (const drop of optional) {
    if (total() <= width) break;
    keep.splice(keep.indexOf(drop), 1);
  }
  return keep;
}

const MARK_COLOURS: Record<string, string> = { in: 'green', out: 'magenta', here: 'cyan', flood: 'yellow' };

export function topologyLines(lines: readonly TopologyLine[], width: number): StyledLine[] {
  return lines.map((l) => ({
    text: cut(markText(l.mark) + l.text, width),
    color: l.mark === null ? undefined : MARK_COLOURS[l.mark],
    bold: l.mark !== null,
    marked: l.mark !== null,
  }));
}

/** The scroll offset that shows the first marked line, or `scroll` when none needs showing. */
export function autoScroll(text: PaneText, height: number, scroll: number): number {
  const first = text.firstMarked;
  if (first < 0 || (first >= scroll && first < scroll + height)) return clampScroll(scroll, text.length, height);
  return clampScroll(first - Math.floor(height / 3), text.length, height);
}

export function clampScroll(scroll: number, total: number, height: number): number {
  return Math.max(0, Math.min(scroll, total - height));
}

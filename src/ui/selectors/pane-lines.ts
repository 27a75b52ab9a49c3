// Each detail pane's content as styled lines for a given width: the components only slice
// and paint them. Changed table rows are highlighted, removed ones shown in red.

import type { StepFrame } from '../../replay/cursor.js';
import { bytesPerLine, hexDump } from './hex-dump.js';
import { layerTree, treeLineText } from './layer-tree.js';
import type { StateTable } from './state-tables.js';
import { alignColumns, columnWidths, cut } from './text.js';
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

export function hexLines(frame: StepFrame | null, width: number): StyledLine[] {
  if (frame === null) return NO_FRAME;
  return hexDump(frame.bytes, bytesPerLine(width)).map((text) => ({ text: cut(text, width) }));
}

export function tableLines(tables: readonly StateTable[], width: number): StyledLine[] {
  const out: StyledLine[] = [];
  for (const table of tables) {
    if (tables.length > 1) out.push({ text: cut(table.title, width), bold: true });
    if (table.rows.length === 0) {
      out.push({ text: '  (empty)', dim: true });
      continue;
    }
    const keep = columnsThatFit(table, width - 2);
    const pick = (cells: readonly string[]) => keep.map((i) => cells[i] ?? '');
    const aligned = alignColumns(pick(table.columns), table.rows.map((r) => pick(r.cells)), width - 2);
    out.push({ text: `  ${aligned.header}`, dim: true });
    table.rows.forEach((row, i) => {
      const text = `${row.mark === null ? ' ' : row.mark === 'removed' ? '-' : '*'} ${aligned.lines[i]}`;
      if (row.mark === 'changed') out.push({ text, color: 'yellow', bold: true, marked: true });
      else if (row.mark === 'removed') out.push({ text, color: 'red', marked: true });
      else out.push({ text });
    });
  }
  return out;
}

/** Indexes of the columns shown: optional ones are dropped (in their order) until the rest fit. */
export function columnsThatFit(table: StateTable, width: number): number[] {
  const natural = columnWidths(table.columns, table.rows.map((r) => r.cells));
  const keep = table.columns.map((_, i) => i);
  const total = () => keep.reduce((n, i) => n + natural[i], 0) + 2 * (keep.length - 1);
  for (const drop of table.optional ?? []) {
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
export function autoScroll(lines: readonly StyledLine[], height: number, scroll: number): number {
  const first = lines.findIndex((l) => l.marked);
  if (first < 0 || (first >= scroll && first < scroll + height)) return clampScroll(scroll, lines.length, height);
  return clampScroll(first - Math.floor(height / 3), lines.length, height);
}

export function clampScroll(scroll: number, total: number, height: number): number {
  return Math.max(0, Math.min(scroll, total - height));
}

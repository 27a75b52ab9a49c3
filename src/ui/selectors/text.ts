// Small text helpers shared by the selectors: every string from a capture goes through
// `safe` (control bytes shown escaped), and cells are cut or padded to a column width.

import { safeText } from '../../decode/index.js';

/** Capture-supplied text made harmless for a terminal (C0/C1 controls and DEL escaped). */
export function safe(value: unknown): string {
  if (value === null || value === undefined) return '-';
  // Numbers are most cells of the big tables (ports, frame numbers, counters): nothing to escape.
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') return safeText(JSON.stringify(value));
  return safeText(String(value));
}

/** `text` cut to `width` columns (with an ellipsis when cut). */
export function cut(text: string, width: number): string {
  if (width <= 0) return '';
  if (text.length <= width) return text;
  return width === 1 ? '…' : text.slice(0, width - 1) + '…';
}

/** `text` cut or right-padded to exactly `width` columns. */
export function fit(text: string, width: number): string {
  const c = cut(text, width);
  return c.length < width ? c + ' '.repeat(width - c.length) : c;
}

/** The widest cell of each column, header included (a loop: tables can have many thousand rows). */
export function columnWidths(columns: readonly string[], rows: readonly (readonly string[])[]): number[] {
  const widths = columns.map((c) => c.length);
  for (const row of rows) {
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], (row[i] ?? '').length);
  }
  return widths;
}

export interface TextTable {
  readonly header: string;
  readonly lines: string[];
}

/**
 * Rows aligned into columns that fit `width`: columns keep their natural width while the
 * total fits; otherwise the widest columns are narrowed first (cells then end in an ellipsis).
 */
export function alignColumns(columns: readonly string[], rows: readonly (readonly string[])[], width: number): TextTable {
  const widths = alignedWidths(columns, rows, width);
  return { header: alignedLine(columns, widths, width), lines: rows.map((r) => alignedLine(r, widths, width)) };
}

/** The column widths alignColumns uses: needs every row, but formats none of them. */
export function alignedWidths(columns: readonly string[], rows: readonly (readonly string[])[], width: number): number[] {
  return narrowed(columnWidths(columns, rows), width);
}

/** Natural column widths narrowed (the widest first, down to 4) until they and their gaps fit `width`. */
export function narrowed(natural: readonly number[], width: number): number[] {
  const widths = [...natural];
  const gaps = Math.max(0, widths.length - 1) * 2;
  let total = widths.reduce((a, b) => a + b, 0) + gaps;
  while (total > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 4) break;
    widths[widest]--;
    total--;
  }
  return widths;
}

/** One row laid out in `widths` (from alignedWidths): cells padded, the last one cut, no trailing spaces. */
export function alignedLine(cells: readonly string[], widths: readonly number[], width: number): string {
  return cut(cells.map((c, i) => (i === cells.length - 1 ? cut(c, widths[i]) : fit(c, widths[i]))).join('  ').trimEnd(), width);
}

/** `text` wrapped at spaces into at most `lines` lines of `width`; the last one cut. */
export function wrap(text: string, width: number, lines: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest !== '' && out.length < lines - 1 && rest.length > width) {
    let at = rest.lastIndexOf(' ', width);
    if (at <= 0) at = width;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  if (rest !== '') out.push(cut(rest, width));
  return out;
}

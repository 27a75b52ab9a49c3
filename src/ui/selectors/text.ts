// Small text helpers shared by the selectors: every string from a capture goes through
// `safe` (control bytes shown escaped), and cells are cut or padded to a column width.

import { safeText } from '../../decode/index.js';

/** Capture-supplied text made harmless for a terminal (C0/C1 controls and DEL escaped). */
export function safe(value: unknown): string {
  if (value === null || value === undefined) return '-';
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
  const widths = columnWidths(columns, rows);
  const gaps = Math.max(0, columns.length - 1) * 2;
  while (widths.reduce((a, b) => a + b, 0) + gaps > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 4) break;
    widths[widest]--;
  }
  const line = (cells: readonly string[]) =>
    cut(cells.map((c, i) => (i === cells.length - 1 ? cut(c, widths[i]) : fit(c, widths[i]))).join('  ').trimEnd(), width);
  return { header: line(columns), lines: rows.map(line) };
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

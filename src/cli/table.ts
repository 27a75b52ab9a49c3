// Plain-text tables for terminal output. Cells are escaped (interface names come
// from captures) and padded to the widest cell of each column.

import { safeText } from '../decode/index.js';

export function renderTable(title: string, headers: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  const cells = rows.map((row) => row.map((c) => (c === null || c === undefined ? '-' : safeText(String(c)))));
  // A loop, not Math.max(...cells): a table of a million rows would overflow the stack.
  const widths = headers.map((h, i) => cells.reduce((w, r) => Math.max(w, r[i]?.length ?? 0), h.length));
  // The last column is not padded: trimEnd of a padded line returns a slice that keeps the
  // whole padded string alive, and one wide cell made every line of its table that wide
  // (80 MB of spaces for the inferred topology of a 4 GB capture).
  const last = headers.length - 1;
  const line = (r: readonly string[]) => r.map((c, i) => (i === last ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  // Titles carry names too (a bridge's, from the capture's interface names): escaped like cells.
  const out = [safeText(title), line(headers), line(widths.map((w) => '-'.repeat(w)))];
  if (cells.length === 0) out.push('(none)');
  for (const r of cells) out.push(line(r));
  out.push('');
  return out;
}

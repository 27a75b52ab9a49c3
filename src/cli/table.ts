// Plain-text tables for terminal output. Cells are escaped (interface names come
// from captures) and padded to the widest cell of each column.

import { safeText } from '../decode/index.js';

export function renderTable(title: string, headers: readonly string[], rows: readonly (readonly unknown[])[]): string[] {
  const cells = rows.map((row) => row.map((c) => (c === null || c === undefined ? '-' : safeText(String(c)))));
  // A loop, not Math.max(...cells): a table of a million rows would overflow the stack.
  const widths = headers.map((h, i) => cells.reduce((w, r) => Math.max(w, r[i]?.length ?? 0), h.length));
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  // Titles carry names too (a bridge's, from the capture's interface names): escaped like cells.
  const out = [safeText(title), line(headers), line(widths.map((w) => '-'.repeat(w)))];
  if (cells.length === 0) out.push('(none)');
  for (const r of cells) out.push(line(r));
  out.push('');
  return out;
}

// Where the panes go for a terminal size. Below 110x30 (80x24 included) the packet list
// sits above one detail area whose panes are tabs; larger terminals show every pane at
// once: the frame (tree, hex, topology) on the left, the tables on the right.

export type PaneId = 'list' | 'tree' | 'hex' | 'topology' | 'fdb' | 'arp' | 'nat' | 'overlay';

export const DETAIL_PANES: readonly PaneId[] = ['tree', 'hex', 'fdb', 'arp', 'nat', 'overlay', 'topology'];
export const FOCUS_ORDER: readonly PaneId[] = ['list', ...DETAIL_PANES];

export const PANE_TITLES: Record<PaneId, string> = {
  list: 'Packets', tree: 'Layers', hex: 'Hex', topology: 'Topology', fdb: 'FDB', arp: 'ARP', nat: 'NAT', overlay: 'Overlay',
};

export interface PaneBox {
  readonly id: PaneId;
  readonly width: number;
  /** Lines including the pane's title line. */
  readonly height: number;
}

export interface Layout {
  readonly mode: 'compact' | 'wide';
  readonly width: number;
  /** Packet rows shown (the header line is extra). */
  readonly listRows: number;
  /** Compact: the one detail area (title/tab line included). Wide: unused. */
  readonly detail: { readonly width: number; readonly height: number };
  /** Wide: columns of stacked panes. */
  readonly columns: PaneBox[][];
}

/** Lines outside the panes: explanation (two), status, prompt/message. */
export const FIXED_LINES = 4;
export const WIDE_MIN = { width: 110, height: 30 };

/**
 * Heights for stacked panes wanting `desired` lines each, in `total` lines: each gets up to
 * `min` first, then the rest goes in order of `desired` (earlier panes first), and what is
 * still left to the first pane.
 */
export function allocateHeights(desired: readonly number[], total: number, min = 3): number[] {
  const n = desired.length;
  if (n === 0) return [];
  if (total < n * min) {
    const each = Math.floor(total / n);
    return desired.map((_, i) => each + (i === 0 ? total - each * n : 0));
  }
  const out = desired.map(() => min);
  let left = total - n * min;
  for (let i = 0; i < n && left > 0; i++) {
    const more = Math.min(Math.max(0, desired[i] - out[i]), left);
    out[i] += more;
    left -= more;
  }
  out[0] += left;
  return out;
}

/** `desired` gives the lines each pane would like (title included), for the wide layout. */
export function layoutFor(width: number, height: number, desired: Partial<Record<PaneId, number>> = {}): Layout {
  const w = Math.max(40, width);
  const h = Math.max(12, height);
  if (w < WIDE_MIN.width || h < WIDE_MIN.height) {
    const listRows = Math.max(3, Math.floor((h - FIXED_LINES) * 0.45) - 1);
    return { mode: 'compact', width: w, listRows, detail: { width: w, height: h - FIXED_LINES - listRows - 1 }, columns: [] };
  }
  const listRows = Math.min(30, Math.max(8, Math.floor(h * 0.3)));
  const middle = h - FIXED_LINES - listRows - 1;
  const right = Math.min(110, Math.max(80, Math.floor(w * 0.55)));
  const left = w - right - 1;
  const stack = (ids: PaneId[], colWidth: number): PaneBox[] => {
    const heights = allocateHeights(ids.map((id) => desired[id] ?? middle), middle);
    return ids.map((id, i) => ({ id, width: colWidth, height: heights[i] }));
  };
  return {
    mode: 'wide', width: w, listRows, detail: { width: 0, height: 0 },
    columns: [stack(['tree', 'hex', 'topology'], left), stack(['fdb', 'nat', 'arp', 'overlay'], right)],
  };
}

export function nextPane(current: PaneId, direction: 1 | -1): PaneId {
  const i = FOCUS_ORDER.indexOf(current);
  return FOCUS_ORDER[(i + direction + FOCUS_ORDER.length) % FOCUS_ORDER.length];
}

/** The first row index of the packet list window that keeps `selected` visible, moving as little as possible. */
export function listWindowTop(selected: number, rows: number, previousTop: number, total: number): number {
  let top = Math.max(0, Math.min(previousTop, Math.max(0, total - rows)));
  if (selected < top) top = selected;
  else if (selected >= top + rows) top = selected - rows + 1;
  return Math.max(0, top);
}

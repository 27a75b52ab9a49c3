// Layout for a terminal size, pane heights, column fitting, and the keymap as data.
import { describe, expect, it } from 'vitest';
import { actionFor, KEYMAP, splitKeys, type Action } from '../../src/ui/keymap.js';
import { allocateHeights, FIXED_LINES, FOCUS_ORDER, layoutFor, listWindowTop, nextPane } from '../../src/ui/selectors/layout.js';
import { columnsThatFit, tableLines } from '../../src/ui/selectors/pane-lines.js';
import type { StateTable } from '../../src/ui/selectors/state-tables.js';
import { alignColumns, wrap } from '../../src/ui/selectors/text.js';

describe('layout', () => {
  it('uses tabs for the detail panes at 80x24, filling the height exactly', () => {
    const l = layoutFor(80, 23);
    expect(l.mode).toBe('compact');
    expect(l.listRows).toBeGreaterThanOrEqual(6);
    expect(FIXED_LINES + l.listRows + 1 + l.detail.height).toBe(23);
    expect(l.detail.height).toBeGreaterThanOrEqual(8);
  });

  it('shows every pane in two columns on a large terminal', () => {
    const l = layoutFor(120, 39, { tree: 14, hex: 7, topology: 9, fdb: 7, nat: 10, arp: 8, overlay: 8 });
    expect(l.mode).toBe('wide');
    expect(l.columns.map((c) => c.map((b) => b.id))).toEqual([['tree', 'hex', 'topology'], ['fdb', 'nat', 'arp', 'overlay']]);
    const middle = 39 - FIXED_LINES - l.listRows - 1;
    for (const column of l.columns) expect(column.reduce((n, b) => n + b.height, 0)).toBe(middle);
    expect(l.columns[0][0].width + 1 + l.columns[1][0].width).toBe(120);
    // FDB and NAT come first on the right and get what they ask for.
    expect(l.columns[1][0].height).toBe(7);
    expect(l.columns[1][1].height).toBe(10);
  });

  it('allocates heights: a minimum each, then in order, the rest to the first', () => {
    expect(allocateHeights([10, 10, 10], 20)).toEqual([10, 7, 3]);
    expect(allocateHeights([2, 2], 20)).toEqual([17, 3]);
    expect(allocateHeights([10, 10, 10], 7)).toEqual([3, 2, 2]);
  });

  it('keeps the selected packet in the list window, moving it as little as possible', () => {
    expect(listWindowTop(5, 10, 0, 100)).toBe(0);
    expect(listWindowTop(10, 10, 0, 100)).toBe(1);
    expect(listWindowTop(3, 10, 5, 100)).toBe(3);
    expect(listWindowTop(99, 10, 95, 100)).toBe(90);
  });

  it('cycles focus through every pane', () => {
    let pane = FOCUS_ORDER[0];
    for (let i = 0; i < FOCUS_ORDER.length; i++) pane = nextPane(pane, 1);
    expect(pane).toBe('list');
    expect(nextPane('list', -1)).toBe('topology');
  });
});

describe('tables and text that fit', () => {
  const table: StateTable = {
    title: 'NAT translations', columns: ['proto', 'original', 'translated', 'in>out', 'pkts', ''], optional: [4, 3],
    rows: [{ cells: ['udp', '172.17.0.3:40000 > 198.51.100.1:7', 'src 198.51.100.2:49383', 'docker0>eth0', '1/1', 'new,remap'], mark: 'changed' }],
  };

  it('drops optional columns before cutting cells', () => {
    expect(columnsThatFit(table, 200)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(columnsThatFit(table, 78)).toEqual([0, 1, 2, 5]);
    const lines = tableLines([table], 80);
    expect(lines[1]).toMatchObject({ text: '* udp    172.17.0.3:40000 > 198.51.100.1:7  src 198.51.100.2:49383  new,remap', marked: true, color: 'yellow' });
    for (const line of tableLines([table], 50)) expect(line.text.length).toBeLessThanOrEqual(50);
  });

  it('aligns columns and cuts with an ellipsis', () => {
    expect(alignColumns(['a', 'bb'], [['xxx', 'y']], 20)).toEqual({ header: 'a    bb', lines: ['xxx  y'] });
    expect(alignColumns(['a', 'b'], [['0123456789', '0123456789']], 16).lines[0]).toBe('012345…  012345…');
  });

  it('wraps the explanation at spaces into two lines', () => {
    expect(wrap('one two three four', 9, 2)).toEqual(['one two', 'three fo…']);
    expect(wrap('short', 9, 2)).toEqual(['short']);
  });
});

describe('keymap', () => {
  it('binds every action once, and each key to one action', () => {
    const keys = KEYMAP.flatMap((b) => b.keys);
    expect(new Set(keys).size).toBe(keys.length);
    const actions: Action[] = ['up', 'down', 'pageUp', 'pageDown', 'next', 'previous', 'first', 'last', 'togglePlay', 'faster', 'slower', 'togglePace',
      'gotoFrame', 'filter', 'breakpoint', 'continue', 'nextPane', 'previousPane', 'help', 'quit', 'cancel'];
    expect(KEYMAP.map((b) => b.action).sort()).toEqual([...actions].sort());
    for (const b of KEYMAP) expect(b.help.length).toBeGreaterThan(3);
  });

  it('maps keys as Ink reports them', () => {
    expect(actionFor('j', {})).toBe('down');
    expect(actionFor('', { downArrow: true })).toBe('down');
    expect(actionFor('G', { shift: true })).toBe('last');
    expect(actionFor(' ', {})).toBe('togglePlay');
    expect(actionFor('', { tab: true, shift: true })).toBe('previousPane');
    expect(actionFor('q', { ctrl: true })).toBeNull();
    expect(actionFor('x', {})).toBeNull();
  });

  it('splits keys that arrived in one read', () => {
    expect(splitKeys(':15\r', {})).toEqual([[':', { shift: false }], ['1', { shift: false }], ['5', { shift: false }], ['', { return: true }]]);
    expect(splitKeys('\t\t', {})).toEqual([['', { tab: true }], ['', { tab: true }]]);
    expect(splitKeys('q', { ctrl: false })).toEqual([['q', { ctrl: false }]]);
  });
});

// Every key binding, as data: the App looks actions up here and the help overlay lists
// this array, so the two cannot disagree.

export type Action =
  | 'up' | 'down' | 'pageUp' | 'pageDown' | 'next' | 'previous' | 'first' | 'last'
  | 'togglePlay' | 'faster' | 'slower' | 'togglePace' | 'gotoFrame' | 'filter' | 'breakpoint' | 'continue'
  | 'nextPane' | 'previousPane' | 'help' | 'quit' | 'cancel';

export interface Binding {
  /** Key names as `keyName` gives them: a character, or up/down/left/right/pageup/pagedown/home/end/tab/shift-tab/space/escape. */
  readonly keys: readonly string[];
  readonly action: Action;
  readonly help: string;
}

export const KEYMAP: readonly Binding[] = [
  { keys: ['down', 'j'], action: 'down', help: 'packet list: next frame; other panes: scroll down' },
  { keys: ['up', 'k'], action: 'up', help: 'packet list: previous frame; other panes: scroll up' },
  { keys: ['n', 'right'], action: 'next', help: 'step forward one frame' },
  { keys: ['p', 'left'], action: 'previous', help: 'step back one frame' },
  { keys: ['pagedown'], action: 'pageDown', help: 'a page forward (or scroll the pane)' },
  { keys: ['pageup'], action: 'pageUp', help: 'a page back (or scroll the pane)' },
  { keys: ['g', 'home'], action: 'first', help: 'first frame' },
  { keys: ['G', 'end'], action: 'last', help: 'last frame (indexed so far)' },
  { keys: ['space'], action: 'togglePlay', help: 'play / pause at the capture\'s pace' },
  { keys: ['+', '='], action: 'faster', help: 'play faster (0.1x .. 100x)' },
  { keys: ['-', '_'], action: 'slower', help: 'play slower' },
  { keys: ['r'], action: 'togglePace', help: 'switch between the capture\'s pace and a fixed rate (10 fps; +/- change it)' },
  { keys: [':'], action: 'gotoFrame', help: 'go to frame number (or 12.5s: time from the start)' },
  { keys: ['/'], action: 'filter', help: 'next frame matching a display filter (arp, ip.addr == 10.0.0.2, udp.port == 53, vxlan.vni == 42, change == fdb.move...)' },
  { keys: ['b'], action: 'breakpoint', help: 'add a breakpoint on a change kind (fdb.move, nat, arp.*); empty clears' },
  { keys: ['c'], action: 'continue', help: 'run to the next breakpoint' },
  { keys: ['tab'], action: 'nextPane', help: 'focus the next pane (it scrolls)' },
  { keys: ['shift-tab'], action: 'previousPane', help: 'focus the previous pane' },
  { keys: ['?'], action: 'help', help: 'show / hide this help' },
  { keys: ['escape'], action: 'cancel', help: 'close help or a prompt, cancel a search or a run to a breakpoint' },
  { keys: ['q'], action: 'quit', help: 'quit' },
];

/** The parts of Ink's Key the keymap reads. */
export interface KeyFlags {
  upArrow?: boolean; downArrow?: boolean; leftArrow?: boolean; rightArrow?: boolean;
  pageUp?: boolean; pageDown?: boolean; home?: boolean; end?: boolean;
  tab?: boolean; shift?: boolean; escape?: boolean; return?: boolean; ctrl?: boolean; meta?: boolean;
}

/** One name for a key press (see Binding.keys), or null for keys the keymap never binds. */
export function keyName(input: string, key: KeyFlags): string | null {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.escape) return 'escape';
  if (key.return) return 'return';
  if (key.ctrl || key.meta) return null;
  if (input === ' ') return 'space';
  return input.length === 1 ? input : null;
}

const byKey = new Map<string, Action>(KEYMAP.flatMap((b) => b.keys.map((k) => [k, b.action] as [string, Action])));

export function actionFor(input: string, key: KeyFlags): Action | null {
  const name = keyName(input, key);
  return name === null ? null : byKey.get(name) ?? null;
}

/** "down j" style key list for the help overlay. */
export function keysText(binding: Binding): string {
  return binding.keys.join(' ');
}

/**
 * Ink hands text that arrives in one read (a paste, or keys typed faster than a read, as
 * tmux send-keys does) to the handler as one string: split it back into key presses.
 */
export function splitKeys<K extends KeyFlags>(input: string, key: K): [string, KeyFlags & { backspace?: boolean }][] {
  if (input.length <= 1) return [[input, key]];
  const out: [string, KeyFlags & { backspace?: boolean }][] = [];
  for (const c of input) {
    if (c === '\r' || c === '\n') out.push(['', { return: true }]);
    else if (c === '\t') out.push(['', { tab: true }]);
    else if (c === '\x7f' || c === '\b') out.push(['', { backspace: true }]);
    else if (c >= ' ') out.push([c, { shift: c !== c.toLowerCase() }]);
  }
  return out;
}

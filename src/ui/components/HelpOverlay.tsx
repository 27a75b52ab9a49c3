// The key bindings, straight from the keymap.

import { Box } from 'ink';
import { LineText } from './LineText.js';
import { KEYMAP, keysText } from '../keymap.js';
import { cut } from '../selectors/text.js';

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const keyWidth = Math.max(...KEYMAP.map((b) => keysText(b).length)) + 2;
  const lines = KEYMAP.map((b) => cut(`${keysText(b).padEnd(keyWidth)}${b.help}`, width - 2));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LineText bold inverse width={width} text={' dockshark keys (? or Esc closes) '.padEnd(width, ' ')} />
      {lines.slice(0, Math.max(0, height - 1)).map((line, i) => <LineText key={i} width={width} text={` ${line}`} />)}
    </Box>
  );
}

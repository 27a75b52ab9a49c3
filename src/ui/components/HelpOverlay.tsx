// The key bindings, straight from the keymap.

import { Box, Text } from 'ink';
import { KEYMAP, keysText } from '../keymap.js';
import { cut } from '../selectors/text.js';

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  const keyWidth = Math.max(...KEYMAP.map((b) => keysText(b).length)) + 2;
  const lines = KEYMAP.map((b) => cut(`${keysText(b).padEnd(keyWidth)}${b.help}`, width - 2));
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold inverse wrap="truncate">{cut(' dockshark keys (? or Esc closes) '.padEnd(width, ' '), width)}</Text>
      {lines.slice(0, Math.max(0, height - 1)).map((line, i) => <Text key={i} wrap="truncate"> {line}</Text>)}
    </Box>
  );
}

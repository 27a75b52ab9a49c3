// A titled pane showing `height - 1` of its lines from `scroll`: only those lines render.

import { Box, Text } from 'ink';
import type { StyledLine } from '../selectors/pane-lines.js';
import { cut } from '../selectors/text.js';

export interface PaneProps {
  readonly title: string;
  readonly focused: boolean;
  readonly width: number;
  /** Lines including the title line. */
  readonly height: number;
  readonly lines: readonly StyledLine[];
  readonly scroll: number;
}

export function Pane({ title, focused, width, height, lines, scroll }: PaneProps) {
  const rows = Math.max(0, height - 1);
  const shown = lines.slice(scroll, scroll + rows);
  const more = lines.length - scroll - shown.length;
  const heading = `${focused ? '>' : '-'} ${title}${scroll > 0 ? ` [${scroll} above]` : ''}${more > 0 ? ` [${more} more]` : ''} `;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text inverse={focused} bold={focused} color={focused ? undefined : 'gray'} wrap="truncate">{cut(heading.padEnd(width, '-'), width)}</Text>
      {shown.map((line, i) => <PaneLine key={i} line={line} width={width} />)}
    </Box>
  );
}

export function PaneLine({ line, width }: { line: StyledLine; width: number }) {
  return (
    <Text color={line.color} bold={line.bold} dimColor={line.dim} inverse={line.inverse} wrap="truncate">
      {line.text === '' ? ' ' : cut(line.text, width)}
    </Text>
  );
}

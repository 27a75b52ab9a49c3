// A titled pane: the title line and the lines of its window (the model holds only those).
// Memoised: a step that leaves a pane's window as it was does not render it again.

import { Box } from 'ink';
import { memo } from 'react';
import type { StyledLine } from '../selectors/pane-lines.js';
import { LineText } from './LineText.js';
import { sameRecord, sameRecords } from './same.js';

export interface PaneProps {
  readonly title: string;
  readonly focused: boolean;
  readonly width: number;
  /** Lines including the title line. */
  readonly height: number;
  /** The lines shown: at most `height - 1`, from line `scroll` of the pane. */
  readonly lines: readonly StyledLine[];
  readonly scroll: number;
  /** Lines in the whole pane. */
  readonly total: number;
}

function PaneView({ title, focused, width, height, lines, scroll, total }: PaneProps) {
  const more = total - scroll - lines.length;
  const heading = `${focused ? '>' : '-'} ${title}${scroll > 0 ? ` [${scroll} above]` : ''}${more > 0 ? ` [${more} more]` : ''} `;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <LineText inverse={focused} bold={focused} color={focused ? undefined : 'gray'} width={width} text={heading.padEnd(width, '-')} />
      {lines.map((line, i) => <PaneLine key={i} line={line} width={width} />)}
    </Box>
  );
}

export const Pane = memo(PaneView, (a, b) => sameRecord({ ...a, lines: null }, { ...b, lines: null }) && sameRecords(a.lines, b.lines));

export function PaneLine({ line, width }: { line: StyledLine; width: number }) {
  return <LineText color={line.color} bold={line.bold} dim={line.dim} inverse={line.inverse} width={width} text={line.text} />;
}

// The packet list: a header and the visible window of rows (virtualised: the model holds
// only the rows on screen), coloured by protocol, the selected step inverted. Memoised like
// the panes: a redraw that leaves the list as it was does not render it again.

import { Box } from 'ink';
import { memo } from 'react';
import type { ListLine } from '../selectors/screen-model.js';
import { LineText } from './LineText.js';
import { sameRecord, sameRecords } from './same.js';

export interface PacketListProps {
  readonly header: string;
  readonly lines: readonly ListLine[];
  readonly width: number;
  /** Row lines (the header is extra). */
  readonly rows: number;
  readonly focused: boolean;
}

function PacketListView({ header, lines, width, rows, focused }: PacketListProps) {
  return (
    <Box flexDirection="column" width={width} height={rows + 1}>
      <LineText inverse={focused} bold width={width} text={header.padEnd(width)} />
      {lines.map((line, i) => (
        <LineText key={i} color={line.selected ? undefined : line.color} inverse={line.selected} bold={line.selected}
          width={width}
          text={line.selected ? line.text.padEnd(width) : line.text} />
      ))}
    </Box>
  );
}

export const PacketList = memo(PacketListView, (a, b) => sameRecord({ ...a, lines: null }, { ...b, lines: null }) && sameRecords(a.lines, b.lines));

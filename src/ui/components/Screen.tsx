// The whole screen from a ScreenModel: packet list, explanation, the detail panes (tabs in
// a small terminal, columns in a large one), status and prompt lines. State comes in as
// props only, so tests render it with hand-made models.

import { Box } from 'ink';
import type { ScreenModel } from '../selectors/screen-model.js';
import { HelpOverlay } from './HelpOverlay.js';
import { LineText } from './LineText.js';
import { PacketList } from './PacketList.js';
import { Pane } from './Pane.js';

export function Screen({ model }: { model: ScreenModel }) {
  const { layout, width } = model;
  if (model.help) {
    // The help takes the whole screen but the prompt line: 80x24 has room for every binding.
    return (
      <Box flexDirection="column" width={width} height={model.height}>
        <HelpOverlay width={width} height={model.height - 1} />
        <LineText color={model.bottom.color} width={width} text={model.bottom.text} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={width} height={model.height}>
      <PacketList header={model.listHeader} lines={model.listLines} width={width} rows={layout.listRows} focused={model.focus === 'list'} />
      {layout.mode === 'compact' ? <CompactDetail model={model} /> : <WideDetail model={model} />}
      <LineText bold width={width} text={model.explanation[0] ?? ''} />
      <LineText bold width={width} text={model.explanation[1] ?? ''} />
      <LineText inverse width={width} text={model.status.padEnd(width)} />
      <LineText color={model.bottom.color} width={width} text={model.bottom.text} />
    </Box>
  );
}

function CompactDetail({ model }: { model: ScreenModel }) {
  const { width, height } = model.layout.detail;
  const tab = model.tab;
  const pane = model.panes[tab];
  return (
    <Box flexDirection="column" width={width} height={height}>
      {pane && <Pane title={pane.title} focused={model.focus === tab} width={width} height={height} lines={pane.lines} scroll={pane.scroll} total={pane.total} />}
    </Box>
  );
}

function WideDetail({ model }: { model: ScreenModel }) {
  return (
    <Box flexDirection="row" width={model.width}>
      {model.layout.columns.map((column, c) => (
        <Box key={c} flexDirection="column" width={column[0]?.width ?? 0} marginRight={c < model.layout.columns.length - 1 ? 1 : 0}>
          {column.map((box) => {
            const pane = model.panes[box.id];
            return pane && (
              <Pane key={box.id} title={pane.title} focused={model.focus === box.id} width={box.width} height={box.height}
                lines={pane.lines} scroll={pane.scroll} total={pane.total} />
            );
          })}
        </Box>
      ))}
    </Box>
  );
}

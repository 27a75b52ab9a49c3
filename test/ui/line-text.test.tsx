// LineText paints a cut line exactly as <Text wrap="truncate"> does, while Ink lays out (and
// measures) only printable ASCII: `…` would send string-width down its slow path every render.
import chalk from 'chalk';
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { isValidElement, type ReactElement } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineText, type LineStyle } from '../../src/ui/components/LineText.js';
import { cut } from '../../src/ui/selectors/text.js';

const TEXTS = ['plain ascii line', 'cut at the end…', '…', 'a…b… two cut cells…', 'x', '', '12:34 veth1a2b3c… 02:42:ac:11:00:02', 'wide 漢字 then cut…'];
const COLOURS = [undefined, 'gray', 'yellow', 'red', 'cyan', 'green', '#ff8800'];

function styles(): LineStyle[] {
  const out: LineStyle[] = [];
  for (const color of COLOURS) {
    for (let bits = 0; bits < 8; bits++) out.push({ color, bold: (bits & 1) !== 0, dim: (bits & 2) !== 0, inverse: (bits & 4) !== 0 });
  }
  return out;
}

function frame(node: ReactElement, width: number): string {
  const app = render(<Box flexDirection="column" width={width}>{node}</Box>);
  const out = app.lastFrame() ?? '';
  app.unmount();
  return out;
}

describe('LineText', () => {
  let level: typeof chalk.level;
  // Colours on, as in a terminal (under the test runner chalk would paint none, and every style would look alike).
  beforeAll(() => {
    level = chalk.level;
    chalk.level = 3;
  });
  afterAll(() => {
    chalk.level = level;
  });

  it('paints every line, cut or not, and every style as Ink\'s Text paints the cut line, byte for byte', () => {
    let compared = 0;
    for (const width of [40, 12, 1]) {
      for (const text of TEXTS) {
        for (const style of styles()) {
          const shown = cut(text, width) || ' ';
          const ink = frame(<Text color={style.color} bold={style.bold} dimColor={style.dim} inverse={style.inverse} wrap="truncate">{shown}</Text>, width);
          const ours = frame(<LineText text={text} width={width} {...style} />, width);
          expect(ours, `${JSON.stringify(text)} in ${width} ${JSON.stringify(style)}`).toBe(ink);
          compared++;
        }
      }
    }
    expect(compared).toBe(3 * TEXTS.length * COLOURS.length * 8);
    // The colours really are painted (the comparison is not between two plain texts).
    expect(frame(<LineText text="cut here" width={4} color="yellow" bold />, 4)).toBe('\x1b[1m\x1b[33mcut…\x1b[39m\x1b[22m');
  });

  it('paints a column of lines, cut and not, the same way over several renders', () => {
    const rows = (component: 'ours' | 'ink') => (
      <Box flexDirection="column" width={30}>
        {TEXTS.map((text, i) => component === 'ours'
          ? <LineText key={i} text={text} width={30} color={i % 2 === 0 ? 'cyan' : undefined} inverse={i === 3} />
          : <Text key={i} color={i % 2 === 0 ? 'cyan' : undefined} inverse={i === 3} wrap="truncate">{cut(text, 30) || ' '}</Text>)}
      </Box>
    );
    const ours = render(rows('ours'));
    const ink = render(rows('ink'));
    for (let i = 0; i < 3; i++) {
      ours.rerender(rows('ours'));
      ink.rerender(rows('ink'));
      expect(ours.lastFrame()).toBe(ink.lastFrame());
    }
    ours.unmount();
    ink.unmount();
  });

  it('hands Ink only printable ASCII to lay out, at a fixed size, when the line is ASCII and `…`', () => {
    for (const text of TEXTS.filter((t) => /^[\x20-\x7e…]*$/.test(t))) {
      for (const width of [40, 12, 1]) {
        const element = LineText({ text, width, color: 'yellow' }) as ReactElement<{ children: string; style: Record<string, unknown> }>;
        expect(isValidElement(element)).toBe(true);
        expect(element.type).toBe('ink-text');
        const laidOut = element.props.children;
        expect(laidOut).toMatch(/^[\x20-\x7e]+$/);
        expect(laidOut.length).toBe(Math.max(1, Math.min(width, text.length)));
        // Width and height both set: Yoga does not ask Ink to measure it (Ink would keep the text for good).
        expect(element.props.style).toMatchObject({ width, height: 1, textWrap: 'truncate' });
      }
    }
  });

  it('leaves a colour chalk does not name to Ink\'s Text', () => {
    const element = LineText({ text: 'cut…', width: 10, color: '#ff8800' }) as ReactElement<{ children: string }>;
    expect(element.type).toBe(Text);
    expect(element.props.children).toBe('cut…');
  });
});

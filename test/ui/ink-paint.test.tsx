// The cheaper paint (src/ui/ink-paint.ts, ink-grid.ts) gives Ink's own output byte for byte:
// colours, bold/inverse runs, wide characters, lines past the screen's edge, blank rows.
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { speedUpInkPaint } from '../../src/ui/ink-paint.js';

interface Output {
  write(x: number, y: number, text: string, options: { transformers: ((line: string, index: number) => string)[] }): void;
  get(): { output: string; height: number };
}
type OutputClass = (new (options: { width: number; height: number }) => Output) & { prototype: Output };

const inkMain = createRequire(import.meta.url).resolve('ink');
const { default: Output } = (await import(pathToFileURL(join(dirname(inkMain), 'output.js')).href)) as { default: OutputClass };
const inksOwnGet = Output.prototype.get;

const yellow = (line: string) => `\x1b[33m${line}\x1b[39m`;
const bold = (line: string) => `\x1b[1m${line}\x1b[22m`;
const inverse = (line: string) => `\x1b[7m${line}\x1b[27m`;
const dim = (line: string) => `\x1b[2m${line}\x1b[22m`;

function paint(get: () => { output: string; height: number }, width: number, height: number) {
  const output = new Output({ width, height });
  output.write(0, 0, 'No.  Time  Source', { transformers: [inverse, bold] });
  output.write(0, 1, 'plain line\n\nafter a blank line', { transformers: [] });
  output.write(2, 4, 'yellow and bold\nsecond line', { transformers: [yellow, bold] });
  output.write(20, 4, 'dim over the end of the row, cut…', { transformers: [dim] });
  output.write(0, 6, '漢字 wide, then ascii', { transformers: [yellow] });
  output.write(5, 6, 'overwrites', { transformers: [] });
  output.write(0, height - 1, 'last\npast the bottom', { transformers: [bold, inverse] });
  output.write(0, 7, '\x1b[31mred\x1b[39m then \x1b[1;32mbold green\x1b[22;39m', { transformers: [] });
  return get.call(output);
}

describe('the cheaper Ink paint', () => {
  it('installs on this Ink', async () => {
    expect(await speedUpInkPaint()).toBe(true);
    expect(Output.prototype.get).not.toBe(inksOwnGet);
  });

  it('paints what Ink paints, byte for byte', async () => {
    await speedUpInkPaint();
    for (const [width, height] of [[40, 10], [120, 12], [8, 3]]) {
      const ink = paint(function (this: Output) { return inksOwnGet.call(this); }, width, height);
      const ours = paint(function (this: Output) { return Output.prototype.get.call(this); }, width, height);
      expect(ours).toEqual(ink);
    }
    // Twice: the second paint comes from the kept lines.
    const again = paint(function (this: Output) { return Output.prototype.get.call(this); }, 40, 10);
    expect(again).toEqual(paint(function (this: Output) { return inksOwnGet.call(this); }, 40, 10));
  });

  it('is what the UI renders through', async () => {
    await speedUpInkPaint();
    let calls = 0;
    const patched = Output.prototype.get;
    Output.prototype.get = function get(this: Output) {
      calls++;
      return patched.call(this);
    };
    try {
      const app = render(<Box flexDirection="column"><Text color="yellow">one</Text><Text inverse>two</Text></Box>);
      expect(app.lastFrame()).toContain('two');
      app.unmount();
    } finally {
      Output.prototype.get = patched;
    }
    expect(calls).toBeGreaterThan(0);
  });
});

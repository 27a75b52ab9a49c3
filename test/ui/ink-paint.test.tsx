// The cheaper paint (src/ui/ink-paint.ts, ink-grid.ts, ink-line.ts) gives Ink's own output
// byte for byte: colours, bold/inverse runs, wide characters, lines past the screen's edge,
// blank rows, writes side by side and over each other, and random screens of all of these.
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

  it('paints random screens as Ink does', async () => {
    await speedUpInkPaint();
    const random = seeded(7);
    for (let screen = 0; screen < 300; screen++) {
      const width = 1 + Math.floor(random() * 50);
      const height = 1 + Math.floor(random() * 8);
      const writes = randomWrites(random, width, height);
      const paintWith = (get: () => { output: string; height: number }) => {
        const output = new Output({ width, height });
        for (const [x, y, text, transformers] of writes) output.write(x, y, text, { transformers });
        return get.call(output);
      };
      const ink = paintWith(function (this: Output) { return inksOwnGet.call(this); });
      expect(paintWith(function (this: Output) { return Output.prototype.get.call(this); }), JSON.stringify(writes)).toEqual(ink);
    }
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

/** Deterministic pseudo-random numbers in [0, 1) (a linear congruential sequence). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

type Write = [number, number, string, ((line: string, index: number) => string)[]];

/**
 * Writes as the UI's Texts make them, and worse: mostly side by side (panes in columns), some
 * overlapping or past the edges; ASCII with cut marks, wide and combining characters, SGR
 * codes inside the text (compound, resets, codes that change nothing), stray escapes.
 */
function randomWrites(random: () => number, width: number, height: number): Write[] {
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const pieces = ['abc', 'No. ', '10.0.0.1', ' ', '  ', '…', '漢', 'é', 'e\u0301', '→', '\x1b[31m', '\x1b[39m', '\x1b[1;32m',
    '\x1b[22;39m', '\x1b[0m', '\x1b[7m', '\x1b[27m', '\x1b[2m', '\x1b[38;5;120m', '\x1b[m', '\x1bx', '-----'];
  const styles = [yellow, bold, inverse, dim];
  const writes: Write[] = [];
  let column = 0;
  for (let n = Math.floor(random() * 8); n > 0; n--) {
    const lines = Array.from({ length: 1 + Math.floor(random() * 3) }, () => Array.from({ length: Math.floor(random() * 6) }, () => pick(pieces)).join(''));
    const beside = random() < 0.6;
    const x = beside ? column : Math.floor(random() * (width + 3));
    column = x + 1 + Math.floor(random() * 12);
    const transformers = styles.filter(() => random() < 0.3);
    writes.push([x, Math.floor(random() * (height + 1)), lines.join('\n'), transformers]);
  }
  return writes;
}

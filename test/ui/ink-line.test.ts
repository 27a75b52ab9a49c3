// Line runs (src/ui/ink-line.ts): the UI's lines (ASCII and `…` between SGR codes) are read
// without Ink's per-character splitting, into the same run as the splitting gives; any other
// line is left to Ink's splitting.
import { describe, expect, it } from 'vitest';
import { LineRuns, runOfChars, type AnsiTools, type LineTools, type StyledChar } from '../../src/ui/ink-line.js';

// Ink's own splitting and widths (the packages Ink 6.8 uses), uncached.
const ansi = (await import('@alcalzone/ansi-tokenize')) as unknown as AnsiTools & {
  tokenize(line: string): unknown[];
  styledCharsFromTokens(tokens: unknown[]): StyledChar[];
};
const { default: stringWidth } = (await import('string-width')) as { default: (text: string) => number };
const tools: LineTools = {
  getStyledChars: (line) => ansi.styledCharsFromTokens(ansi.tokenize(line)),
  getStringWidth: stringWidth,
  ansiCodesToString: ansi.ansiCodesToString,
  diffAnsiCodes: ansi.diffAnsiCodes,
};

/** The run from Ink's own splitting into styled characters. */
const splitRun = (line: string) => runOfChars(tools.getStyledChars(line), tools);

describe('line runs', () => {
  const uiLines = [
    '',
    'plain ASCII, no codes',
    '\x1b[90m- Layers ------------------ \x1b[39m',
    '\x1b[7m\x1b[1m   38 0.000370    if0          32:4b:c2:94:48:4d    ARP    ARP, Reply 192.0.2.1 is-at 32:4b:c2:94:…\x1b[22m\x1b[27m',
    '\x1b[33m   27 0.000260    if0   ARP, Reply 172.17.0.4 is-at 02:42:ac:11…\x1b[39m',
    '\x1b[31mred\x1b[39m then \x1b[1;32mbold green\x1b[22;39m, \x1b[38;5;120m256 colours\x1b[39m\x1b[0m',
    '\x1b[1m\x1b[22m',
    '\x1b[2m\x1b[90mdim grey\x1b[39m\x1b[22m no-op codes\x1b[39m\x1b[m…',
  ];

  it('reads the UI\'s lines without splitting them, into the run splitting gives', () => {
    const runs = new LineRuns(tools);
    for (const line of uiLines) {
      const run = runs.plain(line);
      expect(run, JSON.stringify(line)).not.toBeNull();
      expect(run).toEqual(splitRun(line));
      // Again, with the codes' styles now known.
      expect(runs.plain(line)).toEqual(splitRun(line));
    }
  });

  it('leaves other lines to Ink\'s splitting, with the same result', () => {
    const runs = new LineRuns(tools);
    for (const line of ['漢字 wide', 'e\u0301 combining', '→ arrow', '\x1b]8;;https://example.com\x07link\x1b]8;;\x07', '\x1bx stray escape',
      '\x1b[31', 'tab\there', '\x1b[1:2m colon']) {
      expect(runs.plain(line), JSON.stringify(line)).toBeNull();
      expect(runs.run(line)).toEqual(splitRun(line));
    }
  });

  it('gives each line its columns, text and end styles', () => {
    const run = new LineRuns(tools).run('\x1b[1mab\x1b[22mc…');
    expect(run.columns).toBe(4);
    expect(run.body).toBe('ab\x1b[22mc…');
    expect(run.first.map((s) => s.code)).toEqual(['\x1b[1m']);
    expect(run.last).toEqual([]);
    expect(new LineRuns(tools).run('漢a').columns).toBe(3);
  });
});

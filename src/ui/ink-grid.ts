// Ink's Output.get (ink 6.8.0, build/output.js) for an output without clipping (this UI
// clips nothing), giving the same text cheaper. Ink puts every character of every line in a
// grid of cells (an object per cell) and turns each row into text cell by cell, computing a
// style difference (three Sets) per cell: most of a paint's time at 120x40. Here a row is
// joined from the runs of the lines written on it (ink-line.ts: each line's text and style
// changes, made once per distinct line), with a style difference only where two runs, or a
// run and the blank cells around it, meet. A row where writes overlap (a later one covers
// part of an earlier one) is made Ink's way, from cells.
// The text is the same, byte for byte: test/ui/ink-paint.test.tsx compares it with Ink's own.

import { cellWidth, NO_STYLES, styleChange, type AnsiCode, type AnsiTools, type LineRun, type LineTools, type StyledChar } from './ink-line.js';

export type { AnsiCode, AnsiTools, StyledChar } from './ink-line.js';

export type Operation =
  | { readonly type: 'write'; readonly x: number; readonly y: number; readonly text: string; readonly transformers: readonly ((line: string, index: number) => string)[] }
  | { readonly type: 'clip' | 'unclip' };

/** A line written on a row at column x. */
interface Placed {
  readonly x: number;
  readonly line: string;
  readonly run: LineRun;
}

const BLANK: StyledChar = { type: 'char', value: ' ', fullWidth: false, styles: NO_STYLES };

/** Output.get's result for `operations` (all writes) on a width x height screen; `runOf` gives a line's run (cached). */
export function paintRows(width: number, height: number, operations: readonly Operation[], runOf: (line: string) => LineRun,
  tools: LineTools): { output: string; height: number } {
  const rows: Placed[][] = [];
  for (let y = 0; y < height; y++) rows.push([]);
  for (const operation of operations) {
    if (operation.type !== 'write') continue;
    const { x, y, text, transformers } = operation;
    let offsetY = 0;
    const lines = text.split('\n');
    for (let index = 0; index < lines.length; index++) {
      const row = rows[y + offsetY];
      // As Ink: a line outside the screen is skipped without moving on a row.
      if (!row) continue;
      let line = lines[index];
      for (const transformer of transformers) line = transformer(line, index);
      const run = runOf(line);
      // A line with no characters writes no cell.
      if (run.columns > 0) row.push({ x, line, run });
      offsetY++;
    }
  }
  let output = '';
  for (let y = 0; y < height; y++) {
    if (y > 0) output += '\n';
    output += (joinRuns(rows[y], width, tools) ?? cellRowText(rows[y], width, tools)).trimEnd();
  }
  return { output, height };
}

/**
 * A row's text from the runs on it, left to right, with blank cells in the gaps; null when
 * runs are not in order or overlap (the row is then made from cells).
 */
export function joinRuns(placed: readonly Placed[], width: number, tools: LineTools): string | null {
  let text = '';
  // As styledCharsToString: the first cell's styles in full, then only the changes.
  let previous: readonly AnsiCode[] | null = null;
  let column = 0;
  for (const { x, run } of placed) {
    if (x < column) return null;
    // Columns past the screen's width that nothing wrote are holes in Ink's row, not blanks.
    const blanks = Math.min(x, width) - column;
    if (blanks > 0) {
      text += change(previous, NO_STYLES, tools) + ' '.repeat(blanks);
      previous = NO_STYLES;
    }
    text += change(previous, run.first, tools) + run.body;
    previous = run.last;
    column = x + run.columns;
  }
  // Trailing blanks (then trimmed) or the end of the row: either way the styles are reset.
  if (previous !== null && previous.length > 0) text += tools.ansiCodesToString(tools.diffAnsiCodes(previous, NO_STYLES));
  return text;
}

function change(previous: readonly AnsiCode[] | null, next: readonly AnsiCode[], tools: LineTools): string {
  return previous === null ? tools.ansiCodesToString(next) : styleChange(previous, next, tools);
}

/** A row's text as Ink makes it: its cells written in order, then turned into text. */
function cellRowText(placed: readonly Placed[], width: number, tools: LineTools): string {
  const row: StyledChar[] = new Array<StyledChar>(width).fill(BLANK);
  for (const { x, line } of placed) {
    let offsetX = x;
    for (const character of tools.getStyledChars(line)) {
      row[offsetX] = character;
      const characterWidth = cellWidth(character.value, tools);
      for (let i = 1; i < characterWidth; i++) row[offsetX + i] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
      offsetX += characterWidth;
    }
  }
  return rowText(row, tools);
}

/** styledCharsToString of the row's cells (holes skipped, as Ink filters them out). */
export function rowText(row: readonly (StyledChar | undefined)[], tools: AnsiTools): string {
  let text = '';
  let previous: readonly AnsiCode[] | null = null;
  for (const cell of row) {
    if (cell === undefined) continue;
    if (previous === null) text += tools.ansiCodesToString(cell.styles);
    else text += styleChange(previous, cell.styles, tools);
    text += cell.value;
    previous = cell.styles;
  }
  if (previous !== null && previous.length > 0) text += tools.ansiCodesToString(tools.diffAnsiCodes(previous, NO_STYLES));
  return text;
}

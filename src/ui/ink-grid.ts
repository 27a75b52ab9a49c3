// Ink's Output.get (ink 6.8.0, build/output.js) for an output without clipping (this UI
// clips nothing), doing the same work cheaper: the screen grid's blank cells are one shared
// cell instead of an object each (Ink never changes a cell, it replaces it), and a row is
// turned into text with the style change computed only where the style changes (Ink
// computes it for every cell: three Sets per character, most of a paint's time at 120x40).
// The text is the same, byte for byte: test/ui/ink-paint.test.tsx compares it with Ink's own.

/** A styled character, as @alcalzone/ansi-tokenize makes them (Ink's cells). */
export interface StyledChar {
  readonly type: 'char';
  readonly value: string;
  readonly fullWidth: boolean;
  readonly styles: readonly AnsiCode[];
}

export interface AnsiCode {
  readonly type: 'ansi';
  readonly code: string;
  readonly endCode: string;
}

/** What the row serialisation needs from @alcalzone/ansi-tokenize (Ink's own copy). */
export interface AnsiTools {
  ansiCodesToString(codes: readonly AnsiCode[]): string;
  diffAnsiCodes(from: readonly AnsiCode[], to: readonly AnsiCode[]): AnsiCode[];
}

export interface LineCaches {
  getStyledChars(line: string): readonly StyledChar[];
  getStringWidth(text: string): number;
}

export type Operation =
  | { readonly type: 'write'; readonly x: number; readonly y: number; readonly text: string; readonly transformers: readonly ((line: string, index: number) => string)[] }
  | { readonly type: 'clip' | 'unclip' };

const BLANK: StyledChar = { type: 'char', value: ' ', fullWidth: false, styles: [] };
const NO_STYLES: readonly AnsiCode[] = [];

/** Output.get's result for `operations` (all writes) on a width x height screen. */
export function paintGrid(width: number, height: number, operations: readonly Operation[], caches: LineCaches, tools: AnsiTools): { output: string; height: number } {
  const rows: (StyledChar | undefined)[][] = [];
  for (let y = 0; y < height; y++) rows.push(new Array<StyledChar>(width).fill(BLANK));
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
      let offsetX = x;
      for (const character of caches.getStyledChars(line)) {
        row[offsetX] = character;
        const characterWidth = narrow(character.value) ? 1 : Math.max(1, caches.getStringWidth(character.value));
        for (let i = 1; i < characterWidth; i++) row[offsetX + i] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
        offsetX += characterWidth;
      }
      offsetY++;
    }
  }
  return { output: rows.map((row) => rowText(row, tools).trimEnd()).join('\n'), height: rows.length };
}

/** styledCharsToString of the row's cells (holes skipped, as Ink filters them out). */
export function rowText(row: readonly (StyledChar | undefined)[], tools: AnsiTools): string {
  let text = '';
  let previous: readonly AnsiCode[] | null = null;
  for (const cell of row) {
    if (cell === undefined) continue;
    if (previous === null) text += tools.ansiCodesToString(cell.styles);
    else if (!sameCodes(previous, cell.styles)) text += tools.ansiCodesToString(tools.diffAnsiCodes(previous, cell.styles));
    text += cell.value;
    previous = cell.styles;
  }
  if (previous !== null && previous.length > 0) text += tools.ansiCodesToString(tools.diffAnsiCodes(previous, NO_STYLES));
  return text;
}

/** One printable ASCII character: one column (string-width's own fast path), no lookup needed. */
function narrow(value: string): boolean {
  if (value.length !== 1) return false;
  const code = value.charCodeAt(0);
  return code >= 0x20 && code < 0x7f;
}

/** The same codes in the same order: the diff between them is empty. */
function sameCodes(a: readonly AnsiCode[], b: readonly AnsiCode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].code !== b[i].code) return false;
  return true;
}

// A line of Ink's output as it lands on a screen row: its width in columns and its text with
// the style changes inside it, made once per distinct line (ink-paint.ts keeps them between
// paints) so that a row is joined from a few of these instead of cell by cell (ink-grid.ts).
//
// Ink splits each line into styled characters (an Intl.Segmenter pass, an object and a copy
// of the style list per character). The UI's lines are nearly all printable ASCII, with `…`
// where a cell is cut, between plain SGR codes (chalk's colours): those are read here with a
// character loop, and only the codes go through Ink's tokenizer (one short line per distinct
// run of codes, cached). Anything else (wide characters, other escapes) is split by Ink.

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

export interface LineRun {
  /** Columns the line covers. */
  readonly columns: number;
  /** Its characters with the style changes between them: no codes before the first or after the last. */
  readonly body: string;
  /** The styles of its first and last character (empty when it has none). */
  readonly first: readonly AnsiCode[];
  readonly last: readonly AnsiCode[];
}

/** What a line run is made with: Ink's own splitting and widths (cached), and the style diff. */
export interface LineTools extends AnsiTools {
  getStyledChars(line: string): readonly StyledChar[];
  getStringWidth(text: string): number;
}

export const NO_STYLES: readonly AnsiCode[] = [];
const ESC = 0x1b;
const ELLIPSIS = 0x2026;
/** Stands for a run of text between codes when the codes alone are tokenized. */
const PLACEHOLDER = 'x';

/** Makes line runs: the fast read where it applies, Ink's splitting otherwise. */
export class LineRuns {
  /** The styles of each run of text, by the line's codes with a placeholder for each run. */
  private readonly stylesByCodes = new Map<string, readonly (readonly AnsiCode[])[]>();
  /** `…` takes one column (string-width: East Asian ambiguous counts as narrow), as Ink measures it. */
  private readonly ellipsisNarrow: boolean;

  constructor(private readonly tools: LineTools) {
    this.ellipsisNarrow = tools.getStringWidth('…') === 1;
  }

  run(line: string): LineRun {
    return this.plain(line) ?? runOfChars(this.tools.getStyledChars(line), this.tools);
  }

  /** The run of a line of printable ASCII (and `…`) between SGR codes; null for any other line. */
  plain(line: string): LineRun | null {
    const texts: string[] = [];
    let codes = '';
    let start = 0;
    let i = 0;
    while (i < line.length) {
      const c = line.charCodeAt(i);
      if (c === ESC) {
        const end = sgrEnd(line, i);
        if (end < 0) return null;
        if (i > start) {
          texts.push(line.slice(start, i));
          codes += PLACEHOLDER;
        }
        codes += line.slice(i, end);
        i = start = end;
      } else if ((c >= 0x20 && c < 0x7f) || (c === ELLIPSIS && this.ellipsisNarrow)) {
        i++;
      } else {
        return null;
      }
    }
    if (i > start) {
      texts.push(line.slice(start, i));
      codes += PLACEHOLDER;
    }
    if (texts.length === 0) return EMPTY_RUN;
    const styles = this.stylesOf(codes, texts.length);
    if (styles === null) return null;
    let body = texts[0];
    let columns = texts[0].length;
    for (let t = 1; t < texts.length; t++) {
      body += styleChange(styles[t - 1], styles[t], this.tools) + texts[t];
      columns += texts[t].length;
    }
    return { columns, body, first: styles[0], last: styles[texts.length - 1] };
  }

  /** Ink's styles for each run of text in `codes` (its codes with a placeholder per run). */
  private stylesOf(codes: string, runs: number): readonly (readonly AnsiCode[])[] | null {
    let styles = this.stylesByCodes.get(codes);
    if (styles === undefined) {
      styles = this.tools.getStyledChars(codes).map((char) => char.styles);
      // A few distinct runs of codes (one per Text style on screen): no need for a bound beyond this.
      if (this.stylesByCodes.size >= 1000) this.stylesByCodes.clear();
      this.stylesByCodes.set(codes, styles);
    }
    // Ink read the codes some other way than expected: leave the line to its own splitting.
    return styles.length === runs ? styles : null;
  }
}

const EMPTY_RUN: LineRun = { columns: 0, body: '', first: NO_STYLES, last: NO_STYLES };

/** The run of a line Ink split into styled characters (what paintGrid would put in the cells). */
export function runOfChars(chars: readonly StyledChar[], tools: LineTools): LineRun {
  if (chars.length === 0) return EMPTY_RUN;
  let body = '';
  let columns = 0;
  let previous: readonly AnsiCode[] | null = null;
  for (const char of chars) {
    if (previous !== null) body += styleChange(previous, char.styles, tools);
    body += char.value;
    previous = char.styles;
    columns += cellWidth(char.value, tools);
  }
  return { columns, body, first: chars[0].styles, last: chars[chars.length - 1].styles };
}

/** The codes that take the terminal from styles `from` to `to` (none when they are the same). */
export function styleChange(from: readonly AnsiCode[], to: readonly AnsiCode[], tools: AnsiTools): string {
  return sameCodes(from, to) ? '' : tools.ansiCodesToString(tools.diffAnsiCodes(from, to));
}

/** Columns a styled character takes on Ink's grid: at least one. */
export function cellWidth(value: string, tools: Pick<LineTools, 'getStringWidth'>): number {
  return narrow(value) ? 1 : Math.max(1, tools.getStringWidth(value));
}

/** One printable ASCII character: one column (string-width's own fast path), no lookup needed. */
function narrow(value: string): boolean {
  if (value.length !== 1) return false;
  const code = value.charCodeAt(0);
  return code >= 0x20 && code < 0x7f;
}

/** The same codes in the same order: the diff between them is empty. */
export function sameCodes(a: readonly AnsiCode[], b: readonly AnsiCode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].code !== b[i].code) return false;
  return true;
}

/** The end (exclusive) of the SGR sequence `ESC [ digits-and-semicolons m` at `at`, or -1 (as Ink's tokenizer reads them). */
function sgrEnd(line: string, at: number): number {
  if (line.charCodeAt(at + 1) !== 0x5b) return -1;
  for (let i = at + 2; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x6d) return i + 1;
    if (c !== 0x3b && (c < 0x30 || c > 0x39)) return -1;
  }
  return -1;
}

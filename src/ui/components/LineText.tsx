// One line of the UI's text, cut to its width (with `…`), painted as Ink's <Text wrap="truncate">
// paints the cut text.
//
// Why not <Text> for every line: Ink measures every text on every render (string-width), and
// string-width takes its fast path only for printable ASCII. A cut line ends in `…` and went
// through Intl.Segmenter instead, a character at a time: a third of a step at 120x40
// (`node --cpu-prof bench/tui.mjs`). So a line with `…` is laid out as ASCII, with `.` in
// each `…`'s place (the same width: string-width counts `…` as one column), and <Transform>,
// which runs after measuring, paints the real line with Text's own styles.

import chalk from 'chalk';
import { Text, Transform } from 'ink';
import { cut } from '../selectors/text.js';

const ELLIPSIS = '…';
const ELLIPSES = /…/g;
/** Printable ASCII and `…`: one column per character, so a cut line fits its width exactly. */
const NARROW = /^[\x20-\x7e…]*$/;

export interface LineStyle {
  readonly color?: string;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
}

/** `text` cut to `width` columns; a blank line when empty (Ink gives an empty text no row). */
export function LineText({ text, width, color, bold, dim, inverse }: { readonly text: string; readonly width: number } & LineStyle) {
  const shown = cut(text, width) || ' ';
  if (!shown.includes(ELLIPSIS) || !NARROW.test(shown) || (color !== undefined && !isNamedColor(color))) {
    return <Text color={color} bold={bold} dimColor={dim} inverse={inverse} wrap="truncate">{shown}</Text>;
  }
  return painted(shown, { color, bold, dim, inverse });
}

/** A line of printable ASCII and `…`, laid out as ASCII and painted with its `…`. */
function painted(text: string, { color, bold, dim, inverse }: LineStyle) {
  const laidOut = text.replace(ELLIPSES, '.');
  let real: string | null = null;
  const transform = (line: string): string => {
    // Ink hands over the laid-out line (it fits its width, so it is not wrapped): paint the real one.
    if (line !== laidOut) return styled(line, color, bold, dim, inverse);
    real ??= styled(text, color, bold, dim, inverse);
    return real;
  };
  return <Transform transform={transform}>{laidOut}</Transform>;
}

/** A colour chalk names (Ink's colorize takes those as chalk[color]; the UI uses no others). */
function isNamedColor(color: string): boolean {
  return typeof (chalk as unknown as Record<string, unknown>)[color] === 'function';
}

/** Ink's Text styles, in Text's order: dim, colour, bold, inverse (ink/build/components/Text.js). */
export function styled(text: string, color: string | undefined, bold = false, dim = false, inverse = false): string {
  let out = text;
  if (dim) out = chalk.dim(out);
  if (color) out = (chalk as unknown as Record<string, (s: string) => string>)[color](out);
  if (bold) out = chalk.bold(out);
  if (inverse) out = chalk.inverse(out);
  return out;
}

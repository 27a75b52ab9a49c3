// One line of the UI's text, cut to its width (with `…`), painted as Ink's <Text wrap="truncate">
// paints the cut text, but laid out at a fixed size and measured as ASCII.
//
// Why not <Text> for every line:
// - Ink measures every text on every render (string-width), and string-width takes its fast
//   path only for printable ASCII. A cut line ends in `…` and went through Intl.Segmenter
//   instead, a character at a time: a third of a step at 120x40 (`node --cpu-prof
//   bench/tui.mjs`). So a line with `…` is laid out as ASCII, with `.` in each `…`'s place
//   (the same width: string-width counts `…` as one column), and the real line is painted
//   by the node's transform, which Ink runs after layout, with Text's own styles.
// - Yoga asks Ink to measure a text whose size its style leaves open, and Ink keeps every
//   text it ever measured (build/measure-text.js, a Map without bound): about 1.2 KB per step,
//   for good (`node --expose-gc bench/tui-memory.mjs`). A line's size is known (its width, one
//   row), so the node says so and Yoga does not measure it.
// The node is the one <Text> and <Transform> make (`ink-text` with a style and a transform),
// with that size added: Ink is pinned to the version this was written for (package.json), and
// test/ui/line-text.test.tsx compares the result with <Text>'s, byte for byte.

import chalk from 'chalk';
import { Text } from 'ink';
import { createElement } from 'react';
import { cut } from '../selectors/text.js';

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
  if (!NARROW.test(shown) || (color !== undefined && !isNamedColor(color)) || width < 1) {
    // Wide characters (columns are not characters) or a colour this does not paint: Ink's own.
    return <Text color={color} bold={bold} dimColor={dim} inverse={inverse} wrap="truncate">{shown}</Text>;
  }
  const laidOut = shown.replace(ELLIPSES, '.');
  let painted: string | null = null;
  const transform = (line: string): string => {
    // Ink hands over the laid-out line (it fits its width, so it is not cut again): paint the real one.
    if (line !== laidOut) return styled(line, color, bold, dim, inverse);
    painted ??= styled(shown, color, bold, dim, inverse);
    return painted;
  };
  return createElement('ink-text', {
    style: { flexGrow: 0, flexShrink: 1, flexDirection: 'row', textWrap: 'truncate', width, height: 1 },
    internal_transform: transform,
  }, laidOut);
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

// A display filter given on the command line (-Y, --until, --only): compiled once, or
// refused with the message and a caret under the offending character.

import type { RawFrame } from '../capture/types.js';
import { FilterSyntaxError, parseFilter, safeText, type FrameFilter, type LayerList, type MutableFilterFrame } from '../decode/index.js';
import type { LineWriter } from './output.js';

/** The compiled filter, or null after saying on `err` what is wrong with it. */
export function compileFilterOption(option: string, text: string, err: LineWriter): FrameFilter | null {
  try {
    return parseFilter(text);
  } catch (e) {
    if (!(e instanceof FilterSyntaxError)) throw e;
    err.line(`dockshark: ${option}: ${safeText(e.message)}`);
    // The caret goes under the escaped text: the column counts the escaped prefix.
    err.line(`  ${safeText(text)}`);
    err.line(`  ${' '.repeat(safeText(text.slice(0, e.column)).length)}^`);
    err.flush();
    return null;
  }
}

/** Whether a frame read from a file matches; `view` is refilled (no object per frame). */
export function frameMatches(filter: FrameFilter, view: MutableFilterFrame, raw: RawFrame, layers: LayerList, iface: string | null): boolean {
  view.layers = layers;
  view.iface = iface;
  view.no = raw.no;
  view.origLen = raw.origLen;
  view.capLen = raw.end - raw.start;
  return filter.matches(view);
}

// The one escaping rule for text that reaches a terminal (README, "Escaping"). Captures,
// topology files and file names come from strangers: a byte of them must never move the
// cursor, clear the screen, set the window title (ESC, C1 CSI U+009B), split a line
// (CR, LF, U+2028), or reorder what is shown around it (Trojan Source, CVE-2021-42574).
//
// - C0 controls (tab and newline included: both break a line or a column), DEL and the
//   C1 controls U+0080-U+009F: `\xNN`.
// - Characters that are invisible or move other text: the bidi embeddings, overrides and
//   isolates (U+202A-U+202E, U+2066-U+2069), zero-width and direction marks (U+061C, U+200B-U+200F,
//   U+2060-U+2064, U+FEFF), the line and paragraph separators (U+2028, U+2029), and
//   unpaired surrogates: `\uNNNN`.
// - Everything else is shown as itself, the backslash included. That keeps the rule
//   idempotent (escaping twice changes nothing, so a safety net may escape text that was
//   escaped already) and leaves the DNS names' own escapes (`\027`, dig's) and filter
//   strings readable; the price is that a name spelling a literal `\x1b` looks like one
//   holding ESC. The JSON outputs tell them apart.
//
// tshark's format_text differs in form only: `\r`, `\a` and octal (`\033`) for C0, `\u0080`
// for C1, and it does not escape U+2028 or the zero-width space.
// Invalid UTF-8 in a pcapng string option is U+FFFD (TextDecoder), as tshark 4 shows it.

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\ud800-\udfff]/u;
// eslint-disable-next-line no-control-regex
const UNSAFE_ALL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\ud800-\udfff]/gu;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0');
}

/**
 * `text` safe to write to a terminal, as one line (see the rule above). Returns `text`
 * itself when nothing needs escaping, which is almost always.
 */
export function safeText(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeOne) : text;
}

/** safeText for text of several lines: each line escaped, the newlines kept. */
export function safeLines(text: string): string {
  return text.includes('\n') ? text.split('\n').map(safeText).join('\n') : safeText(text);
}

/** Whether `text` holds anything safeText would escape. */
export function needsEscape(text: string): boolean {
  return UNSAFE.test(text);
}

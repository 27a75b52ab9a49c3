// The hex pane: offset, the bytes in hex (16 a line in two groups of 8, fewer in a narrow
// pane) and as ASCII with everything outside printable ASCII shown as '.', so no captured
// byte reaches the terminal.

/** Bytes per line that fit `width` columns: 16, 8 or 4. */
export function bytesPerLine(width: number): number {
  if (width >= 73) return 16;
  if (width >= 39) return 8;
  return 4;
}

/** Lines of the dump of `bytes`, `perLine` bytes each: `count` of them from line `first`. */
export function hexDump(bytes: Uint8Array, perLine = 16, first = 0, count = Infinity): string[] {
  const out: string[] = [];
  const end = Math.min(bytes.length, (first + count) * perLine);
  for (let at = Math.max(0, first) * perLine; at < end; at += perLine) {
    let hex = '';
    let ascii = '';
    for (let i = 0; i < perLine; i++) {
      if (i === 8) hex += ' ';
      if (at + i < bytes.length) {
        const b = bytes[at + i];
        hex += b.toString(16).padStart(2, '0') + ' ';
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        hex += '   ';
      }
    }
    out.push(`${at.toString(16).padStart(4, '0')}  ${hex} ${ascii}`);
  }
  return out;
}

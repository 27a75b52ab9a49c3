// Hex fixtures: `hex(text)` turns a hex dump into bytes. On each line, everything from
// '#' on is a comment; whitespace anywhere is ignored. Anything else that is not a hex
// digit, or an odd number of digits, is a mistake in the fixture and throws.
//
//   hex(`
//     # Ethernet
//     02 42 ac 11 00 03  02 42 ac 11 00 02  86 dd
//   `)

export function hex(text: string): Uint8Array {
  let digits = '';
  for (const line of text.split('\n')) {
    const hash = line.indexOf('#');
    digits += (hash >= 0 ? line.slice(0, hash) : line).replace(/\s+/g, '');
  }
  if (!/^[0-9a-fA-F]*$/.test(digits)) {
    throw new Error(`hex(): fixture holds characters that are not hex digits: ${JSON.stringify(digits.replace(/[0-9a-fA-F]/g, ''))}`);
  }
  if (digits.length % 2 !== 0) throw new Error(`hex(): fixture has an odd number of hex digits (${digits.length}).`);
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Bytes as a lower-case hex string, no separators (for messages and round trips). */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

// Naming what a file is when it is no capture we read, from its first bytes: the "(looks
// like ...)" of the refusal sentence. The table is data: a magic prefix (or a test on the first
// bytes) and the hint. Checked in order, the first match wins. Formats without a magic number
// (ERF) are not guessed: a wrong hint would mislead more than none.

interface FormatHint {
  /** The file starts with these bytes... */
  readonly prefix?: readonly number[];
  /** ...or passes this test on its first bytes. */
  readonly test?: (head: Uint8Array) => boolean;
  readonly hint: string;
}

const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));

/** Leading bytes looked at: enough for every prefix and a fair sample of text. */
export const SNIFF_BYTES = 512;

const FORMAT_HINTS: readonly FormatHint[] = [
  { prefix: [0x1f, 0x8b], hint: 'gzip-compressed: decompress it first with gunzip' },
  { prefix: [0x28, 0xb5, 0x2f, 0xfd], hint: 'zstd-compressed: decompress it first with unzstd' },
  { prefix: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], hint: 'xz-compressed: decompress it first with unxz' },
  { prefix: ascii('BZh'), hint: 'bzip2-compressed: decompress it first with bunzip2' },
  { prefix: [0x04, 0x22, 0x4d, 0x18], hint: 'lz4-compressed: decompress it first with unlz4' },
  { prefix: ascii('PK\u0003\u0004'), hint: 'a zip archive: extract the capture from it first' },
  { prefix: [0x7f, 0x45, 0x4c, 0x46], hint: 'an ELF executable' },
  { prefix: ascii('snoop\u0000\u0000\u0000'), hint: 'a Solaris snoop capture: convert it with editcap -F pcap' },
  { prefix: [0x7f, 0x76, 0x65, 0x72], hint: 'an EtherPeek/OmniPeek capture: convert it with editcap -F pcap' },
  { test: (head) => startsWithText(head, ['<!doctype html', '<html', '<head', '<body']), hint: 'HTML' },
  { test: (head) => startsWithText(head, ['<?xml', '<']), hint: 'XML' },
  { test: (head) => startsWithText(head, ['{', '[']), hint: 'JSON' },
  { test: isText, hint: 'text, perhaps tcpdump\'s printed output: capture with tcpdump -w FILE to get a pcap' },
];

/** The hint for bytes that are no pcap or pcapng, or null when nothing fits. */
export function formatHint(head: Uint8Array): string | null {
  for (const entry of FORMAT_HINTS) {
    if (entry.prefix !== undefined && entry.prefix.every((byte, i) => head[i] === byte)) return entry.hint;
    if (entry.test !== undefined && entry.test(head)) return entry.hint;
  }
  return null;
}

/** The one-sentence refusal of a file that is no capture: its first bytes and what they look like. */
export function refusalSentence(head: Uint8Array): string {
  const shown = Array.from(head.subarray(0, 4), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
  const hint = formatHint(head);
  return `not a pcap or pcapng file: starts with ${shown}${hint === null ? '' : ` (looks like ${hint})`}.`;
}

/** Text (after a UTF-8 BOM and white space) beginning with one of `starts`, compared without case. */
function startsWithText(head: Uint8Array, starts: readonly string[]): boolean {
  if (!isText(head)) return false;
  let text = new TextDecoder('utf-8').decode(head.subarray(0, 64)).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  text = text.slice(0, 16);
  return starts.some((start) => text.startsWith(start));
}

/** Printable ASCII or UTF-8 (tabs and line ends allowed), no NUL, no other control bytes. */
function isText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  const sample = head.subarray(0, SNIFF_BYTES);
  for (const byte of sample) {
    if (byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    if (byte < 0x20 || byte === 0x7f) return false;
  }
  try {
    // A sample cut inside a multi-byte character is still text: decode without the last 3 bytes.
    new TextDecoder('utf-8', { fatal: true }).decode(sample.length > 4 ? sample.subarray(0, sample.length - 3) : sample);
    return true;
  } catch {
    return false;
  }
}

// The one error every topology parser throws: a whole sentence naming the file and
// what to give instead. The CLI prints its message on one line (program.ts catches it
// by name), so messages never carry a stack trace or raw bytes from the file.

export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

/** A value from the file, quoted so that it cannot break the sentence (newlines, control bytes) and cut short. */
export function quote(value: string, max = 40): string {
  const cut = value.length > max ? `${value.slice(0, max)}...` : value;
  return JSON.stringify(cut);
}

/** What a JSON value is, for "where a string belongs" sentences (never the value itself). */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${quote(value, 20)}`;
  if (typeof value === 'number') return `the number ${value}`;
  return `${typeof value} ${String(value)}`;
}

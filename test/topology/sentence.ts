// Checks shared by the topology parser tests: a parser's failure is a TopologyError
// whose message is one sentence naming the file and saying what to give instead.
import { expect } from 'vitest';
import { TopologyError } from '../../src/topology/errors.js';

export function refusal(run: () => unknown, source: string): string {
  let caught: unknown = null;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TopologyError);
  const message = (caught as TopologyError).message;
  expect(message).not.toMatch(/[\n\r\u0000-\u001f]/);
  expect(message.startsWith(source)).toBe(true);
  expect(message).toMatch(/; give .+\.$/);
  // one sentence: no full stop followed by a capital before the end (file names and versions have dots, not sentences)
  expect(message.slice(0, -1)).not.toMatch(/\.\s+[A-Z]/);
  return message;
}

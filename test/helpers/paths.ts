// Where things are, for tests: the repo root, the built CLI, and ../shared (absent on a user's fresh clone).
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = resolve(repoRoot, 'dist/cli/main.js');
export const capturesDir = resolve(repoRoot, 'captures');
export const corpusDir = resolve(repoRoot, '../shared/corpus');
export const hasCorpus = existsSync(resolve(corpusDir, 'MANIFEST.tsv'));

/** Say why corpus tests are skipped, once per test file. */
export function noteCorpusSkip(what: string): void {
  if (!hasCorpus) console.log(`skipping ${what}: ${corpusDir} is absent (it ships beside the project in CI, not in a fresh clone)`);
}

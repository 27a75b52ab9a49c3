// The seed captures: every .pcap/.pcapng under captures/ and the public corpus in
// ../shared/corpus (skipped, with the reason printed, when absent). Seeds over 64 KiB are cut
// at the last block boundary before that size, so each case stays fast.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { boundaries, parseStructure } from './structure.mjs';

export const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const CORPUS = resolve(REPO, '..', 'shared', 'corpus');
export const MAX_SEED_BYTES = 64 * 1024;
const CAPTURE_NAME = /\.(pcap|pcapng|cap)$/i;

function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile() && CAPTURE_NAME.test(entry.name)) out.push(path);
  }
  return out;
}

/** Cuts a seed at the last block boundary at or before `max` bytes (at least the header). */
export function cutSeed(bytes, max = MAX_SEED_BYTES) {
  if (bytes.length <= max) return bytes;
  const marks = boundaries(parseStructure(bytes), bytes.length).filter((o) => o <= max && o > 0);
  return bytes.slice(0, marks.length > 0 ? marks[marks.length - 1] : max);
}

/** { seeds: [{ name, bytes }], notes: [string] } in a stable order. */
export function loadSeeds({ corpus = CORPUS, includeCorpus = true, dir = null } = {}) {
  const notes = [];
  const paths = walk(dir ?? join(REPO, 'captures'), []);
  if (dir !== null) notes.push(`seeds from ${dir} only`);
  else if (!includeCorpus) notes.push('corpus not used');
  else if (!existsSync(corpus)) notes.push(`skipping the public corpus: ${corpus} does not exist`);
  else {
    const listed = existsSync(join(corpus, 'MANIFEST.tsv'))
      ? readFileSync(join(corpus, 'MANIFEST.tsv'), 'utf8').split('\n').slice(1).map((l) => l.split('\t')[0]).filter((f) => f && existsSync(join(corpus, f)))
      : readdirSync(corpus).filter((f) => CAPTURE_NAME.test(f));
    paths.push(...listed.map((f) => join(corpus, f)));
  }
  const seeds = [];
  const cut = [];
  for (const path of [...new Set(paths)].sort()) {
    if (!statSync(path).isFile()) continue;
    const whole = new Uint8Array(readFileSync(path));
    const bytes = cutSeed(whole);
    if (bytes.length < whole.length) cut.push(`${relative(REPO, path)} (${whole.length} -> ${bytes.length} bytes)`);
    seeds.push({ name: relative(REPO, path), bytes });
  }
  if (cut.length > 0) notes.push(`cut at a block boundary to at most ${MAX_SEED_BYTES} bytes: ${cut.join(', ')}`);
  return { seeds, notes };
}

// `dockshark decode --ndjson` against tshark 4.0's decode of every public capture in
// ../shared/corpus, field by field. A disagreement passes only when it is listed,
// with its reason, in tshark-deviations.json; a listed deviation that no longer
// happens fails too, so the list stays true.
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithTshark, loadDeviations, type Deviation } from '../helpers/compare-tshark.js';
import { corpusDir, hasCorpus, noteCorpusSkip, repoRoot } from '../helpers/paths.js';

const deviations = loadDeviations(resolve(repoRoot, 'test/cli/tshark-deviations.json'));
const files = hasCorpus
  ? readdirSync(corpusDir).filter((f) => /\.(pcap|pcapng|cap)$/.test(f) && existsSync(resolve(corpusDir, 'expected', `${f}.tshark.json`))).sort()
  : [];

describe.skipIf(!hasCorpus)('decode --ndjson agrees with tshark on the public corpus', () => {
  noteCorpusSkip('the tshark comparison on the public corpus');
  const used = new Set<Deviation>();

  it.each(files)('%s', { timeout: 60_000 }, async (file) => {
    const problems = await compareWithTshark(file, resolve(corpusDir, file), resolve(corpusDir, 'expected', `${file}.tshark.json`), deviations, used);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('lists no deviation that no longer happens', () => {
    const stale = deviations.filter((d) => files.includes(d.file) && !used.has(d));
    expect(stale.map((d) => `${d.file} ${d.field}: ${d.reason}`)).toEqual([]);
  });
});

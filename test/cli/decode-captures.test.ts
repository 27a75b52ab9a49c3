// `dockshark decode --ndjson` against tshark on the project's own lab recordings in
// captures/. tshark's decode is committed in test/golden/tshark (made by
// scripts/tshark-expected.sh), so this runs on any machine.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithTshark, loadDeviations, type Deviation } from '../helpers/compare-tshark.js';
import { repoRoot } from '../helpers/paths.js';

const goldenDir = resolve(repoRoot, 'test/golden/tshark');
const deviations = loadDeviations(resolve(repoRoot, 'test/cli/tshark-deviations.json'));
const cases = readdirSync(goldenDir)
  .filter((f) => f.endsWith('.tshark.json'))
  .sort()
  .map((f) => {
    const name = f.slice(0, -'.tshark.json'.length).replaceAll('__', '/');
    return { name, capture: resolve(repoRoot, 'captures', name), ek: resolve(goldenDir, f) };
  });

describe('decode --ndjson agrees with tshark on captures/', () => {
  const used = new Set<Deviation>();
  it('has a tshark decode for every capture', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });
  it.each(cases)('$name', { timeout: 60_000 }, async ({ name, capture, ek }) => {
    const problems = await compareWithTshark(name, capture, ek, deviations, used);
    expect(problems, problems.join('\n')).toEqual([]);
  });
  it('lists no deviation that no longer happens', () => {
    const names = cases.map((c) => c.name);
    const stale = deviations.filter((d) => names.includes(d.file) && !used.has(d));
    expect(stale.map((d) => `${d.file} ${d.field}: ${d.reason}`)).toEqual([]);
  });
});

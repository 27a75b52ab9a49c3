// CI's seeded smoke of the fuzz harness (fuzz/run.mjs, on the built code in dist/): a few
// thousand mutated captures through reading, decoding, analysis and replay with no finding,
// exactly the cases the seed defines, every mutation kind used and most inputs really
// damaged. Then the harness itself, on a target with planted bugs: it must catch a crash, a
// hang and a broken invariant, save each input and minimise it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeCase } from '../../fuzz/cases.mjs';
import { MUTATION_KINDS } from '../../fuzz/mutate.mjs';
import { loadSeeds } from '../../fuzz/seeds.mjs';
import { repoRoot } from '../helpers/paths.js';
import { pcapFile } from './fixtures.js';

const CASES = 2500;
const SEED = 7;
const work = mkdtempSync(join(tmpdir(), 'dockshark-fuzz-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function runFuzz(args: string[], env: Record<string, string> = {}) {
  expect(existsSync(join(repoRoot, 'dist/cli/main.js')), 'the harness runs the built code: npm run build first').toBe(true);
  return spawnSync(process.execPath, [join(repoRoot, 'fuzz/run.mjs'), ...args], {
    encoding: 'utf8', env: { ...process.env, ...env }, timeout: 240_000, maxBuffer: 64 * 1024 * 1024,
  });
}

describe('the fuzz harness', () => {
  it(`runs ${CASES} seeded cases through every target with no finding`, { timeout: 300_000 }, () => {
    const { notes } = loadSeeds();
    for (const note of notes) console.log(`fuzz smoke: ${note}`);
    const json = join(work, 'smoke.json');
    const r = runFuzz(['--cases', String(CASES), '--seed', String(SEED), '--workers', '1', '--json', json, '--findings', join(work, 'findings')]);
    expect(r.stderr).toBe('');
    const summary = JSON.parse(readFileSync(json, 'utf8'));
    expect(summary.saved, r.stdout).toEqual([]);
    expect(r.status).toBe(0);
    expect(summary.cases).toBe(CASES);
    expect(summary.findings).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`cases: ${CASES} in [\\d.]+ s, \\d+ cases/s on 1 worker\\(s\\) \\(CPU time: [\\d.]+ ms per case`));
    expect(r.stdout).toMatch(/slowest case: \d+ ms \(7:\d+; \d+ ms when rerun alone\)/);
    expect(r.stdout).toMatch(/peak RSS \(the process, all workers\): \d+ MiB/);

    // exactly the cases the seed defines: the mutation counts the runner reports are those of makeCase
    const { seeds } = loadSeeds();
    const expected: Record<string, number> = {};
    for (let caseNo = 0; caseNo < CASES; caseNo++) {
      for (const m of makeCase(seeds, SEED, caseNo).applied) expected[m.kind] = (expected[m.kind] ?? 0) + 1;
    }
    expect(summary.mutations).toEqual(expected);
    for (const kind of MUTATION_KINDS) expect(summary.mutations[kind], kind).toBeGreaterThan(0);

    // the inputs were really damaged, and still mostly readable
    expect(summary.damagedCases).toBeGreaterThan(CASES / 4);
    expect(summary.damagedCases).toBeLessThan(CASES);
    expect(summary.frames).toBeGreaterThan(CASES);
    expect(summary.decodeIssues).toBeGreaterThan(0);
  });

  it('catches a crash, a hang and a broken invariant, saves and minimises each; a case slow only under load is no finding', { timeout: 120_000 }, () => {
    const seedsDir = join(work, 'seeds');
    mkdirSync(seedsDir, { recursive: true });
    const planted = (text: string) => pcapFile([[...Array(40).fill(0x11), ...Buffer.from(text), ...Array(40).fill(0x22)]]);
    writeFileSync(join(seedsDir, 'crash.pcap'), planted('CRSH'));
    writeFileSync(join(seedsDir, 'hang.pcap'), planted('HANG'));
    writeFileSync(join(seedsDir, 'invariant.pcap'), planted('INVT'));
    writeFileSync(join(seedsDir, 'slow.pcap'), planted('SLOW'));
    const findingsDir = join(work, 'planted');
    const json = join(work, 'planted.json');
    const r = runFuzz(['--cases', '40', '--seed', '3', '--workers', '1', '--seeds', seedsDir, '--json', json, '--findings', findingsDir, '--minimise-budget', '60'], {
      DOCKSHARK_FUZZ_TARGET: join(repoRoot, 'test/fuzz/support/faulty-target.mjs'),
      DOCKSHARK_FUZZ_HANG_MS: '300',
    });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const summary = JSON.parse(readFileSync(json, 'utf8'));
    expect(summary.cases).toBe(40);
    expect(Object.keys(summary.findingsByKind).sort()).toEqual(['crash', 'hang', 'invariant']);
    // past the limit in the run, fast when rerun alone: listed apart, not a hang
    expect(summary.slowUnderLoad.length, r.stdout).toBeGreaterThan(0);
    for (const slow of summary.slowUnderLoad) expect(slow.aloneResult).toBe('passes');
    expect(r.stdout).toMatch(/past 300 ms under load but not alone \(not findings\): 3:\d+/);
    const files = readdirSync(findingsDir);
    for (const saved of summary.saved) {
      const base = saved.file.split('/').pop();
      expect(files).toContain(`${base}.txt`);
      const text = readFileSync(join(findingsDir, `${base}.txt`), 'utf8');
      expect(text).toContain(`case: ${saved.case} (rerun: npm run fuzz -- --replay 3:${saved.case})`);
      expect(text).toMatch(/mutations:\n {2}\w/);
      // minimised: the planted word stays, and every byte after it is cut
      const min = readFileSync(join(findingsDir, files.find((f) => f.startsWith(`${base}.min.`)) as string));
      const word = { crash: 'CRSH', hang: 'HANG', invariant: 'INVT' }[saved.kind as string] as string;
      expect(min.indexOf(word) + 4).toBe(min.length);
      const original = readFileSync(join(findingsDir, files.find((f) => f.startsWith(`${base}.pcap`)) as string));
      expect(min.length).toBeLessThan(original.length);
    }
    // a case can be rerun alone
    const hung = summary.saved.find((s: { kind: string }) => s.kind === 'hang');
    const again = runFuzz(['--replay', `3:${hung.case}`, '--seeds', seedsDir, '--findings', findingsDir], {
      DOCKSHARK_FUZZ_TARGET: join(repoRoot, 'test/fuzz/support/faulty-target.mjs'),
      DOCKSHARK_FUZZ_HANG_MS: '300',
    });
    expect(again.status).toBe(1);
    expect(again.stdout).toContain('FINDING hang');
  });
});

// The library's report types say what analyze() really returns: the reports of every
// capture in captures/ (with the scenario's topology when it has one) are written out as
// object literals typed AnalysisReport and compiled. A key the types lack, a key they
// require that a report lacks, or a value of another type fails the compile.
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze, replay } from '../../src/api/index.js';
import { capturesDir, repoRoot } from '../helpers/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'dockshark-report-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Case { name: string; files: string[]; topology: string[] }

function cases(): Case[] {
  const out: Case[] = [];
  for (const scenario of readdirSync(capturesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    const base = join(capturesDir, scenario);
    const files = readdirSync(base).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
    const inspect = join(base, 'docker-network-inspect.json');
    for (const f of files) out.push({ name: `${scenario}/${f}`, files: [join(base, f)], topology: [] });
    if (existsSync(inspect)) {
      // names and departures only appear with a topology
      const links = readdirSync(base).filter((f) => /^truth-host-(links|addrs)\.json$/.test(f)).map((f) => join(base, f));
      for (const f of files) out.push({ name: `${scenario}/${f} + topology`, files: [join(base, f)], topology: [inspect, ...links] });
    }
  }
  return out;
}

describe('AnalysisReport', () => {
  it('types every report analyze() and replay() give for the captures', async () => {
    const lines = [`import type { AnalysisReport } from ${JSON.stringify(resolve(repoRoot, 'src/api/report-types.js'))};`];
    const all = cases();
    expect(all.length).toBeGreaterThan(40);
    for (const [i, c] of all.entries()) {
      const report = await analyze(c.files, { topology: c.topology, onReadIssue: () => {} });
      lines.push(`// ${c.name}`, `export const r${i}: AnalysisReport = ${JSON.stringify(report)};`);
    }
    // a replay state part-way through (entries still held back by the engines, say)
    const trace = await replay(join(capturesDir, 'overlay-learn/overlay-multi-h1.pcapng'));
    lines.push(`export const mid: AnalysisReport = ${JSON.stringify(trace.stateAt(Math.floor(trace.length / 2)))};`);
    trace.close();
    const file = join(dir, 'reports.ts');
    writeFileSync(file, lines.join('\n'));
    const program = ts.createProgram([file], {
      strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [resolve(repoRoot, 'node_modules/@types')],
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
    });
    const errors = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
      const line = where ? lines[where.line - 1] ?? '' : '';
      return `${ts.flattenDiagnosticMessageText(d.messageText, '\n')} (${line.slice(0, 80)})`;
    });
    expect(errors).toEqual([]);
  }, 120_000);
});

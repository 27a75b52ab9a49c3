// runAnalysis decodes without checksum verification (analyze and capture show no layers, and
// no engine reads a verdict): on every capture in captures/, the report is the same with
// verification on and off, and only the run with it on sees verdicts.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngines } from '../../src/analysis/engines.js';
import { runAnalysis } from '../../src/api/analysis-run.js';
import type { LayerList } from '../../src/decode/index.js';
import { capturesDir } from '../helpers/paths.js';

const files = readdirSync(capturesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(capturesDir, d.name)).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(capturesDir, d.name, f)))
  .sort();

/** Checksum verdicts (true or false, not null) among the frame's layers and the layers they quote. */
function verdicts(list: LayerList): number {
  let n = 0;
  for (let i = 0; i < list.count; i++) {
    const l = list.items[i];
    if ('checksumOk' in l && l.checksumOk !== null) n++;
    if ('quoted' in l) n += verdicts(l.quoted);
  }
  return n;
}

function run(file: string, verifyChecksums: boolean | undefined): { report: string; verdicts: number } {
  let seen = 0;
  const r = runAnalysis([file], createEngines, {
    vxlanPorts: [4789, 8472], verifyChecksums, eachFrame: (_raw, frame) => { if (frame !== null) seen += verdicts(frame.layers); },
  });
  return { report: JSON.stringify(r.pipeline.report()), verdicts: seen };
}

describe('runAnalysis and checksums', () => {
  it('reports the same with checksum verification on and off, and verifies none by default', () => {
    expect(files.length).toBeGreaterThan(20);
    let verified = 0;
    for (const file of files) {
      const on = run(file, true);
      const byDefault = run(file, undefined);
      expect(byDefault.report, file).toBe(on.report);
      expect(byDefault.verdicts, file).toBe(0);
      verified += on.verdicts;
    }
    expect(verified).toBeGreaterThan(1000);
  });
});

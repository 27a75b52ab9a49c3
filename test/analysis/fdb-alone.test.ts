// A capture of the bridge device alone (`tcpdump -i docker0 -w`) can hold no port copy of a
// frame, so the FDB engine judges each frame as it comes instead of at the end of its
// timestamp group: every learn, move and flood is reported in the step of the frame that
// caused it (the replay shows it there), and the tables are the same either way.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCaptures } from '../../src/capture/open.js';
import { TimeOrderedSource } from '../../src/capture/reorder.js';
import { createEngines } from '../../src/analysis/engines.js';
import { AnalysisPipeline } from '../../src/analysis/pipeline.js';
import type { Change } from '../../src/analysis/types.js';
import { Topology } from '../../src/topology/model.js';
import { capturesDir } from '../helpers/paths.js';

/** Runs the file; `alone` gives the pipeline the capture's interfaces (as runAnalysis does). */
function run(file: string, alone: boolean): { report: Record<string, unknown>; late: Change[]; fdb: number } {
  const topology = Topology.empty();
  const options = { topology, ageingSeconds: 300, vxlanPorts: [4789] };
  const source = new TimeOrderedSource(openCaptures([file]));
  const p = new AnalysisPipeline(createEngines(options), { ...options, captureInterfaces: alone ? source.interfaces : undefined }, topology);
  const late: Change[] = [];
  let fdb = 0;
  for (let f = source.next(); f !== null; f = source.next()) {
    p.push(f);
    for (const c of p.lastChanges) {
      if (!c.kind.startsWith('fdb.')) continue;
      fdb++;
      if (c.frame !== f.no) late.push(c);
    }
  }
  source.close();
  p.finish();
  return { report: p.report(), late, fdb };
}

describe('FDB on a capture of the bridge device alone', () => {
  it.each(['bridge/bridge-docker0.pcap', 'napt-collide/napt-collide-docker0.pcap'])('%s: changes in their own frame, tables unchanged', (name) => {
    const file = resolve(capturesDir, name);
    const alone = run(file, true);
    const grouped = run(file, false);
    expect(alone.fdb).toBeGreaterThan(0);
    expect(alone.late).toEqual([]);
    // Without the interface list the engine waits for each timestamp group to end.
    expect(grouped.late.length).toBeGreaterThan(0);
    const { events: _a, ...aloneTables } = alone.report;
    const { events: _g, ...groupedTables } = grouped.report;
    expect(aloneTables).toEqual(groupedTables);
  });
});

// Names over numbers in the report: with a topology, entries carry the container or
// interface names beside their MACs and IPs; without one, the report is unchanged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngines } from '../../src/analysis/engines.js';
import { ReportNamer } from '../../src/analysis/report-names.js';
import { runAnalysis } from '../../src/api/analysis-run.js';
import type { JsonValue } from '../../src/decode/index.js';
import { parseTopologyFile } from '../../src/topology/detect.js';
import { Topology } from '../../src/topology/model.js';
import { capturesDir } from '../helpers/paths.js';

type Obj = Record<string, JsonValue>;
const napt = (f: string) => join(capturesDir, 'napt', f);

describe('names in the analysis report', () => {
  it('names containers, the gateway and interfaces in the FDB, ARP and NAT tables of napt', () => {
    const run = runAnalysis([napt('napt-multi.pcapng')], createEngines, {
      topologyFiles: [napt('truth-host-links.json'), napt('docker-network-inspect.json'), napt('truth-host-addrs.json')],
    });
    const report = run.pipeline.report();
    const fdb = (report.bridges as Obj[])[0].fdb as Obj[];
    expect(Object.fromEntries(fdb.map((e) => [e.mac, e.name]))).toEqual({
      '02:42:ac:11:00:02': 'c1', '02:42:ac:11:00:03': 'c2', '16:2e:a7:03:c9:ec': 'docker0', '6e:f3:7c:00:61:53': 'vethc1',
    });
    expect(Object.fromEntries((report.arp as Obj[]).map((e) => [e.ip, e.name ?? null]))).toEqual({
      '172.17.0.1': 'docker0', '172.17.0.2': 'c1', '172.17.0.3': 'c2', '198.51.100.1': null, '198.51.100.2': 'eth0',
    });
    // SNAT names the source before translation; DNAT (published ports) the destination after it
    const nat = report.nat as Obj[];
    expect(nat.map((e) => `${e.type} ${e.container}`).sort()).toEqual(['dnat c1', 'dnat c1', 'snat c1', 'snat c1', 'snat c2', 'snat c2']);
  });

  it('leaves the report as it was without a topology, or with one that names nothing', () => {
    const plain = runAnalysis([napt('napt-multi.pcapng')], createEngines, {}).pipeline.report();
    const entries = [...((plain.bridges as Obj[])[0].fdb as Obj[]), ...(plain.arp as Obj[])];
    expect(entries.length).toBeGreaterThan(5);
    expect(entries.filter((e) => 'name' in e)).toEqual([]);
    expect((plain.nat as Obj[]).filter((e) => 'container' in e)).toEqual([]);
    const report = JSON.parse(JSON.stringify(plain)) as Obj;
    new ReportNamer(Topology.empty()).annotate(report);
    expect(report).toEqual(plain);
    new ReportNamer(parseTopologyFile(readFileSync(napt('truth-host-conntrack.txt'), 'utf8'), 'ct')).annotate(report);
    expect(report).toEqual(plain);
  });

  it('names VTEPs after the overlay peers docker network inspect lists', () => {
    const dir = join(capturesDir, 'overlay-learn');
    const run = runAnalysis([join(dir, 'overlay-multi-h1.pcapng')], createEngines, {
      topologyFiles: [join(dir, 'docker-network-inspect-h1.json'), join(dir, 'docker-network-inspect-h2.json')],
    });
    const overlay = run.pipeline.report().overlay as Obj;
    expect((overlay.tunnels as Obj[]).map((t) => [t.localName, t.remoteName])).toEqual([['h1', 'h2']]);
    const names = Object.fromEntries((overlay.fdb as Obj[]).map((e) => [e.mac, e.name ?? null]));
    expect(names['02:42:0a:00:01:02']).toBe('c1');
    expect(names['02:42:0a:00:01:03']).toBe('c2');
  });
});

// Ground truth from the kernel: the recorded captures run through the real pipeline
// (runAnalysis) with only the FDB engine, compared with `bridge -j fdb show br BR` taken
// when the captures stopped. Learned entries (state "", with master) must be ours, MAC and
// port, wherever the capture shows ports; MACs alone where it does not. Differences
// are allowed only when listed, with their reason, in fdb-truth-exceptions.json.
//
// Views:
// * ports:   pcapng with named interfaces, or `-any` + the links topology. A kernel entry
//            whose port is not among the captured interfaces must be ours with port null.
// * ifindex: `-any` without topology: ports are known by ifindex only (checked against
//            the kernel port's ifindex in truth-*-links.json).
// * macs:    a classic pcap of the bridge alone: the unnamed bridge, MACs only.
// * tunnel:  an underlay capture + a host's topology: the entries that host's bridge
//            learned on its VXLAN port (from tunnelled frames addressed to it).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FdbEngine } from '../../src/analysis/fdb.js';
import type { AnalysisFrame, Change, Engine, EngineOptions } from '../../src/analysis/types.js';
import { runAnalysis } from '../../src/api/analysis-run.js';
import type { JsonValue } from '../../src/decode/index.js';
import { capturesDir, repoRoot } from '../helpers/paths.js';

type View = 'ports' | 'ifindex' | 'macs' | 'tunnel';

interface Run {
  scenario: string;
  capture: string;
  truth: string;
  view: View;
  /** Topology files given to the engine ([] = none). */
  topology: string[];
  /** Links file mapping port names to ifindexes (ifindex view). */
  links?: string;
  vxlanPorts?: number[];
  /** Stop before the events.txt line containing this text (the truth was taken then). */
  before?: string;
}

interface KernelEntry { mac: string; ifname?: string; master?: string; state?: string; flags?: string[] }
interface OurEntry { mac: string; port: string | null; vlan: number | null; local: boolean; ifindex?: number }
interface OurBridge { name: string | null; ifindex?: number; fdb: OurEntry[] }
interface Exception { scenario: string; mac: string; kind: 'extra' | 'missing'; runs: string[]; reason: string }

const HOST = ['truth-host-links.json'];

/** Every capture that shows a bridge, against every FDB truth file it can speak for. */
function runs(): Run[] {
  const out: Run[] = [];
  const add = (r: Omit<Run, 'topology'> & { topology?: string[] }) => out.push({ topology: [], ...r });
  const lan = (scenario: string, prefix: string, bridgePcaps: string[], truths: string[], anyTruths = truths) => {
    for (const truth of truths) {
      add({ scenario, capture: `${prefix}-multi.pcapng`, truth, view: 'ports', topology: HOST });
      add({ scenario, capture: `${prefix}-multi.pcapng`, truth, view: 'ports' });
    }
    for (const truth of anyTruths) {
      add({ scenario, capture: `${prefix}-any.pcap`, truth, view: 'ports', topology: HOST });
      add({ scenario, capture: `${prefix}-any.pcap`, truth, view: 'ifindex', links: HOST[0] });
    }
    bridgePcaps.forEach((pcap, i) => add({ scenario, capture: pcap, truth: truths[i], view: 'macs', topology: HOST }));
  };
  lan('bridge', 'bridge', ['bridge-docker0.pcap'], ['truth-host-docker0-fdb.json']);
  lan('userbridge', 'bridge', ['bridge-br-000004d49e2e.pcap'], ['truth-host-br-000004d49e2e-fdb.json']);
  lan('napt', 'napt', ['napt-docker0.pcap'], ['truth-host-docker0-fdb.json']);
  lan('napt-collide', 'napt-collide', ['napt-collide-docker0.pcap'], ['truth-host-docker0-fdb.json']);
  lan('two-bridges', 'two-bridges', ['two-bridges-br-5e1f0a2b3c4d.pcap', 'two-bridges-br-7a8b9c0d1e2f.pcap'],
    ['truth-host-br-5e1f0a2b3c4d-fdb.json', 'truth-host-br-7a8b9c0d1e2f-fdb.json']);

  // recreate: c2's veth is deleted and a new one made; the old veth (ifindex 4) is only
  // in links-before, so the topology is both dumps. The multi pcapng has docker0 and c1's veth only.
  const both = ['truth-host-links-before.json', 'truth-host-links.json'];
  const after = 'truth-host-docker0-fdb-after.json';
  add({ scenario: 'recreate', capture: 'recreate-multi.pcapng', truth: after, view: 'ports', topology: both });
  add({ scenario: 'recreate', capture: 'recreate-any.pcap', truth: after, view: 'ports', topology: both });
  add({ scenario: 'recreate', capture: 'recreate-any.pcap', truth: after, view: 'ifindex', links: 'truth-host-links.json' });
  add({ scenario: 'recreate', capture: 'recreate-docker0.pcap', truth: after, view: 'macs', topology: both });
  add({ scenario: 'recreate', capture: 'recreate-any.pcap', truth: 'truth-host-docker0-fdb-before.json', view: 'ports', topology: both, before: 'delete c2' });
  add({ scenario: 'recreate', capture: 'recreate-any.pcap', truth: 'truth-host-docker0-fdb-deleted.json', view: 'ports', topology: both, before: 'recreated c2' });

  // Overlays: h1's br0 from its multi pcapng and br0 pcap; each host's VXLAN-port entries
  // from the underlay captures (both hosts' tunnel traffic crosses the same wire).
  const overlay = (scenario: string, prefix: string, opts: { br0?: string; underlay: string[]; hosts: string[]; vxlanPorts?: number[]; docker0?: boolean }) => {
    const v = opts.vxlanPorts ? { vxlanPorts: opts.vxlanPorts } : {};
    const h1 = ['truth-h1-links.json'];
    add({ scenario, capture: `${prefix}-multi-h1.pcapng`, truth: 'truth-h1-br0-fdb.json', view: 'ports', topology: h1, ...v });
    add({ scenario, capture: `${prefix}-multi-h1.pcapng`, truth: 'truth-h1-br0-fdb.json', view: 'ports', ...v });
    if (opts.docker0) {
      add({ scenario, capture: `${prefix}-multi-h1.pcapng`, truth: 'truth-h1-docker0-fdb.json', view: 'ports', topology: h1, ...v });
      add({ scenario, capture: `${prefix}-multi-h1.pcapng`, truth: 'truth-h1-docker0-fdb.json', view: 'ports', ...v });
    }
    if (opts.br0) add({ scenario, capture: opts.br0, truth: 'truth-h1-br0-fdb.json', view: 'macs', topology: h1, ...v });
    for (const capture of opts.underlay) {
      for (const h of opts.hosts) add({ scenario, capture, truth: `truth-${h}-br0-fdb.json`, view: 'tunnel', topology: [`truth-${h}-links.json`], ...v });
    }
  };
  overlay('overlay-learn', 'overlay', { br0: 'overlay-br0-h1.pcap', underlay: ['overlay-underlay-h1.pcap', 'overlay-underlay-h2.pcap'], hosts: ['h1', 'h2'] });
  overlay('overlay-static', 'overlay', { br0: 'overlay-br0-h1.pcap', underlay: ['overlay-underlay-h1.pcap', 'overlay-underlay-h2.pcap'], hosts: ['h1', 'h2'] });
  overlay('overlay-8472', 'overlay8472', { underlay: ['overlay8472-underlay-h1.pcap', 'overlay8472-underlay-h2.pcap'], hosts: ['h1', 'h2'], vxlanPorts: [8472] });
  overlay('overlay-mtu', 'overlay-mtu', { br0: 'overlay-mtu-br0-h1.pcap', underlay: ['overlay-mtu-underlay-h1.pcap'], hosts: ['h1', 'h2'], docker0: true });
  overlay('overlay-pmtu-bridged', 'pmtu', { br0: 'pmtu-br0-h1.pcap', underlay: ['pmtu-underlay-h1.pcap'], hosts: ['h1', 'h2'] });
  return out;
}

function runId(r: Run): string {
  return `${r.capture} vs ${r.truth}${r.topology.length === 0 ? ' (no topology)' : ''}${r.before ? ` (before "${r.before}")` : ''}`;
}

function readJson<T>(scenario: string, file: string): T {
  return JSON.parse(readFileSync(join(capturesDir, scenario, file), 'utf8')) as T;
}

/** Stops feeding the engine at a capture time (the moment a truth file was taken). */
class Until implements Engine {
  readonly name: string;
  constructor(private readonly inner: FdbEngine, private readonly sec: number, private readonly nsec: number) {
    this.name = inner.name;
  }
  step(frame: AnalysisFrame, out: Change[]): void {
    if (frame.tsSec < this.sec || (frame.tsSec === this.sec && frame.tsNsec < this.nsec)) this.inner.step(frame, out);
  }
  report(): JsonValue {
    return this.inner.report();
  }
  clone(): Engine {
    return new Until(this.inner.clone(), this.sec, this.nsec);
  }
}

function eventTime(scenario: string, text: string): [number, number] {
  const lines = readFileSync(join(capturesDir, scenario, 'events.txt'), 'utf8').split('\n');
  const line = lines.find((l) => l.includes(text));
  if (!line) throw new Error(`no event "${text}" in ${scenario}/events.txt`);
  const [sec, frac] = line.split(' ')[0].split('.');
  return [Number(sec), Number(frac.padEnd(9, '0'))];
}

interface Outcome {
  run: Run;
  kernelBridge: string;
  expected: string[];
  actual: string[];
  changes: Change[];
  ours: OurBridge;
  kernel: KernelEntry[];
  captured: Set<string> | 'all';
}

function analyse(r: Run): Outcome {
  const dir = join(capturesDir, r.scenario);
  const kernelAll = readJson<KernelEntry[]>(r.scenario, r.truth).filter((e) => e.master !== undefined && !(e.flags ?? []).includes('self'));
  const kernelBridge = kernelAll[0].master as string;
  const kernel = kernelAll.filter((e) => e.state === '');
  const make = (o: EngineOptions): Engine[] => {
    const fdb = new FdbEngine(o);
    if (!r.before) return [fdb];
    const [sec, nsec] = eventTime(r.scenario, r.before);
    return [new Until(fdb, sec, nsec)];
  };
  const result = runAnalysis([join(dir, r.capture)], make, {
    topologyFiles: r.topology.map((f) => join(dir, f)),
    ...(r.vxlanPorts ? { vxlanPorts: r.vxlanPorts } : {}),
  });
  const report = result.pipeline.report();
  const bridges = report.bridges as unknown as OurBridge[];
  const changes = report.events as unknown as Change[];
  const interfaces = [...result.pipeline.interfaces.values()];
  const captured: Set<string> | 'all' = interfaces.some((i) => i.linktype === 276) ? 'all' : new Set(interfaces.map((i) => i.name).filter((n): n is string => n !== null));
  const ifindexOf = (name: string): number | undefined =>
    readJson<{ ifindex: number; ifname: string }[]>(r.scenario, r.links ?? 'truth-host-links.json').find((l) => l.ifname === name)?.ifindex;

  let ours: OurBridge | undefined;
  let expected: string[];
  let actual: (e: OurEntry) => string;
  switch (r.view) {
    case 'ports':
      ours = bridges.find((b) => b.name === kernelBridge);
      expected = kernel.map((k) => `${k.mac} ${captured === 'all' || captured.has(k.ifname as string) ? k.ifname : 'null'}`);
      actual = (e) => `${e.mac} ${e.port}`;
      break;
    case 'ifindex':
      ours = bridges.find((b) => b.name === null && b.ifindex === ifindexOf(kernelBridge));
      expected = kernel.map((k) => `${k.mac} #${ifindexOf(k.ifname as string)}`);
      actual = (e) => `${e.mac} #${e.ifindex}`;
      break;
    case 'macs':
      ours = bridges.find((b) => b.name === null);
      expected = kernel.map((k) => k.mac);
      actual = (e) => e.mac;
      break;
    case 'tunnel': {
      ours = bridges.find((b) => b.name === kernelBridge);
      const links = readJson<{ ifname: string; master?: string; linkinfo?: { info_kind?: string } }[]>(r.scenario, r.topology[0]);
      const vxlan = links.filter((l) => l.master === kernelBridge && l.linkinfo?.info_kind === 'vxlan').map((l) => l.ifname);
      expected = kernel.filter((k) => vxlan.includes(k.ifname as string)).map((k) => `${k.mac} ${k.ifname}`);
      actual = (e) => `${e.mac} ${e.port}`;
      break;
    }
  }
  if (ours === undefined) throw new Error(`${runId(r)}: no bridge to compare with ${kernelBridge} in ${JSON.stringify(bridges.map((b) => b.name))}`);
  return {
    run: r, kernelBridge, expected: expected.sort(), actual: ours.fdb.filter((e) => !e.local).map(actual).sort(),
    changes, ours, kernel: kernelAll, captured,
  };
}

const exceptions = (JSON.parse(readFileSync(join(repoRoot, 'test/analysis/fdb-truth-exceptions.json'), 'utf8')) as { exceptions: Exception[] }).exceptions;
const ALL = runs();
const outcomes = new Map<string, Outcome>();
function outcome(r: Run): Outcome {
  const id = `${r.scenario}/${runId(r)}`;
  let o = outcomes.get(id);
  if (!o) {
    o = analyse(r);
    outcomes.set(id, o);
  }
  return o;
}

describe('bridge FDB vs the kernel (captures/*/truth-*-fdb.json)', () => {
  it('every bridge FDB truth file in captures/ is compared', () => {
    const used = new Set(ALL.map((r) => `${r.scenario}/${r.truth}`));
    const files: string[] = [];
    for (const scenario of readdirSync(capturesDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      for (const f of readdirSync(join(capturesDir, scenario.name))) {
        if (/^truth-.*-fdb(-[a-z]+)?\.json$/.test(f) && !f.includes('-vxlan0-')) files.push(`${scenario.name}/${f}`);
      }
    }
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });

  it('every exception names runs that exist', () => {
    const ids = new Set(ALL.map((r) => `${r.scenario}/${runId(r)}`));
    expect(exceptions.flatMap((x) => x.runs.map((id) => `${x.scenario}/${id}`)).filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(ALL.map((r) => [`${r.scenario}: ${runId(r)} [${r.view}]`, r] as const))('%s', (_title, r) => {
    const o = outcome(r);
    const mine = exceptions.filter((x) => x.scenario === r.scenario && x.runs.includes(runId(r)));
    const key = (s: string) => s.split(' ')[0];
    for (const x of mine) {
      // The listed difference must still be there: an exception cannot outlive its cause.
      if (x.kind === 'extra') {
        expect(o.actual.map(key), `exception for ${x.mac} (extra) no longer needed`).toContain(x.mac);
        expect(o.expected.map(key)).not.toContain(x.mac);
      } else {
        expect(o.expected.map(key), `exception for ${x.mac} (missing) no longer needed`).toContain(x.mac);
        expect(o.actual.map(key)).not.toContain(x.mac);
      }
    }
    const excused = new Set(mine.map((x) => x.mac));
    expect(o.actual.filter((s) => !excused.has(key(s)))).toEqual(o.expected.filter((s) => !excused.has(key(s))));
    if (r.topology.length > 0 && r.view === 'ports') {
      // The kernel's permanent entries (the host's own MACs) are our local entries.
      const permanent = o.kernel.filter((k) => k.state === 'permanent').map((k) => `${k.mac} ${k.ifname}`);
      const local = o.ours.fdb.filter((e) => e.local).map((e) => `${e.mac} ${e.port}`);
      expect(local).toEqual(expect.arrayContaining(permanent));
    }
  });

  it('recreate: c2 comes back with a new MAC, learned afresh on its new veth (not a move)', () => {
    const r = ALL.find((x) => x.scenario === 'recreate' && x.capture === 'recreate-any.pcap' && x.view === 'ports' && !x.before) as Run;
    const o = outcome(r);
    const oldMac = '02:42:ac:11:00:03';
    const newMac = '02:42:ac:11:aa:03';
    const learns = o.changes.filter((c) => c.kind === 'fdb.learn');
    expect(learns.filter((c) => c.mac === oldMac).map((c) => c.port)).toEqual(['vethb2c3d4e']);
    expect(learns.filter((c) => c.mac === newMac).map((c) => c.port)).toEqual(['vethf6a7b8c']);
    expect(o.changes.filter((c) => c.kind === 'fdb.move')).toEqual([]);
    // Learned after the recreation, from a frame the old MAC never sent.
    const oldEntry = o.ours.fdb.find((e) => e.mac === oldMac) as OurEntry & { lastFrame: number };
    const newLearn = learns.find((c) => c.mac === newMac) as Change;
    expect(newLearn.frame).toBeGreaterThan(oldEntry.lastFrame);
    // The dumpcap capture has docker0 and c1's veth only: the new MAC is there, port unknown.
    const multi = outcome(ALL.find((x) => x.scenario === 'recreate' && x.capture === 'recreate-multi.pcapng') as Run);
    expect(multi.ours.fdb.find((e) => e.mac === newMac)).toMatchObject({ port: null, local: false });
  });

  it('two bridges keep separate tables', () => {
    const o = outcome(ALL.find((x) => x.scenario === 'two-bridges' && x.capture.endsWith('multi.pcapng') && x.topology.length > 0) as Run);
    const bridges = (runAnalysis([join(capturesDir, 'two-bridges', 'two-bridges-multi.pcapng')], (opt) => [new FdbEngine(opt)], {
      topologyFiles: [join(capturesDir, 'two-bridges', HOST[0])],
    }).pipeline.report().bridges as unknown as OurBridge[]).map((b) => [b.name, b.fdb.filter((e) => !e.local).map((e) => e.mac)]);
    expect(o.kernelBridge).toBe('br-5e1f0a2b3c4d');
    expect(bridges).toEqual([
      ['br-5e1f0a2b3c4d', ['02:42:ac:12:00:02', '02:42:ac:12:00:03']],
      ['br-7a8b9c0d1e2f', ['02:42:ac:13:00:02', '02:42:ac:13:00:03']],
    ]);
  });
});

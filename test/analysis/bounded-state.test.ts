// Bounded state: pathological streams (MAC floods, neighbour floods, conntrack floods,
// fragments that never complete, VNI floods, one-instant bursts, VXLAN nested 1000 deep)
// run through the whole pipeline. Each table stays within its cap, the overflow is
// reported once as a change and counted in the report, and nothing throws. "Not
// quadratic" is shown by sizes: the structures a step walks stay bounded by the caps
// whatever the input's length (bench/pathological.mjs times 1e5 vs 1e6 frames).

import { fc, test } from '@fast-check/vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { analyze, replay } from '../../src/api/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngines } from '../../src/analysis/engines.js';
import { DEFAULT_LIMITS, parseLimits, resolveLimits, type AnalysisLimits } from '../../src/analysis/limits.js';
import { AnalysisPipeline } from '../../src/analysis/pipeline.js';
import type { Change, EngineOptions } from '../../src/analysis/types.js';
import { FrameDecoder, MAX_LAYERS } from '../../src/decode/index.js';
import { Topology } from '../../src/topology/model.js';
import type { LimitsReport, OverflowReport } from '../../src/api/report-types.js';
import {
  arpClaims, manyArpClaims, manyArpProbes, manyIfindexes, manyFragments, manyMacs, manyNatFlows, manyOverlayMacs, manyVnis, nestedVxlan, sameInstantCopies,
  type FragmentMode, type StreamFrame,
} from '../helpers/pathological.js';
import { capturesDir, repoRoot } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

function pipelineWith(limits: Partial<AnalysisLimits> = {}): AnalysisPipeline {
  const topology = Topology.empty();
  const options: EngineOptions = { topology, ageingSeconds: 300, vxlanPorts: [4789], limits: resolveLimits(limits) };
  return new AnalysisPipeline(createEngines(options), { vxlanPorts: [4789], limits }, topology);
}

function run(p: AnalysisPipeline, frames: Iterable<StreamFrame>): Change[] {
  const overflowChanges: Change[] = [];
  for (const f of frames) {
    p.push(f);
    for (const c of p.lastChanges) if (c.kind === 'limit.overflow') overflowChanges.push(c);
  }
  p.finish();
  for (const c of p.lastChanges) if (c.kind === 'limit.overflow') overflowChanges.push(c);
  return overflowChanges;
}

function overflowsOf(p: AnalysisPipeline): OverflowReport[] {
  const limits = p.report().limits as unknown as LimitsReport | undefined;
  return limits?.overflows ?? [];
}

function only(p: AnalysisPipeline, table: string): OverflowReport {
  const found = overflowsOf(p).filter((o) => o.table === table);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('AnalysisLimits', () => {
  it('parses --limit text and names what is wrong', () => {
    expect(parseLimits('fdb=1000, neigh=64,conntrack=5')).toEqual({ fdbEntries: 1000, neighEntries: 64, natConnections: 5 });
    expect(() => parseLimits('fbd=1')).toThrow(/unknown limit "fbd"/);
    expect(() => parseLimits('fdb=0')).toThrow(/positive integer/);
    expect(() => parseLimits('fdb')).toThrow(/positive integer/);
    expect(resolveLimits({ neighEntries: 7 })).toEqual({ ...DEFAULT_LIMITS, neighEntries: 7 });
  });
});

describe('bridge FDB under a MAC flood', () => {
  it('learns up to the default limit, refuses the rest, and says so once', () => {
    const n = DEFAULT_LIMITS.fdbEntries + 5000;
    const p = pipelineWith();
    const changes = run(p, manyMacs(n));
    const bridges = p.report().bridges as { fdb: unknown[] }[];
    expect(bridges).toHaveLength(1);
    expect(bridges[0].fdb).toHaveLength(DEFAULT_LIMITS.fdbEntries);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ table: 'fdb', limit: DEFAULT_LIMITS.fdbEntries, action: 'refused', frame: DEFAULT_LIMITS.fdbEntries + 1 });
    const o = only(p, 'fdb');
    expect(o.count).toBe(n - DEFAULT_LIMITS.fdbEntries);
    expect(o.message).toMatch(/^fdb overflow: bridge .* reached its limit of 65536 entries/);
    expect(p.changeCounts.get('fdb.learn')).toBe(DEFAULT_LIMITS.fdbEntries);
  });

  it('a smaller cap from the options; a clone keeps the count and goes on alike', () => {
    const p = pipelineWith({ fdbEntries: 100 });
    const frames = manyMacs(1000);
    for (let i = 0; i < 500; i++) p.push(frames.next().value as StreamFrame);
    expect(only(p, 'fdb').count).toBe(400);
    const c = p.clone();
    for (let r = frames.next(); r.done !== true; r = frames.next()) {
      p.push(r.value);
      c.push(r.value);
    }
    expect(only(p, 'fdb').count).toBe(900);
    expect(only(c, 'fdb').count).toBe(900);
    expect(c.report()).toEqual(p.report());
  });
});

describe('bridge interfaces under an SLL2 ifindex flood', () => {
  it('tells apart at most `interfaces` of them; frames on the others are not learned from', () => {
    const p = pipelineWith({ interfaces: 100 });
    run(p, manyIfindexes(5000));
    const fdb = p.engines.find((e) => e.name === 'bridges') as unknown as { ifs: { byKey: Map<number, unknown> } };
    expect(fdb.ifs.byKey.size).toBe(100);
    expect(only(p, 'interfaces')).toMatchObject({ limit: 100, count: 4900, action: 'refused', firstFrame: 101 });
  });
});

describe('ARP table under a neighbour flood', () => {
  it('keeps gc_thresh3 (1024) entries by default: the ones claimed last, the others evicted and counted', () => {
    const p = pipelineWith();
    run(p, manyArpClaims(5000));
    const arp = p.report().arp as { firstFrame: number }[];
    expect(arp).toHaveLength(DEFAULT_LIMITS.neighEntries);
    expect(Math.min(...arp.map((e) => e.firstFrame))).toBe(5000 - DEFAULT_LIMITS.neighEntries + 1);
    expect(only(p, 'neigh')).toMatchObject({ count: 5000 - DEFAULT_LIMITS.neighEntries, action: 'evicted' });
    expect(p.changeCounts.get('arp.new')).toBe(5000);
  });

  it('evicts the entry claimed longest ago, not the one learned first, in clones too', () => {
    const ipsOf = (p: AnalysisPipeline) => (p.report().arp as { ip: string }[]).map((e) => e.ip);
    const p = pipelineWith({ neighEntries: 4 });
    // 10.0.0.1 is learned first but claimed again after 10.0.0.2-4: 10.0.0.2 is the oldest claim.
    run(p, arpClaims([1, 2, 3, 4, 1]));
    const c = p.clone();
    run(p, arpClaims([5]));
    expect(ipsOf(p)).toEqual(['10.0.0.1', '10.0.0.3', '10.0.0.4', '10.0.0.5']);
    run(c, arpClaims([6, 7]));
    expect(ipsOf(c)).toEqual(['10.0.0.1', '10.0.0.4', '10.0.0.6', '10.0.0.7']);
  });

  it('probes for 100k addresses within one instant keep the probe map at the cap', () => {
    const p = pipelineWith({ neighEntries: 256 });
    run(p, manyArpProbes(100_000));
    const arp = p.engines.find((e) => e.name === 'arp') as unknown as { probes: Map<number, unknown> };
    expect(arp.probes.size).toBe(256);
  });
});

describe('conntrack under a flood of new connections', () => {
  it('finds every flow below the cap', () => {
    const p = pipelineWith();
    run(p, manyNatFlows(3000));
    expect(p.report().nat).toHaveLength(3000);
    expect(overflowsOf(p)).toEqual([]);
    expect(p.report().limits).toBeUndefined();
  });

  it('drops new connections beyond nf_conntrack_max, as the kernel does', () => {
    const p = pipelineWith({ natConnections: 1000 });
    const changes = run(p, manyNatFlows(3000));
    expect(p.report().nat).toHaveLength(1000);
    expect(changes.map((c) => c.table)).toEqual(['conntrack']);
    const o = only(p, 'conntrack');
    expect(o).toMatchObject({ limit: 1000, action: 'dropped', count: 2000 });
  });

  it('a NAT flood past natHistory: tracked to the end, the report keeps the first and the newest and counts the rest', () => {
    const p = pipelineWith({ natHistory: 10 });
    const news: number[] = [];
    for (const f of expiringNatFlows(50)) {
      p.push(f);
      for (const c of p.lastChanges) if (c.kind === 'nat.new') news.push(f.no);
    }
    p.finish();
    expect(news).toHaveLength(50); // the live table translated every one, the last ones included
    expect(news.at(-1)).toBe(100);
    // 49 ended: the first 5 and the last 5 are listed, with the one still live; 39 are left out
    expect(sportsOf(p)).toEqual([1024, 1025, 1026, 1027, 1028, 1068, 1069, 1070, 1071, 1072, 1073]);
    expect(p.report().capped).toEqual({ nat: 39 });
    expect(overflowsOf(p)).toEqual([]);
  });

  it('replay clones taken before and after the NAT history wraps stay independent and continue as the original', () => {
    const straight = pipelineWith({ natHistory: 10 });
    pushFlows(straight, 0, 80);
    const p = pipelineWith({ natHistory: 10 });
    pushFlows(p, 0, 8); // 7 ended: the history is not full
    const before = p.clone();
    const beforeReport = JSON.stringify(before.report());
    pushFlows(p, 8, 30); // 29 ended: its ring has wrapped
    const after = p.clone();
    const afterReport = JSON.stringify(after.report());
    pushFlows(p, 30, 80);
    expect(JSON.stringify(before.report())).toBe(beforeReport);
    expect(JSON.stringify(after.report())).toBe(afterReport);
    expect(before.report().capped).toBeUndefined();
    expect(after.report().capped).toEqual({ nat: 29 - 10 });
    pushFlows(after, 30, 80);
    pushFlows(before, 8, 80);
    for (const q of [p, before, after]) {
      expect(q.report().nat).toEqual(straight.report().nat);
      expect(q.report().capped).toEqual({ nat: 79 - 10 });
    }
  });
});

/** manyNatFlows, each flow 31 s after the one before: UDP's 30 s timeout ends it when the next begins. */
function* expiringNatFlows(n: number): Generator<StreamFrame> {
  for (const f of manyNatFlows(n)) {
    f.tsSec = 1_700_000_000 + Math.floor((f.no - 1) / 2) * 31;
    yield f;
  }
}

/** Pushes the frames of flows from..to-1 of expiringNatFlows. */
function pushFlows(p: AnalysisPipeline, from: number, to: number): void {
  for (const f of expiringNatFlows(to)) if (f.no > 2 * from) p.push(f);
}

function sportsOf(p: AnalysisPipeline): number[] {
  return (p.report().nat as { original: { sport: number } }[]).map((e) => e.original.sport);
}

describe('IPv4 reassembly under fragments that never complete', () => {
  for (const mode of ['never-complete', 'overlapping', 'tiny', 'huge-offset'] as FragmentMode[]) {
    it(`${mode}: at most fragDatagrams datagrams wait, whatever the number of fragments`, () => {
      const p = pipelineWith({ fragDatagrams: 16 });
      const r = p.decoder.ctx.reassembler;
      let largest = 0;
      for (const f of manyFragments(50_000, mode)) {
        p.push(f);
        if (r.size > largest) largest = r.size;
      }
      expect(largest).toBeLessThanOrEqual(16);
      expect(largest).toBeGreaterThan(0);
      if (mode === 'never-complete') {
        expect(r.evicted).toBe(50_000 - 16);
        expect(only(p, 'frag')).toMatchObject({ limit: 16, action: 'evicted', count: 50_000 - 16 });
      }
    });
  }

  it('datagrams older than fragSeconds of capture time expire', () => {
    const p = pipelineWith({ fragSeconds: 1, fragDatagrams: 100_000 });
    const r = p.decoder.ctx.reassembler;
    let i = 0;
    for (const f of manyFragments(3000, 'never-complete')) {
      f.tsSec = 1_700_000_000 + Math.floor(i / 1000); // one fragment every ms of capture time: 3 s in all
      f.tsNsec = (i++ % 1000) * 1_000_000;
      p.push(f);
    }
    // 3000 datagrams over 3 s: those of the first second are gone by the third
    expect(r.expired).toBeGreaterThanOrEqual(1000);
    expect(r.size).toBeLessThanOrEqual(2000);
    expect(r.evicted).toBe(0);
  });
});

describe('VXLAN overlay floods', () => {
  it('follows at most overlayVnis VNIs', () => {
    const p = pipelineWith({ overlayVnis: 100 });
    run(p, manyVnis(10_000));
    const overlay = p.report().overlay as { vnis: unknown[] };
    expect(overlay.vnis).toHaveLength(100);
    expect(only(p, 'vni').count).toBe(9900);
  });

  it('caps tunnels (VNI and VTEP pairs)', () => {
    const p = pipelineWith({ overlayTunnels: 50 });
    run(p, manyVnis(2000, 7));
    expect(only(p, 'tunnels').count).toBe(1950);
  });

  it('caps the MACs learned behind remote VTEPs per VNI, and the bridge run inside the VNI', () => {
    const p = pipelineWith({ overlayFdbEntries: 1000, fdbEntries: 300 });
    run(p, manyOverlayMacs(5000));
    const overlay = p.report().overlay as { fdb: unknown[] };
    expect(overlay.fdb).toHaveLength(1000);
    expect(only(p, 'overlay-fdb')).toMatchObject({ name: 'VNI 42', count: 4000 });
    const inner = overlowsNamed(p, 'fdb').filter((o) => o.name?.startsWith('VNI 42'));
    expect(inner).toHaveLength(1);
    expect(inner[0].count).toBe(4700);
  });

  it('1000 nested VXLAN headers in a 64 KiB frame: decoding stops at MAX_LAYERS with an issue, engines take it', () => {
    const frame = nestedVxlan(1000);
    expect(frame.data.length).toBeLessThanOrEqual(65536);
    const decoded = new FrameDecoder({ vxlanPorts: [4789] }).decode(frame);
    expect(decoded.layers.count).toBe(MAX_LAYERS);
    expect(decoded.issues.some((i) => /nests more than 64 layers/.test(i.message))).toBe(true);
    const p = pipelineWith();
    for (let k = 0; k < 100; k++) {
      frame.no = k + 1;
      frame.tsNsec = k * 1000;
      p.push(frame);
    }
    p.finish();
    const overlay = p.report().overlay as { vnis: { vni: number }[] };
    // 4 layers (Ethernet, IPv4, UDP, VXLAN) per level: the outer 16 levels (VNIs 1000 down to 985) are seen
    expect(overlay.vnis.map((v) => v.vni).sort((a, b) => a - b)).toEqual(Array.from({ length: MAX_LAYERS / 4 }, (_, i) => 1000 - MAX_LAYERS / 4 + 1 + i));
  });
});

describe('bursts stamped with one instant', () => {
  it('the copy and NAT pairing windows keep at most recentFrames', () => {
    const p = pipelineWith({ recentFrames: 1024 });
    run(p, sameInstantCopies(20_000));
    const copies = (p as unknown as { copies: { count: number } }).copies;
    const nat = p.engines.find((e) => e.name === 'nat') as unknown as { window: { size: number } };
    expect(copies.count).toBeLessThanOrEqual(1024);
    expect(nat.window.size).toBeLessThanOrEqual(1024);
    expect(overlowsNamed(p, 'recent').map((o) => o.name).sort()).toEqual(['copy recognition', 'nat sightings']);
  });

  it('identical packets within one pairing window: NAT looks at a bounded number of candidates per packet', () => {
    // 20,000 packets sharing one invariant key inside 20 ms: a walk of the whole window
    // would look at ~2e8 sightings; the budget keeps it at most 64 per packet.
    const p = pipelineWith();
    run(p, sameInstantCopies(10_000));
    const nat = p.engines.find((e) => e.name === 'nat') as unknown as { candidatesExamined: number };
    expect(nat.candidatesExamined).toBeGreaterThan(10_000);
    expect(nat.candidatesExamined).toBeLessThanOrEqual(64 * 20_000);
  });
});

describe('the change log', () => {
  it('keeps at most `events` changes; the counts per kind go on', () => {
    const p = pipelineWith({ events: 100 });
    run(p, manyMacs(1000));
    expect(p.events).toHaveLength(100);
    expect(p.changeCounts.get('fdb.learn')).toBe(1000);
    expect(only(p, 'events').count).toBe(900);
  });
});

function overlowsNamed(p: AnalysisPipeline, table: string): OverflowReport[] {
  return overflowsOf(p).filter((o) => o.table === table);
}

describe('totality', () => {
  const templates = [...[...manyNatFlows(1)].map((f) => f.data.slice()), ...[...manyVnis(1)].map((f) => f.data.slice()),
    ...[...manyArpClaims(1)].map((f) => f.data.slice()), ...[...manyFragments(1, 'tiny')].map((f) => f.data.slice()),
    nestedVxlan(3).data];
  const frame = (data: Uint8Array, no: number, linkType: number, ifaceId: number) => ({
    no, tsSec: 1_700_000_000 + (no >> 4), tsNsec: (no * 7919) % 1e9, origLen: data.length, data, start: 0, end: data.length, direction: null,
    iface: ifaceId === 0 ? { id: 0, linkType, name: 'docker0' } : { id: 1, linkType, name: null },
  });

  test.prop([fc.array(fc.tuple(fc.nat(templates.length - 1), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }), fc.nat(1),
    fc.constantFrom(1, 1, 1, 113, 276, 101)), { minLength: 1, maxLength: 40 })], { numRuns: 300 })(
    'mutated frames through decode and every engine never throw, with tiny caps too',
    (stream) => {
      for (const limits of [{}, parseLimits('fdb=1,neigh=1,conntrack=1,nat-history=1,vni=1,overlay-fdb=1,tunnels=1,frag=1,events=1,recent=1,frag-time=1')]) {
        const p = pipelineWith(limits);
        stream.forEach(([t, flips, side, linkType], i) => {
          const data = templates[t].slice();
          for (const [at, value] of flips) data[at % data.length] = value;
          p.push(frame(data, i + 1, linkType, side));
        });
        p.finish();
        expect(() => JSON.stringify(p.report())).not.toThrow();
      }
    },
  );
});

/** A classic pcap (microseconds, Ethernet) of the frames. */
function pcapOf(frames: Iterable<StreamFrame>): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  parts.push(header);
  for (const f of frames) {
    const record = Buffer.alloc(16);
    record.writeUInt32LE(f.tsSec, 0);
    record.writeUInt32LE(Math.floor(f.tsNsec / 1000), 4);
    record.writeUInt32LE(f.end - f.start, 8);
    record.writeUInt32LE(f.origLen, 12);
    parts.push(record, Buffer.from(f.data.subarray(f.start, f.end)));
  }
  return Buffer.concat(parts);
}

describe('dockshark analyze --limit (built CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dockshark-limits-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stats on a flood of flows: each table keeps --max-conversations, the frames of the others are counted', () => {
    const file = join(dir, 'flows.pcap');
    writeFileSync(file, pcapOf(manyNatFlows(3000)));
    const all = JSON.parse(runCli(['stats', '--json', file]).stdout);
    expect(all.capped).toBeUndefined();
    const capped = runCli(['stats', '--json', '--max-conversations', '500', file]);
    expect(capped.code).toBe(0);
    const report = JSON.parse(capped.stdout);
    expect(report.udp.conversations).toHaveLength(500);
    // every conversation of the flood has the same number of frames: the ones not kept are the rest
    const framesOf = (r: { conversations: { frames: number }[] }) => r.conversations.reduce((n, c) => n + c.frames, 0);
    expect(report.capped.limit).toBe(500);
    expect(framesOf(report.udp) + report.capped.uncountedFrames.udp).toBe(framesOf(all.udp));
    expect(report.capped.uncountedFrames.udp).toBeGreaterThan(0);
    const text = runCli(['stats', '--max-conversations', '500', file]);
    expect(text.stdout).toMatch(new RegExp(`^udp: the table reached 500 conversations \\(--max-conversations\\); ${report.capped.uncountedFrames.udp} frames of later ones are not counted\\.$`, 'm'));
    expect(runCli(['stats', '--max-conversations', '0', file]).code).toBe(2);
  });

  it('a MAC flood file: the FDB stops at --limit fdb, the JSON and the text say so', () => {
    const file = join(dir, 'macof.pcap');
    writeFileSync(file, pcapOf(manyMacs(5000)));
    const json = runCli(['analyze', '--json', '--limit', 'fdb=1000', file]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.bridges[0].fdb).toHaveLength(1000);
    expect(report.limits.caps.fdbEntries).toBe(1000);
    expect(report.limits.overflows).toEqual([expect.objectContaining({ table: 'fdb', limit: 1000, firstFrame: 1001, count: 4000, action: 'refused' })]);
    expect(report.events.filter((e: Change) => e.kind === 'limit.overflow')).toHaveLength(1);
    const text = runCli(['analyze', '--limit', 'fdb=1000', file]);
    expect(text.stdout).toMatch(/^Limits reached$/m);
    expect(text.stdout).toMatch(/^fdb +1000 +1001 +4000 refused +fdb overflow: bridge \(unnamed\) reached its limit of 1000 entries/m);
  });

  it('a NAT flood file past --limit nat-history: every translation made, the first and newest listed, the rest counted', () => {
    const file = join(dir, 'nat-flood.pcap');
    writeFileSync(file, pcapOf(expiringNatFlows(50)));
    const json = runCli(['analyze', '--json', '--limit', 'nat-history=10', file]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.events.filter((e: Change) => e.kind === 'nat.new')).toHaveLength(50);
    expect(report.nat.map((e: { original: { sport: number } }) => e.original.sport)).toEqual([1024, 1025, 1026, 1027, 1028, 1068, 1069, 1070, 1071, 1072, 1073]);
    expect(report.capped).toEqual({ nat: 39 });
    expect(report.limits).toBeUndefined();
    const text = runCli(['analyze', '--limit', 'nat-history=10', file]);
    expect(text.stdout).toMatch(/^\(39 more connections, which ended between the first and the last ones listed, are not listed; --limit nat-history=N keeps more\)$/m);
    const all = JSON.parse(runCli(['analyze', '--json', file]).stdout);
    expect(all.nat).toHaveLength(50);
    expect(all.capped).toBeUndefined();
  });

  it('a recording within the caps has no limits section; a cap too small for it has one', () => {
    const file = join(capturesDir, 'bridge/bridge-docker0.pcap');
    const plain = JSON.parse(runCli(['analyze', '--json', file]).stdout);
    expect(plain.limits).toBeUndefined();
    const capped = JSON.parse(runCli(['analyze', '--json', '--limit', 'neigh=1', '--limit', 'fdb=2', file]).stdout);
    expect(capped.arp).toHaveLength(1);
    expect(capped.limits.overflows.map((o: OverflowReport) => o.table).sort()).toEqual(['fdb', 'neigh']);
  });

  it('an unknown limit is one line naming the known ones', () => {
    const r = runCli(['analyze', '--limit', 'fbd=2', join(capturesDir, 'bridge/bridge-docker0.pcap')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.split('\n')[0]).toMatch(/unknown limit "fbd" \(known: fdb, interfaces, neigh, conntrack/);
    expect(r.stdout).toBe('');
  });
});

describe('the library: analyze() and replay() with limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dockshark-limits-api-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports with overflows compile against AnalysisReport; replay() takes the limits too', async () => {
    const file = join(dir, 'macof.pcap');
    writeFileSync(file, pcapOf(manyMacs(3000)));
    const flood = await analyze(file, { limits: { fdbEntries: 500, events: 10 } });
    expect(flood.limits?.overflows.map((o) => [o.table, o.count])).toEqual([['events', 491], ['fdb', 2500]]); // by first frame; the 500 learnings and the overflow change are the events
    const bridge = await analyze(join(capturesDir, 'bridge/bridge-docker0.pcap'), { limits: { neighEntries: 1 } });
    expect(bridge.limits?.overflows.map((o) => o.table)).toEqual(['neigh']);
    const trace = await replay(file, { limits: { fdbEntries: 100 } });
    const end = trace.stateAt(trace.length);
    trace.close();
    expect(end.bridges[0].fdb).toHaveLength(100);
    expect(end.limits?.overflows[0]).toMatchObject({ table: 'fdb', count: 2900 });

    const lines = [`import type { AnalysisReport } from ${JSON.stringify(resolve(repoRoot, 'src/api/report-types.js'))};`];
    for (const [name, report] of Object.entries({ flood, bridge, end })) lines.push(`export const ${name}: AnalysisReport = ${JSON.stringify(report)};`);
    const source = join(dir, 'reports.ts');
    writeFileSync(source, lines.join('\n'));
    const program = ts.createProgram([source], {
      strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [resolve(repoRoot, 'node_modules/@types')],
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
    });
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  }, 120_000);
});

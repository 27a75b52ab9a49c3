// The overlay engine against the kernel's own tables, on the lab recordings in captures/.
//
// Truth: `truth-<h>-vxlan0-fdb.json` = `bridge -j fdb show dev vxlan0`. Its entries with
// `dst` (flags ["self"]) are the VXLAN device's table: MAC -> remote VTEP (the all-zero
// MAC is the flood entry, configured, not learned). Host H (underlay address A) learns
// from the packets it receives, i.e. our entries whose VTEP is not A. The kernel's
// table can hold MACs the capture never saw (learnt before tcpdump started or in the
// packets tcpdump received but had not written when it was stopped): those are
// listed, with reasons, under `unseen` in overlay-truth-exceptions.json; any
// disagreement on a MAC the capture did see goes under `disagreements`. Both lists must
// match exactly what the runs find.
//
// MTU: the 'overlay.mtu' findings are checked against the lines `dockshark decode`
// prints (the same formatter, in-process) for fragments and ICMP "fragmentation needed".
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OverlayEngine } from '../../src/analysis/overlay.js';
import type { AnalysisFrame, Change, Engine } from '../../src/analysis/types.js';
import { runAnalysis } from '../../src/api/analysis-run.js';
import { openCaptures } from '../../src/capture/open.js';
import { frameText } from '../../src/cli/format-frame.js';
import { FrameDecoder, formatMac } from '../../src/decode/index.js';
import { capturesDir, repoRoot } from '../helpers/paths.js';

type RunName = 'h1' | 'h2' | 'multi' | 'all';
type Host = 'h1' | 'h2';

interface Scenario {
  name: string;
  ports: number[];
  files: Partial<Record<'h1' | 'h2' | 'multi', string>>;
  /** Expected totals per MTU problem (every run that has the frames: see `mtuRuns`). */
  mtu: { 'outer-fragmented': number; 'inner-fragmented': number; 'frag-needed': number };
}

const SCENARIOS: Scenario[] = [
  {
    name: 'overlay-learn', ports: [4789],
    files: { h1: 'overlay-underlay-h1.pcap', h2: 'overlay-underlay-h2.pcap', multi: 'overlay-multi-h1.pcapng' },
    mtu: { 'outer-fragmented': 0, 'inner-fragmented': 0, 'frag-needed': 0 },
  },
  {
    name: 'overlay-static', ports: [4789],
    files: { h1: 'overlay-underlay-h1.pcap', h2: 'overlay-underlay-h2.pcap', multi: 'overlay-multi-h1.pcapng' },
    mtu: { 'outer-fragmented': 0, 'inner-fragmented': 0, 'frag-needed': 0 },
  },
  {
    name: 'overlay-8472', ports: [4789, 8472],
    files: { h1: 'overlay8472-underlay-h1.pcap', h2: 'overlay8472-underlay-h2.pcap', multi: 'overlay8472-multi-h1.pcapng' },
    mtu: { 'outer-fragmented': 0, 'inner-fragmented': 0, 'frag-needed': 0 },
  },
  {
    // Router h1 fragments (nodf-1: request by h1, reply by c2), c1 and c2 fragment (nodf-2):
    // 8 inner datagrams in fragments; the DF probe's ICMP 3/4 (mtu 1450) from 172.17.0.1 is
    // on docker0 only (multi pcapng), never in the underlay.
    name: 'overlay-mtu', ports: [4789],
    files: { h1: 'overlay-mtu-underlay-h1.pcap', multi: 'overlay-mtu-multi-h1.pcapng' },
    mtu: { 'outer-fragmented': 0, 'inner-fragmented': 8, 'frag-needed': 1 },
  },
  {
    // vxlan0 at MTU 1500: nodf-1 requests and replies (4) and nodf-2 replies from c2 (2) are
    // fragmented outside (6 VXLAN datagrams); nodf-2 requests are fragmented by c1 after the
    // ICMP (2 inner); the vxlan driver's ICMP 3/4 (mtu 1450) is on br0/vxlan0/veth0c1.
    name: 'overlay-pmtu-bridged', ports: [4789],
    files: { h1: 'pmtu-underlay-h1.pcap', multi: 'pmtu-multi-h1.pcapng' },
    mtu: { 'outer-fragmented': 6, 'inner-fragmented': 2, 'frag-needed': 1 },
  },
];

interface Exceptions {
  disagreements: { scenario: string; run: RunName; host: Host; mac: string; kernel: string | null; ours: string | null; reason: string }[];
  unseen: { scenario: string; runs: RunName[]; host: Host; mac: string; dst: string; reason: string }[];
}
const exceptions = JSON.parse(readFileSync(resolve(repoRoot, 'test/analysis/overlay-truth-exceptions.json'), 'utf8')) as Exceptions;

/** Every MAC the capture shows anywhere: outer and inner Ethernet, ARP hardware addresses. */
class MacCollector implements Engine {
  readonly name = 'macs';
  readonly seen = new Set<string>();
  step(frame: AnalysisFrame, _out: Change[]): void {
    for (let i = 0; i < frame.layers.count; i++) {
      const l = frame.layers.items[i];
      if (l.proto === 'eth') { this.seen.add(formatMac(l.src)); this.seen.add(formatMac(l.dst)); }
      if (l.proto === 'arp' && l.hlen === 6) { this.seen.add(formatMac(l.sha)); this.seen.add(formatMac(l.tha)); }
    }
  }
  report(): null { return null; }
  clone(): MacCollector { return this; }
}

const path = (s: Scenario, file: string) => resolve(capturesDir, s.name, file);
const json = (s: Scenario, file: string) => JSON.parse(readFileSync(path(s, file), 'utf8'));

function runsOf(s: Scenario): { run: RunName; files: string[]; topology: string }[] {
  const runs: { run: RunName; files: string[]; topology: string }[] = [];
  for (const run of ['h1', 'h2', 'multi'] as const) {
    const file = s.files[run];
    if (file) runs.push({ run, files: [file], topology: run === 'h2' ? 'truth-h2-links.json' : 'truth-h1-links.json' });
  }
  runs.push({ run: 'all', files: Object.values(s.files), topology: 'truth-h1-links.json' });
  return runs;
}

function hostAddress(s: Scenario, host: Host): string {
  const links = json(s, `truth-${host}-addrs.json`) as { ifname: string; addr_info: { family: string; local: string }[] }[];
  return links.find((l) => l.ifname === 'eth0')!.addr_info.find((a) => a.family === 'inet')!.local;
}

interface Run {
  report: Record<string, any>;
  events: Change[];
  seen: Set<string>;
}

function analyse(s: Scenario, files: string[], topology: string): Run {
  const macs = new MacCollector();
  const run = runAnalysis(files.map((f) => path(s, f)), (o) => [new OverlayEngine(o), macs],
    { topologyFiles: [path(s, topology)], vxlanPorts: s.ports });
  return { report: run.pipeline.report().overlay as Record<string, any>, events: run.pipeline.events, seen: macs.seen };
}

/** `dockshark decode FILE` text lines (the CLI's own formatting, in-process). */
function decodeLines(s: Scenario, file: string): string[] {
  const lines: string[] = [];
  const source = openCaptures([path(s, file)]);
  const decoder = new FrameDecoder({ vxlanPorts: [4789, ...s.ports] });
  for (let raw = source.next(); raw !== null; raw = source.next()) lines.push(frameText(raw, decoder.decode(raw)));
  source.close();
  return lines;
}

const usedUnseen = new Set<object>();
const usedDisagreements = new Set<object>();

describe.each(SCENARIOS)('$name', (s) => {
  const hosts: Host[] = ['h1', 'h2'];
  describe.each(runsOf(s))('run $run ($files)', ({ run, files, topology }) => {
    let result: Run;
    beforeAll(() => { result = analyse(s, files, topology); });

    it.each(hosts)('our VXLAN fdb equals %s\'s vxlan0 dst entries for the MACs the capture saw', (host) => {
      const address = hostAddress(s, host);
      const truth = (json(s, `truth-${host}-vxlan0-fdb.json`) as { mac: string; dst?: string }[])
        .filter((e) => e.dst !== undefined && e.mac !== '00:00:00:00:00:00');
      const kernel = new Map(truth.filter((e) => result.seen.has(e.mac)).map((e) => [e.mac, e.dst!]));
      const ours = new Map<string, string>(result.report.fdb.filter((e: any) => e.vtep !== address).map((e: any) => [e.mac, e.vtep]));
      expect(kernel.size, 'the comparison covers at least one MAC').toBeGreaterThan(0);

      const problems: string[] = [];
      for (const mac of [...new Set([...kernel.keys(), ...ours.keys()])].sort()) {
        if (kernel.get(mac) === ours.get(mac)) continue;
        const listed = exceptions.disagreements.find((d) => d.scenario === s.name && d.run === run && d.host === host && d.mac === mac
          && d.kernel === (kernel.get(mac) ?? null) && d.ours === (ours.get(mac) ?? null));
        if (listed) usedDisagreements.add(listed);
        else problems.push(`${mac}: kernel ${kernel.get(mac) ?? 'none'}, ours ${ours.get(mac) ?? 'none'}`);
      }
      for (const e of truth.filter((t) => !result.seen.has(t.mac))) {
        const listed = exceptions.unseen.find((u) => u.scenario === s.name && u.runs.includes(run) && u.host === host && u.mac === e.mac && u.dst === e.dst);
        if (listed) usedUnseen.add(listed);
        else problems.push(`${e.mac} -> ${e.dst} is in the kernel's table but not in the capture, and not listed under unseen`);
      }
      for (const u of exceptions.unseen.filter((x) => x.scenario === s.name && x.runs.includes(run) && x.host === host)) {
        if (result.seen.has(u.mac)) problems.push(`${u.mac} is listed as unseen in run ${run} but the capture has it`);
      }
      expect(problems).toEqual([]);
    });

    it('finds the tunnel with h1 (the topology host) as the local end', () => {
      const local = run === 'h2' ? hostAddress(s, 'h2') : hostAddress(s, 'h1');
      const remote = run === 'h2' ? hostAddress(s, 'h1') : hostAddress(s, 'h2');
      const device = (json(s, topology) as any[]).find((l) => l.ifname === 'vxlan0').linkinfo.info_data;
      expect(result.report.tunnels).toEqual([expect.objectContaining({ vni: device.id, local, remote, port: device.port, localBy: 'topology' })]);
      expect(result.report.vnis[0]).toMatchObject({ vni: device.id, learning: device.learning });
    });

    it('reports the MTU trouble the capture shows', () => {
      const counts = result.report.mtuCounts;
      const expected = { ...s.mtu };
      if (run === 'h1' || run === 'h2') expected['frag-needed'] = 0; // the ICMPs are not on the underlay
      expect(counts).toEqual({ ...expected, oversize: 0 });
      expect(result.events.filter((c) => c.kind === 'overlay.mtu')).toHaveLength(
        expected['outer-fragmented'] + expected['inner-fragmented'] + expected['frag-needed']);
      if (run === 'all') return;
      // Frame by frame against the decode: the frames that complete a fragmented VXLAN
      // datagram ("4789: (reassembled ...): UDP ... VXLAN"), those carrying the last
      // fragment of an inner packet ("VXLAN ... (reassembled"), and the ICMPs (copies of one
      // ICMP on several interfaces are one event: same text after the interface name).
      const lines = decodeLines(s, files[0]);
      const frameNo = (l: string) => Number(l.split(' ')[0]);
      const outer = lines.filter((l) => /: \(reassembled from \d+ fragments\): UDP, length \d+: VXLAN/.test(l)).map(frameNo);
      const inner = lines.filter((l) => /VXLAN.*\(reassembled from \d+ fragments\)/.test(l)).map(frameNo);
      const firstOuterFragments = lines.filter((l) => /IPv4 fragment id 0x[0-9a-f]+, offset 0\+, proto 17/.test(l) && !l.includes('VXLAN'));
      const icmp = lines.filter((l) => /fragmentation needed/i.test(l));
      const icmpEvents = new Set(icmp.map((l) => l.split(' ').slice(2).join(' ').replace(/^(br0|vxlan0|veth\w+|docker0|eth0) /, '')));
      const ours = (problem: string) => result.events.filter((c) => c.kind === 'overlay.mtu' && c.problem === problem).map((c) => c.frame);
      expect(ours('outer-fragmented')).toEqual(outer);
      expect(firstOuterFragments).toHaveLength(outer.length);
      expect(ours('inner-fragmented')).toEqual(inner);
      expect(ours('frag-needed')).toHaveLength(icmpEvents.size);
      for (const f of ours('frag-needed')) expect(icmp.map(frameNo)).toContain(f);
      for (const c of result.events.filter((e) => e.kind === 'overlay.mtu' && e.problem === 'frag-needed')) expect(c.mtu).toBe(1450);
    });
  });

  if (s.name === 'overlay-static') {
    it('nolearning: the kernel table is programmed (permanent), and the capture agrees with it', () => {
      // The lab adds `bridge fdb add MAC dev vxlan0 dst PEER self permanent` for the peer's
      // container: the table is not learned, but the packets still come from the VTEP the
      // entry names, so the MAC -> VTEP the capture shows is the programmed one. The only
      // MACs crossing are the containers' (no flood entry, so no MLD/RS from bridges).
      const r = analyse(s, Object.values(s.files), 'truth-h1-links.json');
      const programmed = (['h1', 'h2'] as const).flatMap((h) => (json(s, `truth-${h}-vxlan0-fdb.json`) as any[])
        .filter((e) => e.dst !== undefined).map((e) => `${e.mac} ${e.dst} ${e.state}`));
      expect(programmed.sort()).toEqual(['02:42:0a:00:01:02 192.0.2.1 permanent', '02:42:0a:00:01:03 192.0.2.2 permanent']);
      expect(r.report.fdb.map((e: any) => `${e.mac} ${e.vtep} permanent`)).toEqual(programmed.sort());
      expect(r.report.vnis[0].learning).toBe(false);
    });
  }
});

describe('overlay-truth-exceptions.json', () => {
  it('lists no exception that no longer happens', () => {
    expect(exceptions.unseen.filter((u) => !usedUnseen.has(u)).map((u) => `${u.scenario} ${u.host} ${u.mac}`)).toEqual([]);
    expect(exceptions.disagreements.filter((d) => !usedDisagreements.has(d)).map((d) => `${d.scenario} ${d.host} ${d.mac}`)).toEqual([]);
  });
});

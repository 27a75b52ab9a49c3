// OverlayEngine on hand-built frames: Ethernet/IPv4/UDP/VXLAN/Ethernet/(ARP | IPv4/ICMP),
// decoded by the real FrameDecoder and pushed through the real AnalysisPipeline.
import { describe, expect, it } from 'vitest';
import { AnalysisPipeline } from '../../src/analysis/pipeline.js';
import { OverlayEngine } from '../../src/analysis/overlay.js';
import type { AnalysisFrame, Change, Engine, EngineOptions } from '../../src/analysis/types.js';
import { FrameDecoder, type JsonValue } from '../../src/decode/index.js';
import { parseIpLinkJson } from '../../src/topology/ip-link.js';
import { Topology } from '../../src/topology/model.js';
import { arp, bytes, eth, fill, icmp, icmpEcho, ipv4, udp, vxlan } from '../helpers/build.js';

const MAC1 = '02:42:0a:00:01:02';
const MAC2 = '02:42:0a:00:01:03';
const MAC3 = '02:42:0a:00:01:04';
const BCAST = 'ff:ff:ff:ff:ff:ff';
const UNDER1 = 'be:03:bf:41:f7:03';
const UNDER2 = 'fa:6c:c0:32:19:41';

interface Vx {
  src: string;
  dst: string;
  vni: number;
  inner: Uint8Array;
  sport?: number;
  dport?: number;
  flags?: number;
}

/** The UDP/VXLAN datagram as an IPv4 payload. */
function vxUdp(o: Vx): Uint8Array {
  return udp(o.sport ?? 40000, o.dport ?? 4789, vxlan(o.vni, o.inner, o.flags ?? 0x08));
}

function vxFrame(o: Vx): Uint8Array {
  return eth(UNDER2, UNDER1, 0x0800, ipv4({ src: o.src, dst: o.dst, protocol: 17 }, vxUdp(o)));
}

function innerArp(mac: string, ip: string, target: string): Uint8Array {
  return eth(BCAST, mac, 0x0806, arp(1, mac, ip, '00:00:00:00:00:00', target));
}

function innerPing(srcMac: string, dstMac: string, src: string, dst: string, size = 56, o: { df?: boolean; id?: number } = {}): Uint8Array {
  return eth(dstMac, srcMac, 0x0800, ipv4({ src, dst, protocol: 1, df: o.df, id: o.id }, icmpEcho(8, 1, 1, fill(size))));
}

/** IPv4 fragments of `payload` (an IPv4 payload), `chunk` bytes each (a multiple of 8). */
function fragments(src: string, dst: string, protocol: number, id: number, payload: Uint8Array, chunk: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < payload.length; off += chunk) {
    const part = payload.subarray(off, Math.min(payload.length, off + chunk));
    out.push(ipv4({ src, dst, protocol, id, fragOffset: off, mf: off + chunk < payload.length }, part));
  }
  return out;
}

/** ICMP fragmentation needed from `from` to `to` quoting the first bytes of `original` (an IPv4 packet). */
function fragNeeded(from: string, to: string, mtu: number, original: Uint8Array, quote = 28): Uint8Array {
  return ipv4({ src: from, dst: to, protocol: 1 }, icmp(3, 4, [0, 0, mtu >>> 8, mtu & 0xff], original.subarray(0, quote)));
}

interface Push {
  iface?: string | null;
  ifaceId?: number;
  direction?: 'in' | 'out' | null;
  tsSec?: number;
  tsNsec?: number;
}

class Harness {
  readonly pipeline: AnalysisPipeline;
  readonly engine: OverlayEngine;
  private no = 0;

  constructor(opts: { vxlanPorts?: number[]; topology?: Topology; inner?: (vni: number) => Engine[] } = {}) {
    const topology = opts.topology ?? Topology.empty();
    const options: EngineOptions = { topology, ageingSeconds: 300, vxlanPorts: opts.vxlanPorts ?? [4789] };
    this.engine = new OverlayEngine(options, opts.inner);
    this.pipeline = new AnalysisPipeline([this.engine], { vxlanPorts: options.vxlanPorts }, topology);
  }

  push(frame: Uint8Array, p: Push = {}): Change[] {
    const before = this.pipeline.events.length;
    this.no++;
    this.pipeline.push({
      no: this.no, tsSec: p.tsSec ?? this.no, tsNsec: p.tsNsec ?? 0, origLen: frame.length, data: frame, start: 0, end: frame.length,
      direction: p.direction ?? null, iface: { id: p.ifaceId ?? 0, linkType: 1, name: p.iface ?? null },
    });
    return this.pipeline.events.slice(before);
  }

  get events(): Change[] {
    return this.pipeline.events;
  }

  report(): Record<string, any> {
    return this.engine.report() as Record<string, any>;
  }
}

/** One frame decoded on its own, as the pipeline would give it. */
function decodeFrame(data: Uint8Array, no: number): AnalysisFrame {
  const d = new FrameDecoder().decode({ data, start: 0, end: data.length, origLen: data.length, tsSec: no, direction: null, iface: { id: 0, linkType: 1 } });
  return { no, tsSec: no, tsNsec: 0, ifaceId: 0, iface: null, ifindex: -1, direction: null, layers: d.layers, copy: { firstNo: no, firstIface: null, isCopy: false } };
}

const kinds = (changes: Change[]) => changes.map((c) => c.kind);
const fdbOf = (r: Record<string, any>) => r.fdb.map((e: any) => `${e.vni} ${e.mac} ${e.vtep}`);

/** An inner engine that records what it was given. */
class Recorder implements Engine {
  readonly name = 'rec';
  seen: { no: number; iface: string | null; ifaceId: number; direction: string | null; protos: string[]; isCopy: boolean }[] = [];
  constructor(readonly vni: number, readonly log: Recorder[] = []) {
    log.push(this);
  }
  step(frame: AnalysisFrame, out: Change[]): void {
    const protos: string[] = [];
    for (let i = 0; i < frame.layers.count; i++) protos.push(frame.layers.items[i].proto);
    this.seen.push({ no: frame.no, iface: frame.iface, ifaceId: frame.ifaceId, direction: frame.direction, protos, isCopy: frame.copy.isCopy });
    if (this.seen.length === 1) out.push({ frame: frame.no, kind: 'rec.first', iface: frame.iface });
  }
  report(): JsonValue {
    return { frames: this.seen.length };
  }
  clone(): Recorder {
    const c = new Recorder(this.vni, this.log);
    c.seen = this.seen.map((s) => ({ ...s, protos: [...s.protos] }));
    return c;
  }
}

function topologyJson(links: object[]): Topology {
  return parseIpLinkJson(JSON.stringify(links));
}

const H1_TOPOLOGY = [
  { ifindex: 2, ifname: 'eth0', mtu: 1500, address: UNDER1 },
  { ifindex: 3, ifname: 'br0', mtu: 1450, address: '32:7c:b8:bc:25:57', linkinfo: { info_kind: 'bridge' } },
  {
    ifindex: 4, ifname: 'vxlan0', mtu: 1450, master: 'br0', address: 'fa:bd:ef:a6:ce:94',
    linkinfo: { info_kind: 'vxlan', info_data: { id: 4097, local: '192.0.2.1', port: 4789, learning: true } },
  },
  { ifindex: 5, ifname: 'veth0c1', mtu: 1500, master: 'br0', address: '32:7c:b8:bc:25:57', linkinfo: { info_kind: 'veth' } },
];

describe('tunnels', () => {
  it('finds one tunnel per VNI, port and VTEP pair, both directions counted', () => {
    const h = new Harness();
    const c1 = h.push(vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 4097, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') }));
    expect(c1[0]).toEqual({ frame: 1, kind: 'tunnel.new', vni: 4097, local: '192.0.2.1', remote: '192.0.2.2', port: 4789, localBy: 'lowest-address' });
    h.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 4097, inner: innerPing(MAC2, MAC1, '10.0.1.3', '10.0.1.2') }));
    h.push(vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 4097, sport: 50000, inner: innerPing(MAC1, MAC2, '10.0.1.2', '10.0.1.3') }));
    h.push(vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 5000, inner: innerPing(MAC1, MAC2, '10.0.1.2', '10.0.1.3') }));
    expect(kinds(h.events).filter((k) => k === 'tunnel.new')).toHaveLength(2);
    expect(h.report().tunnels).toEqual([
      { vni: 4097, local: '192.0.2.1', remote: '192.0.2.2', port: 4789, frames: 3, firstFrame: 1, lastFrame: 3, localBy: 'lowest-address' },
      { vni: 5000, local: '192.0.2.1', remote: '192.0.2.2', port: 4789, frames: 1, firstFrame: 4, lastFrame: 4, localBy: 'lowest-address' },
    ]);
  });

  it('takes the local VTEP from the topology, else the capture direction, else the end in most tunnels', () => {
    const topo = new Harness({ topology: topologyJson(H1_TOPOLOGY.map((l) => l.ifname === 'vxlan0'
      ? { ...l, linkinfo: { info_kind: 'vxlan', info_data: { id: 4097, local: '192.0.2.9', port: 4789, learning: true } } } : l)) });
    topo.push(vxFrame({ src: '192.0.2.1', dst: '192.0.2.9', vni: 4097, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') }));
    expect(topo.report().tunnels[0]).toMatchObject({ local: '192.0.2.9', remote: '192.0.2.1', localBy: 'topology' });

    const dir = new Harness();
    dir.push(vxFrame({ src: '192.0.2.7', dst: '192.0.2.3', vni: 1, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') }), { direction: 'out' });
    dir.push(vxFrame({ src: '192.0.2.3', dst: '192.0.2.7', vni: 1, inner: innerArp(MAC2, '10.0.1.3', '10.0.1.2') }), { direction: 'in' });
    expect(dir.events[0]).toMatchObject({ kind: 'tunnel.new', local: '192.0.2.7', localBy: 'direction' });
    expect(dir.report().tunnels[0]).toMatchObject({ local: '192.0.2.7', remote: '192.0.2.3', localBy: 'direction' });

    const most = new Harness();
    most.push(vxFrame({ src: '192.0.2.5', dst: '192.0.2.1', vni: 1, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') }));
    most.push(vxFrame({ src: '192.0.2.5', dst: '192.0.2.9', vni: 1, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') }));
    // The first tunnel was reported with what was known then; the report decides with everything.
    expect(most.events[0]).toMatchObject({ kind: 'tunnel.new', local: '192.0.2.1', localBy: 'lowest-address' });
    expect(most.report().tunnels.map((t: any) => `${t.local}>${t.remote} ${t.localBy}`)).toEqual([
      '192.0.2.5>192.0.2.1 most-tunnels', '192.0.2.5>192.0.2.9 most-tunnels',
    ]);
  });

  it('decodes and names custom ports (8472) only when configured', () => {
    const frame = vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 4097, dport: 8472, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') });
    const plain = new Harness();
    plain.push(frame);
    expect(plain.report().tunnels).toEqual([]);
    const flannel = new Harness({ vxlanPorts: [4789, 8472] });
    flannel.push(frame);
    expect(flannel.report().tunnels).toMatchObject([{ vni: 4097, port: 8472 }]);
    // A VXLAN port in the source port (a reply from the well-known port) names the tunnel too.
    flannel.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 4097, sport: 8472, dport: 33333, inner: innerArp(MAC2, '10.0.1.3', '10.0.1.2') }));
    expect(flannel.report().tunnels).toMatchObject([{ vni: 4097, port: 8472, frames: 2 }]);
  });

  it('counts a frame captured on two interfaces once (copies are skipped)', () => {
    const h = new Harness();
    const f = vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 4097, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') });
    h.push(f, { ifaceId: 0, iface: 'h1-eth0', tsSec: 10, tsNsec: 0 });
    h.push(f, { ifaceId: 1, iface: 'h2-eth0', tsSec: 10, tsNsec: 50_000 });
    expect(h.report().tunnels[0].frames).toBe(1);
    expect(kinds(h.events)).toEqual(['tunnel.new', 'overlay.learn']);
  });

  it('ignores VXLAN headers without the I flag (the kernel drops them)', () => {
    const h = new Harness();
    h.push(vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 4097, flags: 0x00, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') }));
    expect(h.report()).toMatchObject({ tunnels: [], fdb: [], ignored: 1 });
  });
});

describe('VTEP forwarding table', () => {
  it('learns inner source MAC -> outer source VTEP per VNI, and moves', () => {
    const h = new Harness();
    const a = h.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 4097, inner: innerArp(MAC2, '10.0.1.3', '10.0.1.2') }));
    expect(a).toContainEqual({ frame: 1, kind: 'overlay.learn', vni: 4097, mac: MAC2, vtep: '192.0.2.2' });
    expect(h.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 4097, inner: innerPing(MAC2, MAC1, '10.0.1.3', '10.0.1.2') }))).toEqual([]);
    // The same MAC in another VNI is another table.
    h.push(vxFrame({ src: '192.0.2.3', dst: '192.0.2.1', vni: 7, inner: innerPing(MAC2, MAC1, '10.0.1.3', '10.0.1.2') }));
    const moved = h.push(vxFrame({ src: '192.0.2.3', dst: '192.0.2.1', vni: 4097, inner: innerPing(MAC2, MAC1, '10.0.1.3', '10.0.1.2') }));
    expect(kinds(moved)).toEqual(['tunnel.new', 'overlay.move']);
    expect(moved[1]).toEqual({ frame: 4, kind: 'overlay.move', vni: 4097, mac: MAC2, from: '192.0.2.2', to: '192.0.2.3' });
    expect(fdbOf(h.report())).toEqual([`7 ${MAC2} 192.0.2.3`, `4097 ${MAC2} 192.0.2.3`]);
    expect(h.report().fdb[1]).toMatchObject({ firstFrame: 1, learnedFrame: 4, lastFrame: 4, frames: 3, moves: 1 });
  });

  it('does not learn group or all-zero source MACs', () => {
    const h = new Harness();
    h.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 1, inner: eth(BCAST, '33:33:00:00:00:16', 0x0800, ipv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 17 }, udp(1, 2, fill(4)))) }));
    h.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 1, inner: innerArp('00:00:00:00:00:00', '10.0.0.1', '10.0.0.2') }));
    expect(h.report().fdb).toEqual([]);
    expect(h.report().tunnels[0].frames).toBe(2);
  });

  it('ages entries after 300 s without a packet, as the vxlan driver does', () => {
    const h = new Harness();
    h.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 1, inner: innerArp(MAC2, '10.0.1.3', '10.0.1.2') }), { tsSec: 1000 });
    h.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 1, inner: innerArp(MAC3, '10.0.1.4', '10.0.1.2') }), { tsSec: 1200 });
    h.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 1, inner: innerArp(MAC3, '10.0.1.4', '10.0.1.2') }), { tsSec: 1400 });
    expect(fdbOf(h.report())).toEqual([`1 ${MAC3} 192.0.2.2`]); // MAC2 last seen 400 s before the last frame
    const back = h.push(vxFrame({ src: '192.0.2.4', dst: '192.0.2.1', vni: 1, inner: innerArp(MAC2, '10.0.1.3', '10.0.1.2') }), { tsSec: 1401 });
    expect(back).toContainEqual({ frame: 4, kind: 'overlay.learn', vni: 1, mac: MAC2, vtep: '192.0.2.4', afterAgeing: true });
    expect(kinds(back)).not.toContain('overlay.move');
  });
});

describe('nested VXLAN', () => {
  // VXLAN 100 between 192.0.2.1/.2 carries VXLAN 200 between 10.9.0.1/.2 carrying an ARP.
  const innerVtepMac = '0a:00:00:00:09:01';
  const nested = () => vxFrame({
    src: '192.0.2.1', dst: '192.0.2.2', vni: 100,
    inner: eth('0a:00:00:00:09:02', innerVtepMac, 0x0800, ipv4({ src: '10.9.0.1', dst: '10.9.0.2', protocol: 17 },
      vxUdp({ src: '', dst: '', vni: 200, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') }))),
  });

  it('counts each level as a tunnel with its own table', () => {
    const h = new Harness();
    h.push(nested());
    const r = h.report();
    expect(r.tunnels.map((t: any) => `${t.vni} ${t.local}-${t.remote}`)).toEqual(['100 192.0.2.1-192.0.2.2', '200 10.9.0.1-10.9.0.2']);
    expect(fdbOf(r)).toEqual([`100 ${innerVtepMac} 192.0.2.1`, `200 ${MAC1} 10.9.0.1`]);
  });

  it('gives each level\'s engines the layers of that level only', () => {
    const log: Recorder[] = [];
    const h = new Harness({ inner: (vni) => [new Recorder(vni, log)] });
    h.push(nested());
    expect(log.map((r) => [r.vni, r.seen[0].protos, r.seen[0].iface])).toEqual([
      [100, ['eth', 'ipv4', 'udp'], 'vxlan:192.0.2.1'],
      [200, ['eth', 'arp'], 'vxlan:10.9.0.1'],
    ]);
  });
});

describe('inner engines', () => {
  it('get the inner layers of each VXLAN packet on the pseudo-port of the sending VTEP', () => {
    const log: Recorder[] = [];
    const calls: number[] = [];
    const h = new Harness({ inner: (vni) => { calls.push(vni); return [new Recorder(vni, log)]; } });
    h.push(vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 4097, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') }));
    h.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 4097, inner: innerPing(MAC2, MAC1, '10.0.1.3', '10.0.1.2') }));
    h.push(eth(UNDER2, UNDER1, 0x0806, arp(1, UNDER1, '192.0.2.1', '00:00:00:00:00:00', '192.0.2.2'))); // underlay only
    h.push(vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 9, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') }));
    expect(calls).toEqual([4097, 9]);
    expect(log[0].seen).toEqual([
      { no: 1, iface: 'vxlan:192.0.2.1', ifaceId: 2 ** 40 + 0xc0000201, direction: 'in', protos: ['eth', 'arp'], isCopy: false },
      { no: 2, iface: 'vxlan:192.0.2.2', ifaceId: 2 ** 40 + 0xc0000202, direction: 'in', protos: ['eth', 'ipv4', 'icmp'], isCopy: false },
    ]);
    expect(log[1].seen.map((s) => s.no)).toEqual([4]);
    // Their changes come through with the VNI; their reports under vnis[].<name>.
    expect(h.events.filter((c) => c.kind === 'rec.first')).toEqual([
      { frame: 1, kind: 'rec.first', iface: 'vxlan:192.0.2.1', vni: 4097 },
      { frame: 4, kind: 'rec.first', iface: 'vxlan:192.0.2.1', vni: 9 },
    ]);
    expect(h.report().vnis.map((v: any) => [v.vni, v.rec, v.frames, v.vteps])).toEqual([
      [9, { frames: 1 }, 1, ['192.0.2.1', '192.0.2.2']],
      [4097, { frames: 2 }, 2, ['192.0.2.1', '192.0.2.2']],
    ]);
  });

  it('reuse one frame object and one layer list (no allocation per frame)', () => {
    const frames: AnalysisFrame[] = [];
    const lists = new Set<unknown>();
    const spy: Engine = {
      name: 'spy',
      step: (f) => { frames.push(f); lists.add(f.layers); },
      report: () => null,
      clone: () => spy,
    };
    const h = new Harness({ inner: () => [spy] });
    for (let i = 0; i < 5; i++) h.push(vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 1, inner: innerArp(MAC1, '10.0.1.2', '10.0.1.3') }));
    expect(new Set(frames).size).toBe(1);
    expect(lists.size).toBe(1);
  });
});

describe('MTU trouble', () => {
  it('reports a VXLAN packet fragmented in the underlay (inner 1500 + 50 > 1500)', () => {
    const h = new Harness();
    const inner = innerPing(MAC1, MAC2, '10.0.1.2', '10.0.1.3', 1472);
    const datagram = vxUdp({ src: '192.0.2.1', dst: '192.0.2.2', vni: 4099, inner });
    const [f1, f2] = fragments('192.0.2.1', '192.0.2.2', 17, 0x666a, datagram, 1480);
    expect(h.push(eth(UNDER2, UNDER1, 0x0800, f1))).toEqual([]);
    const changes = h.push(eth(UNDER2, UNDER1, 0x0800, f2));
    const mtu = changes.filter((c) => c.kind === 'overlay.mtu');
    expect(mtu).toHaveLength(1);
    expect(mtu[0]).toMatchObject({ problem: 'outer-fragmented', vni: 4099, src: '192.0.2.1', dst: '192.0.2.2', mtu: 1500, size: 1550, fragments: 2 });
    expect(mtu[0].reason).toMatch(/1500-byte IPv4 packet plus 50 bytes.*at most 1450/);
    expect(h.report().tunnels[0].frames).toBe(1);
    expect(h.report().mtuCounts).toEqual({ 'outer-fragmented': 1, oversize: 0, 'inner-fragmented': 0, 'frag-needed': 0 });
  });

  it('reports inner packets that crossed the tunnel in fragments, once per datagram', () => {
    const h = new Harness();
    const payload = icmpEcho(8, 1, 1, fill(1472));
    const [a, b] = fragments('172.17.0.2', '10.0.1.3', 1, 0x72dc, payload, 1424);
    h.push(vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 4098, inner: eth(MAC2, MAC1, 0x0800, a) }));
    h.push(vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 4098, inner: eth(MAC2, MAC1, 0x0800, b) }));
    const mtu = h.events.filter((c) => c.kind === 'overlay.mtu');
    expect(mtu).toEqual([expect.objectContaining({
      frame: 2, problem: 'inner-fragmented', vni: 4098, src: '172.17.0.2', dst: '10.0.1.3', id: 0x72dc, fragments: 2,
    })]);
    expect(h.report().vnis[0].largestInner).toBe(1444);
  });

  it('reports frag-needed inside a tunnel, in the underlay about VXLAN, and at the overlay MTU; not others', () => {
    const h = new Harness();
    const big = ipv4({ src: '10.0.1.2', dst: '10.0.1.3', protocol: 1, df: true }, icmpEcho(8, 1, 1, fill(1472)));
    // Inside the tunnel: a router of the overlay answers.
    h.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 4097, inner: eth(MAC1, MAC2, 0x0800, fragNeeded('10.0.1.1', '10.0.1.2', 1400, big)) }));
    // In the underlay, about a VXLAN datagram (quotes outer IPv4 + UDP + VXLAN).
    const outer = ipv4({ src: '192.0.2.1', dst: '198.51.100.7', protocol: 17, df: true }, vxUdp({ src: '', dst: '', vni: 4097, inner: innerPing(MAC1, MAC2, '10.0.1.2', '10.0.1.3', 1400) }));
    h.push(eth(UNDER1, UNDER2, 0x0800, fragNeeded('192.0.2.254', '192.0.2.1', 1400, outer, 36)));
    // Next-hop MTU 1450: what a VXLAN overlay leaves of a 1500-byte underlay.
    h.push(eth(UNDER1, UNDER2, 0x0800, fragNeeded('172.17.0.1', '172.17.0.2', 1450, big)), { tsSec: 100 });
    // Unrelated: a 1400-byte link outside any overlay.
    h.push(eth(UNDER1, UNDER2, 0x0800, fragNeeded('172.17.0.1', '172.17.0.2', 1400, big)), { tsSec: 200 });
    const mtu = h.events.filter((c) => c.kind === 'overlay.mtu');
    expect(mtu.map((c) => [c.frame, c.problem, c.vni, c.src, c.dst, c.mtu])).toEqual([
      [1, 'frag-needed', 4097, '10.0.1.1', '10.0.1.3', 1400],
      [2, 'frag-needed', 4097, '192.0.2.254', '198.51.100.7', 1400],
      [3, 'frag-needed', null, '172.17.0.1', '10.0.1.3', 1450],
    ]);
    expect(mtu[0].reason).toMatch(/inside VNI 4097 from VTEP 192\.0\.2\.2/);
    expect(mtu[1].reason).toMatch(/underlay, about a VXLAN packet/);
    expect(mtu[2]).toMatchObject({ to: '172.17.0.2', size: 1500 });
  });

  it('uses the topology: ICMP on a bridge with a VXLAN port, MTU of a VXLAN device, oversize on eth0', () => {
    const topology = topologyJson(H1_TOPOLOGY);
    const h = new Harness({ topology });
    const big = ipv4({ src: '10.0.1.2', dst: '10.0.1.3', protocol: 1, df: true }, icmpEcho(8, 1, 1, fill(1472)));
    h.push(eth(MAC1, MAC2, 0x0800, fragNeeded('10.0.1.3', '10.0.1.2', 1400, big)), { iface: 'br0', tsSec: 1 });
    h.push(eth(MAC1, MAC2, 0x0800, fragNeeded('10.0.1.3', '10.0.1.2', 1400, big)), { iface: 'eth0', tsSec: 2 });
    h.push(eth(MAC1, MAC2, 0x0800, fragNeeded('172.17.0.1', '172.17.0.2', 1450, big)), { iface: 'docker0', tsSec: 3 });
    // A GSO super-packet: 1550 bytes on a 1500-MTU eth0, not fragmented.
    h.push(vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 4097, inner: innerPing(MAC1, MAC2, '10.0.1.2', '10.0.1.3', 1472) }), { iface: 'eth0', tsSec: 4 });
    const mtu = h.events.filter((c) => c.kind === 'overlay.mtu');
    expect(mtu.map((c) => [c.frame, c.problem, c.vni, c.mtu])).toEqual([
      [1, 'frag-needed', 4097, 1400],
      [3, 'frag-needed', 4097, 1450],
      [4, 'oversize', 4097, 1500],
    ]);
    expect(mtu[0].reason).toMatch(/br0, bridged with the VXLAN device vxlan0/);
    expect(mtu[1].reason).toMatch(/MTU of the VXLAN device vxlan0/);
    expect(mtu[2]).toMatchObject({ size: 1550 });
    expect(h.report().vnis[0]).toMatchObject({ vni: 4097, learning: true, deviceMtu: 1450 });
  });

  it('counts the same ICMP once when seen inside VXLAN and again decapsulated', () => {
    const topology = topologyJson(H1_TOPOLOGY);
    const h = new Harness({ topology });
    const big = ipv4({ src: '10.0.1.2', dst: '10.0.1.3', protocol: 1, df: true }, icmpEcho(8, 1, 1, fill(1472)));
    const icmpFrame = eth(MAC1, MAC2, 0x0800, fragNeeded('10.0.1.3', '10.0.1.2', 1400, big));
    h.push(vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 4097, inner: icmpFrame }), { iface: 'eth0', ifaceId: 0, tsSec: 5, tsNsec: 0 });
    h.push(icmpFrame, { iface: 'vxlan0', ifaceId: 1, tsSec: 5, tsNsec: 20_000 });
    h.push(icmpFrame, { iface: 'vxlan0', ifaceId: 1, tsSec: 7 }); // a new one, 2 s later
    expect(h.events.filter((c) => c.kind === 'overlay.mtu').map((c) => c.frame)).toEqual([1, 3]);
    expect(h.report().mtu).toEqual([expect.objectContaining({ problem: 'frag-needed', count: 2, firstFrame: 1, lastFrame: 3 })]);
  });

  it('groups occurrences that rotate among more groups than it keeps at hand, and writes each change in one field order', () => {
    const h = new Harness();
    const big = ipv4({ src: '10.0.1.2', dst: '10.0.1.3', protocol: 1, df: true }, icmpEcho(8, 1, 1, fill(1472)));
    const senders = Array.from({ length: 11 }, (_, i) => `172.17.0.${10 + i}`);
    // Round-robin over 11 senders, 3 rounds, 1 s apart (outside the duplicate window).
    for (let k = 0; k < 33; k++) h.push(eth(UNDER1, UNDER2, 0x0800, fragNeeded(senders[k % 11], '172.17.0.2', 1450, big)), { tsSec: 10 + k });
    const groups = h.report().mtu as Record<string, JsonValue>[];
    expect(groups.map((g) => [g.src, g.count, g.firstFrame, g.lastFrame])).toEqual(senders.map((s, i) => [s, 3, i + 1, i + 23]));
    const mtu = h.events.filter((c) => c.kind === 'overlay.mtu');
    expect(mtu).toHaveLength(33);
    for (const c of mtu) expect(Object.keys(c)).toEqual(['frame', 'kind', 'problem', 'vni', 'src', 'dst', 'mtu', 'to', 'size', 'reason']);
  });
});

describe('determinism and clone', () => {
  const script = (): Uint8Array[] => [
    vxFrame({ src: '192.0.2.3', dst: '192.0.2.1', vni: 20, inner: innerArp(MAC3, '10.0.2.4', '10.0.2.1') }),
    vxFrame({ src: '192.0.2.2', dst: '192.0.2.1', vni: 10, inner: innerArp(MAC2, '10.0.1.3', '10.0.1.2') }),
    vxFrame({ src: '192.0.2.1', dst: '192.0.2.2', vni: 10, inner: innerPing(MAC1, MAC2, '10.0.1.2', '10.0.1.3') }),
    vxFrame({ src: '192.0.2.1', dst: '192.0.2.3', vni: 20, inner: innerPing(MAC1, MAC3, '10.0.2.2', '10.0.2.4') }),
  ];

  it('gives the same changes and report for the same frames, sorted regardless of arrival order', () => {
    const a = new Harness();
    const b = new Harness();
    for (const f of script()) { a.push(f); b.push(f); }
    expect(JSON.stringify(a.report())).toBe(JSON.stringify(b.report()));
    expect(a.events).toEqual(b.events);
    const r = a.report();
    expect(r.tunnels.map((t: any) => `${t.vni} ${t.local}-${t.remote}`)).toEqual(['10 192.0.2.1-192.0.2.2', '20 192.0.2.1-192.0.2.3']);
    expect(fdbOf(r)).toEqual([`10 ${MAC1} 192.0.2.1`, `10 ${MAC2} 192.0.2.2`, `20 ${MAC1} 192.0.2.1`, `20 ${MAC3} 192.0.2.3`]);
  });

  it('clones deeply: the copy and the original go on independently, inner engines included', () => {
    const log: Recorder[] = [];
    const h = new Harness({ inner: (vni) => [new Recorder(vni, log)] });
    const frames = script();
    h.push(frames[0]);
    h.push(frames[1]);
    const snapshot = JSON.stringify(h.engine.report());
    const copy = h.engine.clone();
    expect(JSON.stringify(copy.report())).toBe(snapshot);
    h.push(frames[2]);
    h.push(vxFrame({ src: '192.0.2.9', dst: '192.0.2.1', vni: 10, inner: innerArp(MAC2, '10.0.1.3', '10.0.1.2') })); // MAC2 moves
    expect(JSON.stringify(copy.report())).toBe(snapshot);
    // Step the copy on its own: it changes, the original does not see it.
    const afterOriginal = JSON.stringify(h.engine.report());
    const out: Change[] = [];
    copy.step(decodeFrame(frames[3], 5), out);
    expect(out).toEqual([{ frame: 5, kind: 'overlay.learn', vni: 20, mac: MAC1, vtep: '192.0.2.1' }]);
    expect(JSON.stringify(h.engine.report())).toBe(afterOriginal);
    const c = copy.report() as any;
    expect(c.fdb.find((e: any) => e.mac === MAC2 && e.vni === 10).vtep).toBe('192.0.2.2');
    expect(c.vnis.find((v: any) => v.vni === 20).rec).toEqual({ frames: 2 });
    expect((h.report().vnis as any[]).find((v) => v.vni === 20).rec).toEqual({ frames: 1 });
  });
});

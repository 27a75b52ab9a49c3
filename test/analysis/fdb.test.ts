// Unit tests of the bridge FDB engine with synthetic frames: learning, moves, ageing,
// local addresses, flooding, VLANs, copies (multi-interface pcapng and `-i any`), VXLAN,
// clone independence and determinism.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { FdbEngine } from '../../src/analysis/fdb.js';
import type { AnalysisFrame, Change, CopyInfo, EngineOptions } from '../../src/analysis/types.js';
import {
  EthLayer, Ipv4Layer, LayerList, SllLayer, UdpLayer, VlanLayer, VxlanLayer, parseIpv4, parseMac,
  type JsonValue,
} from '../../src/decode/index.js';
import { Topology, type Link } from '../../src/topology/model.js';

// ---- building frames ----

const M = {
  c1: '02:42:ac:11:00:02', c2: '02:42:ac:11:00:03', c3: '02:42:ac:11:00:04',
  br: '02:42:5e:1d:00:01', p1: '5e:2d:6c:50:71:57', p2: 'be:fd:92:ad:87:91',
  bcast: 'ff:ff:ff:ff:ff:ff', mcast: '33:33:00:00:00:16', unknown: '02:42:ac:11:00:99',
};

function mac(text: string): number {
  const m = parseMac(text);
  if (m === null) throw new Error(text);
  return m;
}

interface FrameSpec {
  no: number;
  /** Capture time: seconds, or [seconds, nanoseconds]. */
  t: number | [number, number];
  iface?: string | null;
  ifaceId?: number;
  src: string;
  /** Destination MAC; omitted for SLL frames. */
  dst?: string;
  vlan?: number;
  /** Distinguishes frames (IPv4 id); copies of one frame share it. */
  id?: number;
  copy?: Partial<CopyInfo>;
  /** SLL2: ifindex, packet type and direction. */
  sll?: { ifindex: number; pkttype: number };
  direction?: 'in' | 'out' | null;
  /** Wrap in VXLAN from outer IPv4 src to dst (the frame's src/dst become the inner ones). */
  vxlan?: { from: string; to: string; vni: number; port?: number };
}

/** Capture interface ids by name, as a multi-interface pcapng numbers its interfaces. */
const IFACE_IDS = new Map<string | null, number>();
function ifaceIdOf(name: string | null): number {
  let id = IFACE_IDS.get(name);
  if (id === undefined) {
    id = IFACE_IDS.size + 10;
    IFACE_IDS.set(name, id);
  }
  return id;
}

function frame(s: FrameSpec): AnalysisFrame {
  const list = new LayerList();
  const [tsSec, tsNsec] = typeof s.t === 'number' ? [Math.floor(s.t), Math.round((s.t % 1) * 1e9)] : s.t;
  if (s.vxlan) {
    const outer = new EthLayer();
    outer.src = mac('aa:00:00:00:00:01');
    outer.dst = mac('aa:00:00:00:00:02');
    outer.type = 0x0800;
    list.push(outer);
    const ip = new Ipv4Layer();
    ip.src = parseIpv4(s.vxlan.from) as number;
    ip.dst = parseIpv4(s.vxlan.to) as number;
    ip.protocol = 17;
    ip.id = 9999;
    list.push(ip);
    const udp = new UdpLayer();
    udp.dport = s.vxlan.port ?? 4789;
    list.push(udp);
    const vx = new VxlanLayer();
    vx.vni = s.vxlan.vni;
    list.push(vx);
  }
  if (s.sll) {
    const l = new SllLayer();
    l.version = 2;
    l.ifindex = s.sll.ifindex;
    l.pkttype = s.sll.pkttype;
    l.hatype = 1;
    l.halen = 6;
    l.src = mac(s.src);
    l.type = s.vlan !== undefined ? 0x8100 : 0x0800;
    list.push(l);
  } else {
    const e = new EthLayer();
    e.src = mac(s.src);
    e.dst = mac(s.dst ?? M.bcast);
    e.type = s.vlan !== undefined ? 0x8100 : 0x0800;
    list.push(e);
  }
  if (s.vlan !== undefined) {
    const v = new VlanLayer();
    v.tpid = 0x8100;
    v.id = s.vlan;
    v.type = 0x0800;
    list.push(v);
  }
  const ip = new Ipv4Layer();
  ip.id = s.id ?? s.no;
  ip.totalLength = 84;
  ip.src = 0xac110002;
  ip.dst = 0xac110003;
  list.push(ip);
  const iface = s.iface === undefined ? null : s.iface;
  return {
    no: s.no, tsSec, tsNsec, ifaceId: s.ifaceId ?? (s.sll ? 0 : ifaceIdOf(iface)), iface,
    ifindex: s.sll ? s.sll.ifindex : -1,
    direction: s.direction !== undefined ? s.direction : s.sll ? (s.sll.pkttype === 4 ? 'out' : 'in') : null,
    layers: list,
    copy: { firstNo: s.no, firstIface: iface, isCopy: false, ...s.copy },
  };
}

/** A bridged frame as dumpcap sees it on several interfaces: [iface, ifaceId, time offset ns] per copy. */
function copies(no: number, t: number, src: string, dst: string, where: [string, number, number][], extra: Partial<FrameSpec> = {}): AnalysisFrame[] {
  const sec = Math.floor(t);
  const ns = Math.round((t % 1) * 1e9);
  return where.map(([iface, ifaceId, off], i) => frame({
    no: no + i, t: [sec, ns + off], iface, ifaceId, src, dst, id: no, ...extra,
    copy: { firstNo: no, firstIface: where[0][0], isCopy: i > 0 },
  }));
}

function link(ifindex: number, name: string, kind: string, macText: string | null, master: string | null = null, vxlan: Link['vxlan'] = null): Link {
  return { ifindex, name, kind, mac: macText, master, mtu: 1500, vxlan };
}

const TOPO = new Topology([
  link(1, 'lo', 'loopback', '00:00:00:00:00:00'),
  link(2, 'docker0', 'bridge', M.br),
  link(3, 'veth1', 'veth', M.p1, 'docker0'),
  link(4, 'veth2', 'veth', M.p2, 'docker0'),
]);

function engine(topology = TOPO, ageingSeconds = 300): FdbEngine {
  const options: EngineOptions = { topology, ageingSeconds, vxlanPorts: [4789] };
  return new FdbEngine(options);
}

function run(e: FdbEngine, frames: AnalysisFrame[]): Change[] {
  const out: Change[] = [];
  for (const f of frames) e.step(f, out);
  e.finish(out);
  return out;
}

interface BridgeJson {
  name: string | null;
  ifindex?: number;
  fdb: { mac: string; port: string | null; vlan: number | null; local: boolean; firstFrame: number | null; lastFrame: number | null; ifindex?: number }[];
  [key: string]: JsonValue | undefined;
}

function bridges(e: FdbEngine): BridgeJson[] {
  return e.report() as unknown as BridgeJson[];
}

function bridge(e: FdbEngine, name: string | null): BridgeJson {
  const b = bridges(e).find((x) => x.name === name);
  if (!b) throw new Error(`no bridge ${name}`);
  return b;
}

function learned(e: FdbEngine, name: string | null = 'docker0'): string[] {
  return bridge(e, name).fdb.filter((x) => !x.local).map((x) => `${x.mac}@${x.port}${x.vlan === null ? '' : `.${x.vlan}`}`);
}

function kinds(changes: Change[]): string[] {
  return changes.map((c) => `${c.kind} ${c.mac} ${c.port}`);
}

// ---- tests ----

describe('FdbEngine: learning and moves', () => {
  it('learns the source MAC on the port the frame entered', () => {
    const e = engine();
    const out = run(e, [frame({ no: 1, t: 10, iface: 'veth1', src: M.c1, dst: M.bcast })]);
    expect(kinds(out)).toEqual([`fdb.learn ${M.c1} veth1`]);
    expect(out[0]).toEqual({ frame: 1, kind: 'fdb.learn', bridge: 'docker0', mac: M.c1, port: 'veth1', vlan: null });
    const entry = bridge(e, 'docker0').fdb.find((x) => x.mac === M.c1);
    expect(entry).toEqual({ mac: M.c1, port: 'veth1', vlan: null, local: false, firstFrame: 1, lastFrame: 1 });
  });

  it('refreshes without a change, and reports a move with from/to', () => {
    const e = engine();
    const out = run(e, [
      frame({ no: 1, t: 10, iface: 'veth1', src: M.c1 }),
      frame({ no: 2, t: 11, iface: 'veth1', src: M.c1 }),
      frame({ no: 3, t: 12, iface: 'veth2', src: M.c1 }),
    ]);
    expect(out.map((c) => c.kind)).toEqual(['fdb.learn', 'fdb.move']);
    expect(out[1]).toMatchObject({ frame: 3, kind: 'fdb.move', mac: M.c1, port: 'veth2', from: 'veth1', to: 'veth2' });
    expect(learned(e)).toEqual([`${M.c1}@veth2`]);
    expect(bridge(e, 'docker0')).toMatchObject({ learned: 1, moved: 1, ingress: 3 });
    expect(bridge(e, 'docker0').fdb.find((x) => x.mac === M.c1)).toMatchObject({ firstFrame: 1, lastFrame: 3 });
  });

  it('does not learn group or zero source addresses', () => {
    const e = engine();
    run(e, [frame({ no: 1, t: 1, iface: 'veth1', src: M.mcast }), frame({ no: 2, t: 2, iface: 'veth1', src: '00:00:00:00:00:00' })]);
    expect(learned(e)).toEqual([]);
  });
});

describe('FdbEngine: ageing (capture time)', () => {
  it('keeps an entry idle for exactly the ageing time and expires it one nanosecond later', () => {
    const e = engine(TOPO, 300);
    const out: Change[] = [];
    e.step(frame({ no: 1, t: [1000, 0], iface: 'veth1', src: M.c1 }), out);
    e.step(frame({ no: 2, t: [1300, 0], iface: 'veth2', src: M.c2 }), out);
    expect(learned(e)).toContain(`${M.c1}@veth1`);
    e.step(frame({ no: 3, t: [1300, 1], iface: 'veth2', src: M.c2 }), out);
    expect(learned(e)).toEqual([`${M.c2}@veth2`]);
    const expire = out.find((c) => c.kind === 'fdb.expire');
    expect(expire).toEqual({ frame: 3, kind: 'fdb.expire', bridge: 'docker0', mac: M.c1, port: 'veth1', vlan: null, lastFrame: 1, idleSeconds: 300.000000001 });
  });

  it('is refreshed by traffic and honours fractional ageing times', () => {
    const e = engine(TOPO, 0.5);
    const out = run(e, [
      frame({ no: 1, t: [5, 0], iface: 'veth1', src: M.c1 }),
      frame({ no: 2, t: [5, 400_000_000], iface: 'veth1', src: M.c1 }),
      frame({ no: 3, t: [5, 900_000_000], iface: 'veth2', src: M.c2 }),
      frame({ no: 4, t: [5, 900_000_001], iface: 'veth2', src: M.c2 }),
    ]);
    expect(out.filter((c) => c.kind === 'fdb.expire').map((c) => [c.frame, c.mac])).toEqual([[4, M.c1]]);
    expect(bridge(e, 'docker0')).toMatchObject({ expired: 1 });
  });

  it('never ages local entries', () => {
    const e = engine(TOPO, 1);
    run(e, [frame({ no: 1, t: 1, iface: 'docker0', src: M.br }), frame({ no: 2, t: 100, iface: 'veth1', src: M.c1 })]);
    expect(bridge(e, 'docker0').fdb.find((x) => x.mac === M.br)).toMatchObject({ local: true, firstFrame: 1 });
  });
});

describe('FdbEngine: local addresses', () => {
  it('reports the topology MACs as local entries, like the kernel permanent ones', () => {
    const e = engine();
    expect(bridge(e, 'docker0').fdb).toEqual([
      { mac: M.br, port: 'docker0', vlan: null, local: true, firstFrame: null, lastFrame: null },
      { mac: M.p1, port: 'veth1', vlan: null, local: true, firstFrame: null, lastFrame: null },
      { mac: M.p2, port: 'veth2', vlan: null, local: true, firstFrame: null, lastFrame: null },
    ]);
  });

  it('never learns a host MAC on a port (topology)', () => {
    const e = engine();
    const out = run(e, [
      frame({ no: 1, t: 1, iface: 'veth1', src: M.p1, dst: M.mcast }), // the host-side veth's own MLD
      frame({ no: 2, t: 2, iface: 'veth2', src: M.br }),
    ]);
    expect(out).toEqual([]);
    expect(learned(e)).toEqual([]);
    expect(bridge(e, 'docker0').fdb.find((x) => x.mac === M.p1)).toMatchObject({ local: true, port: 'veth1', firstFrame: 1 });
  });

  it('without topology, marks local what the bridge device sends while its ports are captured', () => {
    const e = engine(Topology.empty());
    const out = run(e, [
      // c1 -> broadcast: first on veth1, then the bridge and veth2 (attaches both ports)
      ...copies(1, 1, M.c1, M.bcast, [['veth1', 1, 0], ['docker0', 0, 0], ['veth2', 2, 20_000]]),
      // the host replies from docker0, then the copy leaves on veth1
      ...copies(4, 2, M.br, M.c1, [['docker0', 0, 0], ['veth1', 1, 15_000]]),
      // the host-side veth's own frame: on veth2 only, never on the bridge
      frame({ no: 6, t: 3, iface: 'veth2', ifaceId: 2, src: M.p2, dst: M.mcast }),
      ...copies(7, 4, M.c1, M.br, [['veth1', 1, 0], ['docker0', 0, 2000]]),
    ]);
    expect(kinds(out)).toEqual([`fdb.learn ${M.c1} veth1`, `fdb.local ${M.br} null`, `fdb.local ${M.p2} veth2`]);
    const fdb = bridge(e, 'docker0').fdb;
    expect(fdb.filter((x) => x.local).map((x) => [x.mac, x.port])).toEqual([[M.br, null], [M.p2, 'veth2']]);
    expect(bridge(e, 'docker0')).toMatchObject({ fromHost: 1, toHost: 1, ingress: 2 });
  });

  it('without topology, an inferred local MAC later entering on a port is learned after all', () => {
    const e = engine(Topology.empty());
    const out = run(e, [
      ...copies(1, 1, M.c1, M.bcast, [['veth1', 1, 0], ['docker0', 0, 0]]),
      ...copies(3, 2, M.c2, M.bcast, [['docker0', 0, 0], ['veth1', 1, 9000]]), // looks host-sent
      ...copies(5, 3, M.c2, M.bcast, [['veth2', 2, 0], ['docker0', 0, 0]]),
    ]);
    expect(kinds(out)).toEqual([`fdb.learn ${M.c1} veth1`, `fdb.local ${M.c2} null`, `fdb.learn ${M.c2} veth2`]);
    expect(out[2]).toMatchObject({ wasLocal: true });
  });
});

describe('FdbEngine: forwarding and flooding', () => {
  it('counts broadcast and multicast floods, forwards, deliveries to the host and same-port drops', () => {
    const e = engine();
    const out = run(e, [
      frame({ no: 1, t: 1, iface: 'veth1', src: M.c1, dst: M.bcast }),
      frame({ no: 2, t: 2, iface: 'veth2', src: M.c2, dst: M.mcast }),
      frame({ no: 3, t: 3, iface: 'veth2', src: M.c2, dst: M.c1 }),
      frame({ no: 4, t: 4, iface: 'veth1', src: M.c1, dst: M.br }),
      frame({ no: 5, t: 5, iface: 'veth1', src: M.c3, dst: M.c1 }),
    ]);
    expect(bridge(e, 'docker0')).toMatchObject({
      ingress: 5, forwarded: 1, toHost: 1, filtered: 1,
      flooded: { broadcast: 1, multicast: 1, unknownUnicast: 0 },
    });
    expect(out.filter((c) => c.kind === 'fdb.flood')).toEqual([]);
  });

  it('reports unknown-unicast floods as changes with a reason', () => {
    const e = engine();
    const out = run(e, [frame({ no: 1, t: 1, iface: 'veth1', src: M.c1, dst: M.unknown })]);
    expect(out[1]).toEqual({
      frame: 1, kind: 'fdb.flood', bridge: 'docker0', mac: M.unknown, port: 'veth1', vlan: null,
      reason: 'unknown-unicast', src: M.c1, fromHost: false,
    });
    expect(bridge(e, 'docker0')).toMatchObject({ flooded: { broadcast: 0, multicast: 0, unknownUnicast: 1 } });
  });

  it('judges SLL frames by packet type only: unicast is undetermined', () => {
    const e = engine();
    run(e, [
      frame({ no: 1, t: 1, iface: 'veth1', src: M.c1, sll: { ifindex: 3, pkttype: 1 } }),
      frame({ no: 2, t: 2, iface: 'veth1', src: M.c1, sll: { ifindex: 3, pkttype: 2 } }),
      frame({ no: 3, t: 3, iface: 'veth1', src: M.c1, sll: { ifindex: 3, pkttype: 3 } }),
      frame({ no: 4, t: 4, iface: 'veth1', src: M.c1, sll: { ifindex: 3, pkttype: 0 } }),
    ]);
    expect(bridge(e, 'docker0')).toMatchObject({ undetermined: 1, toHost: 1, flooded: { broadcast: 1, multicast: 1, unknownUnicast: 0 } });
  });
});

describe('FdbEngine: VLANs', () => {
  it('keeps one table per VLAN: the same MAC on two VLANs is two entries, not a move', () => {
    const e = engine();
    const out = run(e, [
      frame({ no: 1, t: 1, iface: 'veth1', src: M.c1, vlan: 10 }),
      frame({ no: 2, t: 2, iface: 'veth2', src: M.c1, vlan: 20 }),
      frame({ no: 3, t: 3, iface: 'veth2', src: M.c2, dst: M.c1, vlan: 30 }),
      frame({ no: 4, t: 4, iface: 'veth2', src: M.c2, dst: M.c1, vlan: 10 }),
    ]);
    expect(out.map((c) => c.kind)).toEqual(['fdb.learn', 'fdb.learn', 'fdb.learn', 'fdb.flood', 'fdb.learn']);
    expect(learned(e)).toEqual([`${M.c1}@veth1.10`, `${M.c1}@veth2.20`, `${M.c2}@veth2.10`, `${M.c2}@veth2.30`]);
    expect(bridge(e, 'docker0')).toMatchObject({ forwarded: 1, moved: 0 });
  });

  it('treats priority-tagged frames (VLAN 0) as untagged', () => {
    const e = engine();
    run(e, [frame({ no: 1, t: 1, iface: 'veth1', src: M.c1, vlan: 0 })]);
    expect(learned(e)).toEqual([`${M.c1}@veth1`]);
  });
});

describe('FdbEngine: copies of one frame (multi-interface pcapng)', () => {
  it('learns once from the ingress copy; the bridge and egress copies are not learned or counted', () => {
    const e = engine();
    const out = run(e, copies(1, 1, M.c1, M.bcast, [['veth1', 1, 0], ['docker0', 0, 3000], ['veth2', 2, 20_000]]));
    expect(kinds(out)).toEqual([`fdb.learn ${M.c1} veth1`]);
    expect(bridge(e, 'docker0')).toMatchObject({ ingress: 1, flooded: { broadcast: 1, multicast: 0, unknownUnicast: 0 } });
  });

  it('resolves a same-timestamp tie sorted bridge-first: the port copy is the ingress', () => {
    for (const topology of [TOPO, Topology.empty()]) {
      const e = engine(topology);
      const out = run(e, copies(1, 1, M.c1, M.c2, [['docker0', 0, 0], ['veth1', 1, 0], ['veth2', 2, 12_000]]));
      expect(learned(e)).toEqual([`${M.c1}@veth1`]);
      expect(out.filter((c) => c.kind === 'fdb.learn')).toEqual([{ frame: 1, kind: 'fdb.learn', bridge: 'docker0', mac: M.c1, port: 'veth1', vlan: null }]);
      expect(bridge(e, 'docker0')).toMatchObject({ ingress: 1, fromHost: 0 });
    }
  });

  it('with a topology, a non-host MAC seen first on the bridge entered through a port the capture lacks', () => {
    const e = engine();
    run(e, copies(1, 1, M.c3, M.bcast, [['docker0', 0, 0], ['veth1', 1, 20_000]]));
    expect(learned(e)).toEqual([`${M.c3}@null`]);
  });

  it('a capture of the bridge alone (classic pcap: no interface name) learns MACs with port null', () => {
    const e = engine(Topology.empty());
    run(e, [frame({ no: 1, t: 1, src: M.c1, dst: M.bcast }), frame({ no: 2, t: 2, src: M.c2, dst: M.c1 })]);
    expect(learned(e, null)).toEqual([`${M.c1}@null`, `${M.c2}@null`]);
    expect(bridge(e, null)).toMatchObject({ ingress: 2, forwarded: 1 });
  });

  it('without topology attaches ports to the bridge their copies appear on, and ignores unrelated interfaces', () => {
    const e = engine(Topology.empty());
    run(e, [
      ...copies(1, 1, M.c1, M.bcast, [['vethA', 1, 0], ['br-abc', 0, 1000], ['vethB', 2, 9000]]),
      frame({ no: 4, t: 2, iface: 'eth0', ifaceId: 3, src: 'aa:bb:cc:00:00:01', dst: M.br }),
      ...copies(5, 3, M.c2, M.c1, [['vethB', 2, 0], ['br-abc', 0, 1000], ['vethA', 1, 4000]]),
    ]);
    expect(learned(e, 'br-abc')).toEqual([`${M.c1}@vethA`, `${M.c2}@vethB`]);
    expect(bridges(e).map((b) => b.name)).toEqual(['br-abc']);
    expect(e.unattributedFrames).toBe(1);
  });

  it('without a bridge interface, two interfaces sharing copies are ports of one unnamed bridge', () => {
    const e = engine(Topology.empty());
    run(e, [
      ...copies(1, 1, M.c1, M.bcast, [['vethA', 0, 0], ['vethB', 1, 9000]]),
      ...copies(3, 2, M.c2, M.c1, [['vethB', 1, 0], ['vethA', 0, 5000]]),
    ]);
    expect(learned(e, null)).toEqual([`${M.c1}@vethA`, `${M.c2}@vethB`]);
  });
});

describe('FdbEngine: `-i any` (SLL2)', () => {
  const sll = (no: number, t: number, ifindex: number, src: string, pkttype: number, id = no) =>
    frame({ no, t, iface: TOPO.linkByIndex(ifindex)?.name ?? null, src, sll: { ifindex, pkttype }, id });

  it('learns from the received copy on a port, not from the copy passed up the bridge', () => {
    const e = engine();
    const out = run(e, [
      sll(1, 1, 3, M.c1, 1, 1), sll(2, 1.000002, 4, M.c1, 4, 1), sll(3, 1.00001, 2, M.c1, 1, 1),
      sll(4, 2, 2, M.br, 4), sll(5, 2.00001, 3, M.br, 4, 4),
    ]);
    expect(kinds(out)).toEqual([`fdb.learn ${M.c1} veth1`]);
    expect(bridge(e, 'docker0')).toMatchObject({ ingress: 1, fromHost: 1 });
    expect(bridge(e, 'docker0').fdb.find((x) => x.mac === M.br)).toMatchObject({ local: true, firstFrame: 4 });
  });

  it('without topology finds the bridge ifindex by correlation and reports ports by ifindex', () => {
    const e = engine(Topology.empty());
    const plain = (no: number, t: number, ifindex: number, src: string, pkttype: number, id = no) =>
      frame({ no, t, iface: null, src, sll: { ifindex, pkttype }, id });
    const out = run(e, [
      plain(1, 1, 3, M.c1, 1, 1), plain(2, 1.000002, 4, M.c1, 4, 1), plain(3, 1.00001, 2, M.c1, 1, 1),
      plain(4, 2, 4, M.c2, 3, 4), plain(5, 2.00001, 2, M.c2, 3, 4),
      plain(6, 3, 2, M.br, 4), plain(7, 4, 3, M.c1, 3),
    ]);
    expect(out.map((c) => c.kind)).toEqual(['fdb.learn', 'fdb.learn', 'fdb.local']);
    expect(out[0]).toMatchObject({ bridge: null, bridgeIfindex: 2, mac: M.c1, port: null, ifindex: 3 });
    const b = bridge(e, null);
    expect(b.ifindex).toBe(2);
    expect(b.fdb.map((x) => [x.mac, x.ifindex ?? null, x.local])).toEqual([[M.br, null, true], [M.c1, 3, false], [M.c2, 4, false]]);
  });

  it('an ifindex the topology lacks (a deleted veth) becomes a port by correlation', () => {
    const e = engine();
    run(e, [
      frame({ no: 1, t: 1, iface: null, src: M.c3, sll: { ifindex: 9, pkttype: 1 }, id: 1 }),
      frame({ no: 2, t: 1.00002, iface: 'docker0', src: M.c3, sll: { ifindex: 2, pkttype: 1 }, id: 1 }),
    ]);
    expect(bridge(e, 'docker0').fdb.find((x) => x.mac === M.c3)).toMatchObject({ port: null, ifindex: 9, local: false });
  });
});

describe('FdbEngine: bounded waiting and direction flags', () => {
  it('keeps waiting frames bounded: a crowded timestamp group and a busy unknown interface', () => {
    const e = engine(Topology.empty());
    const frames: AnalysisFrame[] = [];
    // 100 distinct frames on the bridge with one timestamp (more than a group holds), no ports known.
    for (let i = 0; i < 100; i++) frames.push(frame({ no: i + 1, t: [7, 0], iface: 'docker0', src: `02:42:ac:11:01:${(i % 256).toString(16).padStart(2, '0')}`, id: i }));
    // 300 frames on an interface never seen with a bridge, within one copy window.
    for (let i = 0; i < 300; i++) frames.push(frame({ no: 101 + i, t: [8, i * 1000], iface: 'eth0', src: M.c3, id: 1000 + i }));
    const out = run(e, frames);
    expect(out.filter((c) => c.kind === 'fdb.learn')).toHaveLength(100);
    expect(learned(e, 'docker0')).toHaveLength(100);
    expect(e.unattributedFrames).toBe(300);
  });

  it('uses pcapng direction flags when present: in on the bridge without a port copy is a hidden port, out is the host', () => {
    const e = engine();
    const out = run(e, [
      frame({ no: 1, t: 1, iface: 'docker0', src: M.c3, dst: M.bcast, direction: 'in' }),
      frame({ no: 2, t: 2, iface: 'docker0', src: M.br, dst: M.c3, direction: 'out' }),
      frame({ no: 3, t: 3, iface: 'veth1', src: M.c1, dst: M.c3, direction: 'in' }),
      frame({ no: 4, t: 3, iface: 'docker0', src: M.c1, dst: M.c3, direction: 'in', id: 3, copy: { isCopy: true, firstNo: 3, firstIface: 'veth1' } }),
      frame({ no: 5, t: 3.00002, iface: 'veth1', src: M.br, dst: M.c1, direction: 'out' }),
    ]);
    expect(kinds(out)).toEqual([`fdb.learn ${M.c3} null`, `fdb.learn ${M.c1} veth1`]);
    expect(bridge(e, 'docker0')).toMatchObject({ ingress: 2, fromHost: 1, forwarded: 2 });
  });
});

describe('FdbEngine: VXLAN ports', () => {
  const vtepTopo = new Topology([
    link(3, 'br0', 'bridge', '32:7c:b8:bc:25:57'),
    link(4, 'vxlan0', 'vxlan', 'fa:bd:ef:a6:ce:94', 'br0', { vni: 4097, port: 4789, local: '192.0.2.1', learning: true }),
    link(5, 'veth0c1', 'veth', '32:7c:b8:bc:25:57', 'br0'),
  ]);

  it('learns the inner source of a frame tunnelled to the local VTEP on the VXLAN port', () => {
    const e = engine(vtepTopo);
    const out = run(e, [
      frame({ no: 1, t: 1, src: '02:42:0a:00:01:03', dst: M.bcast, vxlan: { from: '192.0.2.2', to: '192.0.2.1', vni: 4097 } }),
      // our own tunnel traffic and other VNIs teach nothing
      frame({ no: 2, t: 2, src: '02:42:0a:00:01:02', dst: M.bcast, vxlan: { from: '192.0.2.1', to: '192.0.2.2', vni: 4097 } }),
      frame({ no: 3, t: 3, src: '02:42:0a:00:01:09', dst: M.bcast, vxlan: { from: '192.0.2.2', to: '192.0.2.1', vni: 7 } }),
    ]);
    expect(kinds(out.filter((c) => c.bridge === 'br0'))).toEqual(['fdb.learn 02:42:0a:00:01:03 vxlan0']);
    expect(learned(e, 'br0')).toEqual(['02:42:0a:00:01:03@vxlan0']);
  });

  it('counts a decapsulated frame once when the bridge copy has the same timestamp', () => {
    const e = engine(vtepTopo);
    run(e, [
      frame({ no: 1, t: 1, src: '02:42:0a:00:01:03', dst: M.bcast, id: 1, vxlan: { from: '192.0.2.2', to: '192.0.2.1', vni: 4097 } }),
      frame({ no: 2, t: 1, iface: 'br0', ifaceId: 1, src: '02:42:0a:00:01:03', dst: M.bcast, id: 1 }),
    ]);
    expect(bridge(e, 'br0')).toMatchObject({ ingress: 1, fromHost: 0 });
  });
});

describe('FdbEngine: inner frames of a VNI (overlay engine pseudo-ports)', () => {
  it("learns the inner sources on the 'vxlan:<VTEP>' pseudo-port they came from, in the unnamed bridge", () => {
    const e = engine();
    const inner = (no: number, t: number, vtep: string, src: string, dst: string) =>
      frame({ no, t, iface: `vxlan:${vtep}`, ifaceId: 1_000_000 + no, src, dst, direction: 'in' });
    const out = run(e, [
      inner(1, 1, '192.0.2.2', '02:42:0a:00:01:03', M.bcast),
      inner(2, 2, '192.0.2.1', '02:42:0a:00:01:02', '02:42:0a:00:01:03'),
      inner(3, 3, '192.0.2.3', '02:42:0a:00:01:03', '02:42:0a:00:01:02'),
    ]);
    expect(kinds(out)).toEqual([
      'fdb.learn 02:42:0a:00:01:03 vxlan:192.0.2.2', 'fdb.learn 02:42:0a:00:01:02 vxlan:192.0.2.1', 'fdb.move 02:42:0a:00:01:03 vxlan:192.0.2.3',
    ]);
    expect(learned(e, null)).toEqual(['02:42:0a:00:01:02@vxlan:192.0.2.1', '02:42:0a:00:01:03@vxlan:192.0.2.3']);
    expect(e.unattributedFrames).toBe(0);
  });
});

describe('FdbEngine: report, clone, determinism', () => {
  it('sorts bridges by name (unnamed last) and entries by MAC', () => {
    const e = engine(Topology.empty());
    run(e, [
      frame({ no: 1, t: 1, iface: 'docker0', src: M.c2 }),
      frame({ no: 2, t: 2, iface: 'br-b', ifaceId: 1, src: M.c1 }),
      frame({ no: 3, t: 3, iface: 'docker0', src: M.c1 }),
      frame({ no: 4, t: 4, ifaceId: 2, src: M.c3 }),
    ]);
    expect(bridges(e).map((b) => [b.name, b.fdb.map((x) => x.mac)])).toEqual([
      ['br-b', [M.c1]], ['docker0', [M.c1, M.c2]], [null, [M.c3]],
    ]);
  });

  it('report() includes the judgement still waiting for the end of its timestamp group', () => {
    const e = engine();
    const out: Change[] = [];
    e.step(frame({ no: 1, t: 1, iface: 'docker0', src: M.c3 }), out);
    expect(out).toEqual([]);
    expect(learned(e)).toEqual([`${M.c3}@null`]);
    e.finish(out);
    expect(kinds(out)).toEqual([`fdb.learn ${M.c3} null`]);
  });

  it('clone() is independent of the original, pending judgements included', () => {
    const e = engine();
    const out: Change[] = [];
    e.step(frame({ no: 1, t: 1, iface: 'veth1', src: M.c1 }), out);
    e.step(frame({ no: 2, t: 2, iface: 'docker0', src: M.c2, id: 2 }), out); // waits for a tie copy
    const c = e.clone();
    const before = JSON.stringify(e.report());
    expect(JSON.stringify(c.report())).toBe(before);
    const outC: Change[] = [];
    c.step(frame({ no: 3, t: 2, iface: 'veth2', src: M.c2, id: 2, copy: { isCopy: true, firstNo: 2, firstIface: 'docker0' } }), outC);
    c.step(frame({ no: 4, t: 400, iface: 'veth2', src: M.c3 }), outC);
    expect(kinds(outC)).toEqual([`fdb.learn ${M.c2} veth2`, `fdb.expire ${M.c1} veth1`, `fdb.expire ${M.c2} veth2`, `fdb.learn ${M.c3} veth2`]);
    expect(JSON.stringify(e.report())).toBe(before);
    e.step(frame({ no: 5, t: 3, iface: 'veth1', src: M.c1 }), out);
    expect(learned(e)).toEqual([`${M.c1}@veth1`, `${M.c2}@null`]);
    expect(learned(c)).toEqual([`${M.c3}@veth2`]);
  });

  // Random frame sequences over a few interfaces, MACs, VLANs and copy patterns.
  const arbFrames = fc.array(
    fc.record({
      dt: fc.constantFrom(0, 0, 1000, 2_000_000, 400_000_000_000),
      iface: fc.constantFrom('veth1', 'veth2', 'docker0', 'vethX', null),
      src: fc.constantFrom(M.c1, M.c2, M.c3, M.br, M.p1),
      dst: fc.constantFrom(M.c1, M.c2, M.unknown, M.bcast, M.mcast, M.br),
      vlan: fc.constantFrom(undefined, 10),
      copyOf: fc.nat(3),
      sll: fc.boolean(),
    }),
    { maxLength: 60 },
  );

  interface Spec { dt: number; iface: string | null; src: string; dst: string; vlan: number | undefined; copyOf: number; sll: boolean }

  function build(specs: Spec[]): AnalysisFrame[] {
    let ns = 1_000_000_000_000;
    const ids: Record<string, number> = { veth1: 1, veth2: 2, docker0: 0, vethX: 3, null: 4 };
    return specs.map((s, i) => {
      ns += s.dt;
      const no = i + 1;
      const first = Math.max(1, no - s.copyOf);
      return frame({
        no, t: [Math.floor(ns / 1e9), ns % 1e9], iface: s.iface, ifaceId: ids[String(s.iface)], src: s.src, dst: s.sll ? undefined : s.dst,
        vlan: s.vlan, id: first, copy: { isCopy: first !== no, firstNo: first, firstIface: 'docker0' },
        sll: s.sll ? { ifindex: ids[String(s.iface)] + 2, pkttype: s.copyOf === 3 ? 4 : 3 } : undefined,
      });
    });
  }

  fcTest.prop([arbFrames, fc.boolean()])('the same frames give the same report and changes; a clone mid-way continues identically', (specs, topo) => {
    const frames = build(specs);
    const topology = topo ? TOPO : Topology.empty();
    const a = engine(topology, 60);
    const b = engine(topology, 60);
    const outA = run(a, frames);
    const outB = run(b, frames);
    expect(outB).toEqual(outA);
    expect(b.report()).toEqual(a.report());
    const cut = Math.floor(frames.length / 2);
    const c = engine(topology, 60);
    const outC: Change[] = [];
    for (const f of frames.slice(0, cut)) c.step(f, outC);
    const d = c.clone();
    const snapshot = JSON.stringify(c.report());
    for (const f of frames.slice(cut)) d.step(f, outC);
    d.finish(outC);
    expect(outC).toEqual(outA);
    expect(d.report()).toEqual(a.report());
    expect(JSON.stringify(c.report())).toBe(snapshot);
  });
});

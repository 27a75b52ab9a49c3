// ArpEngine on hand-built frames: learning, each arpwatch event, copies, inner (VXLAN)
// frames, report order, determinism and clone independence.
import { describe, expect, it } from 'vitest';
import { ArpEngine, DUPLICATE_WINDOW_MS, PROBE_WINDOW_MS } from '../../src/analysis/arp-table.js';
import type { AnalysisFrame, Change, Engine } from '../../src/analysis/types.js';
import { FrameDecoder } from '../../src/decode/index.js';
import { Topology } from '../../src/topology/model.js';
import { arp, eth, ipv4, sll2, udp, vxlan } from '../helpers/build.js';

const OPTIONS = { topology: Topology.empty(), ageingSeconds: 300, vxlanPorts: [4789] };
const T0 = 1_700_000_000_000; // ms

interface PushOptions {
  /** Milliseconds after T0. */
  at: number;
  ifaceId?: number;
  ifindex?: number;
  linkType?: number;
  isCopy?: boolean;
  /** The pipeline's "one capture interface so far" flag. */
  alone?: boolean;
}

/** Decodes frames and steps an engine, numbering frames 1, 2, ... */
class Harness {
  readonly decoder = new FrameDecoder();
  readonly events: Change[] = [];
  no = 0;
  constructor(readonly engine: Engine) {}
  push(data: Uint8Array, o: PushOptions): Change[] {
    const ms = T0 + o.at;
    const tsSec = Math.floor(ms / 1000);
    const tsNsec = Math.round((ms - tsSec * 1000) * 1e6);
    const ifaceId = o.ifaceId ?? 0;
    const d = this.decoder.decode({ data, start: 0, end: data.length, origLen: data.length, tsSec, direction: null, iface: { id: ifaceId, linkType: o.linkType ?? 1 } });
    const no = ++this.no;
    const frame: AnalysisFrame = {
      no, tsSec, tsNsec, ifaceId, iface: null, ifindex: d.ifindex, direction: d.direction, layers: d.layers,
      copy: { firstNo: no, firstIface: null, isCopy: o.isCopy ?? false, alone: o.alone ?? false },
    };
    const out: Change[] = [];
    this.engine.step(frame, out);
    this.events.push(...out);
    return out;
  }
}

const A = '02:42:ac:11:00:02';
const B = '02:42:ac:11:00:0b';
const C = '02:42:ac:11:00:0c';
const GW = '02:42:5e:00:00:01';
const BCAST = 'ff:ff:ff:ff:ff:ff';
const ZERO = '00:00:00:00:00:00';

/** An ARP request from `mac`/`ip` for `target`, broadcast. */
const request = (mac: string, ip: string, target: string, linkSrc = mac) => eth(BCAST, linkSrc, 0x0806, arp(1, mac, ip, ZERO, target));
/** An ARP reply: `ip` is at `mac`, to `toMac`/`toIp`. */
const reply = (mac: string, ip: string, toMac: string, toIp: string) => eth(toMac, mac, 0x0806, arp(2, mac, ip, toMac, toIp));
const gratuitous = (mac: string, ip: string) => eth(BCAST, mac, 0x0806, arp(1, mac, ip, ZERO, ip));
const probe = (mac: string, ip: string) => eth(BCAST, mac, 0x0806, arp(1, mac, '0.0.0.0', ZERO, ip));

const kinds = (events: Change[]) => events.map((e) => e.kind);
const table = (engine: ArpEngine) => engine.report() as { ip: string; mac: string; firstFrame: number; lastFrame: number }[];

describe('ArpEngine learning', () => {
  it('learns the sender of a request as a new station, and the sender of the reply', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    expect(h.push(request(A, '172.17.0.2', '172.17.0.1'), { at: 0 })).toEqual([
      { frame: 1, kind: 'arp.new', ip: '172.17.0.2', mac: A, gratuitous: false },
    ]);
    expect(kinds(h.push(reply(GW, '172.17.0.1', A, '172.17.0.2'), { at: 1 }))).toEqual(['arp.new']);
    expect(table(engine)).toEqual([
      { ip: '172.17.0.1', mac: GW, firstFrame: 2, lastFrame: 2 },
      { ip: '172.17.0.2', mac: A, firstFrame: 1, lastFrame: 1 },
    ]);
    expect(engine.name).toBe('arp');
    expect(engine.lookup(0xac110002)).toBe(0x0242ac110002);
  });

  it('does not learn targets, probes (sender 0.0.0.0), zero or group sender MACs, or non-Ethernet/IPv4 ARP', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(probe(A, '172.17.0.9'), { at: 0 });
    h.push(eth(BCAST, A, 0x0806, arp(1, ZERO, '172.17.0.7', ZERO, '172.17.0.1')), { at: 10 });
    h.push(eth(BCAST, A, 0x0806, arp(1, '01:00:5e:00:00:01', '172.17.0.8', ZERO, '172.17.0.1')), { at: 20 });
    // htype 6 (IEEE 802): not the Ethernet/IPv4 form.
    const odd = arp(1, A, '172.17.0.6', ZERO, '172.17.0.1');
    odd[1] = 6;
    h.push(eth(BCAST, A, 0x0806, odd), { at: 30 });
    expect(table(engine)).toEqual([]);
    // Not learned, but the zero and group senders in A's frames are still ethernet mismatches.
    expect(h.events.map((e) => [e.kind, e.mac])).toEqual([['arp.mismatch', ZERO], ['arp.mismatch', '01:00:5e:00:00:01']]);
  });

  it('updates lastFrame on a repeated claim, keeps firstFrame', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(request(A, '172.17.0.2', '172.17.0.1'), { at: 0 });
    expect(h.push(request(A, '172.17.0.2', '172.17.0.1'), { at: 1000 })).toEqual([]); // a retry on the same interface
    expect(table(engine)).toEqual([{ ip: '172.17.0.2', mac: A, firstFrame: 1, lastFrame: 2 }]);
  });

  it('sorts the report by IP numerically, not as text', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    for (const [i, ip] of ['172.17.0.10', '9.0.0.1', '172.17.0.9', '10.0.0.1', '255.255.255.254'].entries()) {
      h.push(request(`02:00:00:00:00:0${i}`, ip, '172.17.0.1'), { at: i * 10 });
    }
    expect(table(engine).map((e) => e.ip)).toEqual(['9.0.0.1', '10.0.0.1', '172.17.0.9', '172.17.0.10', '255.255.255.254']);
  });
});

describe('ArpEngine events', () => {
  it('arp.changed when an IP moves to a new MAC, seconds after the old one last spoke (no duplicate)', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(reply(A, '172.17.0.3', GW, '172.17.0.1'), { at: 0 });
    const out = h.push(gratuitous(B, '172.17.0.3'), { at: 6000 });
    expect(out).toEqual([{ frame: 2, kind: 'arp.changed', ip: '172.17.0.3', mac: B, previous: A, gratuitous: true }]);
    expect(table(engine)).toEqual([{ ip: '172.17.0.3', mac: B, firstFrame: 2, lastFrame: 2 }]);
  });

  it('arp.flipflop when the IP goes back to the MAC before, arp.reused for an older one', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    const ip = '172.17.0.3';
    h.push(gratuitous(A, ip), { at: 0 });
    expect(kinds(h.push(gratuitous(B, ip), { at: 5000 }))).toEqual(['arp.changed']);
    expect(h.push(gratuitous(A, ip), { at: 10_000 })).toEqual([{ frame: 3, kind: 'arp.flipflop', ip, mac: A, previous: B, gratuitous: true }]);
    expect(kinds(h.push(gratuitous(C, ip), { at: 15_000 }))).toEqual(['arp.changed']);
    // History now C (current), A, B: B is older than the last one (A).
    expect(h.push(gratuitous(B, ip), { at: 20_000 })).toEqual([{ frame: 5, kind: 'arp.reused', ip, mac: B, previous: C, gratuitous: true }]);
    expect(kinds(h.push(gratuitous(C, ip), { at: 25_000 }))).toEqual(['arp.flipflop']);
  });

  it('arp.mismatch when the Ethernet source differs from the ARP sender, and still learns the sender', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    const out = h.push(request(A, '172.17.0.2', '172.17.0.1', C), { at: 0 });
    expect(out).toEqual([
      { frame: 1, kind: 'arp.mismatch', ip: '172.17.0.2', mac: A, linkSrc: C },
      { frame: 1, kind: 'arp.new', ip: '172.17.0.2', mac: A, gratuitous: false },
    ]);
  });

  it('arp.mismatch compares with the SLL source on cooked captures', () => {
    const h = new Harness(new ArpEngine(OPTIONS));
    const frame = sll2(0x0806, 3, 0, C, arp(2, A, '172.17.0.2', GW, '172.17.0.1'));
    expect(kinds(h.push(frame, { at: 0, linkType: 276 }))).toEqual(['arp.mismatch', 'arp.new']);
    const ok = sll2(0x0806, 3, 0, A, arp(2, A, '172.17.0.2', GW, '172.17.0.1'));
    expect(h.push(ok, { at: 5000, linkType: 276 })).toEqual([]);
  });

  it('arp.duplicate when two MACs claim one IP within the window (a request answered twice)', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(request(GW, '172.17.0.1', '172.17.0.5'), { at: 0 });
    h.push(reply(A, '172.17.0.5', GW, '172.17.0.1'), { at: 1 });
    const out = h.push(reply(B, '172.17.0.5', GW, '172.17.0.1'), { at: 2 });
    expect(out).toEqual([
      { frame: 3, kind: 'arp.duplicate', ip: '172.17.0.5', mac: B, other: A, reason: 'conflicting-claims' },
      { frame: 3, kind: 'arp.changed', ip: '172.17.0.5', mac: B, previous: A, gratuitous: false },
    ]);
    // The table follows the latest claim.
    expect(engine.lookup(0xac110005)).toBe(0x0242ac11000b);
  });

  it('arp.duplicate when a gratuitous ARP is defended by the owner within the window', () => {
    const h = new Harness(new ArpEngine(OPTIONS));
    h.push(reply(A, '172.17.0.5', GW, '172.17.0.1'), { at: 0 });
    h.push(gratuitous(B, '172.17.0.5'), { at: 5000 }); // changed: A was quiet for 5 s
    const out = h.push(gratuitous(A, '172.17.0.5'), { at: 5000 + DUPLICATE_WINDOW_MS / 2 });
    expect(kinds(out)).toEqual(['arp.duplicate', 'arp.flipflop']);
    expect(out[0]).toMatchObject({ mac: A, other: B, reason: 'conflicting-claims' });
  });

  it('no duplicate just outside the window', () => {
    const h = new Harness(new ArpEngine(OPTIONS));
    h.push(gratuitous(A, '172.17.0.5'), { at: 0 });
    expect(kinds(h.push(gratuitous(B, '172.17.0.5'), { at: DUPLICATE_WINDOW_MS + 1 }))).toEqual(['arp.changed']);
  });

  it('arp.duplicate (probe-answered) when an RFC 5227 probe is answered by another MAC', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    h.push(gratuitous(A, '172.17.0.5'), { at: 0 });
    expect(h.push(probe(B, '172.17.0.5'), { at: 60_000 })).toEqual([]);
    const out = h.push(reply(A, '172.17.0.5', B, '0.0.0.0'), { at: 60_001 });
    expect(out).toEqual([{ frame: 3, kind: 'arp.duplicate', ip: '172.17.0.5', mac: A, other: B, reason: 'probe-answered' }]);
    expect(engine.lookup(0xac110005)).toBe(0x0242ac110002); // the owner keeps it
  });

  it('a probe for an unclaimed IP answered by another MAC is a duplicate; an unanswered one then announced is not', () => {
    const h = new Harness(new ArpEngine(OPTIONS));
    h.push(probe(B, '172.17.0.6'), { at: 0 });
    expect(kinds(h.push(reply(A, '172.17.0.6', B, '0.0.0.0'), { at: 5 }))).toEqual(['arp.new', 'arp.duplicate']);

    const quiet = new Harness(new ArpEngine(OPTIONS));
    quiet.push(probe(B, '172.17.0.7'), { at: 0 });
    quiet.push(probe(B, '172.17.0.7'), { at: 1000 });
    expect(kinds(quiet.push(gratuitous(B, '172.17.0.7'), { at: 2000 }))).toEqual(['arp.new']);
    // An answer long after the probe window is not about the probe.
    const late = new Harness(new ArpEngine(OPTIONS));
    late.push(probe(B, '172.17.0.8'), { at: 0 });
    expect(kinds(late.push(reply(A, '172.17.0.8', GW, '172.17.0.1'), { at: PROBE_WINDOW_MS + 1 }))).toEqual(['arp.new']);
  });
});

describe('ArpEngine copies and layers', () => {
  it('ignores frames marked as copies', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    expect(h.push(request(A, '172.17.0.2', '172.17.0.1', C), { at: 0, isCopy: true })).toEqual([]);
    expect(table(engine)).toEqual([]);
  });

  it('counts the copy of a message on another interface (or SLL2 ifindex) once, a retry on the same one again', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    const msg = arp(1, A, '172.17.0.2', ZERO, '172.17.0.1');
    h.push(sll2(0x0806, 3, 0, C, msg), { at: 0, linkType: 276 });
    expect(h.push(sll2(0x0806, 2, 0, C, msg), { at: 0.02, linkType: 276 })).toEqual([]); // the bridge's copy
    expect(h.push(eth(BCAST, C, 0x0806, msg), { at: 0.05, ifaceId: 1 })).toEqual([]); // another file's
    expect(kinds(h.events)).toEqual(['arp.mismatch', 'arp.new']);
    expect(table(engine)[0].lastFrame).toBe(1);
    expect(kinds(h.push(sll2(0x0806, 3, 0, C, msg), { at: 1000, linkType: 276 }))).toEqual(['arp.mismatch']);
    expect(table(engine)[0].lastFrame).toBe(4);
  });

  it('remembers messages while the capture has one interface, for an interface declared later', () => {
    // A pcapng may declare a second interface mid-file: its copy of a message seen while the
    // first was alone (when the engine does not look for copies) is still recognised.
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    const msg = request(A, '172.17.0.2', '172.17.0.1');
    expect(kinds(h.push(msg, { at: 0, alone: true }))).toEqual(['arp.new']);
    expect(h.push(msg, { at: 2, alone: true })).toEqual([]); // a retry on the same interface
    expect(table(engine)[0].lastFrame).toBe(2);
    expect(h.push(msg, { at: 5, ifaceId: 1 })).toEqual([]); // the later interface's copy
    expect(table(engine)[0].lastFrame).toBe(2);
  });

  it('reads the ARP of an inner (VXLAN) frame and checks it against the inner Ethernet source only', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    const inner = request('02:42:0a:00:01:02', '10.0.1.2', '10.0.1.3');
    const outer = eth('aa:aa:aa:aa:aa:02', 'aa:aa:aa:aa:aa:01', 0x0800,
      ipv4({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 17 }, udp(40000, 4789, vxlan(4097, inner))));
    expect(h.push(outer, { at: 0 })).toEqual([{ frame: 1, kind: 'arp.new', ip: '10.0.1.2', mac: '02:42:0a:00:01:02', gratuitous: false }]);
    expect(table(engine)).toEqual([{ ip: '10.0.1.2', mac: '02:42:0a:00:01:02', firstFrame: 1, lastFrame: 1 }]);
  });
});

describe('ArpEngine determinism and clone', () => {
  const script: [Uint8Array, number][] = [
    [request(A, '172.17.0.2', '172.17.0.1'), 0],
    [reply(GW, '172.17.0.1', A, '172.17.0.2'), 1],
    [probe(C, '172.17.0.9'), 100],
    [reply(B, '172.17.0.9', C, '0.0.0.0'), 150],
    [gratuitous(B, '172.17.0.2'), 5000],
    [reply(A, '172.17.0.2', GW, '172.17.0.1'), 5100],
  ];

  it('the same frames give the same table and the same changes', () => {
    const run = () => {
      const engine = new ArpEngine(OPTIONS);
      const h = new Harness(engine);
      for (const [frame, at] of script) h.push(frame, { at });
      return { report: engine.report(), events: h.events };
    };
    expect(run()).toEqual(run());
  });

  it('a clone is independent of the original and continues identically', () => {
    const engine = new ArpEngine(OPTIONS);
    const h = new Harness(engine);
    for (const [frame, at] of script.slice(0, 3)) h.push(frame, { at });
    const clone = engine.clone();
    const snapshot = JSON.stringify(clone.report());
    const hc = new Harness(clone);
    hc.no = h.no;
    for (const [frame, at] of script.slice(3)) h.push(frame, { at });
    expect(JSON.stringify(clone.report())).toBe(snapshot); // untouched by the original's steps
    for (const [frame, at] of script.slice(3)) hc.push(frame, { at });
    expect(clone.report()).toEqual(engine.report());
    expect(hc.events).toEqual(h.events.slice(h.events.length - hc.events.length));
    // The pending probe was cloned too: B's answer to C's probe is a duplicate in the clone as well.
    expect(kinds(hc.events)).toEqual(['arp.new', 'arp.duplicate', 'arp.changed', 'arp.duplicate', 'arp.flipflop']);
    expect(hc.events[1]).toMatchObject({ reason: 'probe-answered', ip: '172.17.0.9', mac: B, other: C });
  });
});

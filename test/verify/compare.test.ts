// The comparison of two runs (src/verify/compare/): what counts as one difference and of
// which kind, and what each --ignore / --match-by value leaves out, on small reports.
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/decode/index.js';
import { compareRuns, type Run } from '../../src/verify/compare/compare.js';
import { macLabels } from '../../src/verify/compare/mac-labels.js';
import { DIFF_PRESET, parseIgnore, type CompareOptions, type Ignorable } from '../../src/verify/compare/options.js';

type Obj = Record<string, JsonValue>;
const C2 = '02:42:ac:11:00:02';
const C3 = '02:42:ac:11:00:03';
const GW = '02:42:5e:1d:00:01';

function nat(sport: number, translated: number, first = 5): Obj {
  return {
    proto: 'udp', type: 'snat', inside: 'docker0', outside: 'eth0', firstFrame: first, lastFrame: first + 1, packets: { original: 1, reply: 1 },
    original: { src: '172.17.0.2', dst: '198.51.100.1', sport, dport: 7 }, reply: { src: '198.51.100.1', dst: '198.51.100.2', sport: 7, dport: translated },
  };
}

function report(edit: (r: Obj & { bridges: Obj[]; arp: Obj[]; nat: Obj[] }) => void = () => {}): Obj {
  const r = {
    frames: 10, interfaces: [{ name: 'docker0', linktype: 1, frames: 10 }],
    bridges: [{ name: 'docker0', ingress: 10, fdb: [
      { mac: C2, port: 'veth1', vlan: null, local: false, firstFrame: 1, lastFrame: 9 },
      { mac: C3, port: 'veth2', vlan: null, local: false, firstFrame: 2, lastFrame: 10 }] }],
    arp: [{ ip: '172.17.0.2', mac: C2, firstFrame: 1, lastFrame: 1 }, { ip: '172.17.0.3', mac: C3, firstFrame: 2, lastFrame: 2 }],
    nat: [nat(40000, 40000)],
    overlay: { tunnels: [], fdb: [], mtu: [], vnis: [], ignored: 0 },
  };
  edit(r);
  return r;
}

const changes = (): Obj[] => [
  { frame: 1, kind: 'arp.new', ip: '172.17.0.2', mac: C2, gratuitous: false },
  { frame: 1, kind: 'fdb.learn', bridge: 'docker0', mac: C2, port: 'veth1', vlan: null },
  { frame: 2, kind: 'arp.new', ip: '172.17.0.3', mac: C3, gratuitous: false },
  { frame: 2, kind: 'fdb.learn', bridge: 'docker0', mac: C3, port: 'veth2', vlan: null },
  natChange(40000, 40000),
];

function natChange(sport: number, translated: number): Obj {
  const { original, reply, inside, outside } = nat(sport, translated);
  return { frame: 5, kind: 'nat.new', proto: 'udp', type: 'snat', translated: 'src', original, reply, inside, outside };
}

const run = (r: Obj = report(), c: Obj[] = changes(), noise: string[] = []): Run => ({ report: r, changes: c.map((x) => JSON.parse(JSON.stringify(x)) as Obj), housekeeping: { frames: 0, macs: noise } });
const opts = (ignore: Ignorable[] = [], matchBy: 'mac' | 'ip' = 'mac'): CompareOptions => ({ ignore: new Set(ignore), matchBy });
const kinds = (a: Run, b: Run, o = opts()): string[] => compareRuns(a, b, o).differences.map((d) => `${d.kind} ${d.table} ${d.key} ${d.fields.join(',')}`.trim());

describe('compareRuns: one difference per entry, of the right kind', () => {
  it('agrees with itself, counting every entry and change', () => {
    const r = compareRuns(run(), run(), opts());
    expect(r.differences).toEqual([]);
    expect(r.agree).toBe(2 + 1 + 1 + 2 + 2 + 1 + 5); // capture rows, interface, bridge, FDB, ARP, NAT, changes
  });

  it('a MAC on another port is one changed FDB entry, saying both sides', () => {
    const moved = report((r) => { (r.bridges[0].fdb as Obj[])[1].port = 'veth3'; });
    const d = compareRuns(run(), run(moved), opts()).differences;
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ kind: 'changed', table: 'fdb', scope: 'FDB docker0', key: C3, fields: ['port'],
      expected: { text: 'learned on veth2', first: 2 }, actual: { text: 'learned on veth3', first: 2 } });
  });

  it('a NAT translation missing names it with its first frame', () => {
    const d = compareRuns(run(), run(report((r) => { r.nat = []; })), opts()).differences.filter((x) => x.table === 'nat');
    expect(d).toEqual([expect.objectContaining({ kind: 'missing', expected: expect.objectContaining({
      fact: 'udp snat 172.17.0.2:40000 > 198.51.100.1:7, reply 198.51.100.1:7 > 198.51.100.2:40000 (docker0 -> eth0)', first: 5 }) })]);
  });

  it('counters and frame numbers are their own kinds, each ignorable', () => {
    const counted = report((r) => { (r.nat[0].packets as Obj).reply = 2; });
    expect(kinds(run(), run(counted))).toEqual(['counts nat udp 172.17.0.2:40000 > 198.51.100.1:7 packets.reply']);
    expect(kinds(run(), run(counted), opts(['counts']))).toEqual([]);
    const later = report((r) => { r.arp[0].lastFrame = 7; });
    expect(kinds(run(), run(later))).toEqual(['frames arp 172.17.0.2 lastFrame']);
    expect(kinds(run(), run(later), opts(['frames']))).toEqual([]);
  });

  it('DIFF_PRESET compares the tables a simulation knows, not counters, frames or the change log', () => {
    const other = report((r) => { r.frames = 99; r.arp[0].lastFrame = 7; r.arp[1].mac = GW; });
    const d = compareRuns(run(), run(other, changes().slice(1)), DIFF_PRESET).differences;
    expect(d.map((x) => `${x.kind} ${x.table} ${x.key}`)).toEqual(['changed arp 172.17.0.3']);
  });
});

describe('the change log', () => {
  it('one change missing in the middle is one difference, not a cascade', () => {
    const fewer = changes().filter((c) => c.frame !== 2 || c.kind !== 'arp.new');
    expect(kinds(run(), run(report(), fewer))).toEqual(['missing change arp.new']);
  });

  it('a change about the same thing with another value is one changed change', () => {
    const other = changes();
    other[3].port = 'veth3';
    expect(kinds(run(), run(report(), other)).filter((k) => k.includes('change '))).toEqual(['changed change fdb.learn port']);
  });

  it('the same change elsewhere in the log has moved; at another frame in place, its frame differs', () => {
    const c = changes();
    expect(kinds(run(), run(report(), [c[2], c[3], c[0], c[1], c[4]]))).toContain('moved change arp.new');
    const shifted = changes().map((x) => ({ ...x, frame: (x.frame as number) + 1 }));
    expect(kinds(run(), run(report(), shifted))).toEqual(Array(5).fill(0).map((_, i) => `frames change ${String(changes()[i].kind)} frame`));
    expect(kinds(run(), run(report(), shifted), opts(['frames']))).toEqual([]);
  });

  it('changes: only the final tables', () => {
    expect(kinds(run(), run(report(), []), opts(['changes']))).toEqual([]);
  });
});

describe('what each option leaves out', () => {
  it('ports: the client\'s port and echo id, keeping whether NAT remapped them', () => {
    const other = run(report((r) => { r.nat = [nat(41000, 41000)]; }), changes().map((c) => (c.kind === 'nat.new' ? natChange(41000, 41000) : c)));
    expect(kinds(run(), other).length).toBeGreaterThan(0);
    expect(kinds(run(), other, opts(['ports']))).toEqual([]);
    const remapped = run(report((r) => { r.nat = [nat(40000, 40005)]; }));
    expect(kinds(run(), remapped, opts(['ports', 'changes']))).toEqual(['changed nat udp 172.17.0.2 > 198.51.100.1:7 reply']);
    const icmp = (id: number, replyId: number): Obj => ({ ...nat(0, 0), proto: 'icmp', original: { src: '172.17.0.2', dst: '198.51.100.1', id }, reply: { src: '198.51.100.1', dst: '198.51.100.2', id: replyId } });
    const ping = (id: number, replyId: number): Run => run(report((r) => { r.nat = [icmp(id, replyId)]; }), []);
    expect(kinds(ping(4660, 4660), ping(77, 77), opts(['ports']))).toEqual([]);
    expect(kinds(ping(4660, 4660), ping(77, 9000), opts(['ports']))).toHaveLength(1);
  });

  it('match-by ip: MACs named by the addresses they claimed; a second MAC for an address is #2', () => {
    const renamed = (mac: string): Run => run(JSON.parse(JSON.stringify(report()).replaceAll(C3, mac)) as Obj, JSON.parse(JSON.stringify(changes()).replaceAll(C3, mac)) as Obj[]);
    expect(kinds(run(), renamed('02:42:ac:11:77:03')).length).toBeGreaterThan(0);
    expect(kinds(run(), renamed('02:42:ac:11:77:03'), opts([], 'ip'))).toEqual([]);
    const recreated: Obj[] = [{ kind: 'arp.new', ip: '172.17.0.3', mac: C3 }, { kind: 'arp.changed', ip: '172.17.0.3', mac: '02:42:ac:11:aa:03', previous: C3 }];
    expect(macLabels({ arp: [{ ip: '172.17.0.3', mac: '02:42:ac:11:aa:03' }, { ip: '172.17.0.1', mac: GW }] }, recreated)).toEqual(new Map([
      [C3, 'mac-of(172.17.0.3)'], ['02:42:ac:11:aa:03', 'mac-of(172.17.0.3)#2'], [GW, 'mac-of(172.17.0.1)']]));
  });

  it('ipv6-noise: entries of MACs only housekeeping showed, link-local addresses, 33:33 MACs, and the counters', () => {
    const veth = 'be:fd:92:ad:87:91';
    const noisy = report((r) => {
      (r.bridges[0].fdb as Obj[]).push({ mac: veth, port: 'veth1', vlan: null, local: true, firstFrame: 3, lastFrame: 3 });
      r.arp.push({ ip: 'fe80::1', mac: C2, firstFrame: 4, lastFrame: 4 });
      r.bridges[0].ingress = 14;
    });
    const b = run(noisy, [...changes(), { frame: 3, kind: 'fdb.local', bridge: 'docker0', mac: veth, port: 'veth1', vlan: null }], [veth]);
    expect(kinds(run(), b).length).toBe(4);
    expect(kinds(run(), b, opts(['ipv6-noise']))).toEqual([]);
  });

  it('time: idle times are dropped and expiries compared as a set, at any frame', () => {
    const expire = (frame: number, idle: number): Obj => ({ frame, kind: 'fdb.expire', bridge: 'docker0', mac: C2, port: 'veth1', vlan: null, idleSeconds: idle, lastFrame: 1 });
    const a = run(report(), [...changes().slice(0, 2), expire(3, 300.5), ...changes().slice(2)]);
    const b = run(report(), [...changes(), expire(7, 301.25)]);
    expect(kinds(a, b).length).toBeGreaterThan(0);
    expect(kinds(a, b, opts(['time']))).toEqual([]);
    expect(kinds(a, run(), opts(['time']))).toEqual(['missing change fdb.expire']);
  });

  it('parseIgnore takes repeated and comma-separated values, and names an unknown one', () => {
    expect(parseIgnore(['ports,frames', 'time'])).toEqual({ ignore: new Set(['ports', 'frames', 'time']) });
    expect(parseIgnore(['ports, colour'])).toEqual({ unknown: 'colour' });
  });
});

// verify's comparisons on hand-made kernel tables and reports: every verdict of every
// table, and the rules that decide between "differ" and "unchecked".
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/decode/index.js';
import { Topology } from '../../src/topology/model.js';
import type { ConntrackEntry, FdbEntry, Neighbour } from '../../src/topology/types.js';
import type { Seen } from '../../src/verify/sightings.js';
import { verify } from '../../src/verify/verify.js';

const F = 'kernel.json';

function fdb(mac: string, ifname: string | null, state = '', master: string | null = 'docker0', dst: string | null = null): FdbEntry {
  return { mac, ifname, master, vlan: null, flags: master === null ? ['self'] : [], state, dst, vni: null, file: F };
}
function neigh(dst: string, lladdr: string | null, dev = 'docker0'): Neighbour {
  return { dst, dev, lladdr, state: ['REACHABLE'], router: false, file: F };
}
function ct(proto: string, original: ConntrackEntry['original'], reply: ConntrackEntry['reply']): ConntrackEntry & { file: string } {
  return { family: null, proto, protonum: proto === 'udp' ? 17 : 1, timeout: 20, state: null, original, reply, flags: [], ctid: null, event: null, time: null, line: '', file: F };
}

/** A capture that saw exactly these MACs, ARP senders and IPv4 pairs. */
function seen(macs: string[], arp: string[] = [], pairs: [string, string][] = []): Seen {
  return {
    sawMac: (m) => macs.includes(m),
    sawArpFrom: (ip) => arp.includes(ip),
    sawPacket: (s, d) => pairs.some(([a, b]) => a === s && b === d),
  };
}

function report(parts: Record<string, JsonValue>): Record<string, JsonValue> {
  return { frames: 1, interfaces: [{ name: 'docker0', linktype: 1, frames: 1 }], bridges: [], arp: [], nat: [], overlay: { tunnels: [], fdb: [], vnis: [] }, ...parts };
}
const entry = (mac: string, port: string | null, local = false) => ({ mac, port, vlan: null, local, firstFrame: 1, lastFrame: 1 });

describe('verify: bridge FDB', () => {
  const kernel = new Topology([], {
    fdb: [fdb('02:42:ac:11:00:02', 'veth1'), fdb('02:42:ac:11:00:03', 'veth2'), fdb('02:42:ac:11:00:04', 'veth3'),
      fdb('02:42:ac:11:00:05', 'veth4'), fdb('aa:aa:aa:aa:aa:aa', 'veth1', 'permanent')],
  });

  it('agrees on MAC and port, differs on another port, and cannot check a MAC the capture never saw', () => {
    const r = report({ bridges: [{ name: 'docker0', fdb: [entry('02:42:ac:11:00:02', 'veth1'), entry('02:42:ac:11:00:03', 'veth9')] }] });
    const v = verify(r, seen(['02:42:ac:11:00:02', '02:42:ac:11:00:03', '02:42:ac:11:00:04']), kernel);
    const byMac = Object.fromEntries(v.findings.map((f) => [f.key, f.verdict]));
    expect(byMac).toEqual({ '02:42:ac:11:00:02': 'agree', '02:42:ac:11:00:03': 'differ', '02:42:ac:11:00:04': 'differ', '02:42:ac:11:00:05': 'unchecked' });
    // 00:04 was seen and the capture shows docker0 itself, so missing it is a difference
    expect(v.findings.find((f) => f.key === '02:42:ac:11:00:04')?.why).toMatch(/dockshark has no entry/);
    expect(v.counts).toEqual({ agree: 1, differ: 2, unchecked: 1 });
  });

  it('takes a MAC without a port (a capture of the bridge alone, unnamed) as agreement', () => {
    const r = report({ interfaces: [{ name: null, linktype: 1, frames: 1 }], bridges: [{ name: null, fdb: [entry('02:42:ac:11:00:02', null)] }] });
    const v = verify(r, seen(['02:42:ac:11:00:02']), kernel);
    expect(v.findings.find((f) => f.key === '02:42:ac:11:00:02')).toMatchObject({ verdict: 'agree', why: expect.stringMatching(/does not show the port/) });
  });

  it('cannot check a MAC learned on a port the capture does not show', () => {
    const r = report({ interfaces: [{ name: 'eth0', linktype: 1, frames: 1 }], bridges: [{ name: 'docker0', fdb: [entry('02:42:ac:11:00:02', 'veth1')] }] });
    const v = verify(r, seen(['02:42:ac:11:00:02', '02:42:ac:11:00:03']), kernel);
    expect(v.findings.find((f) => f.key === '02:42:ac:11:00:03')).toMatchObject({ verdict: 'unchecked', why: expect.stringMatching(/shows neither docker0 nor veth2/) });
  });

  it('reports our learned entries the kernel lacks or holds as its own', () => {
    const r = report({ bridges: [{ name: 'docker0', fdb: [entry('aa:aa:aa:aa:aa:aa', 'veth1'), entry('bb:bb:bb:bb:bb:bb', 'veth1'), entry('cc:cc:cc:cc:cc:cc', null, true)] }] });
    const v = verify(r, seen([]), kernel);
    expect(v.findings.filter((f) => f.kernel === null || f.kernel.startsWith('permanent')).map((f) => [f.key, f.verdict])).toEqual([
      ['aa:aa:aa:aa:aa:aa', 'differ'], ['bb:bb:bb:bb:bb:bb', 'differ'],
    ]);
  });

  it('does not judge our other ports from a dump of one device (no port names)', () => {
    const oneDevice = new Topology([], { fdb: [fdb('02:42:ac:11:00:02', null, '', 'br0')] });
    const r = report({ bridges: [{ name: 'br0', fdb: [entry('02:42:ac:11:00:02', 'vxlan0'), entry('02:42:ac:11:00:09', 'veth0')] }] });
    const v = verify(r, seen(['02:42:ac:11:00:02']), oneDevice);
    expect(v.findings.map((f) => [f.key, f.verdict])).toEqual([['02:42:ac:11:00:02', 'agree']]);
  });
});

describe('verify: VXLAN forwarding table', () => {
  const kernel = new Topology([], {
    fdb: [fdb('02:42:0a:00:01:03', 'vxlan0', '', null, '192.0.2.2'), fdb('02:42:0a:00:01:04', 'vxlan0', '', null, '192.0.2.3'),
      fdb('02:42:0a:00:01:05', 'vxlan0', '', null, '192.0.2.3'), fdb('00:00:00:00:00:00', 'vxlan0', 'permanent', null, '192.0.2.2')],
  });
  it('compares remote VTEPs of seen MACs and skips the flooding entry', () => {
    const r = report({ overlay: { tunnels: [], vnis: [], fdb: [{ vni: 42, mac: '02:42:0a:00:01:03', vtep: '192.0.2.2' }, { vni: 42, mac: '02:42:0a:00:01:04', vtep: '192.0.2.9' }] } });
    const v = verify(r, seen(['02:42:0a:00:01:03', '02:42:0a:00:01:04']), kernel);
    expect(v.findings.map((f) => [f.table, f.key, f.verdict])).toEqual([
      ['vxlan', '02:42:0a:00:01:03', 'agree'], ['vxlan', '02:42:0a:00:01:04', 'differ'], ['vxlan', '02:42:0a:00:01:05', 'unchecked'],
    ]);
  });
});

describe('verify: ARP against neighbours', () => {
  const kernel = new Topology([], {
    neighbours: [neigh('172.17.0.2', '02:42:ac:11:00:02'), neigh('172.17.0.3', '02:42:ac:11:00:03'), neigh('172.17.0.4', '02:42:ac:11:00:04'),
      neigh('172.17.0.5', '02:42:ac:11:00:05'), neigh('172.17.0.6', null), neigh('fe80::1', '02:42:ac:11:00:02')],
  });
  it('agrees, differs, misses a claim it saw, and skips what it cannot know', () => {
    const r = report({ arp: [{ ip: '172.17.0.2', mac: '02:42:ac:11:00:02' }, { ip: '172.17.0.3', mac: '02:42:ac:11:00:99' }] });
    const v = verify(r, seen([], ['172.17.0.4']), kernel);
    expect(v.findings.map((f) => [f.key, f.verdict])).toEqual([
      ['172.17.0.2', 'agree'], ['172.17.0.3', 'differ'], ['172.17.0.4', 'differ'], ['172.17.0.5', 'unchecked'],
    ]);
  });
});

describe('verify: NAT against conntrack', () => {
  const masq = ct('udp', { src: '172.17.0.2', dst: '198.51.100.1', sport: 40000, dport: 7 }, { src: '198.51.100.1', dst: '198.51.100.2', sport: 7, dport: 40000 });
  const remap = ct('udp', { src: '172.17.0.3', dst: '198.51.100.1', sport: 40000, dport: 7 }, { src: '198.51.100.1', dst: '198.51.100.2', sport: 7, dport: 4063 });
  const old = ct('udp', { src: '172.17.0.9', dst: '198.51.100.1', sport: 1, dport: 7 }, { src: '198.51.100.1', dst: '198.51.100.2', sport: 7, dport: 1 });
  const plain = ct('icmp', { src: '172.17.0.2', dst: '172.17.0.3', id: 5 }, { src: '172.17.0.3', dst: '172.17.0.2', id: 5 });
  const kernel = new Topology([], { conntrack: [masq, remap, old, plain] });
  const nat = (o: Record<string, JsonValue>, rp: Record<string, JsonValue>, proto = 'udp') => ({ proto, type: 'snat', original: o, reply: rp });

  it('agrees on both tuples, differs on a reply, and leaves a connection with no captured packet unchecked', () => {
    const r = report({ nat: [nat(masq.original as never, masq.reply as never), nat(remap.original as never, { ...remap.reply, dport: 40000 } as never)] });
    const v = verify(r, seen([], [], [['172.17.0.2', '198.51.100.1'], ['172.17.0.3', '198.51.100.1']]), kernel);
    expect(v.findings.map((f) => [f.key, f.verdict])).toEqual([
      ['udp 172.17.0.2:40000 > 198.51.100.1:7', 'agree'],
      ['udp 172.17.0.3:40000 > 198.51.100.1:7', 'differ'],
      ['udp 172.17.0.9:1 > 198.51.100.1:7', 'unchecked'],
    ]);
  });

  it('differs when a translated connection with captured packets is missing, or an untranslated one is reported', () => {
    const r = report({ nat: [nat({ src: '172.17.0.2', dst: '172.17.0.3', id: 5 }, { src: '172.17.0.3', dst: '10.0.0.1', id: 5 }, 'icmp')] });
    // 172.17.0.2's ping was captured inside (original) and outside (to the host's address)
    const v = verify(r, seen([], [], [['172.17.0.2', '198.51.100.1'], ['198.51.100.2', '198.51.100.1']]), kernel);
    expect(v.findings.filter((f) => f.verdict === 'differ').map((f) => f.key)).toEqual([
      'udp 172.17.0.2:40000 > 198.51.100.1:7', 'icmp 172.17.0.2 > 172.17.0.3 id 5',
    ]);
  });

  it('cannot check a translation the capture shows on one side only', () => {
    const v = verify(report({}), seen([], [], [['172.17.0.2', '198.51.100.1']]), kernel);
    expect(v.findings.find((f) => f.key === 'udp 172.17.0.2:40000 > 198.51.100.1:7')).toMatchObject({ verdict: 'unchecked', why: expect.stringMatching(/one side of the NAT/) });
  });

  it('differs on our translations conntrack does not hold, saying conntrack forgets', () => {
    const r = report({ nat: [nat({ src: '172.17.0.7', dst: '198.51.100.1', sport: 9, dport: 7 }, { src: '198.51.100.1', dst: '198.51.100.2', sport: 7, dport: 9 })] });
    const v = verify(r, seen([]), kernel);
    expect(v.findings.find((f) => f.key === 'udp 172.17.0.7:9 > 198.51.100.1:7')).toMatchObject({ verdict: 'differ', kernel: null, why: expect.stringMatching(/timeout/) });
  });
});

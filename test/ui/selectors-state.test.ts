// The state selectors without React, on committed captures: tables with this step's
// changes marked, the plain-words explanation, the topology view's path marks.
import { describe, expect, it } from 'vitest';
import type { Change } from '../../src/analysis/types.js';
import { Topology, type Link } from '../../src/topology/model.js';
import { explainStep } from '../../src/ui/selectors/explain.js';
import { endpointText, stateTables, translatedText } from '../../src/ui/selectors/state-tables.js';
import { safe } from '../../src/ui/selectors/text.js';
import type { JsonValue } from '../../src/decode/index.js';
import { topologyView } from '../../src/ui/selectors/topology-view.js';
import { NAPT_COLLIDE, OVERLAY_LEARN, USERBRIDGE, session, sessionAtFrame } from './helpers.js';

function explained(files: string[], no: number): string {
  const s = sessionAtFrame(files, no);
  return explainStep(s.cursor.frame!.changes, s.report(), null, 'summary', no);
}

describe('state tables', () => {
  it('marks the NAT entry a step created, and only that one', () => {
    const s = sessionAtFrame([NAPT_COLLIDE], 15);
    const nat = stateTables(s.report(), s.cursor.frame!.changes).nat[0];
    expect(nat.rows.map((r) => [r.cells[1], r.cells[2], r.mark, r.cells[5]])).toEqual([
      ['172.17.0.2:40000 > 198.51.100.1:7', 'src 198.51.100.2:40000', null, ''],
      ['172.17.0.3:40000 > 198.51.100.1:7', 'src 198.51.100.2:49383', 'changed', 'new,remap'],
    ]);
  });

  // NAT rows are reused from step to step while their entry is unchanged (RowCache): whatever
  // the order positions are visited in, the rows must be what the entries say now.
  it('shows every NAT entry as it is now, in any order of steps', () => {
    type Obj = Record<string, JsonValue>;
    const cells = (e: Obj): string[] => {
      const o = e.original as Obj;
      const p = e.packets as Obj;
      return [safe(e.proto), `${endpointText(o, 'src', e.proto)} > ${endpointText(o, 'dst', e.proto)}`, translatedText(e),
        `${safe(e.inside)}>${safe(e.outside)}`, `${safe(p.original)}/${safe(p.reply)}`];
    };
    const s = session([NAPT_COLLIDE]);
    const positions = Array.from({ length: 92 }, (_, i) => i + 1);
    let seed = 7;
    const shuffled = [...positions].sort(() => ((seed = (seed * 16807) % 2147483647) % 3) - 1);
    for (const position of [...positions, ...positions.reverse(), ...shuffled]) {
      s.seek(position);
      const report = s.report();
      const rows = stateTables(report, s.cursor.frame!.changes).nat[0].rows;
      expect(rows.filter((r) => r.mark !== 'removed').map((r) => r.cells.slice(0, 5))).toEqual((report.nat as Obj[]).map(cells));
    }
  });

  it('formats a NAT row again when its entry changed or another took its place', () => {
    const entry = (sport: number, packets: number, id?: number): Record<string, JsonValue> => ({
      proto: id === undefined ? 'udp' : 'icmp', type: 'snat', inside: 'docker0', outside: 'eth0', firstFrame: 1, lastFrame: 2,
      original: { src: '172.17.0.2', dst: '198.51.100.1', sport, dport: 7, ...(id === undefined ? {} : { id }) },
      reply: { src: '198.51.100.1', dst: '198.51.100.2', sport: 7, dport: sport, ...(id === undefined ? {} : { id }) },
      packets: { original: packets, reply: 0 },
    });
    const natCells = (nat: JsonValue[]) => stateTables({ nat }, []).nat[0].rows.map((r) => r.cells.slice(1, 5).join(' | '));
    expect(natCells([entry(1, 1), entry(2, 1), entry(3, 1)])).toEqual([
      '172.17.0.2:1 > 198.51.100.1:7 | src 198.51.100.2:1 | docker0>eth0 | 1/0',
      '172.17.0.2:2 > 198.51.100.1:7 | src 198.51.100.2:2 | docker0>eth0 | 1/0',
      '172.17.0.2:3 > 198.51.100.1:7 | src 198.51.100.2:3 | docker0>eth0 | 1/0',
    ]);
    // The second entry went (the third moves up), the first one counted a packet.
    expect(natCells([entry(1, 2), entry(3, 1)])).toEqual([
      '172.17.0.2:1 > 198.51.100.1:7 | src 198.51.100.2:1 | docker0>eth0 | 2/0',
      '172.17.0.2:3 > 198.51.100.1:7 | src 198.51.100.2:3 | docker0>eth0 | 1/0',
    ]);
    // ICMP: only the id tells two queries apart.
    expect(natCells([entry(1, 2, 9)])[0]).toBe('172.17.0.2 id 9 > 198.51.100.1 id 9 | src 198.51.100.2 id 9 | docker0>eth0 | 2/0');
    expect(natCells([entry(1, 2, 10)])[0]).toBe('172.17.0.2 id 10 > 198.51.100.1 id 10 | src 198.51.100.2 id 10 | docker0>eth0 | 2/0');
  });

  it('marks the FDB and ARP entries a step learned, with the IP beside the MAC', () => {
    // Which copy of frame 3 entered docker0 is decided at frame 4: the learning shows there.
    const s = sessionAtFrame([NAPT_COLLIDE], 4);
    const tables = stateTables(s.report(), s.cursor.frame!.changes);
    const fdb = tables.fdb[0];
    expect(fdb.title).toBe('FDB docker0');
    expect(fdb.columns).toEqual(['mac', 'port', 'ip', 'local', 'first', 'last', '']); // no VLANs: no vlan column
    // The table is what `analyze` of the first frames reports: frame 4's own MAC is settled in it already.
    expect(fdb.rows.map((r) => [r.cells[0], r.cells[2], r.mark, r.cells[6]])).toEqual([
      ['02:42:5e:1d:00:01', '172.17.0.1', null, ''],
      ['02:42:ac:11:00:02', '172.17.0.2', 'changed', 'learn'],
    ]);
    expect(tables.arp[0].rows.map((r) => [r.cells[0], r.mark])).toEqual([['172.17.0.1', 'changed'], ['172.17.0.2', null]]);
  });

  it('shows the entries a step aged out as removed rows', () => {
    const s = sessionAtFrame([NAPT_COLLIDE, OVERLAY_LEARN], 67);
    const br0 = stateTables(s.report(), s.cursor.frame!.changes).fdb.find((t) => t.title === 'FDB br0')!;
    const removed = br0.rows.filter((r) => r.mark === 'removed');
    expect(removed.map((r) => r.cells[0]).sort()).toEqual(['02:42:0a:00:01:02', '02:42:0a:00:01:03', 'd6:7a:50:7d:dd:6f', 'd6:90:90:31:c5:4b']);
    expect(removed.every((r) => r.cells.at(-1) === 'aged out')).toBe(true);
  });

  it('marks the tunnel and the MAC behind a VTEP the overlay learned', () => {
    const s = sessionAtFrame([OVERLAY_LEARN], 1);
    const [tunnels, macs] = stateTables(s.report(), s.cursor.frame!.changes).overlay;
    expect(tunnels.rows).toEqual([{ cells: ['4097', '192.0.2.1', '192.0.2.2', '4789', '1', 'new'], mark: 'changed' }]);
    expect(macs.rows).toEqual([{ cells: ['4097', '02:42:0a:00:01:02', '192.0.2.1', '1', 'learn'], mark: 'changed' }]);
  });
});

describe('explanation', () => {
  it('says who held the port a MASQUERADE remapped', () => {
    expect(explained([NAPT_COLLIDE], 15)).toBe('MASQUERADE: 172.17.0.3:40000 -> 198.51.100.2:49383 (port collision with 172.17.0.2)');
    expect(explained([NAPT_COLLIDE], 9)).toBe('MASQUERADE: 172.17.0.2:40000 -> 198.51.100.2:40000');
    expect(explained([NAPT_COLLIDE], 75)).toBe('MASQUERADE: 172.17.0.2 id 4660 -> 198.51.100.2 id 37473 (id collision with 172.17.0.3)');
  });

  it('says what a bridge learned, where, and what moved', () => {
    expect(explained([USERBRIDGE], 5)).toBe('br-000004d49e2e learned 02:42:ac:11:00:02 on veth1a2b3c4 [frame 3]');
    expect(explained([USERBRIDGE], 19)).toBe('br-000004d49e2e: 02:42:ac:11:00:03 (172.17.0.3) moved from a port not in the capture to veth5d6e7f8 [frame 14]');
    expect(explained([NAPT_COLLIDE], 4)).toBe('docker0 learned 02:42:ac:11:00:02 (172.17.0.2) (its port is not in the capture) [frame 3]; ARP: 172.17.0.1 is at 02:42:5e:1d:00:01');
  });

  it('says what the overlay learned, and what ageing removed', () => {
    expect(explained([OVERLAY_LEARN], 1)).toBe('new VXLAN tunnel vni 4097: 192.0.2.1 <-> 192.0.2.2 (UDP 4789); vni 4097: 02:42:0a:00:01:02 is behind VTEP 192.0.2.1');
    expect(explained([NAPT_COLLIDE, OVERLAY_LEARN], 67)).toMatch(/^br0 aged out d6:90:90:31:c5:4b on vxlan0, .*02:42:0a:00:01:02 \(10\.0\.1\.2\) on veth0c1.* \(idle 399 s or more\)$/);
  });

  it('counts the ports an unknown unicast flooded to from the topology', () => {
    const link = (name: string, kind: string, master: string | null): Link => ({ ifindex: 0, name, kind, mac: null, master, mtu: 1500, vxlan: null });
    const topology = new Topology([link('docker0', 'bridge', null), link('veth1a2b3c4', 'veth', 'docker0'), link('veth5d6e7f8', 'veth', 'docker0'), link('veth9a0b1c2', 'veth', 'docker0')]);
    const changes: Change[] = [
      { frame: 7, kind: 'fdb.learn', bridge: 'docker0', mac: '02:42:ac:11:00:02', port: 'veth1a2b3c4', vlan: null },
      { frame: 7, kind: 'fdb.flood', bridge: 'docker0', mac: '02:42:ac:11:00:09', port: 'veth1a2b3c4', vlan: null, reason: 'unknown-unicast' },
    ];
    expect(explainStep(changes, {}, topology, '')).toBe('docker0 learned 02:42:ac:11:00:02 on veth1a2b3c4; unknown unicast to 02:42:ac:11:00:09 flooded to 2 ports');
  });

  it('falls back to the frame summary, escaped', () => {
    expect(explainStep([], {}, null, 'DNS A? evil\x1b[2J.example')).toBe('DNS A? evil\\x1b[2J.example');
  });
});

describe('topology view', () => {
  it('marks where the frame was captured and the ports of its source and destination', () => {
    const s = sessionAtFrame([NAPT_COLLIDE], 5);
    const lines = topologyView(s.report(), null, s.cursor.frame);
    expect(lines).toContainEqual({ text: 'bridge docker0', mark: 'here' });
    expect(lines).toContainEqual({ text: '    02:42:ac:11:00:02 172.17.0.2', mark: 'in' });
    expect(lines).toContainEqual({ text: '    02:42:5e:1d:00:01 172.17.0.1', mark: 'out' });
  });

  it('shows the NAT uplink and the VXLAN tunnels', () => {
    const s = sessionAtFrame([NAPT_COLLIDE, OVERLAY_LEARN], 93);
    const lines = topologyView(s.report(), null, s.cursor.frame);
    expect(lines).toContainEqual({ text: 'uplink eth0: snat 198.51.100.2 for docker0', mark: 'here' });
    expect(lines).toContainEqual({ text: 'vxlan vni 4097: 192.0.2.1 <-> 192.0.2.2 udp 4789', mark: null });
  });
});

describe('names over numbers in the UI', () => {
  it('shows container names from docker network inspect in the FDB and ARP tables and the explanation', async () => {
    const { ReplaySession } = await import('../../src/ui/session.js');
    const { loadTopology } = await import('../../src/api/analysis-run.js');
    const { capturesDir } = await import('../helpers/paths.js');
    const { join } = await import('node:path');
    const napt = (f: string) => join(capturesDir, 'napt', f);
    const s = new ReplaySession([napt('napt-multi.pcapng')], {
      schedule: () => {}, topology: loadTopology([napt('docker-network-inspect.json'), napt('truth-host-links.json')]),
    });
    try {
      s.index.indexAll();
      s.seek(s.index.timeline.stepOfFrame(18) + 1);
      const tables = stateTables(s.report(), s.cursor.frame!.changes);
      const fdb = tables.fdb[0];
      const ipColumn = fdb.columns.indexOf('ip');
      expect(fdb.rows.find((r) => r.cells[0] === '02:42:ac:11:00:03')?.cells[ipColumn]).toBe('172.17.0.3 c2');
      const arp = tables.arp[0];
      expect(arp.columns).toEqual(['ip', 'mac', 'name', 'first', 'last', '']);
      expect(arp.rows.find((r) => r.cells[0] === '172.17.0.2')?.cells[2]).toBe('c1');
      // frame 18: c2 answers the host's ARP request for 172.17.0.3
      expect(explainStep(s.cursor.frame!.changes, s.report(), null, 'summary', 18)).toContain('ARP: 172.17.0.3 is at 02:42:ac:11:00:03 (c2)');
      // frame 5 settles the learning of frame 4 (without ports, docker0 waits to see where c1's frame went)
      s.seek(s.index.timeline.stepOfFrame(5) + 1);
      expect(explainStep(s.cursor.frame!.changes, s.report(), null, 'summary', 5))
        .toBe('docker0 learned 02:42:ac:11:00:02 (c1, 172.17.0.2) (its port is not in the capture) [frame 4]; ARP: 172.17.0.1 is at 16:2e:a7:03:c9:ec (docker0)');
    } finally {
      s.close();
    }
  });
});

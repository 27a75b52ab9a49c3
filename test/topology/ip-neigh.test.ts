// `ip -j neigh show` (iproute2): the ARP / IPv6 neighbour table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpNeighJson } from '../../src/topology/ip-neigh.js';
import { capturesDir } from '../helpers/paths.js';
import { refusal } from './sentence.js';

// iproute2 6.1 `ip -j neigh show`: a reachable container, a router, a failed entry (no lladdr), a proxy entry
const NEIGH = '[{"dst":"172.17.0.2","dev":"docker0","lladdr":"02:42:ac:11:00:02","state":["REACHABLE"]},{"dst":"192.168.1.1","dev":"eth0","lladdr":"AA:BB:cc:dd:ee:01","router":null,"state":["STALE"]},{"dst":"172.17.0.9","dev":"docker0","state":["FAILED"]},{"dst":"fe80::1","dev":"eth0","lladdr":"aa:bb:cc:dd:ee:01","router":null,"state":["DELAY","PROBE"]},{"dst":"10.9.9.9","dev":"eth0","proxy":null}]';

describe('parseIpNeighJson', () => {
  it('reads address, device, link-layer address, states and the router flag', () => {
    const t = parseIpNeighJson(NEIGH, 'neigh.json');
    expect(t.neighbours[0]).toEqual({ dst: '172.17.0.2', dev: 'docker0', lladdr: '02:42:ac:11:00:02', state: ['REACHABLE'], router: false, file: 'neigh.json' });
    expect(t.neighbours[1]).toMatchObject({ lladdr: 'aa:bb:cc:dd:ee:01', router: true, state: ['STALE'] });
    expect(t.neighbours[2]).toMatchObject({ dst: '172.17.0.9', lladdr: null, state: ['FAILED'] });
    expect(t.neighbours[3].state).toEqual(['DELAY', 'PROBE']);
    expect(t.neighbours[4]).toMatchObject({ dst: '10.9.9.9', lladdr: null, state: [] });
  });

  it('reads the napt host table: both containers and the WAN peer', () => {
    const t = parseIpNeighJson(readFileSync(`${capturesDir}/napt/truth-host-neigh.json`, 'utf8'), 'truth-host-neigh.json');
    expect(t.neighbours.map((n) => `${n.dst} ${n.dev} ${n.lladdr} ${n.state.join()}`)).toEqual([
      '198.51.100.1 eth0 2e:c7:ce:3e:62:08 REACHABLE',
      '172.17.0.3 docker0 02:42:ac:11:00:03 REACHABLE',
      '172.17.0.2 docker0 02:42:ac:11:00:02 REACHABLE',
    ]);
  });

  it('keeps a tunnel neighbour whose lladdr is an address, and a dump filtered by device', () => {
    const t = parseIpNeighJson('[{"dst":"10.1.0.2","lladdr":"192.0.2.7","state":["PERMANENT"]}]', 'gre.json');
    expect(t.neighbours[0]).toMatchObject({ dev: null, lladdr: '192.0.2.7' });
  });

  it('refuses broken entries in one sentence', () => {
    expect(refusal(() => parseIpNeighJson('[{"dev":"eth0"}]', 'n.json'), 'n.json')).toBe('n.json: entry 1 has no "dst"; give the output of `ip -j neigh show`.');
    expect(refusal(() => parseIpNeighJson('[{"dst":"not-an-ip","dev":"eth0"}]', 'n.json'), 'n.json')).toContain('has a "dst" that is not an IP address');
    expect(refusal(() => parseIpNeighJson('[{"dst":"10.0.0.1","state":"REACHABLE"}]', 'n.json'), 'n.json')).toContain('"state" set to the string "REACHABLE" where an array of strings belongs');
    expect(refusal(() => parseIpNeighJson('[5]', 'n.json'), 'n.json')).toBe('n.json: entry 1 is not an object; give the output of `ip -j neigh show`.');
  });
});

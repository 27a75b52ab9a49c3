// `bridge -j fdb show` (iproute2): bridge forwarding databases and vxlan device tables.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBridgeFdbJson } from '../../src/topology/bridge-fdb.js';
import { capturesDir } from '../helpers/paths.js';
import { refusal } from './sentence.js';

const read = (path: string): string => readFileSync(`${capturesDir}/${path}`, 'utf8');

// iproute2 6.1 `bridge -j fdb show` with a VLAN-aware bridge entry, a static one and a vxlan remote
const FDB = '[{"mac":"02:42:AC:11:00:02","ifname":"veth1a2b3c4","vlan":1,"flags":["extern_learn"],"master":"docker0","state":""},{"mac":"02:42:ac:11:00:09","ifname":"veth9","flags":[],"master":"docker0","state":"static"},{"mac":"00:00:00:00:00:00","ifname":"vxlan0","dst":"192.0.2.2","src_vni":4097,"vni":4097,"flags":["self"],"state":"permanent"}]';

describe('parseBridgeFdbJson', () => {
  it('reads port, bridge, VLAN, flags, state and the VTEP of vxlan entries', () => {
    const t = parseBridgeFdbJson(FDB, 'fdb.json');
    expect(t.fdb[0]).toEqual({ mac: '02:42:ac:11:00:02', ifname: 'veth1a2b3c4', master: 'docker0', vlan: 1, flags: ['extern_learn'], state: '', dst: null, vni: null, file: 'fdb.json' });
    expect(t.fdb[1]).toMatchObject({ state: 'static', vlan: null });
    expect(t.fdb[2]).toMatchObject({ ifname: 'vxlan0', master: null, dst: '192.0.2.2', vni: 4097, flags: ['self'], state: 'permanent' });
  });

  it('reads napt docker0: each container learned on its own veth, each veth\'s own MAC permanent', () => {
    const t = parseBridgeFdbJson(read('napt/truth-host-docker0-fdb.json'), 'napt-fdb');
    const learned = t.fdb.filter((e) => e.master === 'docker0' && e.state === '').map((e) => `${e.mac} ${e.ifname}`);
    expect(learned).toEqual(['02:42:ac:11:00:02 vethc1', '02:42:ac:11:00:03 vethc2']);
    const own = t.fdb.filter((e) => e.master === 'docker0' && e.state === 'permanent').map((e) => `${e.mac} ${e.ifname}`);
    expect(own).toEqual(['6e:f3:7c:00:61:53 vethc1', '16:2e:a7:03:c9:ec vethc2']);
    expect(t.fdb.filter((e) => e.flags.includes('self')).every((e) => e.master === null)).toBe(true);
  });

  it('reads `fdb show dev vxlan0`, which leaves out the port, with the remote VTEPs', () => {
    const t = parseBridgeFdbJson(read('overlay-learn/truth-h1-vxlan0-fdb.json'), 'vx');
    expect(t.fdb.every((e) => e.ifname === null)).toBe(true);
    expect(t.fdb.filter((e) => e.dst !== null).map((e) => `${e.mac}>${e.dst}`)).toEqual([
      '02:42:0a:00:01:03>192.0.2.2', 'd6:7a:50:7d:dd:6f>192.0.2.2', 'd6:90:90:31:c5:4b>192.0.2.2', '00:00:00:00:00:00>192.0.2.2',
    ]);
  });

  it('refuses broken entries in one sentence', () => {
    expect(refusal(() => parseBridgeFdbJson('[{"mac":"02:42:ac:11:00"}]', 'f.json'), 'f.json')).toBe('f.json: entry 1 has a "mac" that is not a MAC address; give the output of `bridge -j fdb show`.');
    expect(refusal(() => parseBridgeFdbJson('[{"mac":"02:42:ac:11:00:02","vlan":"1"}]', 'f.json'), 'f.json')).toContain('"vlan" set to the string "1" where a number belongs');
    expect(refusal(() => parseBridgeFdbJson('[{"mac":"02:42:ac:11:00:02","dst":"vtep"}]', 'f.json'), 'f.json')).toContain('"dst" that is not an IP address');
  });
});

// `ip -j addr show` (iproute2): which interface owns which address.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpAddrJson } from '../../src/topology/ip-addr.js';
import { capturesDir } from '../helpers/paths.js';
import { refusal } from './sentence.js';

// iproute2 6.1 `ip -j addr show` on a Docker host, byte for byte (one line, as it prints)
const HOST = '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"link_type":"loopback","address":"00:00:00:00:00:00","broadcast":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"::1","prefixlen":128,"scope":"host","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":4,"ifname":"docker0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","group":"default","link_type":"ether","address":"02:42:5e:1d:00:01","broadcast":"ff:ff:ff:ff:ff:ff","addr_info":[{"family":"inet","local":"172.17.0.1","prefixlen":16,"broadcast":"172.17.255.255","scope":"global","label":"docker0","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet6","local":"fe80::42:5eff:fe1d:1","prefixlen":64,"scope":"link","valid_life_time":4294967295,"preferred_life_time":4294967295}]}]';

describe('parseIpAddrJson', () => {
  it('reads every inet and inet6 address with its interface and prefix', () => {
    const t = parseIpAddrJson(HOST, 'addrs.json');
    expect(t.addresses.map((a) => `${a.ifname} ${a.local}/${a.prefixlen} ${a.scope}`)).toEqual([
      'lo 127.0.0.1/8 host', 'lo ::1/128 host', 'docker0 172.17.0.1/16 global', 'docker0 fe80::42:5eff:fe1d:1/64 link',
    ]);
    expect(t.addresses[2]).toEqual({ ifname: 'docker0', ifindex: 4, family: 'inet', local: '172.17.0.1', prefixlen: 16, scope: 'global', file: 'addrs.json' });
    expect(t.links).toEqual([]); // kinds come from `ip -j -d link show`, not from here
  });

  it('reads the napt host: docker0 and the uplink eth0', () => {
    const t = parseIpAddrJson(readFileSync(`${capturesDir}/napt/truth-host-addrs.json`, 'utf8'), 'napt');
    const v4 = t.addresses.filter((a) => a.family === 'inet').map((a) => `${a.ifname} ${a.local}/${a.prefixlen}`);
    expect(v4).toEqual(['lo 127.0.0.1/8', 'docker0 172.17.0.1/16', 'eth0 198.51.100.2/24']);
    expect(t.nameOfIp('198.51.100.2')).toBe('eth0');
    expect(t.nameOfIp('fe80::6cf3:7cff:fe00:6153')).toBe('vethc1');
  });

  it('skips the empty objects a filtered dump (`ip -4 -j addr`) prints', () => {
    const t = parseIpAddrJson('[{"addr_info":[{},{}]},{"ifindex":2,"ifname":"eth0","addr_info":[{},{"family":"inet","local":"192.0.2.1","prefixlen":24}]}]', 'f.json');
    expect(t.addresses.map((a) => a.local)).toEqual(['192.0.2.1']);
  });

  it('refuses broken entries in one sentence', () => {
    expect(refusal(() => parseIpAddrJson('{"ifname":"x"}', 'a.json'), 'a.json')).toBe('a.json is not a JSON array; give the output of `ip -j addr show`.');
    expect(refusal(() => parseIpAddrJson('[{"ifname":"eth0","addr_info":[{"family":"inet","local":"300.1.1.1","prefixlen":24}]}]', 'a.json'), 'a.json'))
      .toBe('a.json: entry 1 ("eth0") address 1 has a "local" that is not an IP address; give the output of `ip -j addr show`.');
    expect(refusal(() => parseIpAddrJson('[{"ifname":"eth0","addr_info":[{"family":"inet","local":"10.0.0.1","prefixlen":"24"}]}]', 'a.json'), 'a.json'))
      .toContain('has "prefixlen" set to the string "24" where a number belongs');
    expect(refusal(() => parseIpAddrJson('[{"addr_info":[{"family":"inet","local":"10.0.0.1","prefixlen":8}]}]', 'a.json'), 'a.json')).toContain('entry 1 has no "ifname"');
    expect(refusal(() => parseIpAddrJson('[{"ifindex":1,', 'a.json'), 'a.json')).toMatch(/^a\.json is not valid JSON/);
  });
});

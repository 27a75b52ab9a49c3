// Parses the JSON of `ip -j addr show` (iproute2): which interface owns which address.
// Only `addr_info` is read; the link fields it repeats come from `ip -j -d link show`,
// which also says the kind (an addr dump would make every bridge a plain device).
// iproute2 prints `{}` in addr_info (and entries holding nothing else) for addresses a
// filter like `ip -4` dropped: those are skipped.

import { TopologyError, quote } from './errors.js';
import { Fields, isObject, parseJson } from './json.js';
import { canonicalIp } from './ip.js';
import { Topology } from './model.js';
import type { InterfaceAddress } from './types.js';

const GIVE = 'the output of `ip -j addr show`';

export function parseIpAddrJson(text: string, source: string): Topology {
  return fromIpAddrJson(parseJson(text, source, GIVE), source);
}

export function fromIpAddrJson(value: unknown, source: string): Topology {
  if (!Array.isArray(value)) throw new TopologyError(`${source} is not a JSON array; give ${GIVE}.`);
  const addresses: InterfaceAddress[] = [];
  value.forEach((entry, i) => {
    if (!isObject(entry)) throw new TopologyError(`${source}: entry ${i + 1} is not an object; give ${GIVE}.`);
    const f = new Fields(entry, `entry ${i + 1}`, source, GIVE);
    const infos = f.optArray('addr_info').filter((a) => !(isObject(a) && Object.keys(a).length === 0));
    if (infos.length === 0) return;
    const ifname = f.str('ifname');
    const ifindex = f.optNum('ifindex');
    infos.forEach((info, j) => {
      if (!isObject(info)) throw f.error(`has an addr_info item ${j + 1} that is not an object`);
      const a = new Fields(info, `entry ${i + 1} (${quote(ifname)}) address ${j + 1}`, source, GIVE);
      const family = a.str('family');
      if (family !== 'inet' && family !== 'inet6') return; // nothing else carries an IP address
      const local = canonicalIp(a.str('local'));
      if (local === null) throw a.error('has a "local" that is not an IP address');
      const prefixlen = a.num('prefixlen');
      addresses.push({ ifname, ifindex, family, local, prefixlen, scope: a.optStr('scope'), file: source });
    });
  });
  return new Topology([], { addresses });
}

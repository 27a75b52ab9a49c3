// Parses the JSON of `bridge -j fdb show` (iproute2): a bridge's forwarding database
// (entries with `master`: learned MACs with state "", the ports' own MACs "permanent")
// and devices' own tables (`flags: ["self"]`: multicast on every port, and on a vxlan
// device the remote VTEP of each MAC in `dst`). `bridge fdb show dev X` leaves out
// `ifname`, since it is X.

import { TopologyError } from './errors.js';
import { Fields, isObject, parseJson } from './json.js';
import { canonicalIp, canonicalMac } from './ip.js';
import { Topology } from './model.js';
import type { FdbEntry } from './types.js';

const GIVE = 'the output of `bridge -j fdb show`';

export function parseBridgeFdbJson(text: string, source: string): Topology {
  return fromBridgeFdbJson(parseJson(text, source, GIVE), source);
}

export function fromBridgeFdbJson(value: unknown, source: string): Topology {
  if (!Array.isArray(value)) throw new TopologyError(`${source} is not a JSON array; give ${GIVE}.`);
  const fdb = value.map((entry, i): FdbEntry => {
    if (!isObject(entry)) throw new TopologyError(`${source}: entry ${i + 1} is not an object; give ${GIVE}.`);
    const f = new Fields(entry, `entry ${i + 1}`, source, GIVE);
    const mac = canonicalMac(f.str('mac'));
    if (mac === null) throw f.error('has a "mac" that is not a MAC address');
    const dstText = f.optStr('dst');
    const dst = dstText === null ? null : canonicalIp(dstText);
    if (dstText !== null && dst === null) throw f.error('has a "dst" that is not an IP address');
    return {
      mac,
      ifname: f.optStr('ifname'),
      master: f.optStr('master'),
      vlan: f.optNum('vlan'),
      flags: f.strings('flags'),
      state: f.optStr('state') ?? '',
      dst,
      vni: f.optNum('vni'),
      file: source,
    };
  });
  return new Topology([], { fdb });
}

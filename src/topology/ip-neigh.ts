// Parses the JSON of `ip -j neigh show` (iproute2): the kernel's ARP / IPv6 neighbour
// table. `lladdr` is absent while an entry is INCOMPLETE or FAILED, `dev` when the dump
// was filtered by device, `state` on proxy entries. `lladdr` is a MAC on Ethernet
// devices (stored as ip-link prints MACs), the peer address on tunnels.

import { TopologyError } from './errors.js';
import { Fields, isObject, parseJson } from './json.js';
import { canonicalIp, canonicalMac } from './ip.js';
import { Topology } from './model.js';
import type { Neighbour } from './types.js';

const GIVE = 'the output of `ip -j neigh show`';

export function parseIpNeighJson(text: string, source: string): Topology {
  return fromIpNeighJson(parseJson(text, source, GIVE), source);
}

export function fromIpNeighJson(value: unknown, source: string): Topology {
  if (!Array.isArray(value)) throw new TopologyError(`${source} is not a JSON array; give ${GIVE}.`);
  const neighbours = value.map((entry, i): Neighbour => {
    if (!isObject(entry)) throw new TopologyError(`${source}: entry ${i + 1} is not an object; give ${GIVE}.`);
    const f = new Fields(entry, `entry ${i + 1}`, source, GIVE);
    const dst = canonicalIp(f.str('dst'));
    if (dst === null) throw f.error('has a "dst" that is not an IP address');
    // Not always a MAC: GRE and other tunnels print the peer's IP address there.
    const lladdrText = f.optStr('lladdr');
    const lladdr = lladdrText === null ? null : canonicalMac(lladdrText) ?? lladdrText.toLowerCase();
    // `router` is printed as a key with a null value when the neighbour is a router
    return { dst, dev: f.optStr('dev'), lladdr, state: f.strings('state'), router: f.has('router'), file: source };
  });
  return new Topology([], { neighbours });
}

// The owners of addresses, for the display filter's `container` field: the container
// Docker says has a MAC or an IPv4 address (network endpoints), looked up by the numbers
// the decoders give. Interfaces are not containers: a bridge's MAC names no container.

import { formatIpv4, formatMac, type ContainerNames } from '../decode/index.js';
import type { TopologyFacts } from './types.js';

export function containerNames(topology: TopologyFacts): ContainerNames | null {
  if (topology.endpoints.length === 0) return null;
  const byMac = new Map<string, string>();
  const byIpv4 = new Map<string, string>();
  for (const e of topology.endpoints) {
    if (e.mac !== null) byMac.set(e.mac, e.container);
    if (e.ipv4 !== null) byIpv4.set(e.ipv4.address, e.container);
  }
  return {
    ofMac: (mac) => byMac.get(formatMac(mac)) ?? null,
    ofIpv4: (addr) => byIpv4.get(formatIpv4(addr)) ?? null,
  };
}

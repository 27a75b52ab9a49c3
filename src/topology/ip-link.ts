// Parses the JSON of `ip -j -d link show` (iproute2; `ip -j link show` too, without the
// kinds) into a Topology of links. Entries without an ifindex and a name are skipped,
// not fatal: this text comes from users' machines, and one odd entry (an iproute2 quirk)
// should not hide the interfaces around it.

import { TopologyError } from './errors.js';
import { isObject, parseJson } from './json.js';
import { Topology, type Link, type VxlanInfo } from './model.js';

export { TopologyError };

const GIVE = 'the output of `ip -j -d link show`';

interface IpLinkJson {
  ifindex?: unknown;
  ifname?: unknown;
  address?: unknown;
  master?: unknown;
  mtu?: unknown;
  link_type?: unknown;
  link_index?: unknown;
  link_netnsid?: unknown;
  linkinfo?: { info_kind?: unknown; info_data?: unknown };
}

export function parseIpLinkJson(text: string, source = 'the topology'): Topology {
  return fromIpLinkJson(parseJson(text, source, GIVE), source);
}

export function fromIpLinkJson(value: unknown, source: string): Topology {
  if (!Array.isArray(value)) throw new TopologyError(`${source} is not a JSON array; give ${GIVE}.`);
  const links: Link[] = [];
  for (const entry of value as IpLinkJson[]) {
    if (!isObject(entry)) continue;
    if (typeof entry.ifindex !== 'number' || typeof entry.ifname !== 'string') continue;
    const info = isObject(entry.linkinfo) ? entry.linkinfo : {};
    const kind = typeof info.info_kind === 'string' ? info.info_kind : entry.link_type === 'loopback' ? 'loopback' : 'device';
    links.push({
      ifindex: entry.ifindex,
      name: entry.ifname,
      kind,
      mac: typeof entry.address === 'string' && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(entry.address) ? entry.address.toLowerCase() : null,
      master: typeof entry.master === 'string' ? entry.master : null,
      mtu: typeof entry.mtu === 'number' ? entry.mtu : null,
      vxlan: kind === 'vxlan' ? vxlanInfo(isObject(info.info_data) ? info.info_data : {}) : null,
      // only when printed, so a link without a peer compares equal to one built by hand
      ...(typeof entry.link_index === 'number' ? { linkIndex: entry.link_index } : {}),
      ...(typeof entry.link_netnsid === 'number' ? { linkNetnsid: entry.link_netnsid } : {}),
    });
  }
  return new Topology(links);
}

function vxlanInfo(data: Record<string, unknown>): VxlanInfo {
  return {
    vni: typeof data.id === 'number' ? data.id : -1,
    port: typeof data.port === 'number' ? data.port : 4789,
    local: typeof data.local === 'string' ? data.local : null,
    learning: data.learning === true,
  };
}

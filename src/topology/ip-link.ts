// Parses the JSON of `ip -j -d link show` (iproute2) into a Topology.
// Only the fields we use are read; anything unexpected is skipped, not fatal,
// because this text comes from users' machines.

import { Topology, type Link, type VxlanInfo } from './model.js';

interface IpLinkJson {
  ifindex?: unknown;
  ifname?: unknown;
  address?: unknown;
  master?: unknown;
  mtu?: unknown;
  link_type?: unknown;
  linkinfo?: { info_kind?: unknown; info_data?: Record<string, unknown> };
}

export class TopologyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyError';
  }
}

export function parseIpLinkJson(text: string, source = 'the topology'): Topology {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new TopologyError(`${source} is not JSON (${(e as Error).message}); give the output of \`ip -j -d link show\`.`);
  }
  if (!Array.isArray(parsed)) throw new TopologyError(`${source} is not a JSON array; give the output of \`ip -j -d link show\`.`);
  const links: Link[] = [];
  for (const entry of parsed as IpLinkJson[]) {
    if (typeof entry !== 'object' || entry === null) continue;
    if (typeof entry.ifindex !== 'number' || typeof entry.ifname !== 'string') continue;
    const kind = typeof entry.linkinfo?.info_kind === 'string' ? entry.linkinfo.info_kind : entry.link_type === 'loopback' ? 'loopback' : 'device';
    links.push({
      ifindex: entry.ifindex,
      name: entry.ifname,
      kind,
      mac: typeof entry.address === 'string' && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(entry.address) ? entry.address.toLowerCase() : null,
      master: typeof entry.master === 'string' ? entry.master : null,
      mtu: typeof entry.mtu === 'number' ? entry.mtu : null,
      vxlan: kind === 'vxlan' ? vxlanInfo(entry.linkinfo?.info_data ?? {}) : null,
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

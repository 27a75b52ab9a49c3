// Parses the JSON of `docker inspect CONTAINER...` (Docker Engine API, ContainerJSON):
// the container's name (printed with a leading slash), HostConfig.NetworkMode (bridge,
// host, none, container:<id>, or a user network's name), its published ports, and one
// endpoint per entry of NetworkSettings.Networks (MacAddress, IPAddress/IPPrefixLen,
// GlobalIPv6Address/GlobalIPv6PrefixLen, Gateway, EndpointID, NetworkID). The networks
// it names are recorded with what the endpoint implies (id, subnet, gateway); their
// drivers come from `docker network inspect`, except for the reserved names.

import { TopologyError, quote } from './errors.js';
import { Fields, entriesOf, isObject, parseJson } from './json.js';
import { canonicalIp, canonicalMac, subnetOf } from './ip.js';
import { Topology } from './model.js';
import { portMapOf } from './ports.js';
import type { Container, Endpoint, Network, PrefixedAddress, Subnet } from './types.js';

const GIVE = 'the output of `docker inspect CONTAINER...`';

/** Networks every Docker host has, whose names fix their drivers and devices. */
const RESERVED = new Map<string, { driver: string; bridge: string | null }>([
  ['bridge', { driver: 'bridge', bridge: 'docker0' }],
  ['host', { driver: 'host', bridge: null }],
  ['none', { driver: 'null', bridge: null }],
]);

export function parseDockerInspectJson(text: string, source: string): Topology {
  return fromDockerInspectJson(parseJson(text, source, GIVE), source);
}

export function fromDockerInspectJson(value: unknown, source: string): Topology {
  const containers: Container[] = [];
  const endpoints: Endpoint[] = [];
  const networks: Network[] = [];
  entriesOf(value).forEach((entry, i) => {
    if (!isObject(entry)) throw new TopologyError(`${source}: entry ${i + 1} is not an object; give ${GIVE}.`);
    const name = new Fields(entry, `container ${i + 1}`, source, GIVE).str('Name').replace(/^\//, '');
    const f = new Fields(entry, `container ${i + 1} (${quote(name)})`, source, GIVE);
    const hostConfig = f.optObj('HostConfig');
    const h = hostConfig === null ? null : f.nested(hostConfig, 'HostConfig');
    const settings = f.optObj('NetworkSettings');
    const s = settings === null ? null : f.nested(settings, 'NetworkSettings');
    // A running container's NetworkSettings.Ports says what is bound; a stopped one has
    // only what was asked for, in HostConfig.PortBindings.
    const bound = s?.optObj('Ports') ?? null;
    const asked = h?.optObj('PortBindings') ?? null;
    const ports = bound !== null && Object.keys(bound).length > 0 ? portMapOf(bound, s as Fields, 'Ports')
      : asked !== null ? portMapOf(asked, h as Fields, 'PortBindings') : [];
    containers.push({ name, id: f.optStr('Id'), networkMode: h?.optStr('NetworkMode') ?? null, ports, sandboxKey: s?.optStr('SandboxKey') ?? null });
    for (const [network, value] of Object.entries(s?.optObj('Networks') ?? {})) {
      if (!isObject(value)) throw f.error(`has a network ${quote(network)} that is not an object`);
      const n = f.nested(value, `network ${quote(network)}`);
      const endpoint = endpointOf(n, name, network);
      endpoints.push(endpoint);
      networks.push(impliedNetwork(endpoint, [gatewayOf(n, 'Gateway'), gatewayOf(n, 'IPv6Gateway')]));
    }
  });
  return new Topology([], { networks, containers, endpoints });
}

function endpointOf(n: Fields, container: string, network: string): Endpoint {
  const macText = n.optStr('MacAddress');
  const mac = macText === null ? null : canonicalMac(macText);
  if (macText !== null && mac === null) throw n.error('has a "MacAddress" that is not a MAC address');
  return {
    container,
    network,
    networkId: n.optStr('NetworkID'),
    endpointId: n.optStr('EndpointID'),
    mac,
    ipv4: addressOf(n, 'IPAddress', 'IPPrefixLen', 32),
    ipv6: addressOf(n, 'GlobalIPv6Address', 'GlobalIPv6PrefixLen', 128),
    gateway: gatewayOf(n, 'Gateway') ?? gatewayOf(n, 'IPv6Gateway'),
  };
}

function addressOf(n: Fields, key: string, prefixKey: string, max: number): PrefixedAddress | null {
  const text = n.optStr(key);
  if (text === null) return null;
  const address = canonicalIp(text);
  if (address === null) throw n.error(`has a ${quote(key)} that is not an IP address`);
  const prefix = n.optNum(prefixKey);
  if (prefix !== null && (!Number.isInteger(prefix) || prefix < 0 || prefix > max)) throw n.error(`has a ${quote(prefixKey)} that is not a prefix length`);
  return { address, prefixlen: prefix === null || prefix === 0 ? null : prefix };
}

function gatewayOf(n: Fields, key: string): string | null {
  const text = n.optStr(key);
  if (text === null) return null;
  const gateway = canonicalIp(text);
  if (gateway === null) throw n.error(`has a ${quote(key)} that is not an IP address`);
  return gateway;
}

/** What an endpoint says of its network: id, and the subnets its addresses and prefixes imply with the gateways it uses. */
function impliedNetwork(e: Endpoint, gateways: readonly (string | null)[]): Network {
  const subnets: Subnet[] = [];
  for (const a of [e.ipv4, e.ipv6]) {
    if (a === null || a.prefixlen === null) continue;
    const subnet = subnetOf(a.address, a.prefixlen) as string;
    const v6 = a.address.includes(':');
    const gateway = gateways.find((g) => g !== null && g.includes(':') === v6) ?? null;
    subnets.push({ subnet, gateway });
  }
  const reserved = RESERVED.get(e.network);
  return { name: e.network, id: e.networkId, driver: reserved?.driver ?? null, bridge: reserved?.bridge ?? null, subnets, vni: [], peers: [], parent: null };
}

// Parses the JSON of `docker network inspect NET...` (Docker Engine API, NetworkResource):
// one object per network with its IPAM subnets and gateways, driver options (the bridge
// device's name), the containers attached on this host (by container id: Name,
// EndpointID, MacAddress, IPv4Address/IPv6Address with their prefix) and, for overlays,
// the VNIs and the peers (other hosts' VTEP addresses).

import { TopologyError, quote } from './errors.js';
import { Fields, entriesOf, isObject, parseJson, readAddress, readMac } from './json.js';
import { canonicalIp, parseCidr } from './ip.js';
import { Topology } from './model.js';
import type { Container, Endpoint, Network, OverlayPeer, Subnet } from './types.js';

const GIVE = 'the output of `docker network inspect NETWORK...`';

export function parseDockerNetworkJson(text: string, source: string): Topology {
  return fromDockerNetworkJson(parseJson(text, source, GIVE), source);
}

export function fromDockerNetworkJson(value: unknown, source: string): Topology {
  const networks: Network[] = [];
  const containers: Container[] = [];
  const endpoints: Endpoint[] = [];
  entriesOf(value).forEach((entry, i) => {
    if (!isObject(entry)) throw new TopologyError(`${source}: entry ${i + 1} is not an object; give ${GIVE}.`);
    const name = new Fields(entry, `network ${i + 1}`, source, GIVE).str('Name');
    const f = new Fields(entry, `network ${i + 1} (${quote(name)})`, source, GIVE);
    const network = networkOf(f, name);
    networks.push(network);
    const attached = f.optObj('Containers') ?? {};
    for (const [id, value] of Object.entries(attached)) {
      if (!isObject(value)) throw f.error(`has a container ${quote(id)} that is not an object`);
      const c = f.nested(value, `container ${quote(id)}`);
      const containerName = c.str('Name');
      containers.push({ name: containerName, id, networkMode: null, ports: [], sandboxKey: null });
      endpoints.push({
        container: containerName,
        network: name,
        networkId: network.id,
        endpointId: c.optStr('EndpointID'),
        mac: readMac(c, 'MacAddress'),
        ipv4: readAddress(c, 'IPv4Address'),
        ipv6: readAddress(c, 'IPv6Address'),
        gateway: null,
      });
    }
  });
  return new Topology([], { networks, containers, endpoints });
}

function networkOf(f: Fields, name: string): Network {
  const id = f.optStr('Id');
  const driver = f.str('Driver');
  const options = f.optObj('Options') ?? {};
  const o = f.nested(options, 'Options');
  const ipam = f.optObj('IPAM');
  const config = ipam === null ? [] : f.nested(ipam, 'IPAM').optArray('Config');
  const subnets = config.map((item, j): Subnet => {
    if (!isObject(item)) throw f.error(`has an IPAM config ${j + 1} that is not an object`);
    const s = f.nested(item, `IPAM config ${j + 1}`);
    const subnet = s.optStr('Subnet');
    const cidr = subnet === null ? null : parseCidr(subnet);
    if (cidr === null) throw s.error('has no "Subnet" in CIDR form (172.17.0.0/16)');
    const gatewayText = s.optStr('Gateway');
    const gateway = gatewayText === null ? null : canonicalIp(gatewayText.replace(/\/\d+$/, ''));
    if (gatewayText !== null && gateway === null) throw s.error('has a "Gateway" that is not an IP address');
    return { subnet: `${cidr.address}/${cidr.prefixlen}`, gateway };
  });
  const vniText = o.optStr('com.docker.network.driver.overlay.vxlanid_list');
  const vni = vniText === null ? [] : vniText.split(',').map((v) => {
    if (!/^\s*\d+\s*$/.test(v)) throw o.error('has a "com.docker.network.driver.overlay.vxlanid_list" that is not a list of numbers');
    return Number(v);
  });
  const peers = f.optArray('Peers').map((p, j): OverlayPeer => {
    if (!isObject(p)) throw f.error(`has a peer ${j + 1} that is not an object`);
    const pf = f.nested(p, `peer ${j + 1}`);
    const ip = canonicalIp(pf.str('IP'));
    if (ip === null) throw pf.error('has an "IP" that is not an IP address');
    return { name: pf.str('Name'), ip };
  });
  return { name, id, driver, bridge: bridgeOf(driver, name, id, o), subnets, vni, peers, parent: o.optStr('parent') };
}

/**
 * The Linux bridge carrying a network: the `com.docker.network.bridge.name` option when
 * set, `docker0` for the default `bridge` network, else `br-` and the id's first 12 hex
 * digits, as dockerd names them. An overlay's bridge is `br0` inside the network's own
 * namespace (Docker renames the `ov-...` bridge it creates when moving it there).
 */
function bridgeOf(driver: string, name: string, id: string | null, o: Fields): string | null {
  if (driver === 'overlay') return 'br0';
  if (driver !== 'bridge') return null;
  const option = o.optStr('com.docker.network.bridge.name');
  if (option !== null) return option;
  if (name === 'bridge') return 'docker0';
  return id === null ? null : `br-${id.slice(0, 12)}`;
}

// Parses a docker-compose file (Compose Specification, YAML or JSON) into the networks
// and containers `docker compose up` would create: each service's container
// (`container_name`, else `<project>-<service>-1`, the project being `name:` or the
// compose file's directory name), its networks (`networks:` as a list or a map with
// `ipv4_address`/`ipv6_address`/`mac_address`; the project's `default` network when it
// names none; or `network_mode`) and its published `ports:`, and the top-level
// `networks:` (`name`, `driver`, `driver_opts` such as the bridge's device name, `ipam`
// `config` subnets and gateways, `external`). Variables (`${X}`), `extends`, `include`
// and profiles are not interpreted; MACs and addresses Docker picks at run time are
// unknown here (give `docker network inspect` for them).

import { basename, dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { TopologyError, quote } from './errors.js';
import { Fields, isObject, readMac } from './json.js';
import { canonicalIp, cidrContains, parseCidr } from './ip.js';
import { Topology } from './model.js';
import { composePort } from './compose-ports.js';
import { dedupePorts } from './ports.js';
import type { Container, Endpoint, Network, PrefixedAddress, Subnet } from './types.js';

const GIVE = 'a docker-compose file (YAML with a `services:` mapping)';

export function parseComposeYaml(text: string, source: string): Topology {
  let doc: unknown;
  try {
    // logLevel 'error': errors throw, warnings are not printed on our standard error;
    // merge: `<<: *defaults` keys, which Compose files use with `x-` extension fields
    doc = parse(text, { logLevel: 'error', prettyErrors: true, merge: true });
  } catch (e) {
    const pos = (e as { linePos?: { line: number; col: number }[] }).linePos?.[0];
    const code = (e as { code?: unknown }).code;
    const where = pos ? ` (${typeof code === 'string' ? `${code} ` : ''}at line ${pos.line}, column ${pos.col})` : '';
    throw new TopologyError(`${source} is not valid YAML${where}; give ${GIVE}.`);
  }
  return fromCompose(doc, source);
}

/** Compose's project name from a directory: lower case, only a-z 0-9 _ -, not starting with _ or -. */
export function projectNameOf(dir: string): string {
  return dir.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}

export function fromCompose(doc: unknown, source: string): Topology {
  if (!isObject(doc)) throw new TopologyError(`${source} is not a YAML mapping; give ${GIVE}.`);
  const top = new Fields(doc, 'the file', source, GIVE);
  const services = top.optObj('services');
  if (services === null) throw top.error('has no "services" mapping');
  const project = top.has('name') ? top.str('name') : projectNameOf(basename(dirname(resolve(source))));
  const networks = new Map<string, Network>(); // by the key the file uses
  for (const [key, def] of Object.entries(top.optObj('networks') ?? {})) {
    if (def !== null && !isObject(def)) throw top.error(`has a network ${quote(key)} that is not a mapping`);
    networks.set(key, networkOf(top.nested(def ?? {}, `network ${quote(key)}`), key, project));
  }
  const builtins: Network[] = []; // bridge, host, none when a network_mode names them
  const containers: Container[] = [];
  const endpoints: Endpoint[] = [];
  const nameOf = (service: string): string => {
    const def = services[service];
    const explicit = isObject(def) ? def.container_name : undefined;
    return typeof explicit === 'string' ? explicit : `${project}-${service}-1`;
  };
  for (const [service, def] of Object.entries(services)) {
    if (def !== null && !isObject(def)) throw top.error(`has a service ${quote(service)} that is not a mapping`);
    const s = top.nested(def ?? {}, `service ${quote(service)}`);
    const name = s.optStr('container_name') ?? nameOf(service);
    const mac = readMac(s, 'mac_address');
    const ports = dedupePorts(s.optArray('ports').flatMap((p, j) => composePort(p, (problem) => s.error(`port ${j + 1} ${problem}`))));
    let networkMode = s.optStr('network_mode');
    if (networkMode !== null) {
      if (s.has('networks')) throw s.error('has both "network_mode" and "networks", which Compose refuses');
      if (networkMode.startsWith('service:')) {
        const other = networkMode.slice('service:'.length);
        if (!Object.prototype.hasOwnProperty.call(services, other)) throw s.error(`has network_mode ${quote(networkMode)} naming no service of this file`);
        networkMode = `container:${nameOf(other)}`;
      } else if (!networkMode.startsWith('container:')) {
        // bridge, host, none, or a network by its Docker name: the container joins it
        const network = builtin(networkMode);
        if (![...networks.values(), ...builtins].some((n) => n.name === network.name)) builtins.push(network);
        endpoints.push(endpointOf(name, network.name, null, null, mac));
      }
      containers.push({ name, id: null, networkMode, ports, sandboxKey: null });
      continue;
    }
    const attached = attachmentsOf(s);
    for (const [key, a] of attached) {
      if (key === 'default' && !networks.has('default')) networks.set('default', networkOf(top.nested({}, 'network "default"'), 'default', project));
      const network = networks.get(key);
      if (!network) throw s.error(`joins network ${quote(key)}, which the file's top-level "networks" does not define`);
      endpoints.push(endpointOf(name, network.name, withPrefix(a.ipv4, network), withPrefix(a.ipv6, network), a.mac ?? mac));
    }
    // Docker records the first network joined as the container's network mode
    containers.push({ name, id: null, networkMode: networks.get(attached[0][0])?.name ?? null, ports, sandboxKey: null });
  }
  return new Topology([], { networks: [...networks.values(), ...builtins], containers, endpoints });
}

function networkOf(n: Fields, key: string, project: string): Network {
  // `external: true`, or the older `external: {name: x}`
  const ext = n.get('external');
  const extName = isObject(ext) ? n.nested(ext, 'external').optStr('name') : null;
  const external = isObject(ext) || (n.has('external') && n.optBool('external') === true);
  const name = n.optStr('name') ?? extName ?? (external ? key : `${project}_${key}`);
  const driver = n.optStr('driver') ?? 'bridge';
  const optionsObj = n.optObj('driver_opts') ?? {};
  const options = n.nested(optionsObj, 'driver_opts');
  const ipam = n.optObj('ipam');
  const config = ipam === null ? [] : n.nested(ipam, 'ipam').optArray('config');
  const subnets = config.map((item, j): Subnet => {
    if (!isObject(item)) throw n.error(`has an ipam config ${j + 1} that is not a mapping`);
    const c = n.nested(item, `ipam config ${j + 1}`);
    const cidr = parseCidr(c.str('subnet'));
    if (cidr === null) throw c.error('has a "subnet" that is not in CIDR form (172.30.0.0/16)');
    const gatewayText = c.optStr('gateway');
    const gateway = gatewayText === null ? null : canonicalIp(gatewayText);
    if (gatewayText !== null && gateway === null) throw c.error('has a "gateway" that is not an IP address');
    return { subnet: `${cidr.address}/${cidr.prefixlen}`, gateway };
  });
  // The bridge of a network Compose creates is `br-<id>` unless named: the id is not known before it exists.
  const bridge = driver === 'bridge' ? options.optStr('com.docker.network.bridge.name') : null;
  return { name, id: null, driver, bridge, subnets, vni: [], peers: [], parent: options.optStr('parent') };
}

/** The networks every Docker host has, as `network_mode` names them. */
function builtin(mode: string): Network {
  const known = new Map([['bridge', { driver: 'bridge', bridge: 'docker0' }], ['host', { driver: 'host', bridge: null }], ['none', { driver: 'null', bridge: null }]]);
  const k = known.get(mode);
  return { name: mode, id: null, driver: k?.driver ?? null, bridge: k?.bridge ?? null, subnets: [], vni: [], peers: [], parent: null };
}

interface Attachment {
  ipv4: PrefixedAddress | null;
  ipv6: PrefixedAddress | null;
  mac: string | null;
}

/** A service's `networks:` as [key, addresses] pairs; `default` when it has none. */
function attachmentsOf(s: Fields): [string, Attachment][] {
  const none: Attachment = { ipv4: null, ipv6: null, mac: null };
  const value = s.get('networks');
  if (value === undefined || value === null) return [['default', none]];
  if (Array.isArray(value)) {
    if (value.length === 0) return [['default', none]];
    return value.map((key, j): [string, Attachment] => {
      if (typeof key !== 'string') throw s.error(`has a network ${j + 1} that is not a name`);
      return [key, none];
    });
  }
  if (!isObject(value)) throw s.error('has "networks" that is neither a list nor a mapping');
  const out: [string, Attachment][] = [];
  for (const [key, def] of Object.entries(value)) {
    if (def !== null && !isObject(def)) throw s.error(`has network ${quote(key)} set to something other than a mapping`);
    const a = s.nested(def ?? {}, `network ${quote(key)}`);
    out.push([key, { ipv4: addressOf(a, 'ipv4_address'), ipv6: addressOf(a, 'ipv6_address'), mac: readMac(a, 'mac_address') }]);
  }
  if (out.length === 0) return [['default', none]];
  return out;
}

function addressOf(a: Fields, key: string): PrefixedAddress | null {
  const text = a.optStr(key);
  if (text === null) return null;
  const address = canonicalIp(text);
  if (address === null) throw a.error(`has a ${quote(key)} that is not an IP address`);
  return { address, prefixlen: null };
}

/** An address given without prefix takes its network's subnet prefix, as Docker assigns it. */
function withPrefix(a: PrefixedAddress | null, network: Network): PrefixedAddress | null {
  if (a === null) return null;
  const cidr = network.subnets.map((s) => parseCidr(s.subnet)).find((c) => c !== null && cidrContains(c, a.address));
  return cidr ? { address: a.address, prefixlen: cidr.prefixlen } : a;
}

function endpointOf(container: string, network: string, ipv4: PrefixedAddress | null, ipv6: PrefixedAddress | null, mac: string | null): Endpoint {
  return { container, network, networkId: null, endpointId: null, mac, ipv4, ipv6, gateway: null };
}


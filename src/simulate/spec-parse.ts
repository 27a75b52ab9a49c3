// Parses the YAML topology (docs/simulate.md) into a SimSpec: fields checked one by one,
// defaults filled in, and the cross-references (a container's bridge, a published
// port's container, an uplink's peer host) resolved. Errors are TopologyError sentences.

import { parse } from 'yaml';
import { quote, TopologyError } from '../topology/errors.js';
import { derivedMac, dockerMac, Fields, type YamlMap } from './spec-fields.js';
import type {
  BridgeSpec, ContainerSpec, HostSpec, NetworkMode, PeerSpec, Proto, PublishSpec, SimSpec, UplinkSpec, VxlanSpec,
} from './spec.js';

export function parseSimTopology(text: string, file: string): SimSpec {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    // the yaml package's message spans lines (it draws the spot); keep its first line
    const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    throw new TopologyError(`${file} is not valid YAML: ${first.replace(/\.$/, '')}.`);
  }
  const f = new Fields(file);
  const top = f.map(doc, 'the document');
  f.only(top, 'the document', ['hosts', 'containers']);
  const hostItems = f.list(top.hosts, 'hosts');
  if (hostItems.length === 0) throw new TopologyError(`${file}: hosts must list at least one host.`);
  const hosts = hostItems.map((h, i) => parseHost(f, f.map(h, `hosts[${i}]`), `hosts[${i}]`));
  const containers = f.list(top.containers, 'containers').map((c, i) => parseContainer(f, f.map(c, `containers[${i}]`), `containers[${i}]`, hosts));
  const spec = { hosts, containers };
  checkReferences(f, spec);
  return spec;
}

function parseHost(f: Fields, m: YamlMap, path: string): HostSpec {
  f.only(m, path, ['name', 'bridges', 'uplink', 'publish', 'vxlan', 'listen']);
  const name = f.string(m.name, `${path}.name`);
  const bridges = f.list(m.bridges, `${path}.bridges`).map((b, i) => parseBridge(f, f.map(b, `${path}.bridges[${i}]`), `${path}.bridges[${i}]`));
  const uplink = m.uplink === undefined || m.uplink === null ? null : parseUplink(f, f.map(m.uplink, `${path}.uplink`), `${path}.uplink`);
  const publish = f.list(m.publish, `${path}.publish`).map((p, i) => parsePublish(f, p, `${path}.publish[${i}]`));
  const vxlan = f.list(m.vxlan, `${path}.vxlan`).map((v, i) => parseVxlan(f, f.map(v, `${path}.vxlan[${i}]`), `${path}.vxlan[${i}]`));
  return { name, bridges, uplink, publish, vxlan, listen: f.listen(m.listen, `${path}.listen`) };
}

function parseBridge(f: Fields, m: YamlMap, path: string): BridgeSpec {
  f.only(m, path, ['name', 'mac', 'address', 'masquerade', 'mtu']);
  const name = f.string(m.name, `${path}.name`);
  return {
    name,
    mac: m.mac === undefined ? derivedMac(name) : f.mac(m.mac, `${path}.mac`),
    address: m.address === undefined || m.address === null ? null : f.address(m.address, `${path}.address`),
    masquerade: f.bool(m.masquerade, `${path}.masquerade`, false),
    mtu: m.mtu === undefined || m.mtu === null ? null : f.mtu(m.mtu, `${path}.mtu`, 0),
  };
}

function parseUplink(f: Fields, m: YamlMap, path: string): UplinkSpec {
  f.only(m, path, ['name', 'mac', 'address', 'gateway', 'peer', 'mtu']);
  const name = f.optString(m.name, `${path}.name`, 'eth0');
  let peer: UplinkSpec['peer'] = null;
  if (typeof m.peer === 'string') peer = { host: m.peer };
  else if (m.peer !== undefined && m.peer !== null) peer = parsePeer(f, f.map(m.peer, `${path}.peer`), `${path}.peer`);
  return {
    name,
    mac: m.mac === undefined ? derivedMac(name) : f.mac(m.mac, `${path}.mac`),
    address: m.address === undefined || m.address === null ? null : f.address(m.address, `${path}.address`),
    gateway: m.gateway === undefined || m.gateway === null ? null : f.ip(m.gateway, `${path}.gateway`),
    peer,
    mtu: f.mtu(m.mtu, `${path}.mtu`, 1500),
  };
}

function parsePeer(f: Fields, m: YamlMap, path: string): PeerSpec {
  f.only(m, path, ['name', 'interface', 'mac', 'address', 'listen']);
  const name = f.string(m.name, `${path}.name`);
  return {
    name,
    ifname: f.optString(m.interface, `${path}.interface`, 'eth0'),
    mac: m.mac === undefined ? derivedMac(name) : f.mac(m.mac, `${path}.mac`),
    address: f.address(m.address, `${path}.address`),
    listen: f.listen(m.listen, `${path}.listen`),
  };
}

/** `8080->c1:80/udp`, as `docker run -p 8080:80/udp` publishes it. */
function parsePublish(f: Fields, value: unknown, path: string): PublishSpec {
  const m = typeof value === 'string' ? /^(\d{1,5})->([^:\s]+):(\d{1,5})\/(udp|tcp)$/.exec(value) : null;
  const hostPort = m ? Number(m[1]) : 0;
  const port = m ? Number(m[3]) : 0;
  if (!m || hostPort < 1 || hostPort > 65535 || port < 1 || port > 65535) {
    f.fail(path, 'a published port like 8080->c1:80/udp', value);
  }
  return { hostPort, container: m[2], port, proto: m[4] as Proto };
}

function parseVxlan(f: Fields, m: YamlMap, path: string): VxlanSpec {
  f.only(m, path, ['name', 'vni', 'port', 'local', 'bridge', 'mac', 'learning', 'proxy', 'remotes', 'fdb', 'neigh', 'mtu']);
  const name = f.optString(m.name, `${path}.name`, 'vxlan0');
  return {
    name,
    vni: f.int(m.vni, `${path}.vni`, 0, 0xffffff),
    port: m.port === undefined ? 4789 : f.int(m.port, `${path}.port`, 1, 65535),
    local: f.ip(m.local, `${path}.local`),
    bridge: f.string(m.bridge, `${path}.bridge`),
    mac: m.mac === undefined ? derivedMac(`${name}@${String(m.local)}`) : f.mac(m.mac, `${path}.mac`),
    learning: f.bool(m.learning, `${path}.learning`, true),
    mtu: f.mtu(m.mtu, `${path}.mtu`, 1500),
    proxy: f.bool(m.proxy, `${path}.proxy`, false),
    remotes: f.list(m.remotes, `${path}.remotes`).map((r, i) => f.ip(r, `${path}.remotes[${i}]`)),
    fdb: f.list(m.fdb, `${path}.fdb`).map((e, i) => {
      const p = `${path}.fdb[${i}]`;
      const entry = f.map(e, p);
      f.only(entry, p, ['mac', 'dst']);
      return { mac: f.mac(entry.mac, `${p}.mac`), dst: f.ip(entry.dst, `${p}.dst`) };
    }),
    neigh: f.list(m.neigh, `${path}.neigh`).map((e, i) => {
      const p = `${path}.neigh[${i}]`;
      const entry = f.map(e, p);
      f.only(entry, p, ['ip', 'mac']);
      return { ip: f.ip(entry.ip, `${p}.ip`), mac: f.mac(entry.mac, `${p}.mac`) };
    }),
  };
}

function parseNetwork(f: Fields, value: unknown, path: string, host: HostSpec): NetworkMode {
  if (value === undefined || value === null) {
    if (host.bridges.length === 0) f.fail(path, 'given: the host has no bridge to default to', value);
    return { kind: 'bridge', bridge: host.bridges[0].name };
  }
  const text = f.string(value, path);
  if (text === 'host' || text === 'none' || text === 'macvlan') return { kind: text };
  if (text.startsWith('container:')) return { kind: 'container', container: text.slice('container:'.length) };
  if (!host.bridges.some((b) => b.name === text)) {
    f.fail(path, `host, none, container:NAME, macvlan or a bridge of host ${quote(host.name)}`, value);
  }
  return { kind: 'bridge', bridge: text };
}

function parseContainer(f: Fields, m: YamlMap, path: string, hosts: readonly HostSpec[]): ContainerSpec {
  f.only(m, path, ['name', 'host', 'network', 'mac', 'address', 'gateway', 'veth', 'listen', 'mtu']);
  const name = f.string(m.name, `${path}.name`);
  const hostName = m.host === undefined && hosts.length === 1 ? hosts[0].name : f.string(m.host, `${path}.host`);
  const host = hosts.find((h) => h.name === hostName);
  if (host === undefined) f.fail(`${path}.host`, 'the name of a host in hosts', m.host);
  const network = parseNetwork(f, m.network, `${path}.network`, host);
  const attached = network.kind === 'bridge' || network.kind === 'macvlan';
  const bridge = network.kind === 'bridge' ? host.bridges.find((b) => b.name === network.bridge) : undefined;
  const parentAddress = network.kind === 'macvlan' ? host.uplink?.address : bridge?.address;
  const address = attached ? f.address(m.address, `${path}.address`, parentAddress?.prefix ?? 32) : null;
  let gateway: number | null = null;
  if (m.gateway !== undefined) gateway = m.gateway === null ? null : f.ip(m.gateway, `${path}.gateway`);
  else if (network.kind === 'bridge') gateway = bridge?.address?.ip ?? null;
  return {
    name,
    host: host.name,
    network,
    mac: !attached ? 0 : m.mac === undefined ? dockerMac((address as { ip: number }).ip) : f.mac(m.mac, `${path}.mac`),
    address,
    gateway,
    veth: f.optString(m.veth, `${path}.veth`, `veth${name}`.slice(0, 15)),
    mtu: f.mtu(m.mtu, `${path}.mtu`, 1500),
    listen: f.listen(m.listen, `${path}.listen`),
  };
}

function checkReferences(f: Fields, spec: SimSpec): void {
  const names = new Set<string>();
  const claim = (name: string, what: string): void => {
    if (names.has(name)) throw new TopologyError(`${f.file}: the name ${quote(name)} is used twice (${what}); hosts, containers and peers need distinct names.`);
    names.add(name);
  };
  for (const h of spec.hosts) {
    claim(h.name, 'host');
    const peer = h.uplink?.peer;
    if (peer && 'name' in peer) claim(peer.name, 'uplink peer');
    if (peer && 'host' in peer && !spec.hosts.some((o) => o.name === peer.host && o !== h)) {
      throw new TopologyError(`${f.file}: the uplink of host ${quote(h.name)} names peer ${quote(peer.host)}, which is not another host; give a host's name or a mapping with name, mac and address.`);
    }
    for (const v of h.vxlan) {
      if (!h.bridges.some((b) => b.name === v.bridge)) throw new TopologyError(`${f.file}: vxlan ${quote(v.name)} of host ${quote(h.name)} names bridge ${quote(v.bridge)}, which the host does not have.`);
    }
    for (const p of h.publish) {
      const c = spec.containers.find((x) => x.name === p.container && x.host === h.name);
      if (c === undefined || c.address === null) throw new TopologyError(`${f.file}: host ${quote(h.name)} publishes port ${p.hostPort} to ${quote(p.container)}, which is not a container with an address on that host.`);
    }
  }
  for (const c of spec.containers) {
    claim(c.name, 'container');
    const mode = c.network;
    if (mode.kind === 'container' && !spec.containers.some((o) => o.name === mode.container && o !== c)) {
      throw new TopologyError(`${f.file}: container ${quote(c.name)} shares the network of ${quote(mode.container)}, which is not another container.`);
    }
    if (mode.kind === 'macvlan' && spec.hosts.find((h) => h.name === c.host)?.uplink == null) {
      throw new TopologyError(`${f.file}: container ${quote(c.name)} is on macvlan, but host ${quote(c.host)} has no uplink to be its parent.`);
    }
  }
}

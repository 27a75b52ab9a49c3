// Merging topology files from several tools and hosts, and the name lookups the rest of
// dockshark uses to speak in containers and interfaces.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTopologyFile } from '../../src/topology/detect.js';
import { Topology } from '../../src/topology/model.js';
import { capturesDir } from '../helpers/paths.js';
import { NETWORKS, WEB_DEFAULT } from './fixtures.js';

const load = (...paths: string[]): Topology =>
  Topology.merge(paths.map((p) => parseTopologyFile(readFileSync(`${capturesDir}/${p}`, 'utf8'), `${capturesDir}/${p}`)));

const NAPT = ['links', 'addrs', 'neigh', 'docker0-fdb', 'conntrack', 'iptables-nat'].map((k) => `napt/truth-host-${k}.${k.endsWith('nat') || k === 'conntrack' ? 'txt' : 'json'}`);

describe('Topology.merge of the napt host\'s dumps and its docker network inspect', () => {
  const t = load(...NAPT, 'napt/docker-network-inspect.json');

  it('keeps every table', () => {
    expect([t.links.length, t.addresses.length, t.neighbours.length, t.fdb.length, t.conntrack.length, t.nat.length, t.networks.length, t.endpoints.length])
      .toEqual([5, 8, 3, 15, 6, 3, 1, 2]);
    expect(new Set(t.fdb.map((e) => e.file))).toEqual(new Set([`${capturesDir}/napt/truth-host-docker0-fdb.json`]));
  });

  it('keeps what the analysis engines read exactly as the link dump alone gives it', () => {
    const links = load('napt/truth-host-links.json');
    expect(t.links).toEqual(links.links);
    expect(t.localMacs()).toEqual(links.localMacs());
    expect(t.portsOf('docker0').map((l) => l.name)).toEqual(['vethc1', 'vethc2']);
    expect(t.bridgeOf('vethc2')).toBe('docker0');
    expect(t.linkByIndex(5)?.name).toBe('eth0');
  });

  it('names MACs: containers, then interfaces (a bridge before the port whose MAC it took)', () => {
    expect(t.nameOfMac('02:42:ac:11:00:02')).toBe('c1');
    expect(t.nameOfMac('02:42:AC:11:00:03')).toBe('c2');
    expect(t.nameOfMac('16:2e:a7:03:c9:ec')).toBe('docker0'); // docker0 took vethc2's MAC
    expect(t.nameOfMac('6e:f3:7c:00:61:53')).toBe('vethc1');
    expect(t.nameOfMac('72:85:dd:fe:cb:3b')).toBe('eth0');
    expect(t.nameOfMac('2e:c7:ce:3e:62:08')).toBeNull(); // the WAN peer: only in the neighbour table
    expect(t.nameOfMac('not a mac')).toBeNull();
  });

  it('names addresses: containers, then the interface owning it, then a network\'s gateway', () => {
    expect(t.nameOfIp('172.17.0.2')).toBe('c1');
    expect(t.nameOfIp('172.17.0.1')).toBe('docker0');
    expect(t.nameOfIp('198.51.100.2')).toBe('eth0');
    expect(t.nameOfIp('198.51.100.1')).toBeNull();
    expect(load('napt/docker-network-inspect.json').nameOfIp('172.17.0.1')).toBe('gateway of bridge');
  });

  it('puts addresses in networks', () => {
    expect(t.networkOfIp('172.17.0.3')?.name).toBe('bridge');
    expect(t.networkOfIp('172.17.200.9')?.bridge).toBe('docker0');
    expect(t.networkOfIp('198.51.100.1')).toBeNull();
  });

  it('finds the container behind each veth from the bridge FDB', () => {
    expect(t.containerOnPort('vethc1')?.name).toBe('c1');
    expect(t.containerOnPort('vethc2')?.name).toBe('c2');
    expect(t.containerOnPort('docker0')).toBeNull();
    expect(t.containerOnPort('eth0')).toBeNull(); // a veth too, but nothing learned on it
    expect(load(...NAPT).containerOnPort('vethc1')).toBeNull(); // without Docker's names there is no container to name
  });
});

describe('Topology.merge across the two overlay hosts', () => {
  const t = load('overlay-learn/docker-network-inspect-h1.json', 'overlay-learn/docker-network-inspect-h2.json',
    'overlay-learn/truth-h1-links.json', 'overlay-learn/truth-h1-addrs.json', 'overlay-learn/truth-h1-br0-fdb.json', 'overlay-learn/truth-h1-vxlan0-fdb.json');

  it('joins one overlay seen from both hosts', () => {
    expect(t.networks).toHaveLength(1);
    expect(t.networks[0]).toMatchObject({ name: 'ov', driver: 'overlay', bridge: 'br0', vni: [4097], subnets: [{ subnet: '10.0.1.0/24', gateway: null }] });
    expect(t.networks[0].peers.map((p) => `${p.name} ${p.ip}`)).toEqual(['h1 192.0.2.1', 'h2 192.0.2.2']);
    expect(t.endpoints.map((e) => `${e.container} ${e.ipv4?.address}`)).toEqual(['c1 10.0.1.2', 'c2 10.0.1.3']);
    expect(t.link('vxlan0')?.vxlan).toEqual({ vni: 4097, port: 4789, local: '192.0.2.1', learning: true });
  });

  it('names both hosts\' containers, the local VTEP by interface and the remote one by peer name', () => {
    expect(t.nameOfMac('02:42:0a:00:01:03')).toBe('c2');
    expect(t.nameOfIp('10.0.1.2')).toBe('c1');
    expect(t.nameOfIp('192.0.2.1')).toBe('eth0');
    expect(t.nameOfIp('192.0.2.2')).toBe('h2');
    expect(t.networkOfIp('10.0.1.3')?.vni).toEqual([4097]);
  });

  it('finds c1 behind veth0c1, and no single container behind the vxlan port', () => {
    expect(t.containerOnPort('veth0c1')?.name).toBe('c1');
    expect(t.containerOnPort('vxlan0')).toBeNull();
    expect(t.containerOnPort('br0')).toBeNull();
  });
});

describe('containerOnPort from a link dump taken inside the container', () => {
  // `ip -j -d link show` inside c1 of the bridge lab: its eth0 is the peer of the host's
  // veth1a2b3c4 (ifindex 3), whose own link_index (2) points back at it.
  const C1 = '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"link_type":"loopback","address":"00:00:00:00:00:00"},'
    + '{"ifindex":2,"link_index":3,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"link_type":"ether","address":"02:42:ac:11:00:02","link_netnsid":0,"linkinfo":{"info_kind":"veth"}}]';

  it('pairs the veth ends through link_index and names the container by its MAC', () => {
    const inside = parseTopologyFile(C1, 'c1-links.json');
    // the container's dump first: on an ifindex clash the host's (later) links win the index lookups
    const t = Topology.merge([inside, load('bridge/truth-host-links.json', 'bridge/docker-network-inspect.json')]);
    expect(t.containerOnPort('veth1a2b3c4')?.name).toBe('c1');
    expect(t.containerOnPort('veth5d6e7f8')).toBeNull(); // c2's inside dump was not given
    expect(t.linkByIndex(2)?.name).toBe('docker0');
    expect(t.link('veth1a2b3c4')).toMatchObject({ linkIndex: 2, linkNetnsid: 0 });
  });
});

describe('Topology.merge of Docker objects several files describe', () => {
  it('joins docker inspect and docker network inspect of the same container', () => {
    const t = Topology.merge([parseTopologyFile(WEB_DEFAULT, 'inspect.json'), parseTopologyFile(NETWORKS, 'networks.json')]);
    expect(t.containers.filter((c) => c.name === 'web-default')).toHaveLength(1);
    expect(t.container('web-default')).toMatchObject({ networkMode: 'bridge', sandboxKey: '/var/run/docker/netns/2d7c0e5b6f1a', ports: [{ hostPort: 18080, containerPort: 80 }] });
    expect(t.endpointsOf('web-default')).toHaveLength(1);
    expect(t.networks.map((n) => `${n.name} ${n.bridge}`)).toEqual(['bridge docker0', 'compose_web br-cbbf334f7335']);
    expect(t.network('bridge')?.subnets).toEqual([{ subnet: '172.17.0.0/16', gateway: '172.17.0.1' }]);
    expect(t.networkModeOf('web-bridge-1')).toBe('bridge'); // from the network's driver
    expect(t.nameOfIp('fd00:0030:0000::000a')).toBe('web-bridge-1');
    expect(t.nameOfIp('fd00:30::1')).toBe('gateway of compose_web');
    expect(t.networkOfIp('fd00:30::77')?.name).toBe('compose_web');
  });

  it('completes a compose file with what Docker assigned (ids, MACs)', () => {
    const compose = parseTopologyFile(readFileSync(`${capturesDir}/compose/docker-compose.yml`, 'utf8'), `${capturesDir}/compose/docker-compose.yml`);
    const t = Topology.merge([parseTopologyFile(NETWORKS, 'networks.json'), compose]);
    expect(t.container('web-bridge-1')).toMatchObject({ id: '3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c', networkMode: 'compose_web' });
    expect(t.container('web-default')?.ports).toEqual([{ hostIp: null, hostPort: 18080, containerPort: 80, proto: 'tcp' }]);
    expect(t.endpointsOf('web-bridge-2')).toEqual([expect.objectContaining({ mac: '02:42:ac:1e:00:0b', ipv4: { address: '172.30.0.11', prefixlen: 16 } })]);
    expect(t.nameOfMac('02:42:ac:1e:00:0a')).toBe('web-bridge-1');
  });
});

// `docker network inspect` JSON (Docker Engine 27): networks, their bridges and containers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDockerNetworkJson } from '../../src/topology/docker-network.js';
import { capturesDir } from '../helpers/paths.js';
import { NETWORKS } from './fixtures.js';
import { refusal } from './sentence.js';

// an attachable swarm overlay as one host sees it (a container, the load balancer endpoint, two peers)
const OVERLAY = `[{"Name":"ov","Id":"k3x9q2m7v1c8d4r6t0w5y2u8p","Created":"2026-11-22T21:45:00.123Z","Scope":"swarm","Driver":"overlay","EnableIPv6":false,"IPAM":{"Driver":"default","Options":null,"Config":[{"Subnet":"10.0.1.0/24","Gateway":"10.0.1.1"}]},"Internal":false,"Attachable":true,"Ingress":false,"ConfigFrom":{"Network":""},"ConfigOnly":false,"Containers":{"0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c":{"Name":"c1","EndpointID":"aa11","MacAddress":"02:42:0a:00:01:02","IPv4Address":"10.0.1.2/24","IPv6Address":""},"lb-ov":{"Name":"ov-endpoint","EndpointID":"bb22","MacAddress":"02:42:0a:00:01:04","IPv4Address":"10.0.1.4/24","IPv6Address":""}},"Options":{"com.docker.network.driver.overlay.vxlanid_list":"4097"},"Labels":{},"Peers":[{"Name":"6a1f0e2d9c3b","IP":"192.0.2.1"},{"Name":"7b2e1f3c0d4a","IP":"192.0.2.2"}]}]`;

const MACVLAN_AND_HOST = `[{"Name":"lan","Id":"4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c","Scope":"local","Driver":"macvlan","IPAM":{"Driver":"default","Options":{},"Config":[{"Subnet":"192.0.2.0/24","Gateway":"192.0.2.1"}]},"Containers":{},"Options":{"macvlan_mode":"bridge","parent":"eth0"},"Labels":{}},{"Name":"host","Id":"e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f70","Scope":"local","Driver":"host","IPAM":{"Driver":"default","Options":null,"Config":null},"Containers":{},"Options":{},"Labels":{}}]`;

describe('parseDockerNetworkJson', () => {
  it('reads networks, their bridge devices, subnets, gateways and containers', () => {
    const t = parseDockerNetworkJson(NETWORKS, 'net.json');
    expect(t.networks.map((n) => `${n.name} ${n.driver} ${n.bridge}`)).toEqual(['bridge bridge docker0', 'compose_web bridge br-cbbf334f7335']);
    expect(t.networks[1].subnets).toEqual([{ subnet: '172.30.0.0/16', gateway: '172.30.0.1' }, { subnet: 'fd00:30::/64', gateway: 'fd00:30::1' }]);
    expect(t.endpoints.find((e) => e.container === 'web-bridge-2')).toEqual({
      container: 'web-bridge-2', network: 'compose_web', networkId: 'cbbf334f7335a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a',
      endpointId: '9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f', mac: '02:42:ac:1e:00:0b',
      ipv4: { address: '172.30.0.11', prefixlen: 16 }, ipv6: { address: 'fd00:30::b', prefixlen: 64 }, gateway: null,
    });
    expect(t.endpoints.find((e) => e.container === 'web-default')?.ipv6).toBeNull();
    expect(t.container('web-default')?.id).toBe('9c1f5b7d2e4a6c8b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a4c6b');
    expect(t.container('9c1f5b7d')?.name).toBe('web-default');
    expect(t.networkOfBridge('br-cbbf334f7335')?.name).toBe('compose_web');
  });

  it('reads an overlay\'s VNI and peers, a macvlan\'s parent and the host network', () => {
    const ov = parseDockerNetworkJson(OVERLAY, 'ov.json').networks[0];
    expect(ov).toMatchObject({ driver: 'overlay', bridge: 'br0', vni: [4097], peers: [{ name: '6a1f0e2d9c3b', ip: '192.0.2.1' }, { name: '7b2e1f3c0d4a', ip: '192.0.2.2' }] });
    const [lan, host] = parseDockerNetworkJson(MACVLAN_AND_HOST, 'm.json').networks;
    expect(lan).toMatchObject({ driver: 'macvlan', bridge: null, parent: 'eth0', subnets: [{ subnet: '192.0.2.0/24', gateway: '192.0.2.1' }] });
    expect(host).toMatchObject({ driver: 'host', bridge: null, subnets: [] });
  });

  it('reads the bundled lab files: napt\'s docker0 and userbridge\'s br-<id>', () => {
    const napt = parseDockerNetworkJson(readFileSync(`${capturesDir}/napt/docker-network-inspect.json`, 'utf8'), 'napt');
    expect(napt.networks[0]).toMatchObject({ name: 'bridge', bridge: 'docker0', subnets: [{ subnet: '172.17.0.0/16', gateway: '172.17.0.1' }] });
    expect(napt.endpoints.map((e) => `${e.container} ${e.mac} ${e.ipv4?.address}`).sort()).toEqual(['c1 02:42:ac:11:00:02 172.17.0.2', 'c2 02:42:ac:11:00:03 172.17.0.3']);
    const user = parseDockerNetworkJson(readFileSync(`${capturesDir}/userbridge/docker-network-inspect.json`, 'utf8'), 'user');
    expect(user.networks[0].bridge).toBe('br-000004d49e2e');
  });

  it('refuses broken networks in one sentence', () => {
    const give = 'give the output of `docker network inspect NETWORK...`.';
    expect(refusal(() => parseDockerNetworkJson('[{"Name":"x"}]', 'n.json'), 'n.json')).toBe(`n.json: network 1 ("x") has no "Driver"; ${give}`);
    expect(refusal(() => parseDockerNetworkJson('[{"Driver":"bridge"}]', 'n.json'), 'n.json')).toBe(`n.json: network 1 has no "Name"; ${give}`);
    expect(refusal(() => parseDockerNetworkJson('[{"Name":"x","Driver":"bridge","IPAM":{"Config":[{"Subnet":"172.17.0.0"}]}}]', 'n.json'), 'n.json'))
      .toBe(`n.json: network 1 ("x")'s IPAM config 1 has no "Subnet" in CIDR form (172.17.0.0/16); ${give}`);
    expect(refusal(() => parseDockerNetworkJson('[{"Name":"x","Driver":"bridge","Containers":{"ab":{"Name":"c","MacAddress":"zz"}}}]', 'n.json'), 'n.json'))
      .toContain('network 1 ("x")\'s container "ab" has a "MacAddress" that is not a MAC address');
    expect(refusal(() => parseDockerNetworkJson('[{"Name":"x","Driver":"overlay","Options":{"com.docker.network.driver.overlay.vxlanid_list":"a"}}]', 'n.json'), 'n.json'))
      .toContain('vxlanid_list" that is not a list of numbers');
    expect(refusal(() => parseDockerNetworkJson('[{"Name":"x\\nEvil","Driver":5}]', 'n.json'), 'n.json')).toContain('network 1 ("x\\nEvil") has "Driver" set to the number 5');
  });
});

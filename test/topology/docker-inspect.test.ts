// `docker inspect CONTAINER` JSON (Docker Engine 27): network modes, endpoints, published ports.
import { describe, expect, it } from 'vitest';
import { parseDockerInspectJson } from '../../src/topology/docker-inspect.js';
import { WEB_DEFAULT } from './fixtures.js';
import { refusal } from './sentence.js';

const container = (name: string, mode: string, networks: string, ports = '{}'): string =>
  `{"Id":"${name.padEnd(64, '0').replace(/[^0-9a-f]/g, 'e')}","Name":"/${name}","HostConfig":{"NetworkMode":"${mode}","PortBindings":${ports}},"NetworkSettings":{"SandboxKey":"","Ports":{},"Networks":${networks}}}`;
const EMPTY_NET = '{"IPAMConfig":null,"MacAddress":"","NetworkID":"NID","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0}';

describe('parseDockerInspectJson', () => {
  it('reads the container, its endpoint, the network it implies and its published port', () => {
    const t = parseDockerInspectJson(WEB_DEFAULT, 'web.json');
    expect(t.containers).toEqual([{
      name: 'web-default', id: '9c1f5b7d2e4a6c8b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a4c6b', networkMode: 'bridge',
      ports: [{ hostIp: null, hostPort: 18080, containerPort: 80, proto: 'tcp' }], sandboxKey: '/var/run/docker/netns/2d7c0e5b6f1a',
    }]);
    expect(t.endpoints).toEqual([{
      container: 'web-default', network: 'bridge', networkId: '6f2b1e0c3a8d4f5e9b7c2a1d0e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f',
      endpointId: '1e3d5c7b9a0f2e4d6c8b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d', mac: '02:42:ac:11:00:02',
      ipv4: { address: '172.17.0.2', prefixlen: 16 }, ipv6: null, gateway: '172.17.0.1',
    }]);
    expect(t.networks).toEqual([{ name: 'bridge', id: '6f2b1e0c3a8d4f5e9b7c2a1d0e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f', driver: 'bridge', bridge: 'docker0', subnets: [{ subnet: '172.17.0.0/16', gateway: '172.17.0.1' }], vni: [], peers: [], parent: null }]);
    expect(t.publisherOf(18080, 'tcp')?.container.name).toBe('web-default');
    expect(t.networkModeOf('web-default')).toBe('bridge');
  });

  it('tells the network modes apart: host, none, container:<id>, a user network by its driver', () => {
    const text = `[${[
      container('hostc', 'host', `{"host":${EMPTY_NET}}`),
      container('nonec', 'none', `{"none":${EMPTY_NET}}`),
      container('sidecar', 'container:9c1f5b7d2e4a6c8b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a4c6b', '{}'),
      container('macc', 'lan', '{"lan":{"MacAddress":"02:42:c0:00:02:0a","NetworkID":"4d5e","EndpointID":"e1","Gateway":"192.0.2.1","IPAddress":"192.0.2.10","IPPrefixLen":24}}'),
    ].join(',')}]`;
    const t = parseDockerInspectJson(text, 'c.json');
    expect(t.networkModeOf('hostc')).toBe('host');
    expect(t.networkModeOf('nonec')).toBe('none');
    expect(t.containers.find((c) => c.name === 'sidecar')?.networkMode).toBe('container:9c1f5b7d2e4a6c8b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a4c6b');
    expect(t.networkModeOf('sidecar')).toBe('container:9c1f5b7d2e4a6c8b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2c4b6d8f0e2a4c6b'); // the other container is not in this file
    expect(t.networkModeOf('macc')).toBeNull(); // `lan`'s driver is in `docker network inspect`, not here
    expect(t.endpoints.find((e) => e.container === 'hostc')).toMatchObject({ network: 'host', mac: null, ipv4: null });
    expect(t.networks.find((n) => n.name === 'lan')?.subnets).toEqual([{ subnet: '192.0.2.0/24', gateway: '192.0.2.1' }]);
    expect(t.networks.find((n) => n.name === 'none')?.driver).toBe('null');
  });

  it('falls back to HostConfig.PortBindings for a stopped container', () => {
    const text = `[${container('stopped', 'bridge', '{}', '{"53/udp":[{"HostIp":"127.0.0.1","HostPort":"5353"}],"8080/tcp":[{"HostIp":"","HostPort":""}],"9000/tcp":null}')}]`;
    expect(parseDockerInspectJson(text, 's.json').containers[0].ports).toEqual([
      { hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, proto: 'udp' },
      { hostIp: null, hostPort: null, containerPort: 8080, proto: 'tcp' },
    ]);
  });

  it('refuses broken containers in one sentence', () => {
    const give = 'give the output of `docker inspect CONTAINER...`.';
    expect(refusal(() => parseDockerInspectJson('[{"Id":"x","NetworkSettings":{}}]', 'c.json'), 'c.json')).toBe(`c.json: container 1 has no "Name"; ${give}`);
    expect(refusal(() => parseDockerInspectJson('[{"Name":"/a","NetworkSettings":{"Networks":{"n":{"IPAddress":"1.2.3"}}}}]', 'c.json'), 'c.json'))
      .toBe(`c.json: container 1 ("a")'s network "n" has a "IPAddress" that is not an IP address; ${give}`);
    expect(refusal(() => parseDockerInspectJson('[{"Name":"/a","NetworkSettings":{"Ports":{"http":[]}}}]', 'c.json'), 'c.json'))
      .toContain('has a Ports key "http" that is not a port like "80/tcp"');
    expect(refusal(() => parseDockerInspectJson('[{"Name":"/a","NetworkSettings":{"Ports":{"80/tcp":[{"HostPort":"99999"}]}}}]', 'c.json'), 'c.json'))
      .toContain('"HostPort" that is not a port number');
    expect(refusal(() => parseDockerInspectJson('[{"Name":"/a","HostConfig":{"NetworkMode":3}}]', 'c.json'), 'c.json')).toContain('HostConfig has "NetworkMode" set to the number 3');
  });
});

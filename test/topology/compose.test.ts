// docker-compose files (Compose Specification): services, container names, networks, ports.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseComposeYaml, projectNameOf } from '../../src/topology/compose.js';
import { capturesDir } from '../helpers/paths.js';
import { refusal } from './sentence.js';

const SHOP = `name: shop
services:
  proxy:
    image: nginx:1.27-alpine
    ports:
      - "80:80"
      - 127.0.0.1:8443:443/tcp
      - "[::1]:5353:53/udp"
      - 9000
      - "127.0.0.1::9100"
      - "7000-7001:7000-7001/udp"
      - target: 8080
        published: "18081"
        host_ip: 0.0.0.0
        protocol: tcp
        mode: host
    networks:
      - front
      - back
  api:
    image: shop/api:2.3
    networks:
      back:
        ipv4_address: 10.20.0.10
        ipv6_address: fd00:20::10
        mac_address: 02:42:0A:14:00:0A
  db:
    image: postgres:16
    container_name: shop-db
  metrics:
    image: prom/node-exporter
    network_mode: host
  debug:
    image: nicolaka/netshoot
    network_mode: "service:api"

networks:
  front:
    name: shop-front
    external: true
  back:
    driver: bridge
    driver_opts:
      com.docker.network.bridge.name: br-shop
    enable_ipv6: true
    ipam:
      driver: default
      config:
        - subnet: 10.20.0.0/16
          gateway: 10.20.0.1
        - subnet: fd00:20::/64
`;

describe('parseComposeYaml', () => {
  it('reads the seed example bundled in captures/compose', () => {
    const t = parseComposeYaml(readFileSync(`${capturesDir}/compose/docker-compose.yml`, 'utf8'), `${capturesDir}/compose/docker-compose.yml`);
    expect(t.containers.map((c) => c.name)).toEqual(['web-default', 'web-bridge-1', 'web-bridge-2']);
    expect(t.container('web-default')?.ports).toEqual([{ hostIp: null, hostPort: 18080, containerPort: 80, proto: 'tcp' }]);
    expect(t.networkModeOf('web-default')).toBe('bridge');
    expect(t.networkModeOf('web-bridge-1')).toBe('bridge');
    expect(t.network('compose_web')).toMatchObject({ driver: 'bridge', bridge: 'br-web', subnets: [{ subnet: '172.30.0.0/16', gateway: '172.30.0.1' }] });
    expect(t.network('bridge')).toMatchObject({ driver: 'bridge', bridge: 'docker0', subnets: [] });
    expect(t.endpointsOf('web-bridge-2')).toEqual([{
      container: 'web-bridge-2', network: 'compose_web', networkId: null, endpointId: null, mac: null,
      ipv4: { address: '172.30.0.11', prefixlen: 16 }, ipv6: null, gateway: null,
    }]);
    expect(t.nameOfIp('172.30.0.10')).toBe('web-bridge-1');
    expect(t.nameOfIp('172.30.0.1')).toBe('gateway of compose_web');
    expect(t.networkOfIp('172.30.9.9')?.name).toBe('compose_web');
    expect(t.publisherOf(18080, 'tcp')?.container.name).toBe('web-default');
  });

  it('reads names, networks, addresses and every port syntax', () => {
    const t = parseComposeYaml(SHOP, '/srv/Shop Stack/compose.yaml');
    expect(t.containers.map((c) => `${c.name} ${c.networkMode}`)).toEqual([
      'shop-proxy-1 shop-front', 'shop-api-1 shop_back', 'shop-db shop_default', 'shop-metrics-1 host', 'shop-debug-1 container:shop-api-1',
    ]);
    expect(t.container('shop-proxy-1')?.ports).toEqual([
      { hostIp: null, hostPort: 80, containerPort: 80, proto: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: 8443, containerPort: 443, proto: 'tcp' },
      { hostIp: '::1', hostPort: 5353, containerPort: 53, proto: 'udp' },
      { hostIp: null, hostPort: null, containerPort: 9000, proto: 'tcp' },
      { hostIp: '127.0.0.1', hostPort: null, containerPort: 9100, proto: 'tcp' },
      { hostIp: null, hostPort: 7000, containerPort: 7000, proto: 'udp' },
      { hostIp: null, hostPort: 7001, containerPort: 7001, proto: 'udp' },
      { hostIp: null, hostPort: 18081, containerPort: 8080, proto: 'tcp' },
    ]);
    expect(t.networks.map((n) => `${n.name} ${n.driver} ${n.bridge}`)).toEqual(['shop-front bridge null', 'shop_back bridge br-shop', 'shop_default bridge null', 'host host null']);
    expect(t.network('shop_back')?.subnets).toEqual([{ subnet: '10.20.0.0/16', gateway: '10.20.0.1' }, { subnet: 'fd00:20::/64', gateway: null }]);
    expect(t.endpointsOf('shop-api-1')[0]).toMatchObject({ mac: '02:42:0a:14:00:0a', ipv4: { address: '10.20.0.10', prefixlen: 16 }, ipv6: { address: 'fd00:20::10', prefixlen: 64 } });
    expect(t.endpointsOf('shop-proxy-1').map((e) => e.network)).toEqual(['shop-front', 'shop_back']);
    expect(t.networkModeOf('shop-debug-1')).toBe('container:shop-api-1');
    expect(t.nameOfMac('02:42:0a:14:00:0a')).toBe('shop-api-1');
  });

  it('follows `<<: *anchor` merges of extension fields', () => {
    const t = parseComposeYaml('name: x\nx-net: &net\n  networks:\n    back:\n      ipv4_address: 10.1.0.5\nservices:\n  a:\n    <<: *net\n    image: alpine\nnetworks:\n  back:\n    ipam:\n      config:\n        - subnet: 10.1.0.0/24\n', 'c.yml');
    expect(t.endpointsOf('x-a-1')).toEqual([expect.objectContaining({ network: 'x_back', ipv4: { address: '10.1.0.5', prefixlen: 24 } })]);
  });

  it('names the project after the directory as Compose does', () => {
    expect(projectNameOf('Shop Stack')).toBe('shopstack');
    expect(projectNameOf('_my.App-2')).toBe('myapp-2');
    const t = parseComposeYaml('services:\n  web:\n    image: nginx\n', '/home/u/My_Proj/docker-compose.yml');
    expect(t.containers[0].name).toBe('my_proj-web-1');
    expect(t.endpoints[0].network).toBe('my_proj_default');
  });

  it('refuses broken files in one sentence', () => {
    const give = 'give a docker-compose file (YAML with a `services:` mapping).';
    expect(refusal(() => parseComposeYaml('services:\n  web:\n   image: x\n  - y\n', 'c.yml'), 'c.yml')).toMatch(/^c\.yml is not valid YAML \([A-Z_]+ at line \d+, column \d+\); give/);
    expect(refusal(() => parseComposeYaml('services: 5\n', 'c.yml'), 'c.yml')).toBe(`c.yml: the file has "services" set to the number 5 where an object belongs; ${give}`);
    expect(refusal(() => parseComposeYaml('version: "3"\n', 'c.yml'), 'c.yml')).toBe(`c.yml: the file has no "services" mapping; ${give}`);
    expect(refusal(() => parseComposeYaml('name: p\nservices:\n  web:\n    ports: ["18080:80x"]\n', 'c.yml'), 'c.yml'))
      .toBe(`c.yml: the file's service "web" port 1 ("18080:80x") is not a port mapping like 18080:80 or 127.0.0.1:8080:80/udp; ${give}`);
    expect(refusal(() => parseComposeYaml('name: p\nservices:\n  web:\n    ports: ["${PORT}:80"]\n', 'c.yml'), 'c.yml')).toContain('uses a variable, which dockshark does not interpolate');
    expect(refusal(() => parseComposeYaml('name: p\nservices:\n  web:\n    networks: [nope]\n', 'c.yml'), 'c.yml')).toContain('joins network "nope", which the file\'s top-level "networks" does not define');
    expect(refusal(() => parseComposeYaml('name: p\nservices:\n  web:\n    network_mode: "service:ghost"\n', 'c.yml'), 'c.yml')).toContain('naming no service of this file');
    expect(refusal(() => parseComposeYaml('name: p\nservices:\n  web:\n    networks:\n      n:\n        ipv4_address: 10.0.0.300\nnetworks:\n  n: {}\n', 'c.yml'), 'c.yml'))
      .toContain('"ipv4_address" that is not an IP address');
    expect(refusal(() => parseComposeYaml('name: p\nservices:\n  web:\n    ports: [{published: 80}]\n', 'c.yml'), 'c.yml')).toContain('has no "target" port');
    expect(refusal(() => parseComposeYaml('name: p\nservices:\n  web:\n    ports: ["8000-8002:80-81"]\n', 'c.yml'), 'c.yml')).toContain('is not a port mapping');
  });
});

// The YAML topology parser: defaults, network modes, and one-sentence errors.
import { describe, expect, it } from 'vitest';
import { parseRun } from '../../src/simulate/run-grammar.js';
import { parseSimTopology } from '../../src/simulate/spec-parse.js';

const parse = (text: string) => parseSimTopology(text, 'sim.yaml');

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('no error');
}

describe('topology YAML', () => {
  it('fills in defaults: Docker MACs from addresses, the bridge as gateway, veth names', () => {
    const spec = parse('hosts: [{ name: h, bridges: [{ name: docker0, address: 172.17.0.1/16 }] }]\ncontainers: [{ name: c1, address: 172.17.0.2 }]');
    const c1 = spec.containers[0];
    expect(c1.mac).toBe(0x0242ac110002);
    expect(c1.address).toEqual({ ip: 0xac110002, prefix: 16 });
    expect(c1.gateway).toBe(0xac110001);
    expect(c1.veth).toBe('vethc1');
    expect(c1.network).toEqual({ kind: 'bridge', bridge: 'docker0' });
  });

  it('reads the network modes', () => {
    const spec = parse(`hosts: [{ name: h, bridges: [{ name: docker0, address: 172.17.0.1/16 }], uplink: { address: 192.0.2.5/24 } }]
containers:
  - { name: a, address: 172.17.0.2 }
  - { name: b, network: host }
  - { name: c, network: none }
  - { name: d, network: "container:a" }
  - { name: e, network: macvlan, address: 192.0.2.10 }`);
    expect(spec.containers.map((c) => c.network.kind)).toEqual(['bridge', 'host', 'none', 'container', 'macvlan']);
  });

  it.each([
    ['hosts: [', /^sim\.yaml is not valid YAML: .*\.$/],
    ['hosts: []', /^sim\.yaml: hosts must list at least one host\.$/],
    ['hosts: [{ name: h, bridges: [{ name: b, address: 10.0.0.1 }] }]', /^sim\.yaml: hosts\[0\]\.bridges\[0\]\.address must be an IPv4 address with its prefix length, like 172\.17\.0\.1\/16; it is the string "10\.0\.0\.1"\.$/],
    ['hosts: [{ name: h, bridges: [{ name: b, masqurade: true }] }]', /unknown key "masqurade"; the keys are name, mac, address, masquerade, mtu\.$/],
    ['hosts: [{ name: h, bridges: [{ name: b, address: 10.0.0.1/8 }] }]\ncontainers: [{ name: c, address: 10.0.0.2, mac: zz }]', /containers\[0\]\.mac must be a MAC address like 02:42:ac:11:00:02; it is the string "zz"\.$/],
    ['hosts: [{ name: h, bridges: [{ name: b, mtu: 40 }] }]', /hosts\[0\]\.bridges\[0\]\.mtu must be a whole number from 68 to 65535; it is the number 40\.$/],
    ['hosts: [{ name: h, publish: [8080->nobody:80/tcp] }]', /publishes port 8080 to "nobody", which is not a container/],
    ['hosts: [{ name: h, uplink: { peer: h } }]', /names peer "h", which is not another host/],
  ])('rejects %j in one sentence', (text, message) => {
    const e = errorOf(() => parse(text));
    expect(e.name).toBe('TopologyError');
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });
});

describe('--run grammar', () => {
  it('parses ping, udp and tcp commands', () => {
    expect(parseRun('c1 ping c2 count 3 interval 0.3 id 4660')).toMatchObject({ kind: 'ping', node: 'c1', target: { node: 'c2' }, count: 3, intervalNs: 300_000_000, id: 4660, size: 56 });
    expect(parseRun('c2 udp 198.51.100.1:7 sport 40000 data hello world')).toMatchObject({ kind: 'udp', target: { ip: 0xc6336401 }, port: 7, sport: 40000, data: 'hello world' });
    expect(parseRun('wan tcp host:8080')).toMatchObject({ kind: 'tcp', node: 'wan', target: { node: 'host' }, port: 8080, sport: null, data: null });
  });

  it.each(['c1', 'c1 ping', 'c1 fly c2', 'c1 udp c2', 'c1 ping c2 count x', 'c1 tcp c2:80 window 5'])('rejects %j', (text) => {
    expect(errorOf(() => parseRun(text)).name).toBe('RunSyntaxError');
  });
});

// Recognising a topology file from its content, and refusing anything else in one sentence.
import { readFileSync } from 'node:fs';
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseTopologyFile } from '../../src/topology/detect.js';
import { TopologyError } from '../../src/topology/errors.js';
import { capturesDir } from '../helpers/paths.js';
import { NETWORKS, WEB_DEFAULT } from './fixtures.js';
import { refusal } from './sentence.js';

const read = (path: string): string => readFileSync(`${capturesDir}/${path}`, 'utf8');

// Every format, from the lab's recordings where it has one.
const SAMPLES: [string, string][] = [
  ['napt/truth-host-links.json', 'ip-link'],
  ['macvlan/truth-c1-links.json', 'ip-link'],
  ['napt/truth-host-addrs.json', 'ip-addr'],
  ['napt/truth-host-neigh.json', 'ip-neigh'],
  ['napt/truth-host-docker0-fdb.json', 'bridge-fdb'],
  ['overlay-learn/truth-h1-vxlan0-fdb.json', 'bridge-fdb'],
  ['napt/truth-host-iptables-nat.txt', 'iptables-nat'],
  ['napt/truth-host-conntrack.txt', 'conntrack'],
  ['napt-collide/truth-host-conntrack-events.txt', 'conntrack'],
  ['napt/docker-network-inspect.json', 'docker-network-inspect'],
  ['overlay-learn/docker-network-inspect-h1.json', 'docker-network-inspect'],
  ['compose/docker-compose.yml', 'compose'],
];

describe('detectFormat', () => {
  it.each(SAMPLES)('recognises %s as %s', (path, format) => {
    expect(detectFormat(read(path))).toBe(format);
  });

  it('recognises the inline fixtures and the plain conntrack format', () => {
    expect(detectFormat(NETWORKS)).toBe('docker-network-inspect');
    expect(detectFormat(WEB_DEFAULT)).toBe('docker-inspect');
    expect(detectFormat('udp      17 29 src=172.17.0.3 dst=1.1.1.1 sport=40000 dport=53 src=1.1.1.1 dst=192.168.1.20 sport=53 dport=40000 mark=0 use=1\n')).toBe('conntrack');
    expect(detectFormat('{"services": {"web": {"image": "nginx"}}}')).toBe('compose');
    expect(detectFormat('# compose\nversion: "3.8"\nservices:\n  web: {image: nginx}\n')).toBe('compose');
    expect(detectFormat('hello')).toBeNull();
  });
});

describe('parseTopologyFile', () => {
  it('parses each sample with its own parser', () => {
    expect(parseTopologyFile(read('napt/truth-host-links.json'), 'l').link('docker0')?.kind).toBe('bridge');
    expect(parseTopologyFile(read('napt/truth-host-addrs.json'), 'a').addresses.length).toBe(8);
    expect(parseTopologyFile(read('napt/truth-host-neigh.json'), 'n').neighbours.length).toBe(3);
    expect(parseTopologyFile(read('napt/truth-host-docker0-fdb.json'), 'f').fdb.length).toBe(15);
    expect(parseTopologyFile(read('napt/truth-host-iptables-nat.txt'), 'i').nat.length).toBe(3);
    expect(parseTopologyFile(read('napt/truth-host-conntrack.txt'), 'c').conntrack.length).toBe(6);
    expect(parseTopologyFile(read('napt/docker-network-inspect.json'), 'd').networks[0].bridge).toBe('docker0');
    expect(parseTopologyFile(WEB_DEFAULT, 'w').containers[0].name).toBe('web-default');
    expect(parseTopologyFile(read('compose/docker-compose.yml'), `${capturesDir}/compose/docker-compose.yml`).containers).toHaveLength(3);
  });

  it('takes an empty JSON array (a tool with nothing to say) as an empty topology', () => {
    const t = parseTopologyFile('[]\n', 'empty.json');
    expect([t.links, t.neighbours, t.fdb, t.networks].every((l) => l.length === 0)).toBe(true);
  });

  it('refuses what it does not recognise in one sentence listing what it accepts', () => {
    const accepted = 'give the JSON of `docker network inspect`, `docker inspect` (containers), `ip -j -d link show`, `ip -j addr show`, '
      + '`ip -j neigh show` or `bridge -j fdb show`, the text of `iptables-save -t nat` or `conntrack -L`, or a docker-compose file.';
    expect(refusal(() => parseTopologyFile(read('README.md'), 'captures/README.md'), 'captures/README.md'))
      .toBe(`captures/README.md is not a topology file dockshark recognises; ${accepted}`);
    expect(refusal(() => parseTopologyFile('[{"foo": 1}]', 'x.json'), 'x.json')).toBe(`x.json is JSON, but not from a tool dockshark reads; ${accepted}`);
    expect(refusal(() => parseTopologyFile('  \n', 'x'), 'x')).toBe(`x is empty; ${accepted}`);
    // `ip -j route` looks like a neighbour table (dst, dev) but is not one
    expect(refusal(() => parseTopologyFile(read('two-bridges/truth-host-routes.json'), 'routes.json'), 'routes.json')).toBe(`routes.json is JSON, but not from a tool dockshark reads; ${accepted}`);
    expect(refusal(() => parseTopologyFile('[{"ifindex": 1,\n  "ifname": "lo"\n', 'x.json'), 'x.json')).toMatch(/^x\.json is not valid JSON/);
  });

  it('says what is wrong inside a recognised format', () => {
    expect(refusal(() => parseTopologyFile('[{"dst":"10.0.0.1","dev":5}]', 'n.json'), 'n.json')).toContain('"dev" set to the number 5');
    expect(refusal(() => parseTopologyFile('*nat\n-A POSTROUTING -o\nCOMMIT\n', 'i.txt'), 'i.txt')).toContain('has no value after -o');
  });

  // Anything at all: a TopologyError or a topology, never a TypeError or a stack trace.
  const onlyTopologyErrors = (text: string): void => {
    try {
      parseTopologyFile(text, 'fuzz.txt');
    } catch (e) {
      expect(e).toBeInstanceOf(TopologyError);
      expect((e as Error).message).toMatch(/^fuzz\.txt.*; give .*\.$/);
      expect((e as Error).message).not.toMatch(/[\n\r]/);
    }
  };
  test.prop([fc.string({ unit: 'binary', maxLength: 200 })], { numRuns: 1500 })('arbitrary strings', onlyTopologyErrors);

  // Strings that get past detection: prefixes that pick a format, then arbitrary text.
  const PREFIXES = ['[', '{', '*nat\n', '-A ', 'services:\n', 'udp 17 29 src=', 'ipv4 2 tcp 6 1 ', '# Generated by iptables-save\n*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING '];
  test.prop([fc.constantFrom(...PREFIXES), fc.string({ maxLength: 120 })], { numRuns: 1500 })('detected formats with arbitrary bodies', (prefix, body) => onlyTopologyErrors(prefix + body));

  // JSON of the right shape with values of any type in the fields the parsers read.
  const KEYS = ['ifindex', 'ifname', 'address', 'linkinfo', 'addr_info', 'family', 'local', 'prefixlen', 'dst', 'dev', 'lladdr', 'state', 'mac', 'master', 'flags', 'vlan',
    'Name', 'Id', 'Driver', 'IPAM', 'Config', 'Subnet', 'Gateway', 'Containers', 'Options', 'Peers', 'IP', 'NetworkSettings', 'HostConfig', 'NetworkMode', 'Networks', 'Ports', 'PortBindings',
    'HostIp', 'HostPort', 'MacAddress', 'IPAddress', 'IPPrefixLen', 'services', 'networks', 'ports', 'ipam', 'config', 'network_mode', 'container_name', 'target', 'published'];
  const shaped: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), tie('object'), fc.array(tie('value'), { maxLength: 3 })),
    object: fc.dictionary(fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 8 })), tie('value'), { maxKeys: 5 }),
  })).value;
  test.prop([fc.array(shaped, { minLength: 1, maxLength: 3 })], { numRuns: 2000 })('JSON with the formats\' keys and any values', (value) => onlyTopologyErrors(JSON.stringify(value)));

  // The real dumps cut short anywhere, as an interrupted copy leaves them.
  const FILES = SAMPLES.map(([path]) => read(path));
  test.prop([fc.constantFrom(...FILES), fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: 500 })('real dumps cut short', (text, at) => onlyTopologyErrors(text.slice(0, Math.floor(text.length * at))));
});

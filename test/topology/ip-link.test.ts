// `ip -j -d link show` as recorded by the lab.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpLinkJson, TopologyError } from '../../src/topology/ip-link.js';
import { capturesDir } from '../helpers/paths.js';

describe('parseIpLinkJson', () => {
  it('reads bridges, ports and their MACs', () => {
    const t = parseIpLinkJson(readFileSync(`${capturesDir}/bridge/truth-host-links.json`, 'utf8'));
    expect(t.link('docker0')).toMatchObject({ kind: 'bridge', master: null });
    expect(t.linkByIndex(3)).toMatchObject({ name: 'veth1a2b3c4', kind: 'veth', master: 'docker0', mac: '5e:2d:6c:50:71:57' });
    expect(t.bridgeOf('veth5d6e7f8')).toBe('docker0');
    expect(t.bridgeOf('docker0')).toBe('docker0');
    expect(t.portsOf('docker0').map((l) => l.name)).toEqual(['veth1a2b3c4', 'veth5d6e7f8', 'veth9a0b1c2']);
    expect(t.localMacs().has('36:9a:8d:4d:8d:f7')).toBe(true);
    expect(t.localMacs().has('00:00:00:00:00:00')).toBe(false);
  });
  it('keeps each veth\'s peer ifindex and namespace id', () => {
    const t = parseIpLinkJson(readFileSync(`${capturesDir}/napt/truth-host-links.json`, 'utf8'));
    expect(t.link('vethc2')).toMatchObject({ linkIndex: 2, linkNetnsid: 1 });
    expect(t.link('docker0')?.linkIndex).toBeUndefined();
  });
  it('reads VXLAN devices', () => {
    const t = parseIpLinkJson(readFileSync(`${capturesDir}/overlay-8472/truth-h1-links.json`, 'utf8'));
    expect(t.link('vxlan0')?.vxlan).toEqual({ vni: 4097, port: 8472, local: '192.0.2.1', learning: true });
  });
  it('says what it wants when given something else', () => {
    expect(() => parseIpLinkJson('not json', 'x.json')).toThrow(TopologyError);
    expect(() => parseIpLinkJson('{"a":1}', 'x.json')).toThrow(/ip -j -d link show/);
    expect(parseIpLinkJson('[1, null, {"ifindex": "x"}, {"ifindex": 7, "ifname": "eth9"}]').links).toEqual([
      { ifindex: 7, name: 'eth9', kind: 'device', mac: null, master: null, mtu: null, vxlan: null },
    ]);
  });
});

// The topology inferred from a capture alone, against what the kernel had: the bridge's
// address and subnet (`ip -j addr`), its learned MACs (`bridge -j fdb`), the NAT rules
// (`iptables-save -t nat`: MASQUERADE source and DNAT targets) and the host's outside
// address, and the overlay's VTEPs (`ip -j -d link` and the VXLAN device's FDB).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngines } from '../../src/analysis/engines.js';
import { inferTopology, poolSubnet } from '../../src/analysis/infer-topology.js';
import { runAnalysis } from '../../src/api/analysis-run.js';
import { parseTopologyFile } from '../../src/topology/detect.js';
import { capturesDir } from '../helpers/paths.js';

const truth = (scenario: string, file: string) => parseTopologyFile(readFileSync(join(capturesDir, scenario, file), 'utf8'), file);

describe('topology inferred from the capture', () => {
  for (const scenario of ['napt', 'napt-collide']) {
    it(`${scenario}: docker0's gateway, subnet and containers, and the NAT rules, as the kernel had them`, () => {
      const run = runAnalysis([join(capturesDir, scenario, `${scenario}-multi.pcapng`)], createEngines, {
        topologyFiles: [join(capturesDir, scenario, 'truth-host-links.json')],
      });
      const inferred = inferTopology(run.pipeline.report());
      const addrs = truth(scenario, 'truth-host-addrs.json').addresses.filter((a) => a.family === 'inet');
      const docker0 = addrs.find((a) => a.ifname === 'docker0');
      const links = truth(scenario, 'truth-host-links.json');

      const bridge = inferred.bridges.find((b) => b.name === 'docker0');
      expect(bridge?.gateway).toEqual({ ip: docker0?.local, mac: links.link('docker0')?.mac });
      expect(bridge?.subnet).toBe(`172.17.0.0/${docker0?.prefixlen}`);
      const learned = truth(scenario, 'truth-host-docker0-fdb.json').fdb.filter((e) => e.master === 'docker0' && e.state === '').map((e) => e.mac);
      expect(bridge?.endpoints.map((e) => e.mac).sort()).toEqual([...learned].sort());
      const neigh = truth(scenario, 'truth-host-neigh.json').neighbours;
      for (const e of bridge?.endpoints ?? []) expect(e.ips).toEqual(neigh.filter((n) => n.lladdr === e.mac).map((n) => n.dst));

      const rules = truth(scenario, 'truth-host-iptables-nat.txt').nat;
      const [uplink] = inferred.uplinks;
      expect(inferred.uplinks).toHaveLength(1);
      expect(uplink).toMatchObject({ inside: 'docker0', outside: 'eth0', hostAddresses: [addrs.find((a) => a.ifname === 'eth0')?.local] });
      expect(uplink.masqueraded).toEqual(rules.filter((r) => r.target === 'MASQUERADE').map((r) => r.source?.value));
      // every published port used in the capture is a DNAT rule of the kernel's
      for (const p of uplink.published) {
        const [, proto, port, to] = /^(\w+) [\d.]+:(\d+) -> ([\d.:]+)$/.exec(p) ?? [];
        expect(rules.some((r) => r.target === 'DNAT' && r.protocol?.value === proto && r.dport?.value === port && r.toDestination === to)).toBe(true);
      }
      if (scenario === 'napt') expect(uplink.published).toHaveLength(2);
    });
  }

  it('overlay-learn: the VNI, its VTEPs and the MACs behind the remote one, as h1\'s VXLAN device had them', () => {
    const dir = join(capturesDir, 'overlay-learn');
    const inferred = inferTopology(runAnalysis([join(dir, 'overlay-multi-h1.pcapng')], createEngines, {}).pipeline.report());
    const vxlan = truth('overlay-learn', 'truth-h1-links.json').links.find((l) => l.kind === 'vxlan')?.vxlan;
    const remote = truth('overlay-learn', 'truth-h1-vxlan0-fdb.json').fdb.filter((e) => e.dst !== null && e.mac !== '00:00:00:00:00:00');
    expect(inferred.overlays).toHaveLength(1);
    const [o] = inferred.overlays;
    expect(o.vni).toBe(vxlan?.vni);
    expect(o.port).toBe(vxlan?.port);
    expect(o.vteps).toContain(vxlan?.local);
    expect(o.vteps).toEqual(expect.arrayContaining([...new Set(remote.map((e) => e.dst))]));
    for (const e of remote) {
      const mine = o.macs.find((m) => m.mac === e.mac);
      if (mine) expect(mine.vtep).toBe(e.dst);
    }
    expect(o.macs.filter((m) => remote.some((e) => e.mac === m.mac)).length).toBeGreaterThanOrEqual(2);
  });

  it('guesses subnets from Docker\'s address pools, and gives none for addresses in two', () => {
    expect(poolSubnet(['172.17.0.2', '172.17.0.3'])).toBe('172.17.0.0/16');
    expect(poolSubnet(['192.168.37.5'])).toBe('192.168.32.0/20');
    expect(poolSubnet(['10.0.1.2'])).toBe('10.0.1.0/24');
    expect(poolSubnet(['172.17.0.2', '172.18.0.2'])).toBeNull();
    expect(poolSubnet([])).toBeNull();
    expect(poolSubnet(['fe80::1'])).toBeNull();
  });
});

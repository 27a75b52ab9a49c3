// The simulated data path: ARP resolution then forwarding, bridge flooding and
// learning, MASQUERADE with a source-port collision, DNAT of published ports, VXLAN
// encapsulation with learning, and proxy ARP with programmed neighbours. Every frame
// must decode without issues and carry correct checksums.
import { describe, expect, it } from 'vitest';
import { checksumsOk, decodeBytes, on, run } from './helpers.js';

const NAT = `
hosts:
  - name: host
    bridges: [{ name: docker0, mac: "02:42:5e:1d:00:01", address: 172.17.0.1/16, masquerade: true }]
    uplink:
      name: eth0
      mac: "9e:d6:52:c1:49:c1"
      address: 198.51.100.2/24
      gateway: 198.51.100.1
      peer: { name: wan, mac: "92:ff:30:ec:1f:f8", address: 198.51.100.1/24, listen: [udp/7, tcp/80] }
    publish: [8080->c1:80/tcp, 8081->c1:80/udp]
containers:
  - { name: c1, address: 172.17.0.2, veth: vethc1, listen: [tcp/80, udp/80] }
  - { name: c2, address: 172.17.0.3, veth: vethc2 }
  - { name: c3, address: 172.17.0.4, veth: vethc3 }
`;

function allClean(result: ReturnType<typeof run>): void {
  for (const f of result.frames) {
    expect(decodeBytes(f.bytes).issues).toEqual([]);
    expect(checksumsOk(f.bytes)).toBe(true);
  }
}

describe('bridge and ARP', () => {
  it('resolves with a flooded broadcast and a unicast reply, then forwards without ARP', () => {
    const result = run(NAT, ['c1 ping c2 count 2']);
    allClean(result);
    expect(on(result, 'c1:eth0').map((f) => f.text)).toEqual([
      'eth arp request', 'eth arp reply', 'eth ipv4 icmp 8', 'eth ipv4 icmp 0', 'eth ipv4 icmp 8', 'eth ipv4 icmp 0',
    ]);
    // the request is flooded to every other port and the bridge; the reply (c2 -> c1) is unicast to vethc1 only
    expect(on(result, 'host:vethc3').map((f) => f.text)).toEqual(['eth arp request']);
    expect(on(result, 'host:vethc2').map((f) => f.text)).toEqual(on(result, 'c1:eth0').map((f) => f.text));
    expect(on(result, 'host:docker0').length).toBe(6);
  });

  it('is deterministic: the same run gives the same bytes and times', () => {
    const a = run(NAT, ['c1 ping wan count 2', 'wan tcp host:8080']);
    const b = run(NAT, ['c1 ping wan count 2', 'wan tcp host:8080']);
    expect(b.frames.map((f) => [f.capture, f.t, Buffer.from(f.bytes).toString('hex')])).toEqual(a.frames.map((f) => [f.capture, f.t, Buffer.from(f.bytes).toString('hex')]));
    expect(a.frames[0].t).toBe(1_000_000_000);
  });
});

describe('NAT', () => {
  it('MASQUERADE keeps the first source port and remaps the second (same port from two containers)', () => {
    const result = run(NAT, ['c1 udp wan:7 sport 40000', 'c2 udp wan:7 sport 40000']);
    allClean(result);
    const out = on(result, 'host:eth0').map((f) => f.text).filter((t) => t.includes('udp'));
    expect(out[0]).toBe('eth ipv4 udp 40000>7');
    expect(out[1]).toBe('eth ipv4 udp 7>40000');
    const [, remapped] = /udp (\d+)>7/.exec(out[2]) ?? [];
    expect(Number(remapped)).not.toBe(40000);
    expect(out[3]).toBe(`eth ipv4 udp 7>${remapped}`);
    // the reply is translated back to c2's own port
    expect(on(result, 'c2:eth0').map((f) => f.text)).toContain('eth ipv4 udp 7>40000');
    // the source address outside is the uplink's
    const outside = decodeBytes(on(result, 'host:eth0').find((f) => f.text.includes('udp'))?.bytes ?? new Uint8Array());
    const ipv4 = outside.layers.find((l) => l.proto === 'ipv4');
    expect(ipv4 && 'src' in ipv4 ? ipv4.src : 0).toBe(0xc6336402);
  });

  it('remaps the ICMP id of the second of two pings with the same id', () => {
    const result = run(NAT, ['c2 ping wan id 4660', 'c1 ping wan id 4660']);
    const ids = on(result, 'host:eth0').map((f) => decodeBytes(f.bytes).layers.find((l) => l.proto === 'icmp')).filter((l) => l !== undefined).map((l) => (l && 'id' in l ? l.id : -1));
    expect(ids[0]).toBe(4660);
    expect(ids[2]).not.toBe(4660);
  });

  it('DNATs a published port to the container and translates the replies back', () => {
    const result = run(NAT, ['wan tcp host:8080 sport 50000 data hi']);
    allClean(result);
    expect(on(result, 'wan:eth0').map((f) => f.text)).toEqual([
      'eth arp request', 'eth arp reply',
      'eth ipv4 tcp 50000>8080', 'eth ipv4 tcp 8080>50000', 'eth ipv4 tcp 50000>8080', 'eth ipv4 tcp 50000>8080',
      'eth ipv4 tcp 8080>50000', 'eth ipv4 tcp 50000>8080', 'eth ipv4 tcp 8080>50000', 'eth ipv4 tcp 50000>8080',
    ]);
    expect(on(result, 'c1:eth0').filter((f) => f.text.includes('tcp')).map((f) => f.text)[0]).toBe('eth ipv4 tcp 50000>80');
  });

  it('answers UDP to a port nobody listens on with ICMP port unreachable', () => {
    const result = run(NAT, ['c2 udp c3:9999 sport 41000']);
    allClean(result);
    expect(on(result, 'c2:eth0').map((f) => f.text).at(-1)).toBe('eth ipv4 icmp 3'); // destination unreachable, port unreachable (the datagram quoted inside)
  });
});

const OVERLAY = (mode: string): string => `
hosts:
  - name: h1
    bridges: [{ name: br0 }]
    uplink: { name: eth0, address: 192.0.2.1/24, peer: h2 }
    vxlan: [{ vni: 4097, local: 192.0.2.1, bridge: br0, ${mode === 'learn' ? 'learning: true, remotes: [192.0.2.2]' : 'learning: false, proxy: true, fdb: [{ mac: "02:42:0a:00:01:03", dst: 192.0.2.2 }], neigh: [{ ip: 10.0.1.3, mac: "02:42:0a:00:01:03" }]'} }]
  - name: h2
    bridges: [{ name: br0 }]
    uplink: { name: eth0, address: 192.0.2.2/24 }
    vxlan: [{ vni: 4097, local: 192.0.2.2, bridge: br0, ${mode === 'learn' ? 'learning: true, remotes: [192.0.2.1]' : 'learning: false, proxy: true, fdb: [{ mac: "02:42:0a:00:01:02", dst: 192.0.2.1 }], neigh: [{ ip: 10.0.1.2, mac: "02:42:0a:00:01:02" }]'} }]
containers:
  - { name: c1, host: h1, network: br0, address: 10.0.1.2/24 }
  - { name: c2, host: h2, network: br0, address: 10.0.1.3/24 }
`;

describe('VXLAN', () => {
  it('floods the ARP request to the flood VTEP, learns, and encapsulates with Linux defaults', () => {
    const result = run(OVERLAY('learn'), ['c1 ping c2 count 2']);
    allClean(result);
    const underlay = on(result, 'h1:eth0');
    expect(underlay.map((f) => f.text)).toEqual([
      'eth arp request', 'eth arp reply', // the underlay resolves the remote VTEP first
      'eth ipv4 udp', 'eth ipv4 udp', 'eth ipv4 udp', 'eth ipv4 udp', 'eth ipv4 udp', 'eth ipv4 udp',
    ].map((t, i) => (i < 2 ? t : underlay[i].text)));
    const outer = underlay.slice(2).map((f) => decodeBytes(f.bytes).layers);
    expect(outer.map((ls) => ls.map((l) => l.proto).slice(3).join(' '))).toEqual([
      'vxlan eth arp', 'vxlan eth arp', 'vxlan eth ipv4 icmp', 'vxlan eth ipv4 icmp', 'vxlan eth ipv4 icmp', 'vxlan eth ipv4 icmp',
    ]);
    const ports = outer.map((ls) => ls.find((l) => l.proto === 'udp')).map((u) => (u && 'sport' in u ? [u.sport, u.dport] : []));
    for (const [sport, dport] of ports) {
      expect(dport).toBe(4789);
      expect(sport).toBeGreaterThanOrEqual(32768);
      expect(sport).toBeLessThanOrEqual(60999);
    }
    expect(ports[0][0]).toBe(ports[1][0]); // both directions of a flow hash alike, as Linux's
    expect(ports[2][0]).toBe(ports[3][0]);
    const ipv4 = outer[0].find((l) => l.proto === 'ipv4');
    expect(ipv4 && 'df' in ipv4 ? [ipv4.df, ipv4.ttl] : []).toEqual([false, 64]);
  });

  it('answers ARP by proxy from programmed neighbours: no ARP crosses the underlay', () => {
    const result = run(OVERLAY('static'), ['c1 ping c2']);
    allClean(result);
    expect(on(result, 'c1:eth0').map((f) => f.text)).toEqual(['eth arp request', 'eth arp reply', 'eth ipv4 icmp 8', 'eth ipv4 icmp 0']);
    const inner = on(result, 'h1:eth0').map((f) => decodeBytes(f.bytes).layers.map((l) => l.proto).join(' '));
    expect(inner.filter((t) => t.includes('vxlan'))).toEqual(['eth ipv4 udp vxlan eth ipv4 icmp', 'eth ipv4 udp vxlan eth ipv4 icmp']);
  });
});

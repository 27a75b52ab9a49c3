// Address text: one canonical spelling, CIDR containment, the subnet an address lies in.
import { describe, expect, it } from 'vitest';
import { canonicalIp, canonicalMac, cidrContains, parseAddressWithPrefix, parseCidr, subnetOf } from '../../src/topology/ip.js';

describe('ip', () => {
  it('spells IPv6 addresses one way (RFC 5952) and refuses what is not an address', () => {
    expect(canonicalIp('FD00:0030:0000:0000:0000:0000:0000:000A')).toBe('fd00:30::a');
    expect(canonicalIp('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(canonicalIp('fe80::1%eth0')).toBe('fe80::1');
    expect(canonicalIp('::ffff:192.0.2.1')).toBe('::ffff:c000:201');
    expect(canonicalIp('1:2:3:4:5:6:7:8')).toBe('1:2:3:4:5:6:7:8');
    expect(canonicalIp('172.17.0.2')).toBe('172.17.0.2');
    expect(canonicalIp('172.17.0.256')).toBeNull();
    expect(canonicalIp('web')).toBeNull();
    expect(canonicalMac('02-42-AC-11-00-02')).toBe('02:42:ac:11:00:02');
  });

  it('reads prefixes and tests containment', () => {
    expect(parseAddressWithPrefix('172.17.0.2/16')).toEqual({ address: '172.17.0.2', prefixlen: 16 });
    expect(parseAddressWithPrefix('10.0.0.1')).toEqual({ address: '10.0.0.1', prefixlen: null });
    expect(parseAddressWithPrefix('10.0.0.1/33')).toBeNull();
    const net = parseCidr('172.17.0.0/16');
    expect(net && cidrContains(net, '172.17.255.254')).toBe(true);
    expect(net && cidrContains(net, '172.18.0.1')).toBe(false);
    expect(net && cidrContains(net, 'fd00::1')).toBe(false);
    const v6 = parseCidr('fd00:30::/64');
    expect(v6 && cidrContains(v6, 'fd00:30::ffff:1')).toBe(true);
    expect(v6 && cidrContains(v6, 'fd00:31::1')).toBe(false);
  });

  it('gives the subnet an address and prefix imply', () => {
    expect(subnetOf('172.17.0.2', 16)).toBe('172.17.0.0/16');
    expect(subnetOf('192.0.2.10', 27)).toBe('192.0.2.0/27');
    expect(subnetOf('fd00:30::a', 64)).toBe('fd00:30::/64');
    expect(subnetOf('10.1.2.3', 0)).toBe('0.0.0.0/0');
  });
});

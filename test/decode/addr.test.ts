// Address formatting: the texts, and the direct-mapped caches behind formatMac and
// formatIpv4 (an address that takes another's slot must not get that one's text).

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatIpv4, formatMac, isGroupMac } from '../../src/decode/addr.js';

/** The six octets of a MAC number, most significant first. */
function octets(mac: number): number[] {
  const out: number[] = [];
  for (let i = 5; i >= 0; i--) out.push(Math.floor(mac / 2 ** (8 * i)) % 256);
  return out;
}

const macReference = (mac: number) => octets(mac).map((b) => b.toString(16).padStart(2, '0')).join(':');
const ipv4Reference = (addr: number) => [24, 16, 8, 0].map((shift) => ((addr >>> 0) >>> shift) & 0xff).join('.');

describe('formatMac / formatIpv4', () => {
  it('write the forms tshark and iproute2 print', () => {
    expect(formatMac(0x0242ac110002)).toBe('02:42:ac:11:00:02');
    expect(formatMac(0xffffffffffff)).toBe('ff:ff:ff:ff:ff:ff');
    expect(formatMac(0)).toBe('00:00:00:00:00:00');
    expect(formatIpv4(0xac110002)).toBe('172.17.0.2');
    expect(formatIpv4(0xac110002 | 0)).toBe('172.17.0.2'); // the int32 form some callers hold
    expect(formatIpv4(0xffffffff)).toBe('255.255.255.255');
    expect(formatIpv4(0)).toBe('0.0.0.0');
  });

  /** Formats `values` in a shuffled order and in order, each against the reference. */
  function everyText(values: number[], seed: number, format: (v: number) => string, reference: (v: number) => string): void {
    for (let i = 0; i < values.length; i++) {
      const v = values[(i * 7 + seed) % values.length];
      expect(format(v)).toBe(reference(v));
      expect(format(values[i])).toBe(reference(values[i]));
    }
  }

  // 4,096 cache slots: a few thousand distinct addresses, each asked for again, share slots.
  test.prop([fc.array(fc.integer({ min: 0, max: 2 ** 48 - 1 }), { minLength: 1, maxLength: 6000 }), fc.nat()], { numRuns: 30 })(
    'give every MAC its own text, whatever was formatted before it',
    (macs, seed) => everyText(macs, seed, formatMac, macReference),
  );

  test.prop([fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 6000 }), fc.nat()], { numRuns: 30 })(
    'give every IPv4 address its own text, u32 or int32, whatever was formatted before it',
    (addrs, seed) => everyText(addrs, seed, formatIpv4, ipv4Reference),
  );
});

describe('isGroupMac', () => {
  test.prop([fc.integer({ min: 0, max: 2 ** 48 - 1 })], { numRuns: 2000 })('is the low bit of the first octet', (mac) => {
    expect(isGroupMac(mac)).toBe((octets(mac)[0] & 1) === 1);
  });

  it('holds for broadcast, IPv4/IPv6 multicast and a container MAC', () => {
    expect(isGroupMac(0xffffffffffff)).toBe(true);
    expect(isGroupMac(0x01005e000001)).toBe(true);
    expect(isGroupMac(0x333300000001)).toBe(true);
    expect(isGroupMac(0x0242ac110002)).toBe(false);
  });
});

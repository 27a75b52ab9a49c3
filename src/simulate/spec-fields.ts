// Typed readers for the YAML topology's fields. Each failure is one whole sentence that
// names the file and the field's path (`hosts[0].uplink.mac`) and says what is expected.

import { parseIpv4, parseMac } from '../decode/addr.js';
import { kindOf, quote, TopologyError } from '../topology/errors.js';
import type { Address, Listen, Proto } from './spec.js';
import type { Ip, Mac } from './packet-types.js';

export type YamlMap = Record<string, unknown>;

export class Fields {
  constructor(readonly file: string) {}

  fail(path: string, expected: string, value: unknown): never {
    throw new TopologyError(`${this.file}: ${path} must be ${expected}; it is ${kindOf(value)}.`);
  }

  map(value: unknown, path: string): YamlMap {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'a mapping', value);
    return value as YamlMap;
  }

  list(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(path, 'a list', value);
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value === '') this.fail(path, 'a non-empty string', value);
    return value;
  }

  optString(value: unknown, path: string, fallback: string): string {
    return value === undefined || value === null ? fallback : this.string(value, path);
  }

  bool(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') this.fail(path, 'true or false', value);
    return value;
  }

  int(value: unknown, path: string, min: number, max: number): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `a whole number from ${min} to ${max}`, value);
    }
    return value;
  }

  /** An MTU in bytes: IPv4's minimum (RFC 791: 68) to the largest IPv4 packet. */
  mtu(value: unknown, path: string, fallback: number): number {
    return value === undefined || value === null ? fallback : this.int(value, path, 68, 65535);
  }

  mac(value: unknown, path: string): Mac {
    const mac = typeof value === 'string' ? parseMac(value) : null;
    if (mac === null) this.fail(path, 'a MAC address like 02:42:ac:11:00:02', value);
    return mac;
  }

  ip(value: unknown, path: string): Ip {
    const ip = typeof value === 'string' ? parseIpv4(value) : null;
    if (ip === null) this.fail(path, 'an IPv4 address like 172.17.0.2', value);
    return ip;
  }

  /** `a.b.c.d/len`; a bare address takes `defaultPrefix` when one is given. */
  address(value: unknown, path: string, defaultPrefix?: number): Address {
    if (typeof value === 'string') {
      const [ipText, lenText, extra] = value.split('/');
      const ip = parseIpv4(ipText);
      const prefix = lenText === undefined ? defaultPrefix : /^\d{1,2}$/.test(lenText) ? Number(lenText) : undefined;
      if (ip !== null && extra === undefined && prefix !== undefined && prefix <= 32) return { ip, prefix };
    }
    return this.fail(path, defaultPrefix === undefined ? 'an IPv4 address with its prefix length, like 172.17.0.1/16' : 'an IPv4 address, like 172.17.0.2 (or with a prefix length)', value);
  }

  /** `udp/7`, `tcp/80`. */
  listen(value: unknown, path: string): Listen[] {
    return this.list(value, path).map((item, i) => {
      const m = typeof item === 'string' ? /^(udp|tcp)\/(\d{1,5})$/.exec(item) : null;
      const port = m ? Number(m[2]) : 0;
      if (!m || port < 1 || port > 65535) this.fail(`${path}[${i}]`, 'a port like udp/7 or tcp/80', item);
      return { proto: m[1] as Proto, port };
    });
  }

  /** Unknown keys are mistakes (a misspelt `masquerade` would silently do nothing). */
  only(map: YamlMap, path: string, keys: readonly string[]): void {
    for (const key of Object.keys(map)) {
      if (!keys.includes(key)) {
        throw new TopologyError(`${this.file}: ${path} has an unknown key ${quote(key)}; the keys are ${keys.join(', ')}.`);
      }
    }
  }
}

/** A deterministic locally administered MAC (02:42:...) for a device the file gives none: FNV-1a of its name. */
export function derivedMac(name: string): Mac {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return 0x0242 * 0x100000000 + h;
}

/** Docker (<= 25) derives a container's MAC from its IPv4 address: 02:42:a:b:c:d. */
export function dockerMac(ip: Ip): Mac {
  return 0x0242 * 0x100000000 + ip;
}

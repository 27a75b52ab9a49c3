// Published ports as Docker prints them in `docker inspect` (`NetworkSettings.Ports`,
// `HostConfig.PortBindings`): a map from "80/tcp" to the host bindings
// [{"HostIp": "0.0.0.0", "HostPort": "18080"}, {"HostIp": "::", ...}], null when the
// port is only exposed.

import { quote } from './errors.js';
import { Fields, isObject, type JsonObject } from './json.js';
import { canonicalIp } from './ip.js';
import type { PublishedPort } from './types.js';

/** `0.0.0.0`, `::` and `` all mean every host address: one spelling (null) for all, so the two families' bindings merge. */
export function hostIpOf(text: string | null): string | null {
  if (text === null || text === '' || text === '0.0.0.0' || text === '::') return null;
  return canonicalIp(text.replace(/^\[(.*)\]$/, '$1'));
}

export function portKey(p: PublishedPort): string {
  return `${p.hostIp}|${p.hostPort}|${p.containerPort}|${p.proto}`;
}

export function dedupePorts(ports: readonly PublishedPort[]): PublishedPort[] {
  const seen = new Set<string>();
  return ports.filter((p) => !seen.has(portKey(p)) && seen.add(portKey(p)) !== undefined);
}

export function portMapOf(map: JsonObject, owner: Fields, what: string): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(map)) {
    const m = /^(\d{1,5})(?:\/([a-z]+))?$/.exec(key);
    if (!m || Number(m[1]) > 65535) throw owner.error(`has a ${what} key ${quote(key)} that is not a port like "80/tcp"`);
    if (bindings === null) continue;
    if (!Array.isArray(bindings)) throw owner.error(`has ${what} ${quote(key)} set to something other than a list of bindings`);
    bindings.forEach((binding, j) => {
      if (!isObject(binding)) throw owner.error(`has a ${what} ${quote(key)} binding ${j + 1} that is not an object`);
      const b = owner.nested(binding, `${what} ${quote(key)} binding ${j + 1}`);
      const hostIpText = b.optStr('HostIp');
      const hostIp = hostIpOf(hostIpText);
      if (hostIp === null && hostIpText !== null && !['0.0.0.0', '::'].includes(hostIpText)) throw b.error('has a "HostIp" that is not an IP address');
      const hostPortText = b.optStr('HostPort');
      if (hostPortText !== null && (!/^\d{1,5}$/.test(hostPortText) || Number(hostPortText) > 65535)) throw b.error('has a "HostPort" that is not a port number');
      out.push({ hostIp, hostPort: hostPortText === null ? null : Number(hostPortText), containerPort: Number(m[1]), proto: m[2] ?? 'tcp' });
    });
  }
  return dedupePorts(out);
}

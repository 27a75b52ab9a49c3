// The `ports:` of a docker-compose service (Compose Specification): short syntax
// `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTO]` as a string or a bare
// number (`18080:80`, `127.0.0.1:8080:80/udp`, `[::1]:53:53/udp`, `8000-8001:80-81`,
// `127.0.0.1::80`), and long syntax `{target, published, host_ip, protocol, mode}`.

import { quote } from './errors.js';
import { isObject } from './json.js';
import { hostIpOf } from './ports.js';
import type { PublishedPort } from './types.js';

/** Says what is wrong with one entry; the caller frames the sentence. */
export type PortFailure = (problem: string) => Error;

const SHORT_HELP = 'is not a port mapping like 18080:80 or 127.0.0.1:8080:80/udp';

export function composePort(entry: unknown, fail: PortFailure): PublishedPort[] {
  if (typeof entry === 'number') return shortSyntax(String(entry), fail);
  if (typeof entry === 'string') return shortSyntax(entry, fail);
  if (isObject(entry)) return longSyntax(entry, fail);
  throw fail('is neither a port mapping string nor a mapping with "target"');
}

function shortSyntax(text: string, fail: PortFailure): PublishedPort[] {
  if (text.includes('$')) throw fail(`(${quote(text)}) uses a variable, which dockshark does not interpolate`);
  const bad = (): Error => fail(`(${quote(text)}) ${SHORT_HELP}`);
  const slash = text.lastIndexOf('/');
  const body = slash < 0 ? text : text.slice(0, slash);
  const proto = slash < 0 ? 'tcp' : text.slice(slash + 1);
  if (!/^(tcp|udp|sctp)$/.test(proto)) throw bad();
  let hostIp: string | null = null;
  let parts: string[];
  if (body.startsWith('[')) {
    const close = body.indexOf(']');
    if (close < 0 || body[close + 1] !== ':') throw bad();
    hostIp = body.slice(1, close);
    parts = body.slice(close + 2).split(':');
    if (parts.length !== 2) throw bad();
  } else {
    parts = body.split(':');
    if (parts.length === 3) hostIp = parts.shift() as string;
    if (parts.length > 2) throw bad();
  }
  const container = range(parts[parts.length - 1]);
  const host = parts.length === 2 && parts[0] !== '' ? range(parts[0]) : null;
  if (container === null || (parts.length === 2 && parts[0] !== '' && host === null)) throw bad();
  const ip = hostIpOf(hostIp);
  if (hostIp !== null && hostIp !== '' && ip === null && hostIp !== '0.0.0.0' && hostIp !== '::') throw bad();
  return pair(host, container, ip, proto, bad);
}

function longSyntax(entry: { readonly [key: string]: unknown }, fail: PortFailure): PublishedPort[] {
  const text = (key: string): string | null => {
    const v = entry[key];
    if (v === undefined || v === null) return null;
    if (typeof v === 'number' || typeof v === 'string') return String(v);
    throw fail(`has a ${quote(key)} that is neither a number nor a string`);
  };
  const targetText = text('target');
  const container = targetText === null ? null : range(targetText);
  if (container === null) throw fail('has no "target" port');
  const publishedText = text('published');
  const host = publishedText === null || publishedText === '' ? null : range(publishedText);
  if (publishedText !== null && publishedText !== '' && host === null) throw fail(`has a "published" (${quote(publishedText)}) that is not a port or range`);
  const proto = text('protocol') ?? 'tcp';
  if (!/^(tcp|udp|sctp)$/.test(proto)) throw fail(`has a "protocol" (${quote(proto)}) that is not tcp, udp or sctp`);
  const hostIpText = text('host_ip');
  const ip = hostIpOf(hostIpText);
  if (hostIpText !== null && ip === null && !['', '0.0.0.0', '::'].includes(hostIpText)) throw fail('has a "host_ip" that is not an IP address');
  return pair(host, container, ip, proto, () => fail('maps a range of container ports to a different number of host ports'));
}

/** `80` or `8000-8010`, within 1..65535 and in order. */
function range(text: string): [number, number] | null {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return null;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from >= 1 && to <= 65535 && from <= to ? [from, to] : null;
}

function pair(host: [number, number] | null, container: [number, number], hostIp: string | null, proto: string, bad: () => Error): PublishedPort[] {
  const count = container[1] - container[0] + 1;
  const out: PublishedPort[] = [];
  for (let i = 0; i < count; i++) {
    let hostPort: number | null = null;
    if (host !== null) {
      const hostCount = host[1] - host[0] + 1;
      if (hostCount === count) hostPort = host[0] + i;
      else if (count === 1) hostPort = hostCount === 1 ? host[0] : null; // one port of the host range, chosen at start
      else throw bad();
    }
    out.push({ hostIp, hostPort, containerPort: container[0] + i, proto });
  }
  return out;
}

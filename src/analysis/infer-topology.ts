// The topology the capture alone reveals, when nothing else is given: each bridge with
// its gateway (the bridge's own address) and subnet, the containers behind it (MAC, IPs,
// port), the NAT boundary (inside and outside interfaces, the host's outside address,
// the subnets masqueraded and the ports published) and the overlays (VNI, VTEPs, which
// MAC sits behind which VTEP). Read from the finished report, so it is exactly as good
// as the tables are.
//
// Subnets are guesses and say so: the capture shows addresses, not prefixes. Docker takes
// bridge subnets from its default pools, so an address in 172.16.0.0/12 is given the /16
// around it, one in 192.168.0.0/16 the /20, and one in 10.0.0.0/8 (overlays) the /24;
// anything else the /24.

import type { JsonValue } from '../decode/index.js';

type Obj = { [key: string]: JsonValue };
const list = (v: JsonValue | undefined): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

export interface InferredEndpoint {
  mac: string;
  ips: string[];
  /** The bridge port it was learned on; null when the capture does not show ports. */
  port: string | null;
  name?: string;
}

export interface InferredBridge {
  name: string | null;
  /** The bridge's own address: a local MAC with an IP; null when the capture does not tell. */
  gateway: { mac: string; ip: string | null } | null;
  /** Docker's pool subnet around the endpoints' addresses (a guess: see above), null without IPv4 endpoints. */
  subnet: string | null;
  endpoints: InferredEndpoint[];
}

export interface InferredUplink {
  inside: string | null;
  outside: string | null;
  /** The host's address outside: what MASQUERADE rewrites sources to, and published ports listen on. */
  hostAddresses: string[];
  /** The subnets whose traffic was masqueraded (Docker's pool guess around each source). */
  masqueraded: string[];
  /** `proto hostAddress:port -> container:port` for each published port seen used. */
  published: string[];
}

export interface InferredOverlay {
  vni: number;
  port: number;
  vteps: string[];
  /** Inner MAC -> the VTEP it sits behind. */
  macs: { mac: string; vtep: string }[];
}

export interface InferredTopology {
  bridges: InferredBridge[];
  uplinks: InferredUplink[];
  overlays: InferredOverlay[];
}

export function inferTopology(report: Obj): InferredTopology {
  const ipsOf = new Map<string, string[]>();
  for (const e of list(report.arp)) {
    const mac = String(e.mac);
    ipsOf.set(mac, [...(ipsOf.get(mac) ?? []), String(e.ip)]);
  }
  const bridges = list(report.bridges).map((b): InferredBridge => {
    const entries = list(b.fdb);
    const endpoints = entries.filter((e) => e.local !== true).map((e): InferredEndpoint => {
      const ep: InferredEndpoint = { mac: String(e.mac), ips: ipsOf.get(String(e.mac)) ?? [], port: typeof e.port === 'string' ? e.port : null };
      if (typeof e.name === 'string') ep.name = e.name;
      return ep;
    });
    const own = entries.filter((e) => e.local === true).map((e) => String(e.mac));
    const ownWithIp = own.find((m) => ipsOf.has(m));
    const gatewayMac = ownWithIp ?? own[0];
    const gateway = gatewayMac === undefined ? null : { mac: gatewayMac, ip: ipsOf.get(gatewayMac)?.[0] ?? null };
    const v4 = [...endpoints.flatMap((e) => e.ips), ...(gateway?.ip ? [gateway.ip] : [])].filter((ip) => ip.includes('.'));
    return { name: typeof b.name === 'string' ? b.name : null, gateway, subnet: poolSubnet(v4), endpoints };
  });

  const uplinks = new Map<string, InferredUplink>();
  for (const e of list(report.nat)) {
    const inside = typeof e.inside === 'string' ? e.inside : null;
    const outside = typeof e.outside === 'string' ? e.outside : null;
    const key = `${inside}\n${outside}`;
    let u = uplinks.get(key);
    if (u === undefined) uplinks.set(key, (u = { inside, outside, hostAddresses: [], masqueraded: [], published: [] }));
    const original = (e.original ?? {}) as Obj;
    const reply = (e.reply ?? {}) as Obj;
    if (e.type === 'dnat') {
      addOnce(u.hostAddresses, String(original.dst));
      addOnce(u.published, `${e.proto} ${original.dst}:${original.dport} -> ${reply.src}:${reply.sport}`);
    } else {
      addOnce(u.hostAddresses, String(reply.dst));
      const subnet = poolSubnet([String(original.src)]);
      if (subnet !== null) addOnce(u.masqueraded, subnet);
    }
  }

  const overlay = (report.overlay ?? {}) as Obj;
  const overlays = new Map<number, InferredOverlay>();
  for (const t of list(overlay.tunnels)) {
    const vni = Number(t.vni);
    let o = overlays.get(vni);
    if (o === undefined) overlays.set(vni, (o = { vni, port: Number(t.port), vteps: [], macs: [] }));
    for (const v of [t.local, t.remote]) if (typeof v === 'string') addOnce(o.vteps, v);
  }
  for (const e of list(overlay.fdb)) overlays.get(Number(e.vni))?.macs.push({ mac: String(e.mac), vtep: String(e.vtep) });
  for (const o of overlays.values()) o.vteps.sort();

  return { bridges, uplinks: [...uplinks.values()], overlays: [...overlays.values()].sort((a, b) => a.vni - b.vni) };
}

function addOnce(to: string[], value: string): void {
  if (!to.includes(value)) to.push(value);
}

/** Docker's pool subnet around IPv4 addresses (see the top); null when they are none or straddle two. */
export function poolSubnet(ips: readonly string[]): string | null {
  const subnets = new Set<string>();
  for (const ip of ips) {
    const parts = ip.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) continue;
    const [a, b, c] = parts;
    if (a === 172 && b >= 16 && b <= 31) subnets.add(`172.${b}.0.0/16`);
    else if (a === 192 && b === 168) subnets.add(`192.168.${c & 0xf0}.0/20`);
    else subnets.add(`${a}.${b}.${c}.0/24`);
  }
  return subnets.size === 1 ? [...subnets][0] : null;
}

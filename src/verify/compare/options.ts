// What a comparison of two runs leaves out. `check` takes these from the command line;
// `diff` (a trace against a simulation) is the DIFF_PRESET: what a simulation cannot know.

export const IGNORABLE = ['ports', 'ipv6-noise', 'time', 'frames', 'counts', 'changes'] as const;
export type Ignorable = (typeof IGNORABLE)[number];

/** One sentence per ignorable thing, for help texts and reports. */
export const IGNORE_HELP: Record<Ignorable, string> = {
  ports: 'identifiers the sender picks: a NAT client\'s source port, ICMP echo ids, IP ids (whether NAT remapped one is still compared)',
  'ipv6-noise': 'IPv6 housekeeping: MLD, router and neighbour discovery, the MACs seen only in it, fe80::/10 and ff00::/8 addresses, 33:33:* MACs (and, since they count it, the traffic counters)',
  time: 'time-dependent values: idle seconds, re-learning after ageing, and when an expiry happened (expiries are compared as a set)',
  frames: 'frame numbers (the change log is still compared in order)',
  counts: 'traffic counters: frames per capture and interface, bridge and VNI counters, NAT packets, tunnel and VXLAN entry frames',
  changes: 'the change log: only the final tables are compared',
};

/** The report's tables, as the comparison names them. */
export type TableId = 'capture' | 'interface' | 'bridge' | 'fdb' | 'arp' | 'nat' | 'tunnel' | 'vtep' | 'mtu'
  | 'vni' | 'vni-fdb' | 'vni-arp' | 'departure' | 'other';

export interface CompareOptions {
  readonly ignore: ReadonlySet<Ignorable>;
  /** 'ip': MACs are named by the IPv4 addresses they claimed (Docker gives containers random MACs). */
  readonly matchBy: 'mac' | 'ip';
  /** Compare only these tables (default: all). */
  readonly tables?: ReadonlySet<TableId>;
}

export const DIFF_PRESET: CompareOptions = {
  ignore: new Set<Ignorable>(['ports', 'ipv6-noise', 'time', 'frames', 'counts', 'changes']),
  matchBy: 'mac',
  tables: new Set<TableId>(['arp', 'fdb', 'nat', 'tunnel', 'vtep', 'mtu']),
};

/** `--ignore a,b --ignore c`: the set, or the first unknown value. */
export function parseIgnore(values: readonly string[]): { ignore: Set<Ignorable> } | { unknown: string } {
  const ignore = new Set<Ignorable>();
  for (const value of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '')) {
    if (!(IGNORABLE as readonly string[]).includes(value)) return { unknown: value };
    ignore.add(value as Ignorable);
  }
  return { ignore };
}

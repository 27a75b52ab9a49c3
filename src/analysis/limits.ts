// Caps on the state that grows with the input, so a hostile or huge capture keeps
// memory bounded and every step cheap. Defaults follow the Linux kernel where it has
// a limit for the same table; a table that reaches its cap behaves as the kernel's
// does (a full FDB or neighbour table refuses new entries, a full conntrack table
// drops new connections) and is reported once, with a count of what was refused.
//
// Hot paths compare a counter with a number: nothing is allocated until a cap is hit.

import type { JsonValue } from '../decode/index.js';
import type { Change } from './types.js';

export interface AnalysisLimits {
  /**
   * Learned + local entries per bridge (all VLANs). Linux has no default limit, but
   * since 6.x a bridge can be capped with `fdb_max_learned`; 65536 is well above any
   * real container bridge and keeps a MAC flood (macof) at a few MB.
   */
  readonly fdbEntries: number;
  /** Interfaces the bridge engine tells apart (each SLL2 ifindex counts): frames on more are not learned from. */
  readonly interfaces: number;
  /** Entries per ARP table: Linux's neighbour table hard limit, net.ipv4.neigh.default.gc_thresh3 = 1024. */
  readonly neighEntries: number;
  /** Live NAT connections: nf_conntrack_max (262144 on a host with 4 GB+). */
  readonly natConnections: number;
  /**
   * Retired NAT connections kept for the report: the first natHistory / 2 to end and the
   * last ones (the live ones are always listed). Not a kernel limit: reaching it refuses
   * nothing, the report says how many it left out (`capped.nat`).
   */
  readonly natHistory: number;
  /** VNIs the overlay engine follows (each runs its own bridge and ARP tables). */
  readonly overlayVnis: number;
  /** Remote MACs per VNI in the overlay FDB (the vxlan driver's `maxaddress`, unlimited by default). */
  readonly overlayFdbEntries: number;
  /** Tunnels (VNI, port, VTEP pair) the overlay engine follows. */
  readonly overlayTunnels: number;
  /**
   * IPv4 datagrams waiting for fragments; the oldest is evicted beyond it. The decoder's own
   * default (MAX_PENDING, 256), so `analyze` reassembles what `decode` does. Linux bounds
   * bytes instead (ipfrag_high_thresh, 4 MB): about 64 datagrams of 64 KiB, or a thousand of two
   * 1500-byte fragments.
   */
  readonly fragDatagrams: number;
  /** Seconds a datagram waits for its fragments (net.ipv4.ipfrag_time = 30). */
  readonly fragSeconds: number;
  /** Changes kept for the report's event list; counts per kind are kept beyond it. */
  readonly events: number;
  /**
   * Recent frames remembered to pair copies (copy recognition, NAT pairing). They expire
   * after a few ms of capture time; this caps a burst stamped with one instant.
   */
  readonly recentFrames: number;
  /** Source MACs remembered by the IPv6 housekeeping summary. */
  readonly housekeepingMacs: number;
}

export const DEFAULT_LIMITS: AnalysisLimits = Object.freeze({
  fdbEntries: 65536,
  interfaces: 4096,
  neighEntries: 1024,
  natConnections: 262144,
  natHistory: 20_000,
  overlayVnis: 4096,
  overlayFdbEntries: 65536,
  overlayTunnels: 65536,
  fragDatagrams: 256,
  fragSeconds: 30,
  events: 1_000_000,
  recentFrames: 65536,
  housekeepingMacs: 65536,
});

/** Short names for `--limit name=value` (the README's analyze section lists them). */
export const LIMIT_NAMES: Readonly<Record<string, keyof AnalysisLimits>> = Object.freeze({
  fdb: 'fdbEntries',
  interfaces: 'interfaces',
  neigh: 'neighEntries',
  conntrack: 'natConnections',
  'nat-history': 'natHistory',
  vni: 'overlayVnis',
  'overlay-fdb': 'overlayFdbEntries',
  tunnels: 'overlayTunnels',
  frag: 'fragDatagrams',
  'frag-time': 'fragSeconds',
  events: 'events',
  recent: 'recentFrames',
  'housekeeping-macs': 'housekeepingMacs',
});

export function resolveLimits(partial?: Partial<AnalysisLimits>): AnalysisLimits {
  if (partial === undefined) return DEFAULT_LIMITS;
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof AnalysisLimits)[]) {
    const v = partial[key];
    if (v !== undefined) out[key] = v;
  }
  return out as unknown as AnalysisLimits;
}

/**
 * Parses `fdb=1000,neigh=64`: a sentence naming the problem on bad input (thrown as an
 * Error for the CLI to print as a usage failure).
 */
export function parseLimits(text: string, into: Partial<Record<keyof AnalysisLimits, number>> = {}): Partial<AnalysisLimits> {
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim();
    const key = LIMIT_NAMES[name];
    if (key === undefined) throw new Error(`unknown limit "${name}" (known: ${Object.keys(LIMIT_NAMES).join(', ')})`);
    const value = eq < 0 ? NaN : Number(part.slice(eq + 1).trim());
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`limit ${name} needs a positive integer, as in ${name}=1000`);
    into[key] = value;
  }
  return into;
}

/** One table that reached its cap. */
export interface Overflow {
  /** The short name of the limit (LIMIT_NAMES), or 'recent' for the pairing windows. */
  readonly table: string;
  /** Which instance: the bridge, the VNI, ... (null for the engine's only table). */
  readonly name: string | null;
  readonly limit: number;
  /** Frame that first hit the cap. */
  readonly firstFrame: number;
  /** Entries refused (or evicted, for tables that drop their oldest) since. */
  count: number;
  /** What the table does when full, as the kernel does: 'refused', 'dropped' or 'evicted'. */
  readonly action: 'refused' | 'dropped' | 'evicted';
  /** One sentence for people. */
  readonly message: string;
}

/** The overflows of one engine: reported once per table as a 'limit.overflow' change, then counted. */
export class OverflowLog {
  private readonly byKey = new Map<string, Overflow>();
  /** The last table hit: a flood hits one table frame after frame, counted without a lookup. */
  private last: Overflow | null = null;

  /** A table refused (or evicted) one entry: the first time, emits the change. Returns the table's record. */
  hit(table: string, name: string | null, limit: number, action: Overflow['action'], frame: number, what: string, out: Change[] | null): Overflow {
    const last = this.last;
    if (last !== null && last.table === table && last.name === name) {
      last.count++;
      return last;
    }
    const key = name === null ? table : `${table}\u0000${name}`;
    const known = this.byKey.get(key);
    if (known !== undefined) {
      known.count++;
      this.last = known;
      return known;
    }
    const where = name === null ? ' the table' : ` ${name}`;
    const message = `${table} overflow:${where} reached its limit of ${limit} ${what}; further ones are ${action === 'evicted' ? 'evicting the oldest' : 'not recorded'}`;
    const o: Overflow = { table, name, limit, firstFrame: frame, count: 1, action, message };
    this.byKey.set(key, o);
    this.last = o;
    out?.push({ frame, kind: 'limit.overflow', table, name, limit, action, message });
    return o;
  }

  get size(): number {
    return this.byKey.size;
  }

  list(): Overflow[] {
    return [...this.byKey.values()];
  }

  copyFrom(other: OverflowLog): void {
    for (const [k, o] of other.byKey) this.byKey.set(k, { ...o });
  }
}

/** The report's `limits` section: the caps in force and the tables that reached them. */
export function limitsReport(limits: AnalysisLimits, overflows: readonly Overflow[]): JsonValue {
  const sorted = [...overflows].sort((a, b) => a.firstFrame - b.firstFrame || (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  return {
    caps: { ...limits },
    overflows: sorted.map((o) => ({
      table: o.table, name: o.name, limit: o.limit, firstFrame: o.firstFrame, count: o.count, action: o.action, message: o.message,
    })),
  };
}

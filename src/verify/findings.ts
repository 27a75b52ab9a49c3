// What `dockshark verify` says about one kernel table entry (or one of ours): the
// kernel and dockshark agree, differ, or the capture cannot tell (the entry predates
// it, or the capture does not show the port it was learned on).

export type VerifiedTable = 'fdb' | 'arp' | 'nat' | 'vxlan';
export type Verdict = 'agree' | 'differ' | 'unchecked';

export interface Finding {
  readonly table: VerifiedTable;
  readonly verdict: Verdict;
  /** The kernel dump the entry comes from (for dockshark's extra entries: the dump that lacks it). */
  readonly file: string;
  /** The bridge, namespace table or VNI the entry belongs to, as the kernel names it. */
  readonly scope: string;
  /** The entry's key: a MAC, an IP, or a connection's original tuple. */
  readonly key: string;
  /** What the kernel holds for the key, null when it holds nothing. */
  readonly kernel: string | null;
  /** What dockshark rebuilt for the key, null when nothing. */
  readonly ours: string | null;
  /** Why, in one sentence, when the verdict is not plain agreement. */
  readonly why: string | null;
  /** A connection's inside address (the container's, before SNAT or after DNAT), for naming it. */
  readonly inside?: string;
  /** The container or interface the topology names for the entry (its MAC, IP, or a connection's inside address). */
  name?: string;
}

export function finding(table: VerifiedTable, verdict: Verdict, file: string, scope: string, key: string,
  kernel: string | null, ours: string | null, why: string | null = null): Finding {
  return { table, verdict, file, scope, key, kernel, ours, why };
}

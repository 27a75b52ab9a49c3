// The shape of the report analyze() and `analyze --json` give, as types. The engines build
// it as plain JSON; test/api/report-types.test.ts type-checks the real reports of every
// capture in captures/ against these declarations, so they cannot drift from what is
// produced. Frame numbers are the input's (what `decode` prints); null where no frame
// showed the thing (an entry known from the topology only).

import type { InferredTopology } from '../analysis/infer-topology.js';
import type { MtuGroup } from '../analysis/overlay-mtu.js';
import type { JsonValue } from '../decode/index.js';
import type { Departure } from '../verify/departures.js';

export type { InferredTopology, Departure };

export type FdbEntryReport = {
  mac: string;
  /** The bridge port it was learned on; null when the capture does not say. */
  port: string | null;
  vlan: number | null;
  /** The bridge's own address (not learned on a port). */
  local: boolean;
  firstFrame: number | null;
  lastFrame: number | null;
  /** An SLL2 port known by its index only. */
  ifindex?: number;
  /** The container or interface the topology names for the MAC. */
  name?: string;
};

export type BridgeReport = {
  /** null for a bridge the capture shows but does not name. */
  name: string | null;
  ifindex?: number;
  fdb: FdbEntryReport[];
  ingress: number;
  fromHost: number;
  forwarded: number;
  toHost: number;
  filtered: number;
  flooded: { broadcast: number; multicast: number; unknownUnicast: number };
  /** Frames whose forwarding cannot be judged (SLL: no destination MAC). */
  undetermined: number;
  learned: number;
  moved: number;
  expired: number;
};

export type ArpEntryReport = {
  ip: string;
  mac: string;
  firstFrame: number;
  lastFrame: number;
  name?: string;
};

export type NatTuple = { src: string; dst: string; sport?: number; dport?: number; id?: number };

export type NatEntryReport = {
  proto: string;
  /** MASQUERADE (snat) or a published port (dnat). */
  type: 'snat' | 'dnat';
  original: NatTuple;
  reply: NatTuple;
  inside: string | null;
  outside: string | null;
  firstFrame: number;
  lastFrame: number;
  packets: { original: number; reply: number };
  /** The container inside, when the topology names it. */
  container?: string;
};

export type TunnelReport = {
  vni: number;
  local: string | null;
  remote: string | null;
  port: number;
  frames: number;
  firstFrame: number;
  lastFrame: number;
  /** How the local end was told from the remote one. */
  localBy: string;
  localName?: string;
  remoteName?: string;
};

export type VtepEntryReport = {
  vni: number;
  mac: string;
  vtep: string;
  firstFrame: number;
  learnedFrame: number;
  lastFrame: number;
  frames: number;
  moves: number;
  name?: string;
};

/** MTU trouble on an overlay, grouped by problem, VNI, hosts and MTU. */
export type MtuTroubleReport = MtuGroup;

export type VniReport = {
  vni: number;
  frames: number;
  vteps: string[];
  macs: number;
  learning: boolean | null;
  deviceMtu: number | null;
  largestInner: number;
  /** The inner frames' bridge and ARP tables. */
  bridges?: BridgeReport[];
  arp?: ArpEntryReport[];
};

export type OverlayReport = {
  tunnels: TunnelReport[];
  fdb: VtepEntryReport[];
  mtu: MtuTroubleReport[];
  mtuCounts: Record<string, number>;
  vnis: VniReport[];
  /** VXLAN frames that could not be attributed to a tunnel. */
  ignored: number;
};

/** One change an engine made: `kind` is namespaced ('fdb.learn', 'arp.new', 'nat.new', ...). */
export type ChangeEvent = { frame: number; kind: string; [key: string]: JsonValue };

/** A table that reached its cap (src/analysis/limits.ts): reported once, then counted. */
export type OverflowReport = {
  /** The limit's short name: 'fdb', 'neigh', 'conntrack', 'vni', 'overlay-fdb', 'tunnels', 'frag', 'events', 'recent'. */
  table: string;
  /** Which one: 'bridge docker0', 'VNI 42', ... (null for the engine's only table). */
  name: string | null;
  limit: number;
  firstFrame: number;
  /** Entries refused, connections dropped, or old entries evicted. */
  count: number;
  action: 'refused' | 'dropped' | 'evicted';
  message: string;
};

/** The caps in force and the tables that reached them (present only when one did). */
export type LimitsReport = {
  caps: {
    fdbEntries: number; interfaces: number; neighEntries: number; natConnections: number; natHistory: number; overlayVnis: number;
    overlayFdbEntries: number; overlayTunnels: number; fragDatagrams: number; fragSeconds: number; events: number;
    recentFrames: number; housekeepingMacs: number;
  };
  overflows: OverflowReport[];
};

export type AnalysisReport = {
  frames: number;
  interfaces: { name: string | null; linktype: number; frames: number }[];
  bridges: BridgeReport[];
  arp: ArpEntryReport[];
  nat: NatEntryReport[];
  overlay: OverlayReport;
  /** Lists shortened to a bounded size, with how many entries each left out (`nat`: the live connections and the first and last natHistory / 2 to end are listed). */
  capped?: Record<string, number>;
  /** Every change in the order the engines made it (absent when not asked for). */
  events?: ChangeEvent[];
  inferred: InferredTopology;
  /** Where the traffic departs from Docker's view of the network (with a topology only). */
  departures?: Departure[];
  /** `analyze -Y`: the filter and how many frames matched (the events are theirs). */
  filter?: { text: string; frames: number };
  /** Tables that reached their cap (absent when none did). */
  limits?: LimitsReport;
};

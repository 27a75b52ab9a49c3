// The state of the bridge FDB engine (fdb.ts): bridges, their forwarding tables per
// VLAN, entries, the ageing list and the per-bridge counters. Nothing here allocates
// per frame except a new entry: MACs are numbers and tables are Maps keyed by them.

import { formatMac, type JsonValue } from '../decode/index.js';
import type { Iface } from './fdb-ifaces.js';
import { U48Map } from './u48-map.js';

/** Frame counters of one bridge (see FdbEngine for what is counted where). */
export class BridgeCounters {
  /** Frames that entered the bridge from a port (a captured one, or one the capture does not show). */
  ingress = 0;
  /** Frames the bridge device itself sent (the host's own traffic). */
  fromHost = 0;
  forwarded = 0;
  toHost = 0;
  /** Unicast to a MAC known on the very port the frame came in on: the kernel drops it. */
  filtered = 0;
  floodBroadcast = 0;
  floodMulticast = 0;
  floodUnknownUnicast = 0;
  /** SLL frames: the capture has no destination MAC, so forward vs flood cannot be judged. */
  undetermined = 0;
  learned = 0;
  moved = 0;
  expired = 0;

  copyFrom(o: BridgeCounters): void {
    Object.assign(this, o);
  }

  toJson(): Record<string, JsonValue> {
    return {
      ingress: this.ingress, fromHost: this.fromHost,
      forwarded: this.forwarded, toHost: this.toHost, filtered: this.filtered,
      flooded: { broadcast: this.floodBroadcast, multicast: this.floodMulticast, unknownUnicast: this.floodUnknownUnicast },
      undetermined: this.undetermined,
      learned: this.learned, moved: this.moved, expired: this.expired,
    };
  }
}

export class Entry {
  /** Ageing list links (learned entries only; local ones never age). */
  prev: Entry | null = null;
  next: Entry | null = null;
  linked = false;
  /** Capture time of the last refresh. */
  lastSec = 0;
  lastNsec = 0;

  constructor(
    readonly bridge: Bridge,
    readonly mac: number,
    /** VLAN id, 0 for untagged (reported as null). */
    readonly vlan: number,
    public port: Iface | null,
    public local: boolean,
    /** Frame numbers; -1 when no frame has shown the address (a local one from the topology). */
    public firstFrame: number,
    public lastFrame: number,
  ) {}

  toJson(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {
      mac: formatMac(this.mac),
      port: this.port?.name ?? null,
      vlan: this.vlan === 0 ? null : this.vlan,
      local: this.local,
      firstFrame: this.firstFrame < 0 ? null : this.firstFrame,
      lastFrame: this.lastFrame < 0 ? null : this.lastFrame,
    };
    if (this.port !== null && this.port.name === null && this.port.ifindex >= 0) out.ifindex = this.port.ifindex;
    return out;
  }
}

export class Bridge {
  /** VLAN id (0 = untagged) -> MAC -> entry. */
  readonly tables = new Map<number, U48Map<Entry>>();
  readonly untagged = new U48Map<Entry>();
  /** Entries in all of `tables` (capped by the engine's fdbEntries limit). */
  entryCount = 0;
  /** Its record in the engine's overflow log once full (counted there without building its name again). */
  overflow: { count: number } | null = null;
  /** Ports attached to this bridge (topology, or copy correlation). */
  portCount = 0;
  /** A frame was captured on the bridge device itself. */
  deviceSeen = false;
  /** VXLAN ports with a local VTEP (topology): its frames are matched with tunnelled ones. */
  tunnelPorts = 0;
  readonly counters = new BridgeCounters();

  constructor(
    /** Unique key: the name, '' for the unnamed fallback bridge, '#<key>' for one known by ifindex only. */
    readonly id: string,
    readonly name: string | null,
    /** ifindex of an unnamed bridge seen in an SLL2 capture; -1 otherwise. */
    readonly ifindex: number,
  ) {
    this.tables.set(0, this.untagged);
  }

  table(vlan: number): U48Map<Entry> {
    if (vlan === 0) return this.untagged;
    let t = this.tables.get(vlan);
    if (t === undefined) {
      t = new U48Map();
      this.tables.set(vlan, t);
    }
    return t;
  }

  /** Entries sorted by MAC then VLAN. */
  sortedEntries(): Entry[] {
    const all: Entry[] = [];
    for (const t of this.tables.values()) for (const e of t.values()) all.push(e);
    return all.sort((a, b) => a.mac - b.mac || a.vlan - b.vlan);
  }

  toJson(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = { name: this.name };
    if (this.name === null && this.ifindex >= 0) out.ifindex = this.ifindex;
    const entries = this.sortedEntries();
    out.fdb = entries.map((e) => e.toJson());
    return Object.assign(out, this.counters.toJson());
  }
}

/** Deterministic bridge order: named ones by name, then unnamed ones by ifindex. */
export function compareBridges(a: Bridge, b: Bridge): number {
  if (a.name !== null && b.name !== null) return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  if (a.name !== null) return -1;
  if (b.name !== null) return 1;
  return a.ifindex - b.ifindex;
}

/**
 * Learned entries in order of their last refresh (oldest first). Refreshes use the
 * engine's monotonic clock, so the list stays sorted and ageing only looks at its head.
 */
export class AgeingList {
  head: Entry | null = null;
  tail: Entry | null = null;

  touch(e: Entry, sec: number, nsec: number): void {
    e.lastSec = sec;
    e.lastNsec = nsec;
    if (e.linked) {
      if (this.tail === e) return;
      this.remove(e);
    }
    e.prev = this.tail;
    e.next = null;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
    e.linked = true;
  }

  remove(e: Entry): void {
    if (!e.linked) return;
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = e.next = null;
    e.linked = false;
  }
}

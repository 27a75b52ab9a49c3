// The ARP engine: an IP -> MAC table learned from ARP senders, with arpwatch's
// events as changes.
//
// What is learned: the sender (spa -> sha) of every Ethernet/IPv4 ARP request and
// reply, gratuitous ARP (spa == tpa) included. Not learned: probes (RFC 5227, spa
// 0.0.0.0), senders with a zero or group MAC, targets (a request's tha is unknown; a
// reply's target is the asker, which its own request already taught). Only the
// first copy of a frame counts (`frame.copy.isCopy` is skipped, and so is the same
// message seen again within COPY_WINDOW_MS on another capture side: see isCopy).
//
// The engine reads only the first 'arp' layer of the frame and the link layer just
// before it (for the mismatch check), never the outer layers: the overlay engine
// runs one instance per VNI on the inner frames of VXLAN.
//
// Changes (arpwatch's vocabulary, Wireshark's "duplicate use of IP"):
//   arp.new        first claim of an IP ("new station")
//   arp.changed    the IP moved to a MAC it never had before ("changed ethernet address")
//   arp.flipflop   the IP went back to the MAC it had just before ("flip flop")
//   arp.reused     the IP went back to an older MAC, not the last one ("reused old ethernet address")
//   arp.mismatch   the link-layer source (Ethernet/SLL) differs from the ARP sender MAC ("ethernet mismatch")
//   arp.duplicate  two MACs claim one IP within DUPLICATE_WINDOW_MS: an answered probe
//                  (reason 'probe-answered'), or two claims by different MACs, e.g. a
//                  gratuitous ARP defended or a request answered twice (reason
//                  'conflicting-claims'). It is a warning beside the table change,
//                  which is still reported by arp.changed/flipflop/reused.
//
// A real MAC change (a container recreated with the same IP) is two claims seconds
// apart: arp.changed, no duplicate. The window is the rule that tells them apart.

import { LayerKind, type ArpLayer, formatIpv4, formatMac, isGroupMac, type JsonValue, type Layer, type MacNumber } from '../decode/index.js';
import { DEFAULT_LIMITS, OverflowLog, type Overflow } from './limits.js';
import type { AnalysisFrame, Change, Engine, EngineOptions } from './types.js';
import { U48Map } from './u48-map.js';

/** Two claims of one IP by different MACs closer than this are a duplicate address. */
export const DUPLICATE_WINDOW_MS = 1000;
/** A probe answered by another MAC within this time is a duplicate (RFC 5227 probes wait 1-2 s). */
export const PROBE_WINDOW_MS = 2000;
/** How many earlier MACs of an IP are remembered (for flipflop/reused). */
const HISTORY = 8;
/** Copies of one frame on several interfaces arrive within this (as copies.ts). */
const COPY_WINDOW_MS = 10;
/** How many recent ARP messages are remembered to recognise copies. */
const RECENT = 16;

/** A recent ARP message, to recognise its copies on other capture sides. */
class RecentArp {
  ms = -Infinity;
  ifaceId = -1;
  ifindex = -1;
  op = 0;
  linkSrc = 0;
  sha = 0;
  spa = 0;
  tha = 0;
  tpa = 0;
}

const OP_REQUEST = 1;
const OP_REPLY = 2;

class ArpEntry {
  /** Earlier MACs of this IP, most recent first (history[0] is the one before `mac`). */
  history: MacNumber[] = [];
  /** Last probe for this IP (spa 0.0.0.0): who probed and when; probeMac -1 when none. */
  probeMac: MacNumber = -1;
  probeMs = 0;
  /** Neighbours in claim order (ClaimOrder's list): re-ordering a claim moves no Map entry. */
  older: ArpEntry | null = null;
  newer: ArpEntry | null = null;
  constructor(
    readonly ip: number,
    public mac: MacNumber,
    public firstFrame: number,
    public lastFrame: number,
    /** Time of the last claim by `mac`, ms. */
    public lastMs: number,
  ) {}

  copy(): ArpEntry {
    const e = new ArpEntry(this.ip, this.mac, this.firstFrame, this.lastFrame, this.lastMs);
    e.history = this.history.slice();
    e.probeMac = this.probeMac;
    e.probeMs = this.probeMs;
    return e;
  }
}

/**
 * Entries in the order of their last claim, oldest first, as a doubly linked list through
 * the entries: a claim moves its entry to the end in O(1) without touching the Map (a Map
 * delete and set per claim left holes that made V8 rebuild the table every few claims).
 */
class ClaimOrder {
  oldest: ArpEntry | null = null;
  newest: ArpEntry | null = null;

  append(e: ArpEntry): void {
    e.older = this.newest;
    e.newer = null;
    if (this.newest !== null) this.newest.newer = e;
    else this.oldest = e;
    this.newest = e;
  }

  remove(e: ArpEntry): void {
    if (e.older !== null) e.older.newer = e.newer;
    else this.oldest = e.newer;
    if (e.newer !== null) e.newer.older = e.older;
    else this.newest = e.older;
    e.older = e.newer = null;
  }

  /** Moves `e` to the newest end. */
  touch(e: ArpEntry): void {
    if (e === this.newest) return;
    this.remove(e);
    this.append(e);
  }
}

export class ArpEngine implements Engine {
  readonly name = 'arp';
  /** IPv4 address (u32) -> entry; a U48Map: see there why not a JS Map. */
  private readonly table = new U48Map<ArpEntry>();
  private readonly claimOrder = new ClaimOrder();
  /** Probes for IPs nobody has claimed yet: IP -> prober and time. */
  private readonly probes = new Map<number, { mac: MacNumber; ms: number }>();
  /** Ring of the last RECENT messages (copy recognition). */
  private readonly recent: RecentArp[] = Array.from({ length: RECENT }, () => new RecentArp());
  private recentNext = 0;
  /** Table cap (gc_thresh3): a full table evicts the entry claimed longest ago. */
  private readonly maxEntries: number;
  private overflow = new OverflowLog();

  constructor(readonly options: EngineOptions, readonly tableName: string | null = null) {
    this.maxEntries = (options.limits ?? DEFAULT_LIMITS).neighEntries;
  }

  /** Engine.stepBatch: this class's own loop, so the call to step() is direct and can be inlined. */
  stepBatch(frames: readonly AnalysisFrame[], outs: readonly Change[][], count: number): void {
    for (let k = 0; k < count; k++) this.step(frames[k], outs[k]);
  }

  step(frame: AnalysisFrame, out: Change[]): void {
    if (frame.copy.isCopy) return;
    const list = frame.layers;
    const items = list.items;
    const index = list.indexOf(LayerKind.Arp); // one bit test on the frames that are not ARP (most)
    if (index < 0) return;
    const arp = items[index] as ArpLayer;
    if (!arp.ethIpv4 || (arp.op !== OP_REQUEST && arp.op !== OP_REPLY)) return;
    const now = frame.tsSec * 1000 + frame.tsNsec / 1e6;
    const linkSrc = linkSourceBefore(items, index);
    if (this.isCopy(frame, now, arp, linkSrc)) return;

    if (linkSrc >= 0 && linkSrc !== arp.sha) {
      out.push({
        frame: frame.no, kind: 'arp.mismatch', ip: formatIpv4(arp.spa), mac: formatMac(arp.sha), linkSrc: formatMac(linkSrc),
      });
    }

    if (arp.sha === 0 || isGroupMac(arp.sha)) return;
    if (arp.spa === 0) {
      // A probe: the prober wants tpa and does not own it yet.
      if (arp.op === OP_REQUEST && arp.tpa !== 0) this.noteProbe(arp.tpa, arp.sha, now);
      return;
    }
    this.claim(frame.no, now, arp.spa, arp.sha, arp.spa === arp.tpa, out);
  }

  /**
   * The same message seen within COPY_WINDOW_MS on another capture side (interface id or
   * SLL2 ifindex) is a bridged copy, whether or not the copy tracker flagged it (frames
   * may come from elsewhere: the overlay's inner frames). Remembers the message otherwise.
   */
  private isCopy(frame: AnalysisFrame, now: number, arp: ArpLayer, linkSrc: MacNumber): boolean {
    // While the capture has one interface (not SLL2), every message remembered came from it:
    // none is on another side, and the scan is skipped (still remembered: an interface a
    // pcapng declares later may show a copy).
    if (frame.copy.alone !== true) {
      for (const r of this.recent) {
        if (now - r.ms <= COPY_WINDOW_MS && r.op === arp.op && r.sha === arp.sha && r.spa === arp.spa && r.tha === arp.tha &&
          r.tpa === arp.tpa && r.linkSrc === linkSrc && (r.ifaceId !== frame.ifaceId || r.ifindex !== frame.ifindex)) return true;
      }
    }
    const r = this.recent[this.recentNext];
    this.recentNext = (this.recentNext + 1) % RECENT;
    r.ms = now; r.ifaceId = frame.ifaceId; r.ifindex = frame.ifindex; r.op = arp.op; r.linkSrc = linkSrc;
    r.sha = arp.sha; r.spa = arp.spa; r.tha = arp.tha; r.tpa = arp.tpa;
    return false;
  }

  private noteProbe(ip: number, mac: MacNumber, now: number): void {
    const entry = this.table.get(ip);
    if (entry) {
      entry.probeMac = mac;
      entry.probeMs = now;
      return;
    }
    // No table entry: an IP enters the table only with a claim. Re-inserted, so the map
    // stays in time order and pruning stops at the first probe still fresh.
    this.probes.delete(ip);
    if (this.probes.size >= this.maxEntries) this.pruneProbes(now);
    this.probes.set(ip, { mac, ms: now });
  }

  /**
   * Forgets probes too old to matter (checkProbe ignores them), oldest first, and the
   * oldest one when all are fresh: a scan of many IPs neither grows the map nor rescans it.
   */
  private pruneProbes(now: number): void {
    for (const [ip, probe] of this.probes) {
      if (now - probe.ms <= PROBE_WINDOW_MS && this.probes.size < this.maxEntries) return;
      this.probes.delete(ip);
    }
  }

  private claim(no: number, now: number, ip: number, mac: MacNumber, gratuitous: boolean, out: Change[]): void {
    let entry = this.table.get(ip);
    if (entry === undefined) {
      if (this.table.size >= this.maxEntries) {
        // Full: the entry claimed longest ago goes, as the kernel's forced neighbour GC drops
        // entries nobody uses; refusing would stop a long capture learning new containers.
        const oldest = this.claimOrder.oldest as ArpEntry;
        this.claimOrder.remove(oldest);
        this.table.delete(oldest.ip);
        this.overflow.hit('neigh', this.tableName, this.maxEntries, 'evicted', no, 'entries', out);
      }
      entry = new ArpEntry(ip, mac, no, no, now);
      const probe = this.probes.get(ip);
      if (probe !== undefined) {
        this.probes.delete(ip);
        entry.probeMac = probe.mac;
        entry.probeMs = probe.ms;
      }
      this.table.set(ip, entry);
      this.claimOrder.append(entry);
      out.push({ frame: no, kind: 'arp.new', ip: formatIpv4(ip), mac: formatMac(mac), gratuitous });
      this.checkProbe(no, now, entry, mac, out);
      return;
    }
    this.checkProbe(no, now, entry, mac, out);
    // Claim order (least recent first): a full table evicts in O(1).
    this.claimOrder.touch(entry);
    if (entry.mac === mac) {
      entry.lastFrame = no;
      entry.lastMs = now;
      return;
    }
    const previous = entry.mac;
    if (now - entry.lastMs <= DUPLICATE_WINDOW_MS) {
      out.push({
        frame: no, kind: 'arp.duplicate', ip: formatIpv4(ip), mac: formatMac(mac), other: formatMac(previous),
        reason: 'conflicting-claims',
      });
    }
    const at = entry.history.indexOf(mac);
    const kind = at === 0 ? 'arp.flipflop' : at > 0 ? 'arp.reused' : 'arp.changed';
    if (at >= 0) entry.history.splice(at, 1);
    entry.history.unshift(previous);
    if (entry.history.length > HISTORY) entry.history.length = HISTORY;
    entry.mac = mac;
    entry.firstFrame = no;
    entry.lastFrame = no;
    entry.lastMs = now;
    out.push({ frame: no, kind, ip: formatIpv4(ip), mac: formatMac(mac), previous: formatMac(previous), gratuitous });
  }

  /** A claim by a MAC other than a recent prober's: the probe was answered, the address is taken. */
  private checkProbe(no: number, now: number, entry: ArpEntry, mac: MacNumber, out: Change[]): void {
    if (entry.probeMac < 0) return;
    if (now - entry.probeMs > PROBE_WINDOW_MS) {
      entry.probeMac = -1;
      return;
    }
    if (entry.probeMac === mac) {
      entry.probeMac = -1; // the prober announces: the probe is over
      return;
    }
    out.push({
      frame: no, kind: 'arp.duplicate', ip: formatIpv4(entry.ip), mac: formatMac(mac), other: formatMac(entry.probeMac),
      reason: 'probe-answered',
    });
    entry.probeMac = -1;
  }

  /** The current table: [{ ip, mac, firstFrame, lastFrame }] sorted by IP; frames of the current mapping. */
  report(): JsonValue {
    const entries = [...this.table.values()].sort((a, b) => a.ip - b.ip);
    return entries.map((e) => ({ ip: formatIpv4(e.ip), mac: formatMac(e.mac), firstFrame: e.firstFrame, lastFrame: e.lastFrame }));
  }

  /** The MAC an IP maps to now (a u32 IP), or null. */
  lookup(ip: number): MacNumber | null {
    return this.table.get(ip)?.mac ?? null;
  }

  get size(): number {
    return this.table.size;
  }

  overflows(): readonly Overflow[] {
    return this.overflow.list();
  }

  clone(): ArpEngine {
    const copy = new ArpEngine(this.options, this.tableName);
    copy.overflow.copyFrom(this.overflow);
    for (let e = this.claimOrder.oldest; e !== null; e = e.newer) {
      const c = e.copy();
      copy.table.set(c.ip, c);
      copy.claimOrder.append(c);
    }
    for (const [ip, probe] of this.probes) copy.probes.set(ip, { mac: probe.mac, ms: probe.ms });
    for (let i = 0; i < RECENT; i++) Object.assign(copy.recent[i], this.recent[i]);
    copy.recentNext = this.recentNext;
    return copy;
  }
}

/** Source MAC of the link layer right before layer `index` (VLAN tags skipped), -1 when there is none. */
function linkSourceBefore(items: readonly Layer[], index: number): MacNumber {
  for (let i = index - 1; i >= 0; i--) {
    const l = items[i];
    if (l.proto === 'vlan') continue;
    if (l.proto === 'eth') return l.src;
    if (l.proto === 'sll') return l.halen === 6 ? l.src : -1;
    return -1;
  }
  return -1;
}

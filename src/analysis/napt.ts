// The NAPT engine: rebuilds the kernel's connection-tracking entries for translated
// flows (MASQUERADE/SNAT and published-port DNAT) by seeing the same packet on both
// sides of the NAT, in conntrack's own terms: protocol, original tuple, reply tuple.
//
// Correlation rules (see napt-sightings.ts for the invariant key):
//  0. Copies. Frames flagged `copy.isCopy` are skipped; so is a packet identical to
//     one seen within COPY_WINDOW_MS on another capture side (interface id, SLL2
//     ifindex) with the same TTL: a bridged copy (veth, bridge) the copy tracker did
//     not flag. This also keeps a run over frames from another source (the overlay's
//     inner frames, a tool without copy tracking) from counting a packet twice.
//  1. Pairing. A packet P is the translated copy of an earlier packet S (seen within
//     WINDOW_MS) when they share the invariant key (IP id, protocol, TCP seq/ack/
//     flags/payload length, UDP length, ICMP type/code/sequence) and their TTLs differ
//     by exactly one: the host forwarded it, so the copy with the higher TTL is the
//     one before translation ("pre") and the other the one after ("post"). Time order
//     is not trusted for this, so per-interface timestamps that tie or cross do not
//     matter. A pair whose tuples are equal is forwarding without NAT and creates
//     nothing. Otherwise one half of the tuple changed (source: SNAT, destination:
//     DNAT) or, for hairpin NAT, both (only accepted for TCP or a non-zero IP id,
//     where the invariant key is strong).
//  2. Which pair is the connection's first packet decides the direction: a TCP
//     SYN-ACK or an ICMP echo/timestamp/... reply is the reply direction, anything
//     else (SYN, mid-stream TCP, UDP, ICMP request) the original direction, as
//     conntrack decides. Original tuple = the pre copy of an original-direction
//     packet; reply tuple = the mirror of its post copy (or, for a reply-direction
//     pair, the reply tuple is the pre copy and the original the mirror of the post).
//  3. Afterwards packets map by tuple: the four tuples of a connection (each
//     direction, before and after translation) are indexed, so a packet seen on only
//     one side (one interface captured, a copy lost) still counts. Each packet counts
//     once: its first sighting counts, the second is recognised as the same packet
//     (pairing again, consistent with the connection) and does not. A sighting from
//     before the connection existed (a copy stamped before the packet that created it)
//     is consistent when its tuple maps to the connection now.
//  4. A pair is authoritative: when it disagrees with the connection a tuple maps to
//     (the port was reused after the entry expired, another translation), the old
//     connection is retired and a new one starts. Entries also expire by conntrack's
//     default timeouts (UDP 30 s / 120 s when replied for more than 2 s, ICMP 30 s,
//     TCP 120 s unreplied or closing, 10 s after RST, 5 days established): retired at
//     the first frame past the timeout, with a 'nat.expire' change (napt-expiry.ts).
//     The report still lists them (connections seen, not only the live ones).
//  5. Candidate choice: several sightings can share an invariant key (UDP with IP id
//     0, sent by unconnected DF sockets). The best candidate is an identical copy,
//     then one consistent with the connection the packet maps to, then one that kept
//     the port (Linux keeps the source port when it can), then any; ties go to the
//     oldest sighting (the kernel translates in arrival order).
//  6. ICMP errors (unreachable, time exceeded, parameter problem, redirect, source
//     quench) are mapped by the tuple of the header they quote (any of the four) to
//     their connection: 'nat.icmp-error', once per error packet (the copy on the other
//     side, rewritten by the kernel, is recognised and not reported again).
//
// Limits: both sides must be captured for a connection to be found (one side alone
// shows no translation); the two sides must be one routing hop apart (TTL - 1);
// ambiguous candidates in rule 5 can still be paired wrongly; IP fragments count
// only as the datagram they complete; NAT helpers that rewrite payloads (FTP, SIP)
// and sequence adjustment are not modelled; IPv6 NAT is not handled.
//
// `inside`/`outside`: the capture interface of each side; with a topology, a bridge
// port is reported as its bridge (an `-i any` capture sees the container's packets
// first on its veth). null when the capture does not name interfaces.

import { formatIpv4, LayerKind, type Ipv4Layer, type IcmpLayer, type JsonValue } from '../decode/index.js';
import {
  COUNTED, ERROR, F_BITS, F_DPORT, F_DST, F_IFACE_ID, F_IFINDEX, F_INV1, F_INV2, F_INV3, F_IPID, F_KEY, F_PROTO, F_SPORT, F_SRC,
  F_TTL, NONE, PAIRED, SightingWindow, WINDOW_MS, bitsOf, invariantHash, roleOf,
} from './napt-sightings.js';
import { NatTable } from './napt-table.js';
import { ORIG_PRE, REPLY_PRE, isOriginal, isPre } from './napt-tuple.js';
import { DEFAULT_LIMITS, type Overflow } from './limits.js';
import type { AnalysisFrame, Change, Engine, EngineOptions } from './types.js';

/** Same-key sightings examined per packet: a flood of identical packets costs a constant each. */
const MAX_CANDIDATES = 64;
import { DIR_UNKNOWN, DIR_ORIGINAL, TCP, ICMP, ICMP_ERROR_KEY, SECOND, COPY_WINDOW_MS, NatConn, isIcmpError, Packet } from './napt-conn.js';

export class NaptEngine implements Engine {
  readonly name = 'nat';
  private table: NatTable;
  private readonly window = new SightingWindow<NatConn>();
  private readonly packet = new Packet();
  /** Sightings findPartner has looked at, in all (tests check it grows linearly with the packets). */
  candidatesExamined = 0;
  /** Set by findPartner: the packet being stepped is a copy of one already seen. */
  private copySeen = false;

  constructor(readonly options: EngineOptions) {
    const limits = options.limits ?? DEFAULT_LIMITS;
    this.table = new NatTable(limits);
    this.window.maxCount = limits.recentFrames;
  }

  overflows(): readonly Overflow[] {
    return this.table.overflow.list();
  }

  /** Engine.stepBatch: this class's own loop, so the call to step() is direct and can be inlined. */
  stepBatch(frames: readonly AnalysisFrame[], outs: readonly Change[][], count: number): void {
    for (let k = 0; k < count; k++) this.step(frames[k], outs[k]);
  }

  step(frame: AnalysisFrame, out: Change[]): void {
    // Expiry first, on every frame: what a packet maps to below is live at its time.
    if (this.table.mayExpireBy(frame.tsSec)) this.table.expireDue(frame.tsSec * SECOND + frame.tsNsec / 1e6, frame.no, out);
    if (frame.copy.isCopy) return;
    const list = frame.layers;
    const items = list.items;
    const i = list.indexOf(LayerKind.Ipv4);
    if (i < 0 || i + 1 >= list.count) return;
    const ip = items[i] as Ipv4Layer;
    if (ip.partial || ((ip.mf || ip.fragOffset > 0) && !ip.reassembled)) return;
    const l4 = items[i + 1];
    const l4Kind = list.kinds[i + 1] as LayerKind;
    const now = frame.tsSec * SECOND + frame.tsNsec / 1e6;
    // The packet's time goes to findPartner, pair, record and NatTable.count as a field, not an
    // argument: a double passed to a call V8 does not inline is boxed, an allocation per call.
    this.table.nowMs = now;
    if (l4Kind === LayerKind.Icmp && isIcmpError((l4 as IcmpLayer).type)) {
      if (ip.protocol === ICMP) this.icmpError(frame, ip, l4 as IcmpLayer, out);
      return;
    }
    const p = this.packet;
    if (!p.read(ip, l4, l4Kind, false)) return;
    this.window.expire(now - WINDOW_MS);

    const slot = this.table.lookup(p);
    const conn = slot !== null ? slot.conn : null;
    const role = slot !== null ? slot.role : -1;
    const key = invariantHash(p.proto, p.ipId, p.inv1, p.inv2, p.inv3);
    const partner = this.findPartner(key, conn, role, frame.ifaceId, frame.ifindex);
    if (this.copySeen) return; // a bridged copy of a packet already seen (rule 0)
    let flags = 0;
    if (partner !== NONE) {
      this.pair(frame, partner, conn, role, out);
      flags = PAIRED;
    } else if (conn !== null) {
      this.table.count(conn, role, frame.no, p.tcpFlags);
      flags = COUNTED;
    }
    this.record(key, frame, p, bitsOf(flags, p.dirHint, partner === NONE ? role : -1), partner === NONE ? conn : null);
  }

  /** Remembers packet `p` of `frame` as a sighting (for its copy on the other side). */
  private record(key: number, frame: AnalysisFrame, p: Packet, bits: number, conn: NatConn | null): void {
    const w = this.window;
    if (w.size >= w.maxCount) this.table.overflow.hit('recent', 'nat sightings', w.maxCount, 'evicted', frame.no, 'packets within the pairing window', null);
    const s = w.add(key, this.table.nowMs);
    const r = w.rec;
    const b = s << 4;
    r[b + F_IFACE_ID] = frame.ifaceId; r[b + F_IFINDEX] = frame.ifindex; r[b + F_TTL] = p.ttl; r[b + F_PROTO] = p.proto;
    r[b + F_SRC] = p.src; r[b + F_DST] = p.dst; r[b + F_SPORT] = p.sport; r[b + F_DPORT] = p.dport; r[b + F_IPID] = p.ipId;
    r[b + F_INV1] = p.inv1; r[b + F_INV2] = p.inv2; r[b + F_INV3] = p.inv3; r[b + F_BITS] = bits;
    w.frameNo[s] = frame.no;
    // Pointers are stored only when they change (the slot's last sighting usually had the same
    // interface, and no connection): each store of one runs V8's write barrier.
    if (w.iface[s] !== frame.iface) w.iface[s] = frame.iface;
    if (w.conn[s] !== conn) w.conn[s] = conn;
  }

  /**
   * The best earlier sighting of the packet being stepped on the other side of a forwarding
   * hop (rule 5), or NONE. Sets `copySeen` instead when the packet is a bridged copy of one.
   */
  private findPartner(key: number, conn: NatConn | null, role: number, ifaceId: number, ifindex: number): number {
    const p = this.packet;
    const now = this.table.nowMs;
    const w = this.window;
    const r = w.rec;
    const src = p.src | 0, dst = p.dst | 0;
    let best = NONE;
    let bestScore = 0;
    this.copySeen = false;
    let budget = MAX_CANDIDATES;
    for (let s = w.first(key); s !== NONE && budget-- > 0; s = w.older(s)) {
      this.candidatesExamined++;
      const b = s << 4;
      if (r[b + F_KEY] !== key || r[b + F_PROTO] !== p.proto || r[b + F_IPID] !== p.ipId || r[b + F_INV1] !== p.inv1 ||
        r[b + F_INV2] !== p.inv2 || r[b + F_INV3] !== p.inv3 || (r[b + F_BITS] & ERROR) !== 0) continue;
      const sameSrc = r[b + F_SRC] === src && r[b + F_SPORT] === p.sport;
      const sameDst = r[b + F_DST] === dst && r[b + F_DPORT] === p.dport;
      const dttl = r[b + F_TTL] - p.ttl;
      if (dttl === 0) {
        if (sameSrc && sameDst && (r[b + F_IFACE_ID] !== ifaceId || r[b + F_IFINDEX] !== ifindex) && now - w.ms[s] <= COPY_WINDOW_MS) {
          this.copySeen = true;
          return NONE;
        }
        continue;
      }
      if ((r[b + F_BITS] & PAIRED) !== 0 || (dttl !== 1 && dttl !== -1)) continue;
      let score: number;
      if (sameSrc && sameDst) score = 4;
      else if (conn !== null && w.conn[s] === conn && (roleOf(r[b + F_BITS]) ^ 1) === role && isPre(role) === dttl < 0) score = 3;
      else if (sameDst) score = r[b + F_SPORT] === p.sport ? 2 : 1;
      else if (sameSrc) score = r[b + F_DPORT] === p.dport ? 2 : 1;
      else if (p.proto === TCP || p.ipId !== 0) score = 1;
      else continue;
      if (score >= bestScore) { // the chain runs newest to oldest: ties go to the oldest
        best = s;
        bestScore = score;
      }
    }
    return best;
  }

  private pair(frame: AnalysisFrame, partner: number, conn: NatConn | null, role: number, out: Change[]): void {
    const now = this.table.nowMs;
    const p = this.packet;
    const w = this.window;
    const r = w.rec;
    const b = partner << 4;
    r[b + F_BITS] |= PAIRED;
    const partnerCounted = (r[b + F_BITS] & COUNTED) !== 0;
    const partnerRole = roleOf(r[b + F_BITS]);
    const pSrc = r[b + F_SRC] >>> 0, pDst = r[b + F_DST] >>> 0, pSport = r[b + F_SPORT], pDport = r[b + F_DPORT];
    if (pSrc === p.src && pDst === p.dst && pSport === p.sport && pDport === p.dport) {
      // Forwarded without translation: the same packet twice, counted once if it belongs to a connection.
      if (conn !== null && !partnerCounted) this.table.count(conn, role, frame.no, p.tcpFlags);
      return;
    }
    const thisPre = p.ttl > r[b + F_TTL];
    const pConn = w.conn[partner];
    const partnerConn = pConn !== null && pConn.active ? pConn : null;
    // The partner's role in `conn`: as recorded, or, when it was recorded before any connection
    // existed (live capture stamps each interface and direction on arrival, so a reply's inside
    // copy can come before the request's outside copy that creates the entry), by its tuple now.
    const partnerIn = conn === null ? -1 : partnerConn === conn ? partnerRole
      : pConn === null ? this.table.roleIn(conn, p.proto, pSrc, pDst, pSport, pDport) : -1;
    if (conn !== null && (role ^ 1) === partnerIn && isPre(role) === thisPre) {
      if (!partnerCounted) this.table.count(conn, role, frame.no, p.tcpFlags);
      else {
        conn.lastFrame = frame.no;
        conn.lastMs = now;
      }
      return;
    }
    // A translation not known yet (or not the one the tuples map to): a new connection.
    if (this.table.full(frame.no, out)) return;
    if (partnerCounted && pConn !== null) this.table.uncount(pConn, partnerRole, frame.no, out);
    const dir = p.dirHint !== DIR_UNKNOWN ? p.dirHint : DIR_ORIGINAL;
    const preSrc = thisPre ? p.src : pSrc, preDst = thisPre ? p.dst : pDst;
    const preSport = thisPre ? p.sport : pSport, preDport = thisPre ? p.dport : pDport;
    const postSrc = thisPre ? pSrc : p.src, postDst = thisPre ? pDst : p.dst;
    const postSport = thisPre ? pSport : p.sport, postDport = thisPre ? pDport : p.dport;
    const preIf = this.sideName(thisPre ? frame.iface : w.iface[partner]);
    const postIf = this.sideName(thisPre ? w.iface[partner] : frame.iface);
    const c = dir === DIR_ORIGINAL
      ? new NatConn(p.proto, preSrc, preDst, preSport, preDport, postDst, postSrc, postDport, postSport)
      : new NatConn(p.proto, postDst, postSrc, postDport, postSport, preSrc, preDst, preSport, preDport);
    // SNAT: the original direction's untranslated side is inside; DNAT: its translated side.
    const origPreIf = dir === DIR_ORIGINAL ? preIf : postIf;
    const origPostIf = dir === DIR_ORIGINAL ? postIf : preIf;
    c.inside = c.dnat ? origPostIf : origPreIf;
    c.outside = c.dnat ? origPreIf : origPostIf;
    c.firstFrame = w.frameNo[partner];
    c.firstMs = w.ms[partner];
    c.lastFrame = frame.no;
    c.lastMs = now;
    this.table.add(c);
    this.table.count(c, dir === DIR_ORIGINAL ? ORIG_PRE : REPLY_PRE, frame.no, p.tcpFlags);
    const proto = c.protoName();
    const original = c.original();
    const reply = c.reply();
    out.push({
      frame: frame.no, kind: 'nat.new', proto, type: c.dnat ? 'dnat' : 'snat',
      translated: c.snat && c.dnat ? 'src+dst' : c.dnat ? 'dst' : 'src',
      original, reply, inside: c.inside, outside: c.outside,
    });
    if (c.oSport !== c.rDport) {
      out.push({ frame: frame.no, kind: 'nat.remap', proto, original, reply, from: c.oSport, to: c.rDport });
    }
  }

  private icmpError(frame: AnalysisFrame, ip: Ipv4Layer, icmp: IcmpLayer, out: Change[]): void {
    const quoted = icmp.quoted;
    if (quoted.count < 2) return;
    const qip = quoted.items[0];
    if (qip.proto !== 'ipv4' || qip.partial) return;
    const p = this.packet;
    if (!p.read(qip, quoted.items[1], quoted.kinds[1] as LayerKind, true)) return;
    const slot = this.table.lookup(p);
    if (slot === null) return;
    const conn = slot.conn;
    this.window.expire(this.table.nowMs - WINDOW_MS);
    const inv1 = (icmp.type << 8) | icmp.code;
    const key = invariantHash(ICMP_ERROR_KEY, ip.id, inv1, qip.id, qip.protocol);
    const w = this.window;
    const r = w.rec;
    for (let s = w.first(key); s !== NONE; s = w.older(s)) {
      const b = s << 4;
      if (r[b + F_KEY] === key && (r[b + F_BITS] & 0xf) === ERROR && w.conn[s] === conn && r[b + F_IPID] === ip.id &&
        r[b + F_INV1] === inv1 && r[b + F_INV2] === qip.id && r[b + F_INV3] === qip.protocol) {
        r[b + F_BITS] |= PAIRED; // the other side's copy of an error already reported
        return;
      }
    }
    out.push({
      frame: frame.no, kind: 'nat.icmp-error', proto: conn.protoName(), type: conn.dnat ? 'dnat' : 'snat',
      original: conn.original(), reply: conn.reply(), icmpType: icmp.type, icmpCode: icmp.code,
      from: formatIpv4(ip.src), to: formatIpv4(ip.dst),
      quoted: isOriginal(slot.role) ? 'original' : 'reply', translated: !isPre(slot.role), iface: frame.iface,
    });
    p.setError(ip, inv1, qip);
    this.record(key, frame, p, bitsOf(ERROR, DIR_UNKNOWN, slot.role), conn);
  }

  /** The name a side is reported by: a bridge port's bridge when the topology knows it. */
  private sideName(iface: string | null): string | null {
    if (iface === null) return null;
    return this.options.topology.bridgeOf(iface) ?? iface;
  }

  /** The translated connections seen, in the order they were found. */
  report(): JsonValue {
    return this.table.report();
  }

  reportCapped(): Record<string, number> {
    return this.table.reportOmitted > 0 ? { nat: this.table.reportOmitted } : {};
  }

  /** Number of connections currently in the tuple index (not expired or replaced). */
  get activeCount(): number {
    return this.table.activeCount;
  }

  clone(): NaptEngine {
    const copy = new NaptEngine(this.options);
    const { table, map } = this.table.copy();
    copy.table = table;
    const w = this.window;
    for (const s of w.slots()) {
      const c = w.conn[s];
      const t = copy.window.add(w.rec[(s << 4) + F_KEY], w.ms[s]);
      copy.window.copySlot(t, w, s, c === null ? null : map(c));
    }
    return copy;
  }
}

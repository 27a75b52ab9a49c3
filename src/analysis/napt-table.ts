// The NAPT engine's connection table (see napt.ts): the live connections (the tuple
// index, their packet counts, their expiry by conntrack's timeouts) and a bounded history
// of the retired ones for the report (napt-history.ts: the first and last natHistory / 2).
// Only nf_conntrack_max (natConnections live) refuses a new connection, as in the kernel:
// the history forgets, it never stops tracking. A retired connection's NatConn object
// lives on only while a recent sighting still refers to it.

import type { JsonValue } from '../decode/index.js';
import { ExpiryQueue, deadlineOf } from './napt-expiry.js';
import { NatHistory } from './napt-history.js';
import { TCP_FIN, TCP_RST, type NatConn, type Packet } from './napt-conn.js';
import { ORIG_POST, ORIG_PRE, REPLY_POST, REPLY_PRE, TupleIndex, isOriginal, type TupleSlot } from './napt-tuple.js';
import { DEFAULT_LIMITS, OverflowLog, type AnalysisLimits } from './limits.js';
import type { Change } from './types.js';

export class NatTable {
  /** Connections in the tuple index (not expired, replaced or withdrawn), in the order found. */
  private live = new Set<NatConn>();
  private history: NatHistory;
  /** Connections found so far: the next one's `position`. */
  private found = 0;
  private readonly index = new TupleIndex<NatConn>();
  private timers = new ExpiryQueue();
  overflow = new OverflowLog();
  /** Capture time (ms) of the packet being stepped, set by NaptEngine.step: what count() stamps, and what the engine's helpers read. */
  nowMs = 0;

  constructor(private readonly limits: AnalysisLimits = DEFAULT_LIMITS) {
    this.history = new NatHistory(limits.natHistory);
  }

  /** True when a new connection cannot be tracked: conntrack drops it when nf_conntrack_max is reached. */
  full(no: number, out: Change[]): boolean {
    const l = this.limits;
    if (this.live.size >= l.natConnections) {
      this.overflow.hit('conntrack', null, l.natConnections, 'dropped', no, 'live connections', out);
      return true;
    }
    return false;
  }

  /**
   * The live connection a packet's tuple belongs to, and the role it plays there; null when
   * none. (The packet, not its numbers, is passed: addresses above 2^31 would be boxed.)
   */
  lookup(p: Packet): TupleSlot<NatConn> | null {
    return this.index.get(p.proto, p.src, p.dst, p.sport, p.dport);
  }

  /** The role a tuple plays in live connection `conn`, or -1 when it maps elsewhere or nowhere (not on the per-frame path). */
  roleIn(conn: NatConn, proto: number, src: number, dst: number, sport: number, dport: number): number {
    const slot = this.index.get(proto, src, dst, sport, dport);
    return slot !== null && slot.conn === conn ? slot.role : -1;
  }

  /** Whether a connection may have expired by capture second `tsSec` (a boolean: nothing is boxed per frame). */
  mayExpireBy(tsSec: number): boolean {
    return tsSec >= this.timers.nextSecond;
  }

  /** A new connection: the live ones holding any of its tuples are retired (rule 4). */
  add(c: NatConn): void {
    this.retireConflicts(c);
    this.indexConn(c);
    c.position = this.found++;
    this.live.add(c);
  }

  /** Counts a packet of `conn` seen as `role`, at `nowMs`. */
  count(conn: NatConn, role: number, no: number, tcpFlags: number): void {
    const original = isOriginal(role);
    if (original) conn.pktsOrig++;
    else conn.pktsReply++;
    conn.lastFrame = no;
    conn.lastMs = this.nowMs;
    if (tcpFlags & TCP_RST) conn.rst = true;
    if (tcpFlags & TCP_FIN) {
      if (original) conn.finOrig = true;
      else conn.finReply = true;
    }
    this.timers.arm(conn);
  }

  /** Takes back a packet counted in `conn` that turned out to belong to another translation. */
  uncount(conn: NatConn, role: number, no: number, out: Change[]): void {
    if (isOriginal(role)) conn.pktsOrig--;
    else conn.pktsReply--;
    if (conn.pktsOrig + conn.pktsReply > 0 || conn.withdrawn) {
      if (conn.active) this.timers.arm(conn); // fewer replies can mean a shorter timeout
      if (conn.historyRow >= 0) this.history.update(conn.historyRow, conn);
      return;
    }
    conn.withdrawn = true;
    if (conn.active) this.retire(conn); // not stored: withdrawn connections are not reported
    else this.history.withdraw(conn.historyRow, conn); // retired before, its row changes too
    out.push({
      frame: no, kind: 'nat.withdrawn', proto: conn.protoName(), original: conn.original(), reply: conn.reply(),
      reason: 'its only packet was paired with another translation',
    });
  }

  /** Retires the live connections whose conntrack timeout has passed at `now`: 'nat.expire'. */
  expireDue(now: number, no: number, out: Change[]): void {
    const q = this.timers;
    while (q.nextDeadline < now) {
      const conn = q.nextConn;
      const actual = deadlineOf(conn);
      if (actual >= now) { // refreshed since it was queued
        q.postponeNext(actual);
        continue;
      }
      this.retire(conn);
      out.push({
        frame: no, kind: 'nat.expire', proto: conn.protoName(), original: conn.original(), reply: conn.reply(),
        lastFrame: conn.lastFrame, idleSeconds: (now - conn.lastMs) / 1000,
      });
    }
  }

  retire(c: NatConn): void {
    if (!c.active) return;
    c.active = false;
    this.live.delete(c);
    const x = this.index;
    x.remove(c.proto, c.oSrc, c.oDst, c.oSport, c.oDport, c);
    x.remove(c.proto, c.rDst, c.rSrc, c.rDport, c.rSport, c);
    x.remove(c.proto, c.rSrc, c.rDst, c.rSport, c.rDport, c);
    x.remove(c.proto, c.oDst, c.oSrc, c.oDport, c.oSport, c);
    this.timers.remove(c);
    if (!c.withdrawn) c.historyRow = this.history.add(c);
  }

  private indexConn(c: NatConn): void {
    const x = this.index;
    x.add(c.proto, c.oSrc, c.oDst, c.oSport, c.oDport, c, ORIG_PRE);
    x.add(c.proto, c.rDst, c.rSrc, c.rDport, c.rSport, c, ORIG_POST);
    x.add(c.proto, c.rSrc, c.rDst, c.rSport, c.rDport, c, REPLY_PRE);
    x.add(c.proto, c.oDst, c.oSrc, c.oDport, c.oSport, c, REPLY_POST);
  }

  private retireConflicts(c: NatConn): void {
    const x = this.index;
    const a = x.get(c.proto, c.oSrc, c.oDst, c.oSport, c.oDport);
    if (a !== null) this.retire(a.conn);
    const b = x.get(c.proto, c.rDst, c.rSrc, c.rDport, c.rSport);
    if (b !== null) this.retire(b.conn);
    const d = x.get(c.proto, c.rSrc, c.rDst, c.rSport, c.rDport);
    if (d !== null) this.retire(d.conn);
    const e = x.get(c.proto, c.oDst, c.oSrc, c.oDport, c.oSport);
    if (e !== null) this.retire(e.conn);
  }

  /** Retired connections report() leaves out: those that ended between the first and the last natHistory / 2. */
  get reportOmitted(): number {
    return this.history.dropped;
  }

  /**
   * The translated connections, in the order they were found: every live one, and the
   * retired ones the history keeps (a capture of a few GB finds hundreds of thousands;
   * reportOmitted says how many were left out).
   */
  report(): JsonValue {
    const h = this.history;
    const rows = h.rowsInFoundOrder();
    const out: JsonValue[] = [];
    let next = 0;
    const retiredBefore = (position: number) => {
      for (; next < rows.length && h.positionAt(rows[next]) < position; next++) {
        if (!h.withdrawnAt(rows[next])) out.push(h.entry(rows[next]));
      }
    };
    for (const c of this.live) {
      retiredBefore(c.position);
      out.push(c.toJson());
    }
    retiredBefore(Infinity);
    return out;
  }

  /** Number of live connections (in the tuple index: not expired or replaced). */
  get activeCount(): number {
    return this.live.size;
  }

  /**
   * An independent copy, and a function mapping this table's connections to the copy's.
   * Retired ones (that sightings may still refer to) are copied when first mapped: map
   * them before this table changes again.
   */
  copy(): { table: NatTable; map: (conn: NatConn) => NatConn } {
    const table = new NatTable(this.limits);
    table.history = this.history.copy();
    table.found = this.found;
    table.overflow.copyFrom(this.overflow);
    const copies = new Map<NatConn, NatConn>();
    const map = (c: NatConn): NatConn => {
      let d = copies.get(c);
      if (d === undefined) {
        d = c.copy();
        copies.set(c, d);
      }
      return d;
    };
    for (const c of this.live) {
      const d = map(c);
      table.live.add(d);
      table.indexConn(d);
    }
    table.timers = this.timers.copy(map);
    return { table, map };
  }
}

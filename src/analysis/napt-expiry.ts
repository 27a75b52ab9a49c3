// When NAT connections expire: conntrack's default timeouts, and a queue of deadlines
// so that the NAPT engine retires a connection at the first frame past its timeout
// (as the kernel's conntrack garbage collection would), not when a later packet
// happens to look it up. The state lives in capture time: no clock is read.

import { SECOND, TCP, UDP, type NatConn } from './napt-conn.js';

/**
 * conntrack's default timeout of a connection in its current state, in ms: TCP 10 s after
 * RST, 120 s unreplied or closing, 5 days established; UDP 30 s, 120 s once replied
 * for more than 2 s (a stream); ICMP 30 s.
 */
export function conntrackTimeoutMs(conn: NatConn): number {
  const proto = conn.proto & 0xff;
  if (proto === TCP) {
    if (conn.rst) return 10 * SECOND;
    if (conn.finOrig || conn.finReply || conn.pktsReply === 0) return 120 * SECOND;
    return 432_000 * SECOND;
  }
  if (proto === UDP) return conn.pktsReply > 0 && conn.lastMs - conn.firstMs > 2 * SECOND ? 120 * SECOND : 30 * SECOND;
  return 30 * SECOND;
}

/** The capture time (ms) after which the connection is expired. */
export function deadlineOf(conn: NatConn): number {
  return conn.lastMs + conntrackTimeoutMs(conn);
}

/**
 * The live connections in a binary min-heap by deadline. Each connection is in it at most
 * once (`heapIndex`), with a deadline no later than its real one: a refresh that moves
 * the deadline later leaves the entry alone (it is moved when it comes due), an earlier
 * deadline (RST, FIN) moves it up at once, and a retired connection is taken out.
 */
export class ExpiryQueue {
  private deadlines = new Float64Array(64);
  private conns: NatConn[] = [];
  size = 0;
  /**
   * The capture second (floor) of the earliest deadline, Infinity when none: a field, so
   * the per-frame check compares integers and returns no float from a call.
   */
  nextSecond = Infinity;

  /** Earliest deadline queued (ms), Infinity when none. */
  get nextDeadline(): number {
    return this.size > 0 ? this.deadlines[0] : Infinity;
  }

  /** The connection of the earliest deadline (size > 0). */
  get nextConn(): NatConn {
    return this.conns[0];
  }

  /** Queues the connection, or moves it earlier when its deadline now comes sooner. */
  arm(conn: NatConn): void {
    const deadline = deadlineOf(conn);
    const i = conn.heapIndex;
    if (i < 0) {
      if (this.size === this.deadlines.length) this.grow();
      this.place(this.size++, deadline, conn);
      this.up(conn.heapIndex);
    } else if (deadline < this.deadlines[i]) {
      this.deadlines[i] = deadline;
      this.up(i);
    } else return;
    this.nextSecond = Math.floor(this.deadlines[0] / 1000);
  }

  /** Gives the earliest entry a later deadline (its connection was refreshed since). */
  postponeNext(deadline: number): void {
    this.deadlines[0] = deadline;
    this.down(0);
    this.nextSecond = Math.floor(this.deadlines[0] / 1000);
  }

  remove(conn: NatConn): void {
    const i = conn.heapIndex;
    if (i < 0) return;
    conn.heapIndex = -1;
    const n = --this.size;
    const lastConn = this.conns[n];
    const lastDeadline = this.deadlines[n];
    this.conns.length = n;
    if (i < n) {
      this.place(i, lastDeadline, lastConn);
      this.down(i);
      this.up(lastConn.heapIndex);
    }
    this.nextSecond = n > 0 ? Math.floor(this.deadlines[0] / 1000) : Infinity;
  }

  /** A copy with the same layout (so ties pop in the same order), connections mapped. */
  copy(map: (conn: NatConn) => NatConn): ExpiryQueue {
    const q = new ExpiryQueue();
    q.deadlines = this.deadlines.slice();
    q.conns = this.conns.map(map);
    q.size = this.size;
    q.nextSecond = this.nextSecond;
    return q;
  }

  private place(i: number, deadline: number, conn: NatConn): void {
    this.deadlines[i] = deadline;
    this.conns[i] = conn;
    conn.heapIndex = i;
  }

  private up(i: number): void {
    const d = this.deadlines;
    const deadline = d[i];
    const conn = this.conns[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (d[parent] <= deadline) break;
      this.place(i, d[parent], this.conns[parent]);
      i = parent;
    }
    this.place(i, deadline, conn);
  }

  private down(i: number): void {
    const d = this.deadlines;
    const n = this.size;
    const deadline = d[i];
    const conn = this.conns[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && d[child + 1] < d[child]) child++;
      if (d[child] >= deadline) break;
      this.place(i, d[child], this.conns[child]);
      i = child;
    }
    this.place(i, deadline, conn);
  }

  private grow(): void {
    const bigger = new Float64Array(this.deadlines.length * 2);
    bigger.set(this.deadlines);
    this.deadlines = bigger;
  }
}

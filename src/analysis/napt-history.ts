// Retired NAT connections (expired, replaced, withdrawn) as compact rows. The report
// lists every connection seen, so these are kept for the whole run: as a few typed-array
// words each (72 bytes) instead of a NatConn object (about 400 bytes with its boxed
// numbers), so memory grows slowly with the connections a long capture has seen, and the
// live table stays the only thing that follows the traffic.

import { NatConn } from './napt-conn.js';

const INTS = 14;
// Row layout (Int32Array words); the first and last frame numbers are in `frames`.
const PROTO = 0, O_SRC = 1, O_DST = 2, O_SPORT = 3, O_DPORT = 4, R_SRC = 5, R_DST = 6, R_SPORT = 7, R_DPORT = 8;
const PKTS_ORIG = 9, PKTS_REPLY = 10, WITHDRAWN = 11, INSIDE = 12, OUTSIDE = 13;

export class NatHistory {
  private ints = new Int32Array(INTS * 64);
  private frames = new Float64Array(2 * 64);
  /** Interface names of the inside/outside fields (-1 in a row: null). */
  private names: string[] = [];
  private nameIds = new Map<string, number>();

  /** Writes the row at `position` (the connection's place in the table's found order). */
  store(position: number, c: NatConn): void {
    if ((position + 1) * INTS > this.ints.length) this.grow(position + 1);
    const r = position * INTS;
    const w = this.ints;
    w[r + PROTO] = c.proto;
    w[r + O_SRC] = c.oSrc | 0; w[r + O_DST] = c.oDst | 0; w[r + O_SPORT] = c.oSport; w[r + O_DPORT] = c.oDport;
    w[r + R_SRC] = c.rSrc | 0; w[r + R_DST] = c.rDst | 0; w[r + R_SPORT] = c.rSport; w[r + R_DPORT] = c.rDport;
    w[r + PKTS_ORIG] = c.pktsOrig; w[r + PKTS_REPLY] = c.pktsReply; w[r + WITHDRAWN] = c.withdrawn ? 1 : 0;
    w[r + INSIDE] = this.nameId(c.inside);
    w[r + OUTSIDE] = this.nameId(c.outside);
    this.frames[position * 2] = c.firstFrame;
    this.frames[position * 2 + 1] = c.lastFrame;
  }

  /** The connection of a row, rebuilt (retired: for the report). */
  conn(position: number): NatConn {
    const r = position * INTS;
    const w = this.ints;
    const c = new NatConn(w[r + PROTO], w[r + O_SRC] >>> 0, w[r + O_DST] >>> 0, w[r + O_SPORT], w[r + O_DPORT],
      w[r + R_SRC] >>> 0, w[r + R_DST] >>> 0, w[r + R_SPORT], w[r + R_DPORT]);
    c.pktsOrig = w[r + PKTS_ORIG];
    c.pktsReply = w[r + PKTS_REPLY];
    c.withdrawn = w[r + WITHDRAWN] === 1;
    c.inside = w[r + INSIDE] < 0 ? null : this.names[w[r + INSIDE]];
    c.outside = w[r + OUTSIDE] < 0 ? null : this.names[w[r + OUTSIDE]];
    c.firstFrame = this.frames[position * 2];
    c.lastFrame = this.frames[position * 2 + 1];
    c.active = false;
    return c;
  }

  copy(): NatHistory {
    const h = new NatHistory();
    h.ints = this.ints.slice();
    h.frames = this.frames.slice();
    h.names = [...this.names];
    h.nameIds = new Map(this.nameIds);
    return h;
  }

  private nameId(name: string | null): number {
    if (name === null) return -1;
    let id = this.nameIds.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.names.push(name);
      this.nameIds.set(name, id);
    }
    return id;
  }

  private grow(rows: number): void {
    let capacity = this.ints.length / INTS;
    while (capacity < rows) capacity *= 2;
    const ints = new Int32Array(capacity * INTS);
    ints.set(this.ints);
    const frames = new Float64Array(capacity * 2);
    frames.set(this.frames);
    this.ints = ints;
    this.frames = frames;
  }
}

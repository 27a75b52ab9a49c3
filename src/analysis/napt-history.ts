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

/** Rows per chunk: copies of the history share chunks and copy only the one they write to. */
const ROWS_PER_CHUNK = 256;
const CHUNK_SHIFT = 8;

class Chunk {
  constructor(
    readonly ints = new Int32Array(INTS * ROWS_PER_CHUNK),
    /** First and last frame numbers of each row. */
    readonly frames = new Float64Array(2 * ROWS_PER_CHUNK),
  ) {}
  copy(): Chunk {
    return new Chunk(this.ints.slice(), this.frames.slice());
  }
}

export class NatHistory {
  private chunks: Chunk[] = [];
  /** shared[i]: chunks[i] is also another history's (after copy()): copy it before writing. */
  private shared: boolean[] = [];
  /** Interface names of the inside/outside fields (-1 in a row: null). */
  private names: string[] = [];
  private nameIds = new Map<string, number>();

  /** Writes the row at `position` (the connection's place in the table's found order). */
  store(position: number, c: NatConn): void {
    const index = position >> CHUNK_SHIFT;
    while (this.chunks.length <= index) {
      this.chunks.push(new Chunk());
      this.shared.push(false);
    }
    if (this.shared[index]) {
      this.chunks[index] = this.chunks[index].copy();
      this.shared[index] = false;
    }
    const chunk = this.chunks[index];
    const row = position & (ROWS_PER_CHUNK - 1);
    const r = row * INTS;
    const w = chunk.ints;
    w[r + PROTO] = c.proto;
    w[r + O_SRC] = c.oSrc | 0; w[r + O_DST] = c.oDst | 0; w[r + O_SPORT] = c.oSport; w[r + O_DPORT] = c.oDport;
    w[r + R_SRC] = c.rSrc | 0; w[r + R_DST] = c.rDst | 0; w[r + R_SPORT] = c.rSport; w[r + R_DPORT] = c.rDport;
    w[r + PKTS_ORIG] = c.pktsOrig; w[r + PKTS_REPLY] = c.pktsReply; w[r + WITHDRAWN] = c.withdrawn ? 1 : 0;
    w[r + INSIDE] = this.nameId(c.inside);
    w[r + OUTSIDE] = this.nameId(c.outside);
    chunk.frames[row * 2] = c.firstFrame;
    chunk.frames[row * 2 + 1] = c.lastFrame;
  }

  /** The connection of a row, rebuilt (retired: for the report). */
  conn(position: number): NatConn {
    const chunk = this.chunks[position >> CHUNK_SHIFT];
    const row = position & (ROWS_PER_CHUNK - 1);
    const r = row * INTS;
    const w = chunk.ints;
    const c = new NatConn(w[r + PROTO], w[r + O_SRC] >>> 0, w[r + O_DST] >>> 0, w[r + O_SPORT], w[r + O_DPORT],
      w[r + R_SRC] >>> 0, w[r + R_DST] >>> 0, w[r + R_SPORT], w[r + R_DPORT]);
    c.pktsOrig = w[r + PKTS_ORIG];
    c.pktsReply = w[r + PKTS_REPLY];
    c.withdrawn = w[r + WITHDRAWN] === 1;
    c.inside = w[r + INSIDE] < 0 ? null : this.names[w[r + INSIDE]];
    c.outside = w[r + OUTSIDE] < 0 ? null : this.names[w[r + OUTSIDE]];
    c.firstFrame = chunk.frames[row * 2];
    c.lastFrame = chunk.frames[row * 2 + 1];
    c.active = false;
    return c;
  }

  /**
   * An independent copy that shares every chunk (rows rarely change once written): whichever
   * side writes into a shared chunk copies that chunk first (replay checkpoints stay cheap).
   */
  copy(): NatHistory {
    const h = new NatHistory();
    h.chunks = this.chunks.slice();
    this.shared.fill(true);
    h.shared = this.shared.slice();
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
}

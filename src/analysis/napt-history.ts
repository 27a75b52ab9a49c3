// Retired NAT connections (expired, replaced, withdrawn) kept for the report, bounded:
// the first `capacity / 2` to retire and a ring of the last ones. A connection pushed out of
// the ring is counted (`dropped`), never refused: the live table (napt-table.ts) keeps
// tracking whatever this holds, as conntrack does. Rows are a few typed-array words each
// (68 bytes) instead of a NatConn object (about 400 bytes with its boxed numbers).

import type { JsonValue } from '../decode/index.js';
import { NatConn } from './napt-conn.js';

const INTS = 11;
// Row layout (Int32Array words). Ports (and ICMP ids) are 16 bits: two to a word.
const PROTO = 0, O_SRC = 1, O_DST = 2, O_PORTS = 3, R_SRC = 4, R_DST = 5, R_PORTS = 6;
const PKTS_ORIG = 7, PKTS_REPLY = 8, INSIDE = 9, OUTSIDE = 10;
/** In the PROTO word, above the protocol key (at most 0x1ff or ICMP | type << 8). */
const WITHDRAWN = 1 << 16;
const DOUBLES = 3;
// Float64Array words: frame numbers, and the connection's place in the found order.
const FIRST_FRAME = 0, LAST_FRAME = 1, POSITION = 2;

/** Rows per chunk: copies of the history share chunks and copy only the one they write to. */
const ROWS_PER_CHUNK = 256;
const CHUNK_SHIFT = 8;

class Chunk {
  constructor(
    readonly ints = new Int32Array(INTS * ROWS_PER_CHUNK),
    readonly doubles = new Float64Array(DOUBLES * ROWS_PER_CHUNK),
  ) {}
  copy(): Chunk {
    return new Chunk(this.ints.slice(), this.doubles.slice());
  }
}

export class NatHistory {
  private chunks: Chunk[] = [];
  /** shared[i]: chunks[i] is also another history's (after copy()): copy it before writing. */
  private shared: boolean[] = [];
  /** Interface names of the inside/outside fields (-1 in a row: null). */
  private names: string[] = [];
  private nameIds = new Map<string, number>();
  /** Connections added, ever. */
  private added = 0;
  /** Connections (not withdrawn) whose row the ring gave to a later one: left out of the report. */
  dropped = 0;
  // The report's view, kept between reports: the replay asks for one at every step, and a retired
  // connection's entry never changes while its row holds it (rebuilding thousands of them per
  // step took 1.6 ms at the median and up to 27 ms with the garbage they made).
  /** Report entry per row, made on first use; undefined once the row is written again. */
  private entries: (JsonValue | undefined)[] = [];
  /** rowsInFoundOrder's result, until a connection is added. */
  private foundOrder: number[] | null = null;
  /** Rows 0..head-1 keep the first connections retired; the rest is the ring. */
  private readonly head: number;
  private readonly ring: number;

  /** `capacity` >= 1 rows (the natHistory limit): floor(capacity / 2) first, the rest last. */
  constructor(readonly capacity: number) {
    this.head = Math.floor(capacity / 2);
    this.ring = capacity - this.head;
  }

  /** Stores a retired connection; returns its row (for update() and withdraw()). */
  add(c: NatConn): number {
    const n = this.added++;
    const row = n < this.head ? n : this.head + ((n - this.head) % this.ring);
    if (n >= this.capacity && !this.withdrawnAt(row)) this.dropped++;
    this.foundOrder = null;
    this.write(row, c);
    return row;
  }

  /** Rewrites the row of connection `c` (its counts changed), unless the ring has given it away. */
  update(row: number, c: NatConn): void {
    if (this.holds(row, c)) this.write(row, c);
  }

  /** Connection `c`, stored at `row`, is withdrawn: no longer reported, nor counted as left out. */
  withdraw(row: number, c: NatConn): void {
    if (this.holds(row, c)) this.write(row, c);
    else this.dropped--;
  }

  /** The rows in use, ordered by their connections' place in the found order (the report's). Do not modify. */
  rowsInFoundOrder(): readonly number[] {
    if (this.foundOrder !== null) return this.foundOrder;
    const rows: number[] = [];
    for (let row = 0; row < Math.min(this.added, this.capacity); row++) rows.push(row);
    this.foundOrder = rows.sort((a, b) => this.positionAt(a) - this.positionAt(b));
    return this.foundOrder;
  }

  /**
   * The report entry of the connection in `row`: the same object while the row holds it
   * unchanged, so reports of one table share it (the report's readers do not modify entries;
   * the names annotation only sets the same name again).
   */
  entry(row: number): JsonValue {
    let e = this.entries[row];
    if (e === undefined) {
      e = this.conn(row).toJson();
      this.entries[row] = e;
    }
    return e;
  }

  positionAt(row: number): number {
    return this.chunks[row >> CHUNK_SHIFT].doubles[(row & (ROWS_PER_CHUNK - 1)) * DOUBLES + POSITION];
  }

  withdrawnAt(row: number): boolean {
    return (this.chunks[row >> CHUNK_SHIFT].ints[(row & (ROWS_PER_CHUNK - 1)) * INTS + PROTO] & WITHDRAWN) !== 0;
  }

  /** The connection of a row, rebuilt (retired: for the report). */
  conn(row: number): NatConn {
    const chunk = this.chunks[row >> CHUNK_SHIFT];
    const r = (row & (ROWS_PER_CHUNK - 1)) * INTS;
    const d = (row & (ROWS_PER_CHUNK - 1)) * DOUBLES;
    const w = chunk.ints;
    const c = new NatConn(w[r + PROTO] & (WITHDRAWN - 1), w[r + O_SRC] >>> 0, w[r + O_DST] >>> 0, w[r + O_PORTS] >>> 16, w[r + O_PORTS] & 0xffff,
      w[r + R_SRC] >>> 0, w[r + R_DST] >>> 0, w[r + R_PORTS] >>> 16, w[r + R_PORTS] & 0xffff);
    c.pktsOrig = w[r + PKTS_ORIG];
    c.pktsReply = w[r + PKTS_REPLY];
    c.withdrawn = (w[r + PROTO] & WITHDRAWN) !== 0;
    c.inside = w[r + INSIDE] < 0 ? null : this.names[w[r + INSIDE]];
    c.outside = w[r + OUTSIDE] < 0 ? null : this.names[w[r + OUTSIDE]];
    c.firstFrame = chunk.doubles[d + FIRST_FRAME];
    c.lastFrame = chunk.doubles[d + LAST_FRAME];
    c.position = chunk.doubles[d + POSITION];
    c.active = false;
    return c;
  }

  /**
   * An independent copy that shares every chunk: whichever side writes into a shared chunk
   * copies that chunk first (replay checkpoints stay cheap; the ring's writes copy at most
   * every chunk once per checkpoint).
   */
  copy(): NatHistory {
    const h = new NatHistory(this.capacity);
    h.chunks = this.chunks.slice();
    this.shared.fill(true);
    h.shared = this.shared.slice();
    h.names = [...this.names];
    h.nameIds = new Map(this.nameIds);
    h.added = this.added;
    h.dropped = this.dropped;
    // The order can be shared (it is replaced, never changed); the entries are not copied:
    // a replay checkpoint that kept them would hold thousands of objects it never reports.
    h.foundOrder = this.foundOrder;
    return h;
  }

  /** Whether `row` still holds connection `c` (positions are unique within a table and its copies). */
  private holds(row: number, c: NatConn): boolean {
    return row < Math.min(this.added, this.capacity) && this.positionAt(row) === c.position;
  }

  private write(row: number, c: NatConn): void {
    if (row < this.entries.length) this.entries[row] = undefined;
    const index = row >> CHUNK_SHIFT;
    while (this.chunks.length <= index) {
      this.chunks.push(new Chunk());
      this.shared.push(false);
    }
    if (this.shared[index]) {
      this.chunks[index] = this.chunks[index].copy();
      this.shared[index] = false;
    }
    const chunk = this.chunks[index];
    const r = (row & (ROWS_PER_CHUNK - 1)) * INTS;
    const d = (row & (ROWS_PER_CHUNK - 1)) * DOUBLES;
    const w = chunk.ints;
    w[r + PROTO] = c.proto | (c.withdrawn ? WITHDRAWN : 0);
    w[r + O_SRC] = c.oSrc | 0; w[r + O_DST] = c.oDst | 0; w[r + O_PORTS] = (c.oSport << 16) | c.oDport;
    w[r + R_SRC] = c.rSrc | 0; w[r + R_DST] = c.rDst | 0; w[r + R_PORTS] = (c.rSport << 16) | c.rDport;
    w[r + PKTS_ORIG] = c.pktsOrig; w[r + PKTS_REPLY] = c.pktsReply;
    w[r + INSIDE] = this.nameId(c.inside);
    w[r + OUTSIDE] = this.nameId(c.outside);
    chunk.doubles[d + FIRST_FRAME] = c.firstFrame;
    chunk.doubles[d + LAST_FRAME] = c.lastFrame;
    chunk.doubles[d + POSITION] = c.position;
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

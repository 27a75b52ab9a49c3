// Typed-array columns for the replay's index: no JS object per step, no doubling (a column
// grows by fixed chunks, so a 20-million-step index holds no unused half), and the byte
// size is known (tests assert on it).

type TypedArray = Float64Array | Uint32Array | Uint16Array | Uint8Array;
type TypedArrayClass = new (length: number) => TypedArray;

const CHUNK_BITS = 16;
const CHUNK_ROWS = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_ROWS - 1;
/** The first chunk starts this small and doubles up to CHUNK_ROWS: a small capture's index stays small. */
const FIRST_CHUNK_ROWS = 256;

/** One column of numbers, appended row by row, in chunks of 65,536 rows. */
export class ChunkedColumn {
  length = 0;
  private readonly chunks: TypedArray[] = [];

  constructor(private readonly Type: TypedArrayClass) {}

  push(value: number): void {
    const chunk = Math.floor(this.length / CHUNK_ROWS);
    if (chunk === this.chunks.length) this.chunks.push(new this.Type(chunk === 0 ? FIRST_CHUNK_ROWS : CHUNK_ROWS));
    else if (chunk === 0 && this.length === this.chunks[0].length) {
      const grown = new this.Type(this.length * 2);
      grown.set(this.chunks[0] as never);
      this.chunks[0] = grown;
    }
    this.chunks[chunk][this.length & CHUNK_MASK] = value;
    this.length++;
  }

  get(row: number): number {
    return this.chunks[Math.floor(row / CHUNK_ROWS)][row & CHUNK_MASK];
  }

  get byteLength(): number {
    let bytes = 0;
    for (const chunk of this.chunks) bytes += chunk.byteLength;
    return bytes;
  }
}

/** Values for a few rows, set in increasing row order, found by binary search. */
export class SparseColumn {
  private readonly rows = new ChunkedColumn(Uint32Array);
  private readonly values = new ChunkedColumn(Float64Array);

  get length(): number {
    return this.rows.length;
  }

  set(row: number, value: number): void {
    this.rows.push(row);
    this.values.push(value);
  }

  /** Row `row`'s value, or `otherwise` when it has none. */
  get(row: number, otherwise: number): number {
    const k = this.firstFrom(row);
    return k < this.rows.length && this.rows.get(k) === row ? this.values.get(k) : otherwise;
  }

  /** The index of the first entry whose row is at or after `row`. */
  firstFrom(row: number): number {
    let low = 0;
    let high = this.rows.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.rows.get(mid) < row) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  rowAt(k: number): number { return this.rows.get(k); }
  valueAt(k: number): number { return this.values.get(k); }

  get byteLength(): number {
    return this.rows.byteLength + this.values.byteLength;
  }
}

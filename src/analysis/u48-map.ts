// A hash map keyed by integers in (-2^48, 2^48): MACs, IPv4 addresses, interface keys. Such a
// key outside the int32 range (V8's small integers, in Node's builds) is a heap number once it
// leaves a register, and a JS Map hashes heap numbers in V8's runtime on every lookup; here the
// key is split into two 24-bit halves compared as int32s (truncating division: a negative key
// has two non-positive halves).
// Open addressing, linear probing, tombstones on delete; rebuilt when crowded.

const HALF = 16777216; // 2^24

export class U48Map<V> {
  private hi: Int32Array;
  private lo: Int32Array;
  /** 0 empty, 1 used, 2 deleted. */
  private state: Uint8Array;
  private vals: (V | undefined)[];
  private mask: number;
  private deleted = 0;
  size = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity * 2) cap *= 2;
    this.hi = new Int32Array(cap);
    this.lo = new Int32Array(cap);
    this.state = new Uint8Array(cap);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
  }

  private slot(hi: number, lo: number): number {
    return (Math.imul(hi ^ Math.imul(lo, 0x9e3779b1), 0x85ebca6b) >>> 7) & this.mask;
  }

  get(mac: number): V | undefined {
    const hi = (mac / HALF) | 0;
    const lo = (mac - hi * HALF) | 0;
    const state = this.state;
    for (let i = this.slot(hi, lo); ; i = (i + 1) & this.mask) {
      const s = state[i];
      if (s === 0) return undefined;
      if (s === 1 && this.lo[i] === lo && this.hi[i] === hi) return this.vals[i];
    }
  }

  has(mac: number): boolean {
    return this.get(mac) !== undefined;
  }

  set(mac: number, value: V): void {
    const hi = (mac / HALF) | 0;
    const lo = (mac - hi * HALF) | 0;
    let free = -1;
    for (let i = this.slot(hi, lo); ; i = (i + 1) & this.mask) {
      const s = this.state[i];
      if (s === 0) {
        if (free < 0) free = i;
        break;
      }
      if (s === 2) {
        if (free < 0) free = i;
      } else if (this.lo[i] === lo && this.hi[i] === hi) {
        this.vals[i] = value;
        return;
      }
    }
    if (this.state[free] === 2) this.deleted--;
    this.state[free] = 1;
    this.hi[free] = hi;
    this.lo[free] = lo;
    this.vals[free] = value;
    this.size++;
    if ((this.size + this.deleted) * 2 > this.mask + 1) this.rebuild();
  }

  delete(mac: number): boolean {
    const hi = (mac / HALF) | 0;
    const lo = (mac - hi * HALF) | 0;
    for (let i = this.slot(hi, lo); ; i = (i + 1) & this.mask) {
      const s = this.state[i];
      if (s === 0) return false;
      if (s === 1 && this.lo[i] === lo && this.hi[i] === hi) {
        this.state[i] = 2;
        this.vals[i] = undefined;
        this.size--;
        this.deleted++;
        return true;
      }
    }
  }

  /** Values in slot order (not sorted): for reports and copies, not the per-frame path. */
  values(): V[] {
    const out: V[] = [];
    for (let i = 0; i <= this.mask; i++) if (this.state[i] === 1) out.push(this.vals[i] as V);
    return out;
  }

  /** [mac, value] pairs in slot order. */
  entries(): [number, V][] {
    const out: [number, V][] = [];
    for (let i = 0; i <= this.mask; i++) if (this.state[i] === 1) out.push([this.hi[i] * HALF + this.lo[i], this.vals[i] as V]);
    return out;
  }

  private rebuild(): void {
    const old = this.entries();
    const cap = Math.max(16, 2 ** Math.ceil(Math.log2(Math.max(1, this.size) * 4)));
    this.hi = new Int32Array(cap);
    this.lo = new Int32Array(cap);
    this.state = new Uint8Array(cap);
    this.vals = new Array<V | undefined>(cap).fill(undefined);
    this.mask = cap - 1;
    this.size = 0;
    this.deleted = 0;
    for (const [mac, v] of old) this.set(mac, v);
  }
}

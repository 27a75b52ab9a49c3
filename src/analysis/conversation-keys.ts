// Numeric keys for the conversation tables, so that the per-frame path only looks up
// maps: a MAC is its 48-bit number, an IPv4 address its u32, an IPv6 address a small
// id handed out on first sight (IPV6_BASE + n), and an address with a port is
// id * 65536 + port. All of these stay exact in a double (below 2^53).

import { formatIpv4, formatIpv6 } from '../decode/index.js';

/** Ids of IPv6 addresses start here: IPv4 addresses are their own ids (0 .. 2^32-1). */
export const IPV6_BASE = 2 ** 32;

/** IPv4 and IPv6 addresses as numeric ids; text made only for the report. */
export class IpIds {
  // Four levels, one per 32-bit word: a lookup allocates nothing, only a new address does.
  private readonly root = new Map<number, Map<number, Map<number, Map<number, number>>>>();
  private readonly words: number[] = [];

  v6(w0: number, w1: number, w2: number, w3: number): number {
    let l1 = this.root.get(w0);
    if (l1 === undefined) this.root.set(w0, (l1 = new Map()));
    let l2 = l1.get(w1);
    if (l2 === undefined) l1.set(w1, (l2 = new Map()));
    let l3 = l2.get(w2);
    if (l3 === undefined) l2.set(w2, (l3 = new Map()));
    let id = l3.get(w3);
    if (id === undefined) {
      id = IPV6_BASE + this.words.length / 4;
      l3.set(w3, id);
      this.words.push(w0, w1, w2, w3);
    }
    return id;
  }

  text(id: number): string {
    if (id < IPV6_BASE) return formatIpv4(id);
    const k = (id - IPV6_BASE) * 4;
    const w = this.words;
    return formatIpv6(w[k], w[k + 1], w[k + 2], w[k + 3]);
  }
}

/** An address id with a port, as one number. */
export function withPort(id: number, port: number): number {
  return id * 65536 + port;
}

export function addressOf(key: number): number {
  return Math.floor(key / 65536);
}

export function portOf(key: number): number {
  return key % 65536;
}

/** Values keyed by an unordered pair of numbers: (x, y) and (y, x) are one entry. */
export class PairMap<T> {
  private readonly outer = new Map<number, Map<number, T>>();

  get(x: number, y: number): T | undefined {
    return x < y ? this.outer.get(x)?.get(y) : this.outer.get(y)?.get(x);
  }

  set(x: number, y: number, value: T): void {
    const lo = x < y ? x : y;
    let inner = this.outer.get(lo);
    if (inner === undefined) this.outer.set(lo, (inner = new Map()));
    inner.set(x < y ? y : x, value);
  }
}

// Visits the layers of a frame that hold a field, in Wireshark's tree order: the frame
// itself, then the layers outermost first, with an ICMP/ICMPv6 error's quoted datagram
// right after the error (Wireshark dissects those headers as ip/udp/tcp too). Layer
// numbers (`ip.src#2`) count the protocol's layers in that order.

import type { FilterFrame } from './dfilter-fields.js';
import type { FieldRef } from './dfilter-parse.js';
import type { OccTest } from './dfilter-values.js';
import type { Icmpv6Layer, IcmpLayer, Layer } from './layers.js';

export class FieldScan {
  /** Layers of the protocol met so far in the current frame. */
  private seen = 0;
  /** A VXLAN/Geneve header was met: later layers are `inner.`. */
  private tunnel = false;

  constructor(private readonly ref: FieldRef, private readonly test: OccTest) {}

  /** True when an occurrence of the field, in the layers the ref selects, passes the test. */
  any(f: FilterFrame): boolean {
    const ref = this.ref;
    if (ref.field.proto.scope === 'frame') return ref.lo <= 1 && ref.hi >= 1 && this.occurrences(null, f);
    this.seen = 0;
    this.tunnel = false;
    return this.walk(f.layers.items, f.layers.count, f);
  }

  private walk(items: readonly Layer[], count: number, f: FilterFrame): boolean {
    const ref = this.ref;
    const { kind, refine } = ref.field.proto;
    let prev: Layer | null = null;
    for (let k = 0; k < count; k++) {
      const l = items[k];
      const p = l.proto; // read once: every layer class has its own shape
      if ((p === kind || kind === null) && (refine === null || refine(l, prev))) {
        const n = ++this.seen;
        if (n > ref.hi) return false;
        const inPart = ref.part === null || (ref.part === 'inner') === this.tunnel;
        if (n >= ref.lo && inPart && this.occurrences(l, f)) return true;
      }
      if (p === 'vxlan' || p === 'geneve') this.tunnel = true;
      else if (p === 'icmp' || p === 'icmpv6') {
        const quoted = (l as IcmpLayer | Icmpv6Layer).quoted;
        if (quoted.count > 0 && this.walk(quoted.items, quoted.count, f)) return true;
      }
      prev = l;
    }
    return false;
  }

  private occurrences(l: Layer | null, f: FilterFrame): boolean {
    const n = this.ref.field.count(l, f);
    for (let i = 0; i < n; i++) if (this.test(l, i, f)) return true;
    return false;
  }
}

// IPv6 housekeeping: MLD reports and router/neighbour discovery that the kernel sends on
// its own whenever an interface comes up. Its timing and the random MACs it carries vary
// from one recording to the next, so comparisons may leave it out (`check --ignore
// ipv6-noise`, `diff`). The engine changes no state: it notes which link-layer source MACs
// were only ever seen in such frames, so that a report's entries for them can be dropped.

import { EthLayer, formatMac, SllLayer, type JsonValue, type LayerList } from '../decode/index.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { AnalysisFrame, Change, Engine } from './types.js';

/** ICMPv6 types of MLD (130-132, 143) and neighbour discovery (133-136). */
const HOUSEKEEPING = new Set([130, 131, 132, 133, 134, 135, 136, 143]);

export function isIpv6Housekeeping(layers: LayerList): boolean {
  for (let i = 0; i < layers.count; i++) {
    const layer = layers.items[i];
    if (layer.proto === 'icmpv6' && HOUSEKEEPING.has(layer.type)) return true;
  }
  return false;
}

export interface HousekeepingReport {
  /** Frames that were IPv6 housekeeping. */
  frames: number;
  /** Source MACs seen in housekeeping frames and in no other frame, sorted. */
  macs: string[];
}

export class Ipv6Housekeeping implements Engine {
  readonly name = 'ipv6Housekeeping';
  frames = 0;
  private readonly noisy = new Set<number>();
  private readonly other = new Set<number>();
  /** MACs not remembered because maxMacs were already (the summary then misses them). */
  unrecorded = 0;

  constructor(private readonly maxMacs = DEFAULT_LIMITS.housekeepingMacs) {}

  step(frame: AnalysisFrame, _out: Change[]): void {
    const noise = isIpv6Housekeeping(frame.layers);
    if (noise) this.frames++;
    const into = noise ? this.noisy : this.other;
    const list = frame.layers;
    // every link header of the frame: the outer one, and a VXLAN frame's inner one
    for (let i = 0; i < list.count; i++) {
      const layer = list.items[i];
      if (layer instanceof EthLayer) this.note(into, layer.src);
      else if (layer instanceof SllLayer && layer.halen === 6) this.note(into, layer.src);
    }
  }

  private note(into: Set<number>, mac: number): void {
    if (into.has(mac)) return;
    if (this.noisy.size + this.other.size >= this.maxMacs) this.unrecorded++;
    else into.add(mac);
  }

  report(): JsonValue {
    const macs = [...this.noisy].filter((m) => !this.other.has(m)).map((m) => formatMac(m)).sort();
    return { frames: this.frames, macs } satisfies HousekeepingReport as unknown as JsonValue;
  }

  clone(): Engine {
    const c = new Ipv6Housekeeping(this.maxMacs);
    c.frames = this.frames;
    c.unrecorded = this.unrecorded;
    for (const m of this.noisy) c.noisy.add(m);
    for (const m of this.other) c.other.add(m);
    return c;
  }
}

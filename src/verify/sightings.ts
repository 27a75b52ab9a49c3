// What the capture showed, for deciding whether a kernel entry could have been rebuilt
// from it: every link-layer source MAC (Ethernet or `-i any`'s SLL header, outer and
// VXLAN-inner frames), every ARP sender
// IP, and every IPv4 source/destination pair (bounded: past MAX_PAIRS the pairs are not
// kept and every connection counts as seen). An Engine, so it runs in the same pass
// as the real engines; it changes nothing and reports nothing of its own.

import type { AnalysisFrame, Change, Engine } from '../analysis/types.js';
import { ArpLayer, EthLayer, Ipv4Layer, parseIpv4, parseMac, SllLayer, type JsonValue } from '../decode/index.js';

const MAX_PAIRS = 1 << 20;

/** What verify asks of the capture. */
export interface Seen {
  /** A frame from this MAC (colon-separated) was captured. */
  sawMac(mac: string): boolean;
  /** An ARP message with this sender IP was captured. */
  sawArpFrom(ip: string): boolean;
  /** An IPv4 packet from src to dst was captured. */
  sawPacket(src: string, dst: string): boolean;
}

export class Sightings implements Engine, Seen {
  readonly name = 'sightings';
  private readonly macs = new Set<number>();
  private readonly arpSenders = new Set<number>();
  /** IPv4 source -> destinations it sent to. */
  private readonly pairs = new Map<number, Set<number>>();
  private pairCount = 0;

  step(frame: AnalysisFrame, _out: Change[]): void {
    const list = frame.layers;
    for (let i = 0; i < list.count; i++) {
      const layer = list.items[i];
      if (layer instanceof EthLayer) this.macs.add(layer.src);
      else if (layer instanceof SllLayer && layer.halen === 6) this.macs.add(layer.src);
      else if (layer instanceof ArpLayer) this.arpSenders.add(layer.spa);
      else if (layer instanceof Ipv4Layer && this.pairCount < MAX_PAIRS) this.notePair(layer.src, layer.dst);
    }
  }

  private notePair(src: number, dst: number): void {
    let dsts = this.pairs.get(src);
    if (dsts === undefined) this.pairs.set(src, (dsts = new Set()));
    if (dsts.has(dst)) return;
    dsts.add(dst);
    this.pairCount++;
  }

  sawMac(mac: string): boolean {
    const n = parseMac(mac);
    return n !== null && this.macs.has(n);
  }

  sawArpFrom(ip: string): boolean {
    const n = parseIpv4(ip);
    return n !== null && this.arpSenders.has(n);
  }

  /** An IPv4 packet from src to dst was captured (always true once too many pairs were seen to keep). */
  sawPacket(src: string, dst: string): boolean {
    if (this.pairCount >= MAX_PAIRS) return true;
    const s = parseIpv4(src);
    const d = parseIpv4(dst);
    return s !== null && d !== null && this.pairs.get(s)?.has(d) === true;
  }

  /** Nothing: verify asks the sightings directly, and the report it compares is the engines'. */
  report(): JsonValue {
    return null;
  }

  clone(): Engine {
    throw new Error('Sightings is not replayed: it serves one verify run.');
  }
}

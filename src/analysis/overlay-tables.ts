// The overlay engine's state: tunnels between VTEPs and, per VNI, the VXLAN
// forwarding table (inner MAC -> the VTEP it lives behind).

import type { Engine } from './types.js';
import { compareVteps, type VtepAddresses } from './overlay-context.js';
import { U48Map } from './u48-map.js';

/**
 * One tunnel: a VNI and UDP port between two VTEPs. The two ends are kept as an
 * unordered pair (`a` sorts before `b`); which one is local is decided from the
 * evidence (see `TunnelTable.localOf`).
 */
export interface Tunnel {
  readonly vni: number;
  readonly port: number;
  readonly a: number;
  readonly b: number;
  frames: number;
  firstFrame: number;
  lastFrame: number;
  /** Frames whose capture direction says `a` (resp. `b`) is this host's end. */
  votesA: number;
  votesB: number;
}

/** How the local end of a tunnel was decided. */
export type LocalRule = 'topology' | 'direction' | 'most-tunnels' | 'lowest-address';

export class TunnelTable {
  /**
   * vni * 65536 + port -> a -> b -> tunnel. U48Maps: these keys pass 2^31, where a JS Map
   * hashes each lookup's key in V8's runtime (interleaved tunnels miss `last` every frame).
   */
  private byKey = new U48Map<U48Map<U48Map<Tunnel>>>();
  all: Tunnel[] = [];
  /** Number of tunnels each VTEP is an end of. */
  private degree = new Map<number, number>();
  private last: Tunnel | null = null;
  /** The rule the last `localOf` call used. */
  lastRule: LocalRule = 'lowest-address';

  constructor(private readonly addresses: VtepAddresses) {}

  /** The tunnel between `x` and `y` (either order); null when new. */
  find(vni: number, port: number, x: number, y: number): Tunnel | null {
    const swap = compareVteps(this.addresses, x, y) > 0;
    const a = swap ? y : x;
    const b = swap ? x : y;
    const last = this.last;
    if (last !== null && last.a === a && last.b === b && last.vni === vni && last.port === port) return last;
    const t = this.byKey.get(vni * 65536 + port)?.get(a)?.get(b) ?? null;
    if (t !== null) this.last = t;
    return t;
  }

  add(vni: number, port: number, x: number, y: number, frame: number): Tunnel {
    const swap = compareVteps(this.addresses, x, y) > 0;
    const t: Tunnel = {
      vni, port, a: swap ? y : x, b: swap ? x : y, frames: 0, firstFrame: frame, lastFrame: frame, votesA: 0, votesB: 0,
    };
    const key = vni * 65536 + port;
    let byA = this.byKey.get(key);
    if (!byA) this.byKey.set(key, (byA = new U48Map()));
    let byB = byA.get(t.a);
    if (!byB) byA.set(t.a, (byB = new U48Map()));
    byB.set(t.b, t);
    this.all.push(t);
    this.degree.set(t.a, (this.degree.get(t.a) ?? 0) + 1);
    this.degree.set(t.b, (this.degree.get(t.b) ?? 0) + 1);
    this.last = t;
    return t;
  }

  /**
   * The local end of a tunnel, by the first rule that tells them apart:
   * 1. topology: exactly one end is the `local` address of a VXLAN device;
   * 2. direction: the capture said which frames were sent ('out': the outer source is
   *    local) or received ('in': the outer destination is), and more say one end;
   * 3. most-tunnels: a capture on a host's underlay sees that host in every tunnel,
   *    so the end that is in more tunnels is taken as the capture point;
   * 4. lowest-address: otherwise (two hosts, no direction: a capture on either end
   *    looks the same) the numerically lower address, so the answer is deterministic.
   * Sets `lastRule`.
   */
  localOf(t: Tunnel, localVteps: ReadonlySet<number>): number {
    const aLocal = localVteps.has(t.a);
    if (aLocal !== localVteps.has(t.b)) {
      this.lastRule = 'topology';
      return aLocal ? t.a : t.b;
    }
    if (t.votesA !== t.votesB) {
      this.lastRule = 'direction';
      return t.votesA > t.votesB ? t.a : t.b;
    }
    const da = this.degree.get(t.a) ?? 0;
    const db = this.degree.get(t.b) ?? 0;
    if (da !== db) {
      this.lastRule = 'most-tunnels';
      return da > db ? t.a : t.b;
    }
    this.lastRule = 'lowest-address';
    return t.a;
  }

  copy(addresses: VtepAddresses): TunnelTable {
    const c = new TunnelTable(addresses);
    for (const t of this.all) {
      const n = c.add(t.vni, t.port, t.a, t.b, t.firstFrame);
      n.frames = t.frames;
      n.lastFrame = t.lastFrame;
      n.votesA = t.votesA;
      n.votesB = t.votesB;
    }
    c.last = null;
    return c;
  }
}

/** One entry of a VNI's VXLAN forwarding table. */
export interface OverlayFdbEntry {
  readonly mac: number;
  vtep: number;
  firstFrame: number;
  /** Frame that taught the current VTEP (the learn or the last move). */
  learnedFrame: number;
  lastFrame: number;
  /** Capture time (seconds) the entry was last confirmed, for ageing. */
  lastSec: number;
  frames: number;
  moves: number;
}

/** Everything known of one VNI. */
export class VniState {
  /** MAC -> entry (a U48Map: see there why not a JS Map). */
  readonly fdb = new U48Map<OverlayFdbEntry>();
  readonly vteps = new Set<number>();
  frames = 0;
  /** Largest inner IPv4 packet (Total Length) carried, 0 when none. */
  largestInner = 0;

  constructor(readonly vni: number, readonly engines: Engine[]) {}

  copy(): VniState {
    const c = new VniState(this.vni, this.engines.map((e) => e.clone()));
    for (const [mac, e] of this.fdb.entries()) c.fdb.set(mac, { ...e });
    for (const v of this.vteps) c.vteps.add(v);
    c.frames = this.frames;
    c.largestInner = this.largestInner;
    return c;
  }
}

// The contract between the analysis pipeline and its engines.
//
// An engine is a deterministic state machine over the frame sequence: `step` reads
// one frame (and nothing else: no clock, no I/O, no randomness) and appends the
// typed changes it made to its state. The same frames in the same order always give
// the same state and the same changes, so the replay (a later issue) can checkpoint
// with `clone()` and step again. Frames arrive in timestamp order.

import { LayerList, type JsonValue } from '../decode/index.js';
import type { Topology } from '../topology/model.js';
import type { AnalysisLimits, Overflow } from './limits.js';

/** How this frame relates to other captured copies of the same frame (see copies.ts). */
export interface CopyInfo {
  /** Frame number of the first copy seen (this frame's own number when it is the first). */
  readonly firstNo: number;
  /** Capture interface name of the first copy (null when unknown). */
  readonly firstIface: string | null;
  /** True when an earlier copy of the same frame was already seen on another interface. */
  readonly isCopy: boolean;
  /**
   * True when no copy of this frame can be in the capture (one capture interface, not SLL2:
   * the pipeline then skips copy recognition), so an engine waiting for one may judge now.
   */
  readonly alone?: boolean;
}

/** One decoded frame as the engines see it. `layers` is pooled: copy what you keep. */
export interface AnalysisFrame {
  /** Frame number in the input (the reader's numbering, what `decode` prints). */
  readonly no: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  /** Capture interface id of the run. */
  readonly ifaceId: number;
  /**
   * Name of the interface the frame was captured on: pcapng if_name, or an SLL2
   * ifindex resolved through the topology; null when the capture does not say.
   */
  readonly iface: string | null;
  /** SLL2 interface index, -1 when the link type has none. */
  readonly ifindex: number;
  /** 'in' received on `iface`, 'out' sent on it; null when the capture does not say. */
  readonly direction: 'in' | 'out' | null;
  readonly layers: LayerList;
  readonly copy: CopyInfo;
}

/** An AnalysisFrame that is refilled for every frame (the pipeline's, and the overlay's inner frames). */
export class MutableAnalysisFrame implements AnalysisFrame {
  no = 0;
  tsSec = 0;
  tsNsec = 0;
  ifaceId = 0;
  iface: string | null = null;
  ifindex = -1;
  direction: 'in' | 'out' | null = null;
  layers = new LayerList();
  readonly copy: { -readonly [K in keyof CopyInfo]: CopyInfo[K] } = { firstNo: 0, firstIface: null, isCopy: false, alone: false };
}

/** A change an engine made: `frame` is the frame number that caused it. */
export interface Change {
  readonly frame: number;
  /** Namespaced kind: 'fdb.learn', 'fdb.move', 'arp.new', 'nat.new', 'tunnel.new', ... */
  readonly kind: string;
  readonly [key: string]: JsonValue;
}

export interface EngineOptions {
  readonly topology: Topology;
  /** Bridge FDB ageing time in seconds (Linux default 300). */
  readonly ageingSeconds: number;
  /** UDP ports decoded as VXLAN. */
  readonly vxlanPorts: readonly number[];
  /** Caps on the tables (limits.ts); DEFAULT_LIMITS when absent. */
  readonly limits?: AnalysisLimits;
}

export interface Engine {
  readonly name: string;
  /** Process one frame, appending the changes it causes to `out`. */
  step(frame: AnalysisFrame, out: Change[]): void;
  /**
   * step(frames[k], outs[k]) for k in [0, count), in order. Optional: an engine's own loop calls
   * its step() directly (V8 inlines it), where the pipeline's loop over several engine classes
   * would make every call a polymorphic one.
   */
  stepBatch?(frames: readonly AnalysisFrame[], outs: readonly Change[][], count: number): void;
  /** End of input: settle anything held back for a decision, appending the changes to `out`. */
  finish?(out: Change[]): void;
  /** The engine's part of the `analyze --json` report: plain JSON, stable order. */
  report(): JsonValue;
  /** After report(): its lists that were shortened, with how many entries each left out. */
  reportCapped?(): Record<string, number>;
  /** An independent copy of the engine and its state (replay checkpoints). */
  clone(): Engine;
  /** The tables that reached their cap (limits.ts), for the report's `limits` section. */
  overflows?(): readonly Overflow[];
}

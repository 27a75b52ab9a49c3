// The analysis pipeline: decode each captured frame, recognise copies of it on other
// interfaces, and hand it to every engine in turn. It owns nothing of the capture
// layer: any object shaped like a reader's RawFrame can be pushed (frames must come
// in timestamp order; see capture/reorder.ts).

import { FrameDecoder, type DecodedFrame, type JsonValue } from '../decode/index.js';
import { ReportNamer } from './report-names.js';
import type { Topology } from '../topology/model.js';
import { CopyTracker } from './copies.js';
import { OverflowLog, limitsReport, resolveLimits, type AnalysisLimits, type Overflow } from './limits.js';
import { MutableAnalysisFrame, type AnalysisFrame, type Change, type Engine, type EngineOptions } from './types.js';

/** What the pipeline needs of a captured frame (a capture reader's RawFrame fits). */
export interface CapturedFrame {
  readonly no: number;
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly origLen: number;
  readonly data: Uint8Array;
  readonly start: number;
  readonly end: number;
  readonly direction: 'in' | 'out' | null;
  readonly iface: {
    readonly id: number;
    readonly linkType: number;
    readonly name: string | null;
    readonly fcsLength?: number;
  };
}

export interface InterfaceSummary {
  name: string | null;
  linktype: number;
  frames: number;
}

export interface PipelineOptions extends Partial<Omit<EngineOptions, 'limits'>> {
  /** Caps on the state (limits.ts); unset ones take DEFAULT_LIMITS. Give the engines the same. */
  limits?: Partial<AnalysisLimits>;
  /** Keep every change for the report (default true). Off, only counts are kept: memory stays flat. */
  keepEvents?: boolean;
  /**
   * The run's capture interfaces as the source lists them (a live list: it grows as files
   * declare interfaces). While it holds one interface that is not SLL2, no frame can be a
   * copy of another and copy recognition is skipped. Without it, every frame is checked.
   */
  captureInterfaces?: readonly { readonly linkType: number }[];
  /**
   * Verify IPv4, ICMP and ICMPv6 checksums while decoding (default true). No engine reads the
   * result: runs that show no decoded layers (analyze, capture) turn it off, which saves
   * summing every 1,480-byte ping. The replay keeps it: its layer tree shows the result.
   */
  verifyChecksums?: boolean;
}

const LINKTYPE_LINUX_SLL2 = 276;

/** Most frames pushBatch() takes at once. */
export const MAX_BATCH = 32;

/** One frame of a batch: its decoder (the siblings share pending fragments), the frame the engines get, its changes. */
class BatchSlot {
  decoded: DecodedFrame | null = null;
  constructor(readonly decoder: FrameDecoder, readonly frame: MutableAnalysisFrame, readonly changes: Change[]) {}
}

export class AnalysisPipeline {
  readonly decoder: FrameDecoder;
  readonly engineOptions: EngineOptions;
  private copies: CopyTracker;
  /** The pipeline's own caps hit: events kept, copy window, IPv4 reassembly. */
  private overflow = new OverflowLog();
  private fragEvictedSeen = 0;
  private copiesEvictedSeen = 0;
  private readonly keepEvents: boolean;
  events: Change[] = [];
  /** Count of changes per kind, kept even when events are not. */
  readonly changeCounts = new Map<string, number>();
  frames = 0;
  /** The decoder's result for the last frame pushed (reused by the decoder: valid until the next push). */
  lastDecoded: DecodedFrame | null = null;
  /** Per capture interface id. */
  private summaries: (InterfaceSummary | undefined)[] = [];
  private lastIface: CapturedFrame['iface'] | null = null;
  private lastSummary: InterfaceSummary | null = null;
  private readonly captureInterfaces: PipelineOptions['captureInterfaces'];
  /**
   * The frames of a batch, each refilled for every batch (engines copy what they keep). Slot 0
   * has the pipeline's own decoder, and is the one push() uses.
   */
  private readonly slots: BatchSlot[];
  /** Each slot's frame and changes, as Engine.stepBatch takes them. */
  private readonly slotFrames: MutableAnalysisFrame[] = [];
  private readonly slotChanges: Change[][] = [];
  /** The slot of the last frame pushed, whose changes lastChanges gives. */
  private lastSlot = 0;

  /** `decoder`: a decoder to continue with (clone() passes its copy); a new one by default. */
  constructor(readonly engines: Engine[], options: PipelineOptions, topology: Topology, decoder?: FrameDecoder) {
    this.engineOptions = {
      topology,
      ageingSeconds: options.ageingSeconds ?? 300,
      vxlanPorts: options.vxlanPorts ?? [4789],
      limits: resolveLimits(options.limits),
    };
    const limits = this.engineOptions.limits as AnalysisLimits;
    this.copies = new CopyTracker(limits.recentFrames);
    this.keepEvents = options.keepEvents ?? true;
    this.captureInterfaces = options.captureInterfaces;
    this.decoder = decoder ?? new FrameDecoder({
      vxlanPorts: this.engineOptions.vxlanPorts, fragmentDatagrams: limits.fragDatagrams, fragmentSeconds: limits.fragSeconds,
      verifyChecksums: options.verifyChecksums ?? true,
    });
    this.namer = new ReportNamer(topology);
    this.slots = [];
    this.addSlot(this.decoder);
  }

  /** A batch slot more; its decoder a sibling of the pipeline's (shared pending fragments) unless given. */
  private addSlot(decoder = this.decoder.sibling()): void {
    const slot = new BatchSlot(decoder, new MutableAnalysisFrame(), []);
    this.slots.push(slot);
    this.slotFrames.push(slot.frame);
    this.slotChanges.push(slot.changes);
  }

  /**
   * Whether decoding verifies checksums (PipelineOptions.verifyChecksums); may change between
   * pushes. The engines never read the verdicts, so only what is shown of a frame depends on it.
   */
  get verifyChecksums(): boolean {
    return this.decoder.ctx.verifyChecksums;
  }

  set verifyChecksums(on: boolean) {
    for (const slot of this.slots) slot.decoder.ctx.verifyChecksums = on;
  }

  /** Names from the topology for the report's MACs and IPs (cached: the same for every copy). */
  private namer: ReportNamer;

  /**
   * An independent copy of the whole state (replay checkpoints): pushing the same frames
   * into the copy and into this pipeline gives the same reports, and neither affects the
   * other. Change objects are shared (they are never modified once made).
   */
  clone(): AnalysisPipeline {
    const o = this.engineOptions;
    const c = new AnalysisPipeline(this.engines.map((e) => e.clone()),
      { ageingSeconds: o.ageingSeconds, vxlanPorts: o.vxlanPorts, keepEvents: this.keepEvents, captureInterfaces: this.captureInterfaces, limits: o.limits },
      o.topology, this.decoder.clone());
    c.namer = this.namer;
    c.verifyChecksums = this.verifyChecksums;
    c.copies = this.copies.clone();
    c.overflow.copyFrom(this.overflow);
    c.fragEvictedSeen = this.fragEvictedSeen;
    c.copiesEvictedSeen = this.copiesEvictedSeen;
    c.events = this.events.slice();
    for (const [kind, n] of this.changeCounts) c.changeCounts.set(kind, n);
    c.frames = this.frames;
    c.summaries = this.summaries.map((i) => (i === undefined ? undefined : { ...i }));
    return c;
  }

  push(raw: CapturedFrame): AnalysisFrame {
    // Not pushBatch() of one: one frame at a time (replay, `decode -Y`, live), its loops made
    // pushing 17 % slower.
    const slot = this.slots[0];
    this.take(slot, raw);
    const frame = slot.frame;
    const out = slot.changes;
    for (const engine of this.engines) engine.step(frame, out);
    if (out.length > 0) this.keep(out);
    this.lastDecoded = slot.decoded;
    this.lastSlot = 0;
    return frame;
  }

  /**
   * Pushes raws[0..count) (count at most MAX_BATCH): the same state and changes as pushing
   * them one at a time, but each engine steps over all of them before the next engine runs,
   * so that one engine's code and tables stay in the CPU's caches. batchFrame(k) and
   * batchChanges(k) are frame k's, valid until the next push. `kept(k)`, when given, is called
   * for each frame in order once its changes are kept, before the next frame's are (`events`
   * then holds what frame by frame it would hold after frame k's push).
   */
  pushBatch(raws: readonly CapturedFrame[], count: number, kept?: (k: number) => void): void {
    if (count < 1 || count > MAX_BATCH) throw new RangeError(`pushBatch takes 1 to ${MAX_BATCH} frames, not ${count}`);
    const slots = this.slots;
    while (slots.length < count) this.addSlot();
    for (let k = 0; k < count; k++) this.take(slots[k], raws[k]);
    // Engines are independent of each other: engine-major order gives each frame the changes
    // it gets frame by frame, in the same order (each engine's appended after the previous one's).
    const frames = this.slotFrames;
    const outs = this.slotChanges;
    for (const engine of this.engines) {
      if (engine.stepBatch !== undefined) engine.stepBatch(frames, outs, count);
      else for (let k = 0; k < count; k++) engine.step(frames[k], outs[k]);
    }
    for (let k = 0; k < count; k++) {
      if (slots[k].changes.length > 0) this.keep(slots[k].changes);
      if (kept !== undefined) kept(k);
    }
    this.lastDecoded = slots[count - 1].decoded;
    this.lastSlot = count - 1;
  }

  /** Decodes `raw` into `slot` for the engines: counts it, and starts its changes with the evictions it caused. */
  private take(slot: BatchSlot, raw: CapturedFrame): void {
    const decoded = slot.decoder.decode(raw);
    if (slot.decoded !== decoded) slot.decoded = decoded;
    const frame = this.toAnalysisFrame(slot.frame, raw, decoded);
    this.frames++;
    this.summaryOf(raw.iface, frame.iface).frames++;
    const out = slot.changes;
    // Emptied by pop(): `length = 0` drops the backing store, and the next change's push allocates one.
    while (out.length > 0) out.pop();
    // The decoder and the copy tracker evict while taking this frame: noted before its engines' changes.
    if (this.decoder.ctx.reassembler.evicted !== this.fragEvictedSeen || this.copies.evicted !== this.copiesEvictedSeen) this.noteEvictions(raw.no, out);
  }

  /** Frame k of the last pushBatch() as the engines saw it. */
  batchFrame(k: number): AnalysisFrame {
    return this.slots[k].frame;
  }

  /** The changes frame k of the last pushBatch() caused. */
  batchChanges(k: number): readonly Change[] {
    return this.slots[k].changes;
  }

  private summaryOf(iface: CapturedFrame['iface'], name: string | null): InterfaceSummary {
    if (iface === this.lastIface) return this.lastSummary as InterfaceSummary;
    let summary = this.summaries[iface.id];
    if (summary === undefined) {
      summary = { name, linktype: iface.linkType, frames: 0 };
      this.summaries[iface.id] = summary;
    }
    this.lastIface = iface;
    this.lastSummary = summary;
    return summary;
  }

  /** Frames per capture interface id, in id order. */
  get interfaces(): ReadonlyMap<number, InterfaceSummary> {
    const out = new Map<number, InterfaceSummary>();
    this.summaries.forEach((summary, id) => {
      if (summary !== undefined) out.set(id, summary);
    });
    return out;
  }

  private keep(changes: Change[]): void {
    const max = (this.engineOptions.limits as AnalysisLimits).events;
    for (const change of changes) {
      this.changeCounts.set(change.kind, (this.changeCounts.get(change.kind) ?? 0) + 1);
      if (!this.keepEvents) continue;
      if (this.events.length < max) this.events.push(change);
      else this.overflow.hit('events', null, max, 'refused', change.frame, 'changes kept for the report', null);
    }
  }

  /** Tables that drop their oldest entry when full: counted (and reported once) when they did. */
  private noteEvictions(no: number, out: Change[]): void {
    const limits = this.engineOptions.limits as AnalysisLimits;
    const frag = this.decoder.ctx.reassembler.evicted;
    for (; this.fragEvictedSeen < frag; this.fragEvictedSeen++) {
      this.overflow.hit('frag', null, limits.fragDatagrams, 'evicted', no, 'IPv4 datagrams waiting for fragments', out);
    }
    const copies = this.copies.evicted;
    for (; this.copiesEvictedSeen < copies; this.copiesEvictedSeen++) {
      this.overflow.hit('recent', 'copy recognition', limits.recentFrames, 'evicted', no, 'frames within the copy window', out);
    }
  }

  /** Every table that reached its cap: the pipeline's and the engines'. */
  overflows(): Overflow[] {
    const all = this.overflow.list();
    for (const engine of this.engines) for (const o of engine.overflows?.() ?? []) all.push(o);
    return all;
  }

  /** The changes the last frame pushed (or finish()) caused; valid until the next push. */
  get lastChanges(): readonly Change[] {
    return this.slots[this.lastSlot].changes;
  }

  /** End of input: engines that hold frames for a decision settle them now. */
  finish(): void {
    this.lastSlot = 0;
    const out = this.slots[0].changes;
    out.length = 0;
    for (const engine of this.engines) engine.finish?.(out);
    this.keep(out);
  }

  /** True while no frame can be a copy of another: one capture interface, not SLL2 (see PipelineOptions). */
  private get singleSide(): boolean {
    const list = this.captureInterfaces;
    return list !== undefined && list.length === 1 && list[0].linkType !== LINKTYPE_LINUX_SLL2;
  }

  /** Interface name of a frame: the capture's own, else an SLL2 ifindex looked up in the topology. */
  private ifaceName(raw: CapturedFrame, decoded: DecodedFrame): string | null {
    if (raw.iface.name !== null) return raw.iface.name;
    if (decoded.ifindex >= 0) return this.engineOptions.topology.linkByIndex(decoded.ifindex)?.name ?? null;
    return null;
  }

  private toAnalysisFrame(f: MutableAnalysisFrame, raw: CapturedFrame, decoded: DecodedFrame): AnalysisFrame {
    f.no = raw.no;
    f.tsSec = raw.tsSec;
    f.tsNsec = raw.tsNsec;
    f.ifaceId = raw.iface.id;
    // Objects and strings are stored only when they change (see FrameDecoder.decode: the write barrier).
    const iface = this.ifaceName(raw, decoded);
    if (f.iface !== iface) f.iface = iface;
    f.ifindex = decoded.ifindex;
    if (f.direction !== decoded.direction) f.direction = decoded.direction;
    if (f.layers !== decoded.layers) f.layers = decoded.layers;
    if (this.singleSide) {
      f.copy.firstNo = raw.no;
      if (f.copy.firstIface !== iface) f.copy.firstIface = iface;
      f.copy.isCopy = false;
      f.copy.alone = true;
      return f;
    }
    f.copy.alone = false;
    // In `-i any` captures one capture interface carries every real interface: the SLL2
    // ifindex tells them apart for copy recognition.
    const side = decoded.ifindex >= 0 ? raw.iface.id * 4294967296 + decoded.ifindex + 1 : raw.iface.id * 4294967296;
    this.copies.observe(raw.no, side, f.iface, raw.tsSec, raw.tsNsec, raw.data, raw.start, raw.end, decoded.layers, f.copy);
    return f;
  }

  report(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = { frames: this.frames };
    out.interfaces = [...this.interfaces.values()].map((i) => ({ name: i.name, linktype: i.linktype, frames: i.frames }));
    const capped: Record<string, number> = {};
    for (const engine of this.engines) {
      out[engine.name] = engine.report();
      Object.assign(capped, engine.reportCapped?.());
    }
    // Lists too long to report whole (NAT connections ever seen): how many entries each left out.
    if (Object.keys(capped).length > 0) out.capped = capped;
    out.events = this.events as unknown as JsonValue;
    const overflows = this.overflows();
    if (overflows.length > 0) out.limits = limitsReport(this.engineOptions.limits as AnalysisLimits, overflows);
    this.namer.annotate(out);
    return out;
  }
}

// The analysis pipeline: decode each captured frame, recognise copies of it on other
// interfaces, and hand it to every engine in turn. It owns nothing of the capture
// layer: any object shaped like a reader's RawFrame can be pushed (frames must come
// in timestamp order; see capture/reorder.ts).

import { FrameDecoder, type DecodedFrame, type JsonValue } from '../decode/index.js';
import type { Topology } from '../topology/model.js';
import { CopyTracker } from './copies.js';
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

export interface PipelineOptions extends Partial<EngineOptions> {
  /** Keep every change for the report (default true). Off, only counts are kept: memory stays flat. */
  keepEvents?: boolean;
}

export class AnalysisPipeline {
  readonly decoder: FrameDecoder;
  readonly engineOptions: EngineOptions;
  private readonly copies = new CopyTracker();
  private readonly keepEvents: boolean;
  readonly events: Change[] = [];
  /** Count of changes per kind, kept even when events are not. */
  readonly changeCounts = new Map<string, number>();
  frames = 0;
  readonly interfaces = new Map<number, InterfaceSummary>();
  private readonly scratch: Change[] = [];
  /** The frame handed to the engines, refilled for every frame (engines copy what they keep). */
  private readonly frame = new MutableAnalysisFrame();

  constructor(readonly engines: Engine[], options: PipelineOptions, topology: Topology) {
    this.engineOptions = {
      topology,
      ageingSeconds: options.ageingSeconds ?? 300,
      vxlanPorts: options.vxlanPorts ?? [4789],
    };
    this.keepEvents = options.keepEvents ?? true;
    this.decoder = new FrameDecoder({ vxlanPorts: this.engineOptions.vxlanPorts });
  }

  push(raw: CapturedFrame): AnalysisFrame {
    const decoded = this.decoder.decode(raw);
    const frame = this.toAnalysisFrame(raw, decoded);
    this.frames++;
    const summary = this.interfaces.get(raw.iface.id);
    if (summary) summary.frames++;
    else this.interfaces.set(raw.iface.id, { name: frame.iface, linktype: raw.iface.linkType, frames: 1 });
    const out = this.scratch;
    out.length = 0;
    for (const engine of this.engines) engine.step(frame, out);
    for (const change of out) {
      this.changeCounts.set(change.kind, (this.changeCounts.get(change.kind) ?? 0) + 1);
      if (this.keepEvents) this.events.push(change);
    }
    return frame;
  }

  /** End of input: engines that hold frames for a decision settle them now. */
  finish(): void {
    const out = this.scratch;
    out.length = 0;
    for (const engine of this.engines) engine.finish?.(out);
    for (const change of out) {
      this.changeCounts.set(change.kind, (this.changeCounts.get(change.kind) ?? 0) + 1);
      if (this.keepEvents) this.events.push(change);
    }
  }

  /** Interface name of a frame: the capture's own, else an SLL2 ifindex looked up in the topology. */
  private ifaceName(raw: CapturedFrame, decoded: DecodedFrame): string | null {
    if (raw.iface.name !== null) return raw.iface.name;
    if (decoded.ifindex >= 0) return this.engineOptions.topology.linkByIndex(decoded.ifindex)?.name ?? null;
    return null;
  }

  private toAnalysisFrame(raw: CapturedFrame, decoded: DecodedFrame): AnalysisFrame {
    const f = this.frame;
    f.no = raw.no;
    f.tsSec = raw.tsSec;
    f.tsNsec = raw.tsNsec;
    f.ifaceId = raw.iface.id;
    f.iface = this.ifaceName(raw, decoded);
    f.ifindex = decoded.ifindex;
    f.direction = decoded.direction;
    f.layers = decoded.layers;
    // In `-i any` captures one capture interface carries every real interface: the SLL2
    // ifindex tells them apart for copy recognition.
    const copyIface = decoded.ifindex >= 0 ? raw.iface.id * 4294967296 + decoded.ifindex + 1 : raw.iface.id * 4294967296;
    this.copies.observe(raw.no, copyIface, f.iface, raw.tsSec, raw.tsNsec, raw.data, raw.start, raw.end, decoded.layers, f.copy);
    return f;
  }

  report(): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = { frames: this.frames };
    out.interfaces = [...this.interfaces].sort((a, b) => a[0] - b[0]).map(([, i]) => ({ name: i.name, linktype: i.linktype, frames: i.frames }));
    for (const engine of this.engines) out[engine.name] = engine.report();
    out.events = this.events as unknown as JsonValue;
    return out;
  }
}

// Decodes whole frames: picks the first decoder from the link type, then runs the
// chain of protocol decoders, each naming the next. Records are pooled and the
// DecodedFrame is reused, so steady-state decoding allocates almost nothing.

import { decodeArp } from './arp.js';
import { DecodeContext, Next, type DecodeOptions, type NextKind } from './context.js';
import { decodeDns } from './dns.js';
import { decodeEthernet } from './ethernet.js';
import { decodeIcmp } from './icmp.js';
import { decodeIcmpv6 } from './icmpv6.js';
import { decodeIpv4 } from './ipv4.js';
import type { Ipv4Reassembler } from './ipv4-reassembly.js';
import { decodeIpv6 } from './ipv6.js';
import type { DecodeIssue } from './issues.js';
import { LayerList } from './layers.js';
import { decodeGeneve } from './geneve.js';
import { decodeIpv4Link, decodeIpv6Link, decodeLoop, decodeNull, decodeRawIp } from './null-loopback.js';
import { decodeSll, decodeSll2 } from './sll.js';
import { decodeTcp } from './tcp.js';
import { decodeUdp } from './udp.js';
import { decodeVlan } from './vlan.js';
import { decodeVxlan } from './vxlan.js';

/** LINKTYPE_* numbers (duplicated from capture/types.ts on purpose: decode imports nothing from capture). */
const LINKTYPE_NULL = 0;
const LINKTYPE_EN10MB = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LOOP = 108;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;
const LINKTYPE_LINUX_SLL2 = 276;
/** OpenBSD's DLT_RAW value, which some files carry as the link type. */
const LINKTYPE_RAW_OPENBSD = 14;

/**
 * Upper bound on layers in one frame: stops hostile VXLAN-in-VXLAN nesting. A const enum, so
 * the check before every layer compares with a number in place; exported as a value for tests.
 */
const enum Limit { MAX_LAYERS = 64 }
export const MAX_LAYERS: number = Limit.MAX_LAYERS;

export function firstDecoderFor(linkType: number): NextKind {
  switch (linkType) {
    case LINKTYPE_EN10MB: return Next.Ethernet;
    case LINKTYPE_LINUX_SLL: return Next.Sll;
    case LINKTYPE_LINUX_SLL2: return Next.Sll2;
    case LINKTYPE_NULL: return Next.Null;
    case LINKTYPE_LOOP: return Next.Loop;
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_OPENBSD: return Next.RawIp;
    case LINKTYPE_IPV4: return Next.Ipv4Link;
    case LINKTYPE_IPV6: return Next.Ipv6Link;
    default: return Next.None;
  }
}

/** The result of decoding one frame. Reused by the decoder: copy what you keep. */
export class DecodedFrame {
  readonly layers = new LayerList();
  issues: DecodeIssue[] = [];
  /** 'in'/'out' from the capture (pcapng flags) or the SLL packet type; null when unknown. */
  direction: 'in' | 'out' | null = null;
  /** SLL2 interface index, -1 when the link type has none. */
  ifindex = -1;
  /** SLL packet type (PACKET_HOST 0 ... PACKET_OUTGOING 4), -1 when the link type has none. */
  pkttype = -1;
}

/**
 * What the decoder needs of a captured frame. A capture reader's RawFrame has this
 * shape, so it is passed as is (decode/ does not import capture/).
 */
export interface FrameInput {
  /** The captured bytes are data[start, end): no view is made per frame. */
  data: Uint8Array;
  start: number;
  end: number;
  /** Original length on the wire. */
  origLen: number;
  tsSec: number;
  /** Direction the capture format gave, or null. */
  direction: 'in' | 'out' | null;
  iface: {
    /** Interface id in the run, for IPv4 reassembly keys. */
    readonly id: number;
    readonly linkType: number;
    /** Bytes of frame check sequence at the end of each frame (pcap FCS bits, pcapng if_fcslen). */
    readonly fcsLength?: number;
  };
}

const EMPTY_ISSUES: DecodeIssue[] = [];

export class FrameDecoder {
  readonly ctx: DecodeContext;
  private readonly out = new DecodedFrame();
  // Frames from a reader are views into one chunk buffer: keep one view of the whole
  // buffer and decode at absolute offsets, instead of a new DataView per frame.
  // (Reading `.buffer`/`.byteOffset` of a typed array costs more than comparing the array.)
  private lastData: Uint8Array | null = null;
  private lastByteOffset = 0;
  private wholeBytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  private wholeView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** The buffer before the last one, and its views. */
  private otherData: Uint8Array | null = null;
  private otherBytes: Uint8Array<ArrayBufferLike> = this.wholeBytes;
  private otherView: DataView<ArrayBufferLike> = this.wholeView;
  // What the frame's interface decides, kept while frames come from the same (immutable)
  // interface object: readers hand out one per interface.
  private lastIface: FrameInput['iface'] | null = null;
  private firstDecoder: NextKind = Next.None;
  private fcsLength = 0;

  /** `reassembler` carries fragments over from another decoder (see `clone`). */
  constructor(private readonly options: DecodeOptions = {}, reassembler?: Ipv4Reassembler) {
    const ctx = new DecodeContext(options, reassembler);
    this.ctx = ctx;
    ctx.decodeChain = (kind, offset, end) => runChain(ctx, kind, offset, end);
  }

  /**
   * A decoder with the same options and an independent copy of the cross-frame state
   * (pending IPv4 fragments), for replay checkpoints. The current frame is not copied.
   */
  clone(): FrameDecoder {
    return new FrameDecoder(this.options, this.ctx.reassembler.clone());
  }

  /**
   * A decoder with the same options that shares this one's cross-frame state (pending IPv4
   * fragments): frames decoded in turn by several siblings decode as by one decoder, and each
   * sibling's result stays valid while the others decode the next frames.
   */
  sibling(): FrameDecoder {
    const d = new FrameDecoder(this.options, this.ctx.reassembler);
    d.ctx.verifyChecksums = this.ctx.verifyChecksums;
    return d;
  }

  decode(frame: FrameInput): DecodedFrame {
    const ctx = this.ctx;
    const out = this.out;
    const data = frame.data;
    const iface = frame.iface;
    if (data !== this.lastData) this.useBuffer(data);
    if (iface !== this.lastIface) this.useInterface(iface);
    ctx.resetPools();
    const captured = frame.end - frame.start;
    const origLen = frame.origLen;
    const start = this.lastByteOffset + frame.start;
    let end = start + captured;
    // A trailing FCS is not part of the frame's payload; strip it when it was captured.
    const fcs = this.fcsLength;
    if (fcs > 0 && captured === origLen && captured >= fcs) end -= fcs;
    // Pointer fields are stored only when they change: every store of an object runs V8's
    // write barrier, whose slow path (while the GC marks, or for a young value) costs more
    // than the comparison. IPv4 reassembly points bytes/dv at its buffer for a frame.
    if (ctx.bytes !== this.wholeBytes) ctx.bytes = this.wholeBytes;
    if (ctx.dv !== this.wholeView) ctx.dv = this.wholeView;
    ctx.frameStart = start;
    if (ctx.target !== out.layers) ctx.target = out.layers;
    ctx.quotedDepth = 0;
    ctx.snapTruncated = captured < origLen;
    ctx.sllPkttype = -1;
    ctx.sllIfindex = -1;
    ctx.ipPayloadLength = -1;
    ctx.ifaceId = iface.id;
    ctx.tsSec = frame.tsSec;
    ctx.etherType = 0;
    if (ctx.issues.length > 0) ctx.issues = [];
    out.layers.clear();

    if (this.firstDecoder === Next.None) {
      ctx.issue('frame', start, 'unsupported', `Link type ${iface.linkType} is not decoded.`);
    } else {
      runChain(ctx, this.firstDecoder, start, end);
    }
    const issues = ctx.issues.length > 0 ? ctx.issues : EMPTY_ISSUES;
    if (out.issues !== issues) out.issues = issues;
    out.pkttype = ctx.sllPkttype;
    out.ifindex = ctx.sllIfindex;
    const direction = frame.direction ?? (ctx.sllPkttype < 0 ? null : ctx.sllPkttype === 4 ? 'out' : 'in');
    if (out.direction !== direction) out.direction = direction;
    return out;
  }

  private useBuffer(data: Uint8Array): void {
    // Merged files alternate between their readers' windows: swap with the previous buffer's
    // views rather than make new ones for every frame.
    if (data === this.otherData) {
      const bytes = this.wholeBytes;
      const view = this.wholeView;
      this.otherData = this.lastData;
      this.wholeBytes = this.otherBytes;
      this.wholeView = this.otherView;
      this.otherBytes = bytes;
      this.otherView = view;
      this.lastData = data;
      this.lastByteOffset = data.byteOffset;
      return;
    }
    this.otherData = this.lastData;
    this.otherBytes = this.wholeBytes;
    this.otherView = this.wholeView;
    this.lastData = data;
    this.lastByteOffset = data.byteOffset;
    this.wholeBytes = new Uint8Array(data.buffer);
    this.wholeView = new DataView(data.buffer);
  }

  private useInterface(iface: FrameInput['iface']): void {
    this.lastIface = iface;
    this.firstDecoder = firstDecoderFor(iface.linkType);
    this.fcsLength = iface.fcsLength ?? 0;
  }
}

/**
 * Runs decoders from `kind` until one says Next.None. A switch with direct calls rather than
 * a table of functions: V8 then knows each callee, calls it directly and inlines the smallest
 * (Ethernet), where a call through the table went through the generic call path.
 */
function runChain(ctx: DecodeContext, kind: NextKind, offset: number, end: number): void {
  let next = kind;
  let start = offset;
  let stop = end;
  while (next !== Next.None) {
    if (ctx.target.count >= Limit.MAX_LAYERS) {
      ctx.issue('frame', start, 'unsupported', `The frame nests more than ${Limit.MAX_LAYERS} layers; the rest is not decoded.`);
      return;
    }
    switch (next) {
      case Next.Ethernet: next = decodeEthernet(ctx, start, stop); break;
      case Next.Ipv4: next = decodeIpv4(ctx, start, stop); break;
      case Next.Icmp: next = decodeIcmp(ctx, start, stop); break;
      case Next.Udp: next = decodeUdp(ctx, start, stop); break;
      case Next.Vxlan: next = decodeVxlan(ctx, start, stop); break;
      case Next.Ipv6: next = decodeIpv6(ctx, start, stop); break;
      case Next.Icmpv6: next = decodeIcmpv6(ctx, start, stop); break;
      case Next.Arp: next = decodeArp(ctx, start, stop); break;
      case Next.Tcp: next = decodeTcp(ctx, start, stop); break;
      case Next.Vlan: next = decodeVlan(ctx, start, stop); break;
      case Next.Dns: next = decodeDns(ctx, start, stop); break;
      case Next.Geneve: next = decodeGeneve(ctx, start, stop); break;
      case Next.Sll: next = decodeSll(ctx, start, stop); break;
      case Next.Sll2: next = decodeSll2(ctx, start, stop); break;
      case Next.Null: next = decodeNull(ctx, start, stop); break;
      case Next.Loop: next = decodeLoop(ctx, start, stop); break;
      case Next.RawIp: next = decodeRawIp(ctx, start, stop); break;
      case Next.Ipv4Link: next = decodeIpv4Link(ctx, start, stop); break;
      case Next.Ipv6Link: next = decodeIpv6Link(ctx, start, stop); break;
      default: return;
    }
    start = ctx.nextOffset;
    stop = ctx.nextEnd;
  }
}

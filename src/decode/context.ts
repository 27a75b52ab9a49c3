// The state one frame's decoding runs in: the bytes, where layers go, pooled
// records, and the issues met. Protocol decoders are functions
// `(ctx, offset, end) => Next`: they read bytes [offset, end), append their record,
// and say which decoder runs next on [ctx.nextOffset, ctx.nextEnd).

import { Ipv4Reassembler } from './ipv4-reassembly.js';
import type { DecodeIssue, IssueKind, LayerName } from './issues.js';
import {
  ArpLayer, DnsLayer, EthLayer, GeneveLayer, Icmpv6Layer, IcmpLayer, Ipv4Layer, Ipv6Layer, LayerList, NullLayer,
  SllLayer, TcpLayer, UdpLayer, VlanLayer, VxlanLayer,
} from './layers.js';

/**
 * Which decoder runs next. Numbering constants (this, the header field offsets) are const
 * enums: tsc writes the numbers in place, where V8 would load a module-level object and
 * check it at every use.
 */
export const enum Next {
  None = 0,
  Ethernet = 1,
  Vlan = 2,
  Sll = 3,
  Sll2 = 4,
  Null = 5,
  Loop = 6,
  RawIp = 7,
  Arp = 8,
  Ipv4 = 9,
  Ipv6 = 10,
  Icmp = 11,
  Udp = 12,
  Tcp = 13,
  Vxlan = 14,
  Icmpv6 = 15,
  Dns = 16,
  Ipv4Link = 17,
  Ipv6Link = 18,
  Geneve = 19,
}
export type NextKind = Next;

export type LayerDecoder = (ctx: DecodeContext, offset: number, end: number) => NextKind;

/** IANA's Geneve port (RFC 8926). */
export const GENEVE_PORT = 6081;

/** Counts frames: a pool sees that a new frame started without being reset one by one. */
class FrameClock {
  frame = 0;
}

class Pool<T> {
  /** The record most frames need, outside the array: the common case is one field read. */
  private readonly first: T;
  private readonly more: T[] = [];
  /** Records handed out in the current frame. */
  private used = 0;
  /** The frame `used` counts for. */
  private frame = -1;
  constructor(private readonly make: () => T, private readonly clock: FrameClock) {
    this.first = make();
  }
  take(): T {
    const frame = this.clock.frame;
    if (this.frame !== frame) {
      this.frame = frame;
      this.used = 1;
      return this.first;
    }
    return this.takeMore();
  }
  /** The second and later records of a frame (VXLAN's inner headers, ICMP's quoted ones). */
  private takeMore(): T {
    const i = this.used++ - 1;
    if (i === this.more.length) this.more.push(this.make());
    return this.more[i];
  }
}

export interface DecodeOptions {
  /** UDP ports decoded as VXLAN (default [4789]). */
  vxlanPorts?: readonly number[];
  /** UDP ports decoded as DNS (default [53, 5353, 5355]). */
  dnsPorts?: readonly number[];
  /** Verify IPv4 header, ICMP and ICMPv6 checksums (default true); off, checksumOk is null. */
  verifyChecksums?: boolean;
  /** IPv4 datagrams reassembled at once (default MAX_PENDING); the oldest is evicted for a new one. */
  fragmentDatagrams?: number;
  /** Seconds of capture time a datagram waits for its fragments (default 30, Linux's ipfrag_time). */
  fragmentSeconds?: number;
}

export class DecodeContext {
  bytes: Uint8Array<ArrayBufferLike> = new Uint8Array(0);
  dv: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** Offset in `bytes` that counts as frame offset 0 for issues. */
  frameStart = 0;
  /** Set by a decoder for the next one. */
  nextOffset = 0;
  nextEnd = 0;
  /** Where layers are appended: the frame's list, or an ICMP error's quoted list. */
  target: LayerList = new LayerList();
  /** > 0 while decoding the quoted datagram inside an ICMP error: lengths there are expected to be cut. */
  quotedDepth = 0;
  /** True when the capture cut the frame (caplen < original length): short payloads are expected. */
  snapTruncated = false;
  issues: DecodeIssue[] = [];
  /** Direction and ifindex learnt from an SLL header (the frame's own direction wins when known). */
  sllPkttype = -1;
  sllIfindex = -1;
  /** Capture interface id and timestamp (seconds) of the frame: reassembly keys and expiry. */
  ifaceId = 0;
  tsSec = 0;
  /** Fragments waiting for the rest of their datagram, across frames. */
  readonly reassembler: Ipv4Reassembler;
  /** IPv4/IPv6 payload length known to the network layer, for TCP's payload length; -1 unknown. */
  ipPayloadLength = -1;
  /** Runs the decoder chain from `kind` on [offset, end) into `ctx.target` (set by the FrameDecoder). */
  decodeChain: (kind: NextKind, offset: number, end: number) => void = () => {};
  /** The EtherType that selected the current decoder (a VLAN tag's TPID). */
  etherType = 0;
  /** UDP port -> Next kind (0 = plain data). */
  readonly udpPorts = new Uint8Array(65536);
  /** May change between frames: the replay verifies only the frames it shows. */
  verifyChecksums: boolean;

  private readonly clock = new FrameClock();
  readonly eth = new Pool(() => new EthLayer(), this.clock);
  readonly vlan = new Pool(() => new VlanLayer(), this.clock);
  readonly sll = new Pool(() => new SllLayer(), this.clock);
  readonly nul = new Pool(() => new NullLayer(), this.clock);
  readonly arp = new Pool(() => new ArpLayer(), this.clock);
  readonly ipv4 = new Pool(() => new Ipv4Layer(), this.clock);
  readonly icmp = new Pool(() => new IcmpLayer(), this.clock);
  readonly udp = new Pool(() => new UdpLayer(), this.clock);
  readonly vxlan = new Pool(() => new VxlanLayer(), this.clock);
  readonly geneve = new Pool(() => new GeneveLayer(), this.clock);
  readonly tcp = new Pool(() => new TcpLayer(), this.clock);
  readonly ipv6 = new Pool(() => new Ipv6Layer(), this.clock);
  readonly icmpv6 = new Pool(() => new Icmpv6Layer(), this.clock);
  readonly dns = new Pool(() => new DnsLayer(), this.clock);

  constructor(options: DecodeOptions = {}, reassembler = new Ipv4Reassembler(options.fragmentDatagrams, options.fragmentSeconds)) {
    this.reassembler = reassembler;
    for (const p of options.dnsPorts ?? [53, 5353, 5355]) this.udpPorts[p] = Next.Dns;
    this.udpPorts[GENEVE_PORT] = Next.Geneve;
    for (const p of options.vxlanPorts ?? [4789]) this.udpPorts[p] = Next.Vxlan;
    this.verifyChecksums = options.verifyChecksums ?? true;
  }

  /** Start a new frame: the records handed out for the last one become free again. */
  resetPools(): void {
    // Wraps within small integers; a pool untouched for exactly 2^30 frames would only grow by a record.
    this.clock.frame = (this.clock.frame + 1) & 0x3fffffff;
  }

  /** Record an issue at an offset in `bytes`. */
  issue(layer: LayerName, offset: number, kind: IssueKind, message: string): void {
    this.issues.push({ layer, offset: offset - this.frameStart, kind, message });
  }

  /**
   * Record that a header needed `required` bytes at `offset` but only `available` were there.
   * Inside an ICMP error's quoted datagram, cut headers are normal and are not reported.
   */
  truncated(layer: LayerName, offset: number, required: number, available: number, what: string): void {
    if (this.quotedDepth > 0) return;
    this.issue(layer, offset, 'truncated',
      `The ${what} needs ${required} bytes but only ${Math.max(0, available)} were captured.`);
  }

  /**
   * Decode the datagram an ICMP/ICMPv6 error quotes into `list`, with the ordinary
   * decoders starting at `kind`, expecting it to be cut short (no truncation issues).
   */
  decodeQuoted(list: LayerList, kind: NextKind, offset: number, end: number): void {
    const savedTarget = this.target;
    const savedIpPayload = this.ipPayloadLength;
    this.target = list;
    this.quotedDepth++;
    this.ipPayloadLength = -1;
    try {
      this.decodeChain(kind, offset, end);
    } finally {
      this.quotedDepth--;
      this.target = savedTarget;
      this.ipPayloadLength = savedIpPayload;
    }
  }

  /** Continue with `kind` on [offset, end). */
  then(kind: NextKind, offset: number, end: number): NextKind {
    this.nextOffset = offset;
    this.nextEnd = end;
    return kind;
  }
}

// Live capture through cap: one libpcap session per interface and direction (`any`: one
// session, LINUX_SLL), an optional BPF filter, every frame stamped on arrival (ArrivalClock)
// and handed over as the capture layer's RawFrame, so the decode and analysis pipeline reads
// a live capture as it reads a file.
//
// Shape: frames are delivered by cap synchronously, one callback per frame, from the
// event loop. Each one is passed at once to `onFrame` (the file writer: writing never
// falls behind) and copied into a bounded queue that consumers (the analysis, a UI) empty
// at their own pace with next(), in slices short enough that cap's reads come between
// them (see live-analysis.ts). One clock and one thread stamp every interface, so the
// queue is already merged by timestamp; frames of two interfaces that arrive within one
// read of each other are ordered by the order their sockets were read.
//
// Drops: frames the queue had no room for are counted (`dropped`); libpcap's own drop
// counts are not available through cap (no pcap_stats), so `kernelDropped` is null, and
// `missed()` compares what each device counted while capturing with what arrived here.

import { LiveCaptureError, explainCapError, ignorePacket, linkTypeNumber, loadCap, receivingSession, type CapModule, type CapSession, type ReceivingSession } from './cap-binding.js';
import { readDeviceCounts, type DeviceCounts } from './device-counters.js';
import { directionFilter } from './direction-filter.js';
import { ArrivalClock } from './live-clock.js';
import { LiveFrameQueue, type LiveQueueOptions } from './live-queue.js';
import type { Direction, FrameSource, InterfaceInfo, InterfaceStats, RawFrame, ReadIssue } from './types.js';

export const LIVE_SNAPLEN = 65535;

/** libpcap's ring per session when not told otherwise (see LiveCaptureOptions.bufferBytes). */
export const DEFAULT_RING_BYTES = 32 << 20;

/** Sessions whose open() failed, kept from the garbage collector (see openSession). */
export const FAILED_SESSIONS: CapSession[] = [];

export interface LiveCaptureOptions {
  /** Interface names (`any` for all); at least one. */
  readonly interfaces: readonly string[];
  /** BPF filter (libpcap syntax), '' for none. */
  readonly filter?: string;
  /**
   * libpcap's ring per session (two per interface), bytes. Default 32 MiB: 512 frames on
   * an interface with offloads on (see cap-binding.ts), 2.5 ms of a 200,000 frames/s flood.
   */
  readonly bufferBytes?: number;
  /** The queue's bounds; false: no queue (next() gives nothing; a consumer reads the written file instead). */
  readonly queue?: LiveQueueOptions | false;
  /** Stop after this many frames (0: no limit). */
  readonly count?: number;
  /** Every frame as it arrives, before it is queued; `data[0, length)` (usually all of `data`) is valid during the call only. */
  readonly onFrame?: (iface: InterfaceInfo, tsSec: number, tsNsec: number, data: Uint8Array, length: number, direction: Direction) => void;
  /** The binding (tests pass a fake); loaded lazily by default. */
  readonly cap?: CapModule;
}

export class LiveCapture implements FrameSource {
  readonly interfaces: InterfaceInfo[] = [];
  readonly issues: readonly ReadIssue[] = [];
  /** No Interface Statistics: cap has no pcap_stats. */
  readonly stats: readonly InterfaceStats[] = [];
  readonly names: ReadonlyMap<string, string[]> = new Map();
  /** Frames received per interface id. */
  readonly received: number[] = [];
  /** Device counters when the capture started and stopped (null: not comparable, see missed()). */
  private countsAtStart: Map<string, DeviceCounts> | null = null;
  private countsAtStop: Map<string, DeviceCounts> | null = null;
  /** Frames received in all. */
  total = 0;
  /** libpcap/kernel drop counts: unknown through cap. */
  readonly kernelDropped: number | null = null;
  /** Frames whose bytes were cut to the receive buffer (cap's `truncated`). */
  truncated = 0;
  stopped = false;
  readonly startedAt: number;
  private readonly sessions: ReceivingSession[] = [];
  /** The sessions' receive buffers: cap only keeps a pointer to them. */
  private readonly buffers: Buffer[] = [];
  private readonly queue: LiveFrameQueue | null;
  private readonly clock = new ArrivalClock();
  private readonly stopListeners: (() => void)[] = [];

  private constructor(private readonly options: LiveCaptureOptions) {
    this.queue = options.queue === false ? null : new LiveFrameQueue(options.queue);
    this.startedAt = Date.now();
  }

  /** Opens every interface; throws LiveCaptureError (with the sentence to print) and opens nothing when one fails. */
  static open(options: LiveCaptureOptions): LiveCapture {
    if (options.interfaces.length === 0) throw new LiveCaptureError('name an interface to capture on with -i (`dockshark list-interfaces` lists them).');
    const cap = options.cap ?? loadCap();
    const live = new LiveCapture(options);
    // libpcap would also print a warning of its own for a missing device: check first.
    const known = new Set(cap.Cap.deviceList().map((d) => d.name));
    const missing = options.interfaces.find((name) => !known.has(name));
    if (missing !== undefined) throw explainCapError(new Error('No such device exists'), missing, '');
    try {
      options.interfaces.forEach((name, id) => live.openOne(cap, name, id));
    } catch (error) {
      live.closeSessions();
      throw error instanceof LiveCaptureError ? error : explainCapError(error, '?', options.filter ?? '');
    }
    // Comparable only when every frame of a device is one the capture should get: no filter, no `any`.
    if ((options.filter ?? '') === '' && live.interfaces.every((i) => i.linkType !== 113)) live.countsAtStart = readDeviceCounts(options.interfaces);
    return live;
  }

  private openOne(cap: CapModule, name: string, id: number): void {
    const filter = this.options.filter ?? '';
    const iface: { -readonly [K in keyof InterfaceInfo]: InterfaceInfo[K] } = {
      id, fileIndex: 0, section: 0, localId: id, linkType: -1, snapLen: LIVE_SNAPLEN, name,
      description: null, unitsPerSecond: 1e9, tsOffsetSeconds: 0, fcsLength: 0,
    };
    // Two sessions, one per direction (BPF `inbound`/`outbound`, libpcap >= 1.10 on Linux),
    // so that every frame says whether it was received or sent on its interface. That is
    // what tells where a frame entered a bridge when the sockets of several interfaces are
    // read one after the other (arrival order across interfaces is only approximate).
    const inbound = this.openSession(cap, name, directionFilter(filter, 'in'), filter, iface, 'in');
    let linkType = inbound === null ? -1 : linkTypeNumber(inbound.linkName);
    if (inbound !== null && linkType !== 113) {
      if (this.openSession(cap, name, directionFilter(filter, 'out'), filter, iface, 'out') === null) throw new Error('unreachable');
    } else {
      // `any` (LINUX_SLL carries the packet type itself) or a libpcap without the keywords.
      if (inbound !== null) this.closeSession(inbound.session);
      const only = this.openSession(cap, name, filter, filter, iface, null, true) as NonNullable<ReturnType<LiveCapture['openSession']>>;
      linkType = linkTypeNumber(only.linkName);
    }
    iface.linkType = linkType;
    this.interfaces.push(Object.freeze(iface));
    this.received.push(0);
  }

  /** One libpcap session delivering to arrive(); null when `filter` (with a direction keyword) does not compile and `strict` is off. */
  private openSession(cap: CapModule, name: string, filter: string, userFilter: string, iface: InterfaceInfo, direction: Direction, strict = false): { session: ReceivingSession; linkName: string } | null {
    const buffer = Buffer.allocUnsafe(LIVE_SNAPLEN + 1);
    const frames = new FrameViews(buffer);
    const session = receivingSession(cap, (nbytes, truncated) => this.arrive(iface, frames.first(nbytes), nbytes, truncated, direction));
    try {
      const linkName = session.open(name, filter, this.options.bufferBytes ?? DEFAULT_RING_BYTES, buffer);
      this.sessions.push(session);
      this.buffers.push(buffer);
      return { session, linkName };
    } catch (error) {
      // cap 0.2.1 crashes the process if a session whose open() failed half-way is ever
      // garbage collected (its destructor stops a libuv poll handle it never started): keep it.
      FAILED_SESSIONS.push(session);
      const explained = explainCapError(error, name, userFilter);
      // Only a filter problem with the direction keyword falls back; a bad user filter fails the same way below.
      if (!strict && /not valid BPF/.test(explained.message)) return null;
      throw explained;
    }
  }

  private arrive(iface: InterfaceInfo, bytes: Uint8Array, length: number, truncated: boolean, direction: Direction): void {
    if (this.stopped || length <= 0) return;
    const clock = this.clock;
    clock.stamp();
    this.total++;
    this.received[iface.id]++;
    if (truncated) this.truncated++;
    this.options.onFrame?.(iface, clock.tsSec, clock.tsNsec, bytes, length, direction);
    this.queue?.push(iface, clock.tsSec, clock.tsNsec, bytes, length, direction);
    const limit = this.options.count ?? 0;
    if (limit > 0 && this.total >= limit) this.stop();
  }

  /** Frames the queue had no room for (the consumer fell behind). */
  get dropped(): number {
    return this.queue?.dropped ?? 0;
  }

  /**
   * After stop(): per interface, the frames its device counted (received and sent) while
   * capturing and the frames that reached dockshark; null when not comparable (a capture
   * filter, `any`, no /proc/net/dev). More counted than received is frames lost before
   * dockshark (libpcap's ring was full), or frames GRO/TSO merged into fewer, larger ones.
   */
  missed(): { name: string; counted: number; received: number }[] | null {
    const start = this.countsAtStart;
    const stop = this.countsAtStop;
    if (start === null || stop === null) return null;
    const out: { name: string; counted: number; received: number }[] = [];
    for (const iface of this.interfaces) {
      const a = start.get(iface.name ?? '');
      const b = stop.get(iface.name ?? '');
      if (a === undefined || b === undefined) return null;
      out.push({ name: iface.name ?? '?', counted: b.rx - a.rx + (b.tx - a.tx), received: this.received[iface.id] });
    }
    return out;
  }

  /** Frames waiting in the queue. */
  get pending(): number {
    return this.queue?.length ?? 0;
  }

  /** The oldest queued frame, or null when none is waiting (which is not the end: see `stopped`). */
  next(): RawFrame | null {
    return this.queue?.shift() ?? null;
  }

  /** Called once when the capture stops (stop(), -c reached). */
  onStop(listener: () => void): void {
    if (this.stopped) queueMicrotask(listener);
    else this.stopListeners.push(listener);
  }

  /** Closes every session; queued frames stay readable. Safe to call twice. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.closeSessions();
    if (this.countsAtStart !== null) this.countsAtStop = readDeviceCounts(this.options.interfaces);
    // Let the current read loop end (cap stops it once closed), then report.
    setImmediate(() => {
      for (const listener of this.stopListeners.splice(0)) listener();
    });
  }

  close(): void {
    this.stop();
  }

  private closeSessions(): void {
    for (const session of this.sessions.splice(0)) this.closeSession(session);
  }

  /** Closes one session; its buffer stays referenced (cap may still be inside its read loop). */
  private closeSession(session: ReceivingSession): void {
    session.onPacket = ignorePacket;
    session.close();
    const at = this.sessions.indexOf(session);
    if (at >= 0) this.sessions.splice(at, 1);
  }
}

/**
 * Views of a session's receive buffer, `buffer[0, n)`, one per length, made once: a new
 * subarray per frame was two allocations a frame (the writer's and the queue's), and at
 * 200,000 frames/s the garbage they made cost pauses of up to 13 ms in this thread, long
 * enough to fill libpcap's ring.
 */
class FrameViews {
  private readonly views: (Uint8Array | undefined)[] = [];
  private readonly all: Uint8Array;

  constructor(buffer: Buffer) {
    // A plain Uint8Array: Buffer's own subarray() builds a Buffer, which costs more.
    this.all = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  }

  /** `buffer[0, n)`; lengths past 4 KiB are not kept (jumbo and offloaded frames vary too much to pay). */
  first(n: number): Uint8Array {
    if (n > 4096) return this.all.subarray(0, n);
    let view = this.views[n];
    if (view === undefined) {
      view = this.all.subarray(0, n);
      this.views[n] = view;
    }
    return view;
  }
}

/** cap's device list: name, description and addresses, for `dockshark list-interfaces`. */
export function listInterfaces(cap: CapModule = loadCap()): { name: string; description: string; addresses: string[] }[] {
  return cap.Cap.deviceList().map((d) => ({
    name: d.name,
    description: d.description ?? '',
    addresses: d.addresses.map((a) => a.addr ?? '').filter((a) => a !== ''),
  }));
}

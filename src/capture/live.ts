// Live capture through cap: one libpcap session per interface (`any` included, as
// LINUX_SLL), an optional BPF filter, every frame stamped on arrival (ArrivalClock) and
// handed over as the capture layer's RawFrame, so the decode and analysis pipeline reads
// a live capture as it reads a file.
//
// Shape: frames are delivered by cap synchronously, one callback per frame, from the
// event loop. Each one is passed at once to `onFrame` (the file writer: writing never
// falls behind) and copied into a bounded queue that consumers (the analysis, a UI)
// empty at their own pace with next(). One clock and one thread stamp every interface,
// so the queue is already merged by timestamp; frames of two interfaces that arrive
// within one read of each other are ordered by the order their sockets were read.
// After each burst `onBurst` runs once (setImmediate): flush the file, drain the queue.
//
// Drops: frames the queue had no room for are counted (`dropped`); libpcap's own drop
// counts are not available through cap (no pcap_stats), so `kernelDropped` is null.

import { LiveCaptureError, explainCapError, linkTypeNumber, loadCap, type CapModule, type CapSession } from './cap-binding.js';
import { ArrivalClock } from './live-clock.js';
import { LiveFrameQueue, type LiveQueueOptions } from './live-queue.js';
import type { Direction, FrameSource, InterfaceInfo, InterfaceStats, RawFrame, ReadIssue } from './types.js';

export const LIVE_SNAPLEN = 65535;

/** Sessions whose open() failed, kept from the garbage collector (see openSession). */
export const FAILED_SESSIONS: CapSession[] = [];

export interface LiveCaptureOptions {
  /** Interface names (`any` for all); at least one. */
  readonly interfaces: readonly string[];
  /** BPF filter (libpcap syntax), '' for none. */
  readonly filter?: string;
  /** libpcap's kernel buffer per interface, bytes (default 32 MiB: a flood fills 2 MiB in milliseconds). */
  readonly bufferBytes?: number;
  /** The queue's bounds; false: no queue (next() gives nothing; a consumer reads the written file instead). */
  readonly queue?: LiveQueueOptions | false;
  /** Stop after this many frames (0: no limit). */
  readonly count?: number;
  /** Every frame as it arrives, before it is queued; `data[0, length)` is valid during the call only. */
  readonly onFrame?: (iface: InterfaceInfo, tsSec: number, tsNsec: number, data: Uint8Array, length: number, direction: Direction) => void;
  /** Once after each burst of frames, and once more after stop(). */
  readonly onBurst?: () => void;
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
  /** Frames received in all. */
  total = 0;
  /** libpcap/kernel drop counts: unknown through cap. */
  readonly kernelDropped: number | null = null;
  /** Frames whose bytes were cut to the receive buffer (cap's `truncated`). */
  truncated = 0;
  stopped = false;
  readonly startedAt: number;
  private readonly sessions: CapSession[] = [];
  private readonly queue: LiveFrameQueue | null;
  private readonly clock = new ArrivalClock();
  private burstPending = false;
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
    return live;
  }

  private openOne(cap: CapModule, name: string, id: number): void {
    const filter = this.options.filter ?? '';
    // Two sessions, one per direction (BPF `inbound`/`outbound`, libpcap >= 1.10 on Linux),
    // so that every frame says whether it was received or sent on its interface. That is
    // what tells where a frame entered a bridge when the sockets of several interfaces are
    // read one after the other (arrival order across interfaces is only approximate).
    const both = (f: string): string => (filter === '' ? f : `(${filter}) and ${f}`);
    const first = this.openSession(cap, name, both('inbound'), filter);
    let linkType = first === null ? -1 : linkTypeNumber(first.linkName);
    let sessions: { session: CapSession; buffer: Buffer; direction: Direction }[];
    if (first !== null && linkType !== 113) {
      const second = this.openSession(cap, name, both('outbound'), filter);
      if (second === null) throw new Error('unreachable');
      sessions = [{ ...first, direction: 'in' }, { ...second, direction: 'out' }];
    } else {
      // `any` (LINUX_SLL carries the packet type itself) or a libpcap without the keywords.
      first?.session.close();
      const only = this.openSession(cap, name, filter, filter, true) as NonNullable<ReturnType<LiveCapture['openSession']>>;
      linkType = linkTypeNumber(only.linkName);
      sessions = [{ ...only, direction: null }];
    }
    const iface: InterfaceInfo = Object.freeze({
      id, fileIndex: 0, section: 0, localId: id, linkType, snapLen: LIVE_SNAPLEN, name,
      description: null, unitsPerSecond: 1e9, tsOffsetSeconds: 0, fcsLength: 0,
    });
    this.interfaces.push(iface);
    this.received.push(0);
    for (const { session, buffer, direction } of sessions) {
      session.on('packet', (nbytes, truncated) => this.arrive(iface, buffer, nbytes, truncated, direction));
    }
  }

  /** One libpcap session; null when `filter` (with a direction keyword) does not compile and `strict` is off. */
  private openSession(cap: CapModule, name: string, filter: string, userFilter: string, strict = false): { session: CapSession; buffer: Buffer; linkName: string } | null {
    const session = new cap.Cap();
    const buffer = Buffer.allocUnsafe(LIVE_SNAPLEN + 1);
    try {
      const linkName = session.open(name, filter, this.options.bufferBytes ?? 32 << 20, buffer);
      this.sessions.push(session);
      return { session, buffer, linkName };
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

  private arrive(iface: InterfaceInfo, buffer: Buffer, length: number, truncated: boolean, direction: Direction): void {
    if (this.stopped || length <= 0) return;
    const clock = this.clock;
    clock.stamp();
    this.total++;
    this.received[iface.id]++;
    if (truncated) this.truncated++;
    this.options.onFrame?.(iface, clock.tsSec, clock.tsNsec, buffer, length, direction);
    this.queue?.push(iface, clock.tsSec, clock.tsNsec, buffer, length, direction);
    const limit = this.options.count ?? 0;
    if (limit > 0 && this.total >= limit) this.stop();
    else if (!this.burstPending) {
      this.burstPending = true;
      setImmediate(this.burst);
    }
  }

  private readonly burst = (): void => {
    this.burstPending = false;
    this.options.onBurst?.();
  };

  /** Frames the queue had no room for (the consumer fell behind). */
  get dropped(): number {
    return this.queue?.dropped ?? 0;
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
    // Let the current burst end (cap stops its read loop once closed), then report.
    setImmediate(() => {
      this.options.onBurst?.();
      for (const listener of this.stopListeners.splice(0)) listener();
    });
  }

  close(): void {
    this.stop();
  }

  private closeSessions(): void {
    for (const session of this.sessions.splice(0)) {
      session.removeAllListeners('packet');
      session.close();
    }
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

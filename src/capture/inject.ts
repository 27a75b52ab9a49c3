// Sending frames onto interfaces (`dockshark inject`): one cap session per local
// interface, opened with a filter that matches nothing (the session exists to send; what
// it would capture is not wanted), and the pacing of a trace: the capture's own timing
// scaled, a fixed rate, or as fast as possible.

import { FAILED_SESSIONS } from './live.js';
import { explainCapError, LiveCaptureError, loadCap, type CapModule, type CapSession } from './cap-binding.js';

/** A BPF program no frame passes: `less 1` is "length <= 1". */
const MATCH_NOTHING = 'less 1';

export class InjectTarget {
  private readonly buffer = Buffer.alloc(65536);
  sent = 0;
  bytes = 0;
  failed = 0;
  firstFailure: string | null = null;

  constructor(readonly name: string, private readonly session: CapSession) {}

  /** Sends `data[start, end)`; a refused frame (too long for the MTU, interface down) is counted, not thrown. */
  send(data: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (length <= 0 || length > this.buffer.length) return this.refuse(`a frame of ${length} bytes cannot be sent`);
    this.buffer.set(data.subarray(start, end), 0);
    try {
      this.session.send(this.buffer, length);
    } catch (error) {
      return this.refuse(error instanceof Error ? error.message : String(error));
    }
    this.sent++;
    this.bytes += length;
    return true;
  }

  close(): void {
    this.session.close();
  }

  private refuse(reason: string): false {
    this.failed++;
    this.firstFailure ??= reason;
    return false;
  }
}

/** Opens a sending session on every named interface (all or none: a LiveCaptureError names the first that failed). */
export function openTargets(names: readonly string[], cap: CapModule = loadCap()): Map<string, InjectTarget> {
  const targets = new Map<string, InjectTarget>();
  const known = new Set(cap.Cap.deviceList().map((d) => d.name));
  try {
    for (const name of names) {
      if (targets.has(name)) continue;
      // libpcap would also print a warning for a missing device: check first, and say it once.
      if (!known.has(name)) throw explainCapError(new Error('No such device exists'), name, '');
      const session = new cap.Cap();
      try {
        session.open(name, MATCH_NOTHING, 1 << 20, Buffer.alloc(64));
      } catch (error) {
        FAILED_SESSIONS.push(session); // see live.ts: cap crashes when it collects a half-opened session
        throw explainCapError(error, name, '');
      }
      targets.set(name, new InjectTarget(name, session));
    }
  } catch (error) {
    for (const target of targets.values()) target.close();
    throw error instanceof LiveCaptureError ? error : explainCapError(error, '?', '');
  }
  return targets;
}

export type Pacing = { readonly kind: 'speed'; readonly factor: number } | { readonly kind: 'pps'; readonly rate: number } | { readonly kind: 'topspeed' };

/**
 * When each frame of one pass is due, in milliseconds after the pass started: the trace's
 * own gaps divided by the speed factor, `sent / rate`, or now.
 */
export class Pacer {
  private firstSec = Number.NaN;
  private firstNsec = 0;

  constructor(private readonly pacing: Pacing) {}

  /** A new pass (--loop): timing starts over from its first frame. */
  restart(): void {
    this.firstSec = Number.NaN;
  }

  dueMs(tsSec: number, tsNsec: number, sentThisPass: number): number {
    const p = this.pacing;
    if (p.kind === 'topspeed') return 0;
    if (p.kind === 'pps') return (sentThisPass / p.rate) * 1000;
    if (Number.isNaN(this.firstSec)) {
      this.firstSec = tsSec;
      this.firstNsec = tsNsec;
    }
    const gapMs = (tsSec - this.firstSec) * 1000 + (tsNsec - this.firstNsec) / 1e6;
    return Math.max(0, gapMs) / p.factor;
  }
}

// Arrival timestamps for live frames. cap hands over no kernel timestamp, so each frame is
// stamped when JavaScript receives it: a monotonic clock (performance.now) anchored once to
// wall time, so stamps never go backwards when NTP steps the wall clock, and frames of all
// interfaces of one capture share one time line (one process, one thread: the order frames
// are received in is their timestamp order).

export class ArrivalClock {
  private readonly startMs: number;
  private readonly anchorSec: number;
  private readonly anchorNsec: number;
  tsSec = 0;
  tsNsec = 0;

  constructor() {
    // Date.now() has millisecond resolution: the anchor is only that exact, every later
    // stamp is exact relative to it.
    this.startMs = performance.now();
    const wallMs = Date.now();
    this.anchorSec = Math.floor(wallMs / 1000);
    this.anchorNsec = (wallMs % 1000) * 1_000_000;
  }

  /**
   * Stamps now into `tsSec`/`tsNsec`. performance.now() is the same monotonic clock as
   * process.hrtime, as a double of milliseconds (nanosecond precision for months), and
   * costs about half as much per frame as hrtime.bigint(), which allocates a BigInt.
   */
  stamp(): void {
    const total = this.anchorNsec + Math.round((performance.now() - this.startMs) * 1e6);
    const whole = Math.floor(total / 1e9);
    this.tsSec = this.anchorSec + whole;
    this.tsNsec = total - whole * 1e9;
  }
}

/** seconds * 1e9 + nanoseconds as the two 32-bit halves of a pcapng timestamp (if_tsresol 9), exactly, without BigInt. */
export function nanosecondUnits(tsSec: number, tsNsec: number, out: { high: number; low: number }): void {
  // sec = hi16 * 2^16 + lo16; both products stay below 2^47, exact in a double.
  const p = (tsSec % 65536) * 1e9 + tsNsec;
  const q = Math.floor(tsSec / 65536) * 1e9; // to be multiplied by 2^16
  const low = (q % 65536) * 65536 + p;
  out.low = low % 4294967296;
  out.high = Math.floor(q / 65536) + Math.floor(low / 4294967296);
}

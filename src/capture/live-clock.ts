// Arrival timestamps for live frames. cap hands over no kernel timestamp, so each frame is
// stamped when JavaScript receives it: a monotonic clock (process.hrtime) anchored once to
// wall time, so stamps never go backwards when NTP steps the wall clock, and frames of all
// interfaces of one capture share one time line (one process, one thread: the order frames
// are received in is their timestamp order).

export class ArrivalClock {
  private readonly startMono: bigint;
  private readonly anchorSec: number;
  private readonly anchorNsec: number;
  tsSec = 0;
  tsNsec = 0;

  constructor() {
    // Date.now() has millisecond resolution: the anchor is only that exact, every later
    // stamp is exact relative to it.
    this.startMono = process.hrtime.bigint();
    const wallMs = Date.now();
    this.anchorSec = Math.floor(wallMs / 1000);
    this.anchorNsec = (wallMs % 1000) * 1_000_000;
  }

  /** Stamps now into `tsSec`/`tsNsec`. No BigInt arithmetic beyond one subtraction. */
  stamp(): void {
    // Elapsed nanoseconds stay exact in a double for 104 days.
    const elapsed = Number(process.hrtime.bigint() - this.startMono);
    const total = this.anchorNsec + elapsed;
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

// Simulated time: a fixed start and fixed per-hop delays, so a topology and its --run
// commands always give the same timestamps (tests compare captures exactly). Events
// run in time order; events at the same time run in the order they were scheduled.

/** 2026-01-01T00:00:00Z: the first command starts one second later. */
export const START_SECONDS = 1767225600;
/** A frame crossing a veth pair or a cable. */
export const WIRE_NS = 1_000;
/** A bridge deciding where a frame goes (learning, lookup, flooding). */
export const BRIDGE_NS = 2_000;
/** A network stack answering or forwarding (ARP reply, echo reply, NAT, encapsulation). */
export const STACK_NS = 5_000;
/** Pause between one --run command's last frame and the next command's first. */
export const COMMAND_GAP_NS = 1_000_000_000;

interface Event {
  readonly t: number;
  readonly seq: number;
  readonly run: () => void;
}

export class Scheduler {
  /** Nanoseconds since START_SECONDS. */
  now = 0;
  private queue: Event[] = [];
  private seq = 0;

  at(t: number, run: () => void): void {
    const event = { t, seq: this.seq++, run };
    // queues stay short (one exchange at a time): a sorted insert is enough
    let i = this.queue.length;
    while (i > 0 && this.queue[i - 1].t > t) i--;
    this.queue.splice(i, 0, event);
  }

  /** Runs every event, including those scheduled meanwhile; returns the last event's time. */
  drain(): number {
    let last = this.now;
    for (let event = this.queue.shift(); event !== undefined; event = this.queue.shift()) {
      this.now = event.t;
      last = event.t;
      event.run();
    }
    return last;
  }
}

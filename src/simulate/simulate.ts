// Entry point of the simulator: builds the machines, runs the --run commands one after
// another (each starts COMMAND_GAP_NS after the previous one's last frame) and returns
// every capture point with the frames recorded on it, encoded, in time order.

import { buildWorld, type CapturePoint } from './build.js';
import { COMMAND_GAP_NS, START_SECONDS } from './clock.js';
import { DataPath } from './datapath.js';
import { encodeFrame } from './packet-encode.js';
import type { RunCommand } from './run-grammar.js';
import type { SimSpec } from './spec.js';
import { startCommand } from './traffic.js';

export interface SimFrame {
  /** Index into `captures`. */
  readonly capture: number;
  /** Nanoseconds since `startSeconds`. */
  readonly t: number;
  readonly bytes: Uint8Array;
}

export interface SimResult {
  readonly startSeconds: number;
  readonly captures: readonly CapturePoint[];
  /** Every frame on every capture point, by time (ties in the order they happened). */
  readonly frames: readonly SimFrame[];
  readonly notes: readonly string[];
}

export function simulate(spec: SimSpec, commands: readonly RunCommand[]): SimResult {
  const world = buildWorld(spec);
  const dp = new DataPath();
  let t = COMMAND_GAP_NS;
  commands.forEach((command, index) => {
    startCommand(dp, world.nodes, command, index, t);
    t = dp.clock.drain() + COMMAND_GAP_NS;
  });
  const frames = dp.recorded
    .map((r, order) => ({ r, order }))
    .sort((a, b) => a.r.t - b.r.t || a.order - b.order)
    .map(({ r }) => ({ capture: r.capture, t: r.t, bytes: encodeFrame(r.frame) }));
  return { startSeconds: START_SECONDS, captures: world.captures, frames, notes: dp.notes };
}

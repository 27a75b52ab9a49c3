// Option value parsers shared by the commands: commander calls them with the text given
// (and the previous value, for repeatable options); a bad value becomes a one-line error.

import { InvalidArgumentError } from 'commander';
import { parseLimits, type AnalysisLimits } from '../analysis/limits.js';

/** A UDP port, collected: `--vxlan-port 8472 --vxlan-port 4790`. */
export function port(value: string, previous: number[]): number[] {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError('a UDP port is a whole number from 1 to 65535.');
  return [...previous, n];
}

export function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('a frame count is a whole number.');
  return Number(value);
}

/** A cap on a table: a whole number of at least 1. */
export function positive(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a cap is a whole number of at least 1.');
  return Number(value);
}

/** `--limit fdb=1000,neigh=64` (repeatable): caps on the analysis tables. */
export function limits(value: string, previous: Partial<AnalysisLimits> | undefined): Partial<AnalysisLimits> {
  try {
    return parseLimits(value, { ...previous });
  } catch (error) {
    throw new InvalidArgumentError(`${(error as Error).message}.`);
  }
}

/** A repeatable option's values, in order. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function seconds(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError('an ageing time is a number of seconds.');
  return Number(value);
}

/** `--topology`'s help: every format the file may be in (recognised from its content). */
export const TOPOLOGY_HELP = 'what Docker or the kernel says of the network, any of: docker network inspect, docker inspect, '
  + 'a compose file, ip -j -d link show, ip -j addr show, ip -j neigh show, bridge -j fdb show, iptables-save -t nat, conntrack -L (repeatable)';

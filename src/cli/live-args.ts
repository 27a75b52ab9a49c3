// Option parsers of `capture` and `inject` (see arg-parsers.ts for the shared ones).

import { InvalidArgumentError } from 'commander';
import type { RingOptions } from '../capture/live-writer.js';

/** `--ring N:MB`: N files of at most MB megabytes (10^6 bytes, as tcpdump -C; decimals allowed). */
export function ring(value: string): RingOptions {
  const m = /^(\d+):(\d+(?:\.\d+)?)$/.exec(value);
  const files = m === null ? 0 : Number(m[1]);
  const megabytes = m === null ? 0 : Number(m[2]);
  if (files < 1 || !(megabytes > 0)) throw new InvalidArgumentError('--ring takes N:MB, N files (at least 1) of at most MB megabytes, e.g. 5:100.');
  return { files, bytes: Math.floor(megabytes * 1_000_000) };
}

/** A positive number (seconds, a speed factor, a rate). */
export function positive(what: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new InvalidArgumentError(`${what} is a positive number.`);
    return n;
  };
}

/** `--map IFNAME=IFACE`, collected into a map (trace interface name or id to local interface). */
export function mapping(value: string, previous: Map<string, string>): Map<string, string> {
  const at = value.indexOf('=');
  if (at <= 0 || at === value.length - 1) throw new InvalidArgumentError('--map takes TRACE_INTERFACE=LOCAL_INTERFACE, e.g. docker0=veth-test.');
  return new Map([...previous, [value.slice(0, at), value.slice(at + 1)]]);
}

/** `-B KiB` (tcpdump's -B): libpcap's ring per session, in KiB; at least 1 MiB, at most 4 GiB. */
export function bufferKiB(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1024 || n > 4 * 1024 * 1024) {
    throw new InvalidArgumentError('-B takes the ring size in KiB, as tcpdump\'s -B: a whole number from 1024 (1 MiB) to 4194304 (4 GiB).');
  }
  return n;
}

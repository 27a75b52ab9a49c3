// The --run command grammar (docs/simulate.md):
//   NODE ping TARGET [count N] [interval SECONDS] [id N] [size BYTES] [pmtu want|do|dont]
//   NODE udp TARGET:PORT [sport N] [data TEXT]
//   NODE tcp TARGET:PORT [sport N] [data TEXT]
// NODE is a container, a host or an uplink peer; TARGET is one of those (its address)
// or an IPv4 address. TEXT runs to the end of the command.

import { parseIpv4 } from '../decode/addr.js';

export class RunSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunSyntaxError';
  }
}

export type Target = { readonly node: string } | { readonly ip: number };

export type RunCommand =
  | {
      readonly kind: 'ping'; readonly node: string; readonly target: Target; readonly text: string;
      readonly count: number; readonly intervalNs: number; readonly id: number | null; readonly size: number;
      /** ping -M: what to do with a packet larger than the path MTU. */
      readonly pmtu: 'want' | 'do' | 'dont';
    }
  | {
      readonly kind: 'udp' | 'tcp'; readonly node: string; readonly target: Target; readonly text: string;
      readonly port: number; readonly sport: number | null; readonly data: string | null;
    };

const USAGE = 'write NODE ping TARGET [count N] [interval S] [id N] [size N] [pmtu want|do|dont], or NODE udp|tcp TARGET:PORT [sport N] [data TEXT]';

function target(text: string): Target {
  const ip = parseIpv4(text);
  return ip === null ? { node: text } : { ip };
}

function number(command: string, name: string, text: string | undefined, min: number, max: number): number {
  const value = text === undefined ? NaN : Number(text);
  if (!Number.isFinite(value) || value < min || value > max || (name !== 'interval' && !Number.isInteger(value))) {
    throw new RunSyntaxError(`--run "${command}": ${name} needs a number from ${min} to ${max}.`);
  }
  return value;
}

export function parseRun(command: string): RunCommand {
  const words = command.trim().split(/\s+/);
  const [node, verb, dest] = words;
  if (node === undefined || node === '' || dest === undefined) throw new RunSyntaxError(`--run "${command}" is incomplete: ${USAGE}.`);
  if (verb === 'ping') {
    const options = { count: 1, interval: 1, id: null as number | null, size: 56, pmtu: 'want' as 'want' | 'do' | 'dont' };
    for (let i = 3; i < words.length; i += 2) {
      const [name, value] = [words[i], words[i + 1]];
      if (name === 'count') options.count = number(command, name, value, 1, 1000);
      else if (name === 'interval') options.interval = number(command, name, value, 0.001, 60);
      else if (name === 'id') options.id = number(command, name, value, 0, 65535);
      // 65507: the largest ICMP data an IPv4 datagram holds (65535 - 20 - 8)
      else if (name === 'size') options.size = number(command, name, value, 16, 65507);
      else if (name === 'pmtu') {
        if (value !== 'want' && value !== 'do' && value !== 'dont') throw new RunSyntaxError(`--run "${command}": pmtu takes want, do or dont (as ping -M).`);
        options.pmtu = value;
      } else throw new RunSyntaxError(`--run "${command}": unknown option "${name}"; ping takes count, interval, id, size and pmtu.`);
    }
    return {
      kind: 'ping', node, target: target(dest), text: command.trim(), count: options.count,
      intervalNs: Math.round(options.interval * 1e9), id: options.id, size: options.size, pmtu: options.pmtu,
    };
  }
  if (verb === 'udp' || verb === 'tcp') {
    const m = /^(.+):(\d{1,5})$/.exec(dest);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw new RunSyntaxError(`--run "${command}": the destination must be TARGET:PORT, like wan:7 or 198.51.100.1:7.`);
    let sport: number | null = null;
    let data: string | null = null;
    for (let i = 3; i < words.length; i += 2) {
      if (words[i] === 'sport') sport = number(command, 'sport', words[i + 1], 1, 65535);
      else if (words[i] === 'data') {
        data = command.trim().split(/\s+data\s+/).slice(1).join(' data ');
        break;
      } else throw new RunSyntaxError(`--run "${command}": unknown option "${words[i]}"; ${verb} takes sport and data.`);
    }
    return { kind: verb, node, target: target(m[1]), text: command.trim(), port, sport, data };
  }
  throw new RunSyntaxError(`--run "${command}": unknown action "${verb ?? ''}"; ${USAGE}.`);
}

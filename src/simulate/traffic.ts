// Starts the traffic of one --run command in its namespace: echo requests (one per
// interval), one UDP datagram, or one TCP connection. Replies and everything the
// data path does in between follow from the scheduler.

import type { DataPath } from './datapath.js';
import { tcpConnect } from './endpoints.js';
import type { Ip, Ipv4Packet } from './packet-types.js';
import { RunSyntaxError, type RunCommand, type Target } from './run-grammar.js';
import { ipOutput, sourceFor, type PmtuDiscovery } from './stack.js';
import type { Ns } from './world.js';

const utf8 = new TextEncoder();

/** A command that parses but names something the topology lacks. */
export class RunError extends RunSyntaxError {}

/** A node's address as a target: a container's or peer's own, a host's uplink address. */
function resolve(nodes: Map<string, Ns>, command: RunCommand, target: Target): Ip {
  if ('ip' in target) return target.ip;
  const ns = nodes.get(target.node);
  const address = ns?.devices.find((d) => d.kind === 'uplink' && d.addresses.length > 0)?.addresses[0]
    ?? ns?.devices.find((d) => d.addresses.length > 0)?.addresses[0];
  if (address === undefined) throw new RunError(`--run "${command.text}": ${target.node} is not a node with an address in the topology.`);
  return address.ip;
}

/** Ping's payload: the send time as a struct timeval (16 bytes, little-endian), then 0x10, 0x11... */
function pingData(size: number, t: number): Uint8Array {
  const data = new Uint8Array(size);
  const view = new DataView(data.buffer);
  if (size >= 16) {
    view.setUint32(0, Math.floor(t / 1e9), true);
    view.setUint32(8, Math.floor((t % 1e9) / 1e3), true);
  }
  for (let i = 16; i < size; i++) data[i] = (i - 16 + 0x10) & 0xff;
  return data;
}

export function startCommand(dp: DataPath, nodes: Map<string, Ns>, command: RunCommand, index: number, t: number): void {
  const ns = nodes.get(command.node);
  if (ns === undefined) throw new RunError(`--run "${command.text}": ${command.node} is not a host, container or peer of the topology.`);
  const dst = resolve(nodes, command, command.target);
  const src = sourceFor(ns, dst);
  if (src === null) {
    dp.notes.push(`--run "${command.text}": ${command.node} has no route to the destination; nothing was sent.`);
    return;
  }
  const send = (packet: Ipv4Packet, at: number, discovery: PmtuDiscovery = 'want'): void => {
    dp.clock.at(at, () => ipOutput(dp, ns, { ...packet, id: ns.nextIpId() }, at, discovery));
  };
  if (command.kind === 'ping') {
    // without `id`, ids are 0x1000 + the command's index (ping uses its process id)
    const id = command.id ?? 0x1000 + index;
    for (let seq = 1; seq <= command.count; seq++) {
      const at = t + (seq - 1) * command.intervalNs;
      const df = command.pmtu !== 'dont';
      send({ kind: 'ipv4', src, dst, ttl: 64, id: 0, df, l4: { proto: 'icmp', type: 8, id, seq, data: pingData(command.size, at) } }, at, command.pmtu);
    }
    return;
  }
  const sport = command.sport ?? ns.nextEphemeralPort();
  const data = utf8.encode(`${command.data ?? `from-${command.node}`}\n`);
  if (command.kind === 'udp') {
    ns.udpClients.add(sport);
    send({ kind: 'ipv4', src, dst, ttl: 64, id: 0, df: true, l4: { proto: 'udp', sport, dport: command.port, data, checksum: true } }, t);
  } else {
    dp.clock.at(t, () => tcpConnect(dp, ns, src, sport, dst, command.port, data, t));
  }
}

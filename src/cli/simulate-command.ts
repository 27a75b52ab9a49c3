// `dockshark simulate TOPOLOGY --run "..." [--run ...] -w OUT.pcapng [-i IFACE]...`:
// simulates the Linux data path of a YAML topology (docs/simulate.md) for the given
// traffic and writes one pcapng interface per capture point (EN10MB, nanoseconds), or,
// for OUT.pcap and one capture point, a classic pcap as `tcpdump -i IFACE -w` writes it
// (no interface name: what a recording made that way can be compared with).

import { readFileSync } from 'node:fs';
import { PcapFileWriter } from '../capture/pcap-writer.js';
import { encodeIdb, encodeShb, PcapngFileWriter, timestampUnits } from '../capture/pcapng-writer.js';
import { safeText } from '../decode/index.js';
import type { CapturePoint } from '../simulate/build.js';
import { parseRun, RunSyntaxError, type RunCommand } from '../simulate/run-grammar.js';
import { simulate } from '../simulate/simulate.js';
import { parseSimTopology } from '../simulate/spec-parse.js';
import type { LineWriter } from './output.js';

export interface SimulateCommandOptions {
  run: string[];
  write: string;
  interface: string[];
}

/**
 * Which capture points to write, and under which names: by default the host side (bridges,
 * veths, vxlan devices, uplinks), like dumpcap on each host; `-i NAME` picks by device name
 * or NODE:NAME, `-i all` takes container and peer ends too. A name is written as NODE:NAME
 * when another written capture point has the same device name.
 */
export function selectCaptures(captures: readonly CapturePoint[], wanted: readonly string[]): { index: number; name: string }[] {
  const picked = captures
    .map((c, index) => ({ c, index }))
    .filter(({ c }) => (wanted.length === 0 ? c.side === 'host'
      : wanted.includes('all') || wanted.includes(c.name) || wanted.includes(`${c.node}:${c.name}`)));
  return picked.map(({ c, index }) => ({
    index,
    name: picked.filter((o) => o.c.name === c.name).length > 1 ? `${c.node}:${c.name}` : c.name,
  }));
}

export function runSimulate(topologyFile: string, options: SimulateCommandOptions, out: LineWriter, err: LineWriter): number {
  const spec = parseSimTopology(readFileSync(topologyFile, 'utf8'), topologyFile);
  let commands: RunCommand[];
  let result;
  try {
    commands = options.run.map(parseRun);
    result = simulate(spec, commands);
  } catch (e) {
    if (!(e instanceof RunSyntaxError)) throw e;
    err.line(`dockshark: ${safeText(e.message)}`);
    err.flush();
    return 2;
  }
  const selected = selectCaptures(result.captures, options.interface);
  const unknown = options.interface.filter((w) => w !== 'all' && !result.captures.some((c) => c.name === w || `${c.node}:${c.name}` === w));
  if (unknown.length > 0 || selected.length === 0) {
    const names = [...new Set(result.captures.map((c) => `${c.node}:${c.name}`))].join(', ');
    err.line(`dockshark: no capture point named ${safeText(unknown[0] ?? '(none selected)')}; the topology has ${safeText(names)}.`);
    err.flush();
    return 2;
  }
  const idOf = new Map(selected.map((s, id) => [s.index, id]));
  let frames = 0;
  if (options.write.endsWith('.pcap')) {
    if (selected.length !== 1) {
      err.line(`dockshark: a classic pcap holds one interface, and ${selected.length} are selected (${safeText(selected.map((s) => s.name).join(', '))}); pick one with -i, or write a .pcapng.`);
      err.flush();
      return 2;
    }
    const pcap = new PcapFileWriter(options.write, { nanoseconds: true });
    try {
      for (const frame of result.frames) {
        if (frame.capture !== selected[0].index) continue;
        pcap.writeFrame({ tsSec: result.startSeconds + Math.floor(frame.t / 1e9), tsNsec: frame.t % 1e9, bytes: frame.bytes });
        frames++;
      }
    } finally {
      pcap.close();
    }
    return finish(result.notes, commands.length, frames, selected, options.write, out, err);
  }
  const writer = new PcapngFileWriter(options.write);
  try {
    writer.writeBlock(encodeShb({ options: [{ code: 4, value: 'dockshark simulate' }] }));
    for (const s of selected) writer.writeBlock(encodeIdb({ linkType: 1, snapLen: 262144, name: s.name, tsresol: 9 }));
    for (const frame of result.frames) {
      const id = idOf.get(frame.capture);
      if (id === undefined) continue;
      const t = frame.t;
      writer.writePacket(id, timestampUnits(result.startSeconds + Math.floor(t / 1e9), t % 1e9, 1_000_000_000n), frame.bytes);
      frames++;
    }
  } finally {
    writer.close();
  }
  return finish(result.notes, commands.length, frames, selected, options.write, out, err);
}

/** The notes on standard error, the summary line on standard output. */
function finish(notes: readonly string[], commands: number, frames: number, selected: readonly { name: string }[], file: string, out: LineWriter, err: LineWriter): number {
  for (const note of notes) err.line(`dockshark: ${safeText(note)}`);
  err.flush();
  out.line(`simulate: ${commands} command${commands === 1 ? '' : 's'}, ${frames} frames on ${selected.length} interface${selected.length === 1 ? '' : 's'} (${safeText(selected.map((s) => s.name).join(', '))}) written to ${safeText(file)}.`);
  out.flush();
  return 0;
}

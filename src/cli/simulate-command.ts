// `dockshark simulate TOPOLOGY --run "..." [--run ...] -w OUT.pcapng [-i IFACE]...`:
// simulates the Linux data path of a YAML topology (docs/simulate.md) for the given
// traffic and writes one pcapng interface per capture point (EN10MB, nanoseconds).

import { readFileSync } from 'node:fs';
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
  const writer = new PcapngFileWriter(options.write);
  let frames = 0;
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
  for (const note of result.notes) err.line(`dockshark: ${safeText(note)}`);
  err.flush();
  out.line(`simulate: ${commands.length} command${commands.length === 1 ? '' : 's'}, ${frames} frames on ${selected.length} interfaces (${selected.map((s) => s.name).join(', ')}) written to ${safeText(options.write)}.`);
  out.flush();
  return 0;
}

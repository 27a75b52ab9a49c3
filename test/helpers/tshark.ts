// Reads tshark's `-T ek` NDJSON (see ../shared/corpus/expected/README.md): every
// packet line holds `layers` mapping a field name (dots as underscores) to the list
// of its occurrences in dissection order.
import { readFileSync } from 'node:fs';

export type TsharkPacket = Record<string, string[]>;

export function readTsharkEk(path: string): TsharkPacket[] {
  const packets: TsharkPacket[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.startsWith('{"timestamp"')) continue;
    packets.push((JSON.parse(line) as { layers: TsharkPacket }).layers);
  }
  return packets;
}

// `dockshark diff OBSERVED EXPECTED`: analyse two traces (each a capture file, or a
// comma-separated list of files merged by time) and compare what they say semantically:
// ARP resolutions, bridge FDB entries, NAT translations, VXLAN tunnels and MAC-to-VTEP
// entries. One line per difference; exit 0 when they agree, 1 otherwise.

import { safeText } from '../decode/index.js';
import { compareReports } from './diff-compare.js';
import { analyseSide } from './diff-run.js';
import type { LineWriter } from './output.js';

export interface DiffCommandOptions {
  vxlanPorts: number[];
}

export const IGNORED_FIELDS = 'timestamps and frame numbers, ICMP echo identifiers, the client\'s source port of a NAT translation '
  + 'and the value of a remapped source port (whether it was remapped is compared)';

function files(list: string): string[] {
  return list.split(',').map((f) => f.trim()).filter((f) => f !== '');
}

export function runDiff(observed: string, expected: string, options: DiffCommandOptions, out: LineWriter): number {
  const ports = [4789, ...options.vxlanPorts];
  const seen = analyseSide(files(observed), ports);
  const wanted = analyseSide(files(expected), ports);
  const result = compareReports(seen.report, wanted.report);
  for (const d of result.differences) out.line(safeText(d.text));
  out.line(`diff: ${result.agree} agree, ${result.differences.length} differ. Ignored: ${IGNORED_FIELDS}; `
    + `IPv6 housekeeping (router/neighbour discovery, MLD): ${seen.ignored} observed and ${wanted.ignored} expected frames.`);
  out.flush();
  return result.differences.length === 0 ? 0 : 1;
}

// `dockshark diff OBSERVED EXPECTED`: analyse two traces (each a capture file, or a
// comma-separated list of files merged by time; EXPECTED may also be a simulate topology,
// YAML, whose prediction for the `--run` traffic is simulated first) and compare what they say semantically:
// ARP resolutions, bridge FDB entries, NAT translations, VXLAN tunnels and MAC-to-VTEP
// entries. One line per difference; exit 0 when they agree, 1 otherwise.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { safeText } from '../decode/index.js';
import type { Difference } from '../verify/compare/difference.js';
import { compareRuns } from '../verify/compare/compare.js';
import { DIFF_PRESET } from '../verify/compare/options.js';
import { NOUNS } from '../verify/compare/tables.js';
import { analyseSide } from './diff-run.js';
import { readExitStatus, reportReadIssues } from './read-issues.js';
import { LineWriter } from './output.js';
import { parseSimTopology } from '../simulate/spec-parse.js';
import { runSimulate } from './simulate-command.js';

export interface DiffCommandOptions {
  vxlanPorts: number[];
  /** When EXPECTED is a simulate topology (YAML): the traffic to simulate, and its capture points. */
  run?: string[];
  interface?: string[];
}

/** EXPECTED may be a topology's prediction: a YAML topology simulated with `--run`. */
function isTopology(expected: string): boolean {
  return /\.ya?ml$/i.test(expected.trim());
}

// What DIFF_PRESET leaves out, as the last line says it.
export const IGNORED_FIELDS = 'timestamps and frame numbers, ICMP echo identifiers, the client\'s source port of a NAT translation '
  + 'and the value of a remapped source port or echo id (whether it was remapped is compared), traffic counters, the change log';

/** Tables whose entries need their scope said (a bridge's FDB). */
const SCOPED = new Set(['fdb', 'vni-fdb', 'vni-arp', 'other']);

/** One difference in diff's words: OBSERVED is the run compared, EXPECTED the reference. */
function diffLine(d: Difference): string {
  const what = d.table === 'change' ? 'change' : NOUNS[d.table];
  const at = SCOPED.has(d.table) ? `${d.scope}: ` : '';
  if (d.kind === 'missing' && d.expected) return `missing ${what}: ${at}${d.expected.fact} (expected, not observed)`;
  if (d.kind === 'extra' && d.actual) return `extra ${what}: ${at}${d.actual.fact} (observed, not expected)`;
  const seen = d.actual?.text ?? '-';
  const wanted = d.expected?.text ?? '-';
  return `${what} differs: ${at}${d.key} ${seen} observed, ${wanted} expected${seen === wanted ? ` (${d.fields.join(', ')})` : ''}`;
}

function files(list: string): string[] {
  return list.split(',').map((f) => f.trim()).filter((f) => f !== '');
}

export function runDiff(observed: string, expected: string, options: DiffCommandOptions, out: LineWriter, err: LineWriter): number {
  const ports = [4789, ...options.vxlanPorts];
  if (isTopology(expected)) {
    // The overlays' own UDP ports: an overlay on 8472 must be decoded as VXLAN on both sides.
    const spec = parseSimTopology(readFileSync(expected.trim(), 'utf8'), expected.trim());
    for (const host of spec.hosts) for (const v of host.vxlan) if (!ports.includes(v.port)) ports.push(v.port);
  }
  const seen = analyseSide(files(observed), ports);
  let wanted: ReturnType<typeof analyseSide>;
  if (isTopology(expected)) {
    if ((options.run ?? []).length === 0) {
      err.line('dockshark: diff against a topology needs the traffic to simulate: give --run "COMMAND" (docs/simulate.md).');
      err.flush();
      return 2;
    }
    const dir = mkdtempSync(join(tmpdir(), 'dockshark-diff-'));
    try {
      const simulated = join(dir, 'expected.pcapng');
      const quiet = new LineWriter(-1);
      const code = runSimulate(expected.trim(), { run: options.run ?? [], write: simulated, interface: options.interface ?? [] }, quiet, err);
      if (code !== 0) return code;
      wanted = analyseSide([simulated], ports);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    wanted = analyseSide(files(expected), ports);
  }
  // Problems with the files are said; an unusable one means there is nothing to compare.
  reportReadIssues(files(observed), seen.readIssues, err);
  if (!isTopology(expected)) reportReadIssues(files(expected), wanted.readIssues, err);
  err.flush();
  const unusable = Math.max(readExitStatus(seen.readIssues), readExitStatus(wanted.readIssues));
  if (unusable !== 0) return unusable;
  const result = compareRuns(wanted, seen, DIFF_PRESET);
  for (const d of result.differences) out.line(safeText(diffLine(d)));
  out.line(`diff: ${result.agree} agree, ${result.differences.length} differ. Ignored: ${IGNORED_FIELDS}; `
    + `IPv6 housekeeping (router/neighbour discovery, MLD): ${seen.housekeeping.frames} observed and ${wanted.housekeeping.frames} expected frames.`);
  out.flush();
  return result.differences.length === 0 ? 0 : 1;
}

// `dockshark check FILE... --expect expected.json [--topology F]... [--vxlan-port P]... [--ageing S]
//   [--ignore WHAT[,WHAT]]... [--match-by ip]`: analyse the captures again and compare the run
// with a `dockshark snapshot`. Exit 0 when they match, 1 with one line per difference, 2
// when the snapshot or a capture cannot be used.

import { readFileSync } from 'node:fs';
import { safeText, type JsonValue } from '../decode/index.js';
import { compareRuns } from '../verify/compare/compare.js';
import { IGNORABLE, parseIgnore } from '../verify/compare/options.js';
import { readSnapshot, type SnapshotOptions } from '../verify/compare/snapshot.js';
import { checkSummary, checkText } from './check-format.js';
import type { LineWriter } from './output.js';
import { analyseOrExplain, snapshotOptions } from './snapshot-command.js';

export interface CheckCommandOptions {
  expect: string;
  topology: string[];
  /** Ports decoded as VXLAN besides 4789; none given: the snapshot's. */
  vxlanPorts: number[];
  /** Absent: the snapshot's. */
  ageingSeconds?: number;
  ignore: string[];
  matchBy: 'mac' | 'ip';
}

/** Where this run's analysis options differ from the snapshot's: said, not failed (the differences will show). */
function optionNotes(recorded: SnapshotOptions, used: SnapshotOptions): string[] {
  const notes: string[] = [];
  const list = (v: readonly unknown[]): string => (v.length === 0 ? 'none' : v.join(', '));
  if (list(recorded.vxlanPorts) !== list(used.vxlanPorts)) notes.push(`the snapshot decoded VXLAN on ${list(recorded.vxlanPorts)}, this run on ${list(used.vxlanPorts)}`);
  if (recorded.ageingSeconds !== used.ageingSeconds) notes.push(`the snapshot used an FDB ageing time of ${recorded.ageingSeconds} s, this run ${used.ageingSeconds} s`);
  if (list(recorded.topology) !== list(used.topology)) notes.push(`the snapshot was made with --topology ${list(recorded.topology)}, this run with ${list(used.topology)}`);
  return notes;
}

export function runCheck(files: string[], options: CheckCommandOptions, out: LineWriter, err: LineWriter): number {
  const fail = (sentence: string): number => {
    err.line(`dockshark: ${safeText(sentence)}`);
    err.flush();
    return 2;
  };
  const parsed = parseIgnore(options.ignore);
  if ('unknown' in parsed) return fail(`--ignore takes ${IGNORABLE.join(', ')} (comma-separated or repeated); "${parsed.unknown}" is none of them.`);
  let json: JsonValue;
  try {
    json = JSON.parse(readFileSync(options.expect, 'utf8')) as JsonValue;
  } catch (e) {
    const why = e instanceof SyntaxError ? `is not JSON (${e.message})` : `cannot be read (${(e as Error).message})`;
    return fail(`the snapshot ${options.expect} ${why}.`);
  }
  const snapshot = readSnapshot(json);
  if ('error' in snapshot) return fail(`${options.expect} ${snapshot.error}; make one with \`dockshark snapshot\`.`);
  const used = snapshotOptions(options.vxlanPorts.length > 0 ? options.vxlanPorts : snapshot.options.vxlanPorts,
    options.ageingSeconds ?? snapshot.options.ageingSeconds, options.topology);
  for (const note of optionNotes(snapshot.options, used)) err.line(`dockshark: note: ${safeText(note)}.`);
  const run = analyseOrExplain(files, used, options.topology, err);
  if (run === null) return 2;
  const compareOptions = { ignore: parsed.ignore, matchBy: options.matchBy };
  const result = compareRuns(snapshot, run, compareOptions);
  for (const line of checkText(result)) out.line(safeText(line));
  out.line(safeText(checkSummary(result, compareOptions, options.expect)));
  out.flush();
  return result.differences.length === 0 ? 0 : 1;
}

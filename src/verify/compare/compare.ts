// The comparison of two analysis runs (`check`: a snapshot against a new run; `diff`: a
// trace against another or a simulation): pure functions over report JSON, no I/O.

import type { HousekeepingReport } from '../../analysis/ipv6-housekeeping.js';
import { compareChanges } from './changelog.js';
import { compareEntries } from './compare-tables.js';
import type { Comparison } from './difference.js';
import { macLabels } from './mac-labels.js';
import type { Obj, RunContext } from './normalise.js';
import type { CompareOptions } from './options.js';
import { tableEntries } from './tables.js';

/** One run: the `analyze --json` report (its `events` aside), its change log, and its IPv6 housekeeping. */
export interface Run {
  readonly report: Obj;
  readonly changes: readonly Obj[];
  /** null: not known (then only 33:33 MACs and link-local addresses are noise). */
  readonly housekeeping: HousekeepingReport | null;
}

function context(run: Run, options: CompareOptions): RunContext {
  return {
    options,
    noiseMacs: new Set(options.ignore.has('ipv6-noise') ? run.housekeeping?.macs ?? [] : []),
    labels: options.matchBy === 'ip' ? macLabels(run.report, run.changes) : new Map(),
  };
}

export function compareRuns(expected: Run, actual: Run, options: CompareOptions): Comparison {
  const ctx = { expected: context(expected, options), actual: context(actual, options) };
  const tables = compareEntries(tableEntries(expected.report, ctx.expected), tableEntries(actual.report, ctx.actual), options);
  const changes = compareChanges(expected.changes, actual.changes, ctx);
  return { agree: tables.agree + changes.agree, differences: [...tables.differences, ...changes.differences] };
}

// The snapshot file of `dockshark snapshot` / `check --expect`: what a run reconstructed
// (the `analyze --json` report), its ordered change log, the MACs only IPv6 housekeeping
// showed, the input files' names and the analysis options. Volatile facts (when, where,
// which dockshark, how long) only on request, under `volatile`, and never compared.

import type { HousekeepingReport } from '../../analysis/ipv6-housekeeping.js';
import type { JsonValue } from '../../decode/index.js';
import type { Run } from './compare.js';
import type { Obj } from './normalise.js';
import { stableJson } from './stable-json.js';

export const SNAPSHOT_FORMAT = 'dockshark-snapshot';
export const SNAPSHOT_VERSION = 1;

export interface SnapshotOptions {
  readonly vxlanPorts: number[];
  readonly ageingSeconds: number;
  /** Basenames of the --topology files. */
  readonly topology: string[];
}

export interface Snapshot extends Run {
  /** Basenames of the capture files, in the order given. */
  readonly inputs: string[];
  readonly options: SnapshotOptions;
}

/** `report` with its `events`: they become the top-level change log. */
export function buildSnapshot(inputs: string[], options: SnapshotOptions, report: Obj, housekeeping: HousekeepingReport, volatile?: Obj): Obj {
  const { events, ...rest } = report;
  return {
    format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, inputs, options: options as unknown as Obj, report: rest,
    changes: events ?? [], ipv6Housekeeping: housekeeping as unknown as Obj, ...(volatile ? { volatile } : {}),
  };
}

export function snapshotText(snapshot: Obj): string {
  return stableJson(snapshot, new Set(['changes']));
}

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The parsed file as a snapshot, or why it is not one (a sentence fragment). */
export function readSnapshot(value: JsonValue): Snapshot | { error: string } {
  if (!isObj(value) || value.format !== SNAPSHOT_FORMAT) return { error: `is not a dockshark snapshot (no "format": "${SNAPSHOT_FORMAT}")` };
  if (value.version !== SNAPSHOT_VERSION) {
    return { error: `is in snapshot format version ${JSON.stringify(value.version ?? null)}, and this dockshark reads version ${SNAPSHOT_VERSION}` };
  }
  const o = value.options;
  const h = value.ipv6Housekeeping;
  if (!isObj(value.report) || !Array.isArray(value.changes) || !value.changes.every((c) => isObj(c) && typeof c.kind === 'string')
    || !strings(value.inputs) || !isObj(o) || !Array.isArray(o.vxlanPorts) || typeof o.ageingSeconds !== 'number' || !strings(o.topology)
    || !isObj(h) || !strings(h.macs)) {
    return { error: 'is a damaged snapshot (a section is missing or has the wrong type)' };
  }
  return {
    inputs: value.inputs, report: value.report, changes: value.changes as Obj[],
    options: { vxlanPorts: o.vxlanPorts as number[], ageingSeconds: o.ageingSeconds, topology: o.topology },
    housekeeping: { frames: typeof h.frames === 'number' ? h.frames : 0, macs: h.macs },
  };
}

// One difference between the expected run and the new one, for either a table entry or
// the change log. Structured, so that `check` and `diff` can each say it in their words.

import type { Obj } from './normalise.js';
import type { TableId } from './options.js';

/** 'moved': a change found elsewhere in the other change log. */
export type DifferenceKind = 'missing' | 'extra' | 'changed' | 'moved' | 'counts' | 'frames';

/** One run's side of a difference. */
export interface Side {
  /** The value in words (a change: the whole change). */
  readonly text: string;
  /** The whole entry in one phrase, key included. */
  readonly fact: string;
  /** The first frame it names (null: none). */
  readonly first: number | null;
  readonly value: Obj;
  readonly counts: Readonly<Record<string, number>>;
  readonly frames: Readonly<Record<string, number>>;
}

export interface Difference {
  readonly kind: DifferenceKind;
  /** 'change': an entry of the change log. */
  readonly table: TableId | 'change';
  readonly scope: string;
  readonly key: string;
  readonly expected: Side | null;
  readonly actual: Side | null;
  /** The fields that differ (changed: value fields; counts: counters; frames: frame fields). */
  readonly fields: readonly string[];
}

export interface Comparison {
  /** Entries and changes that agree. */
  readonly agree: number;
  readonly differences: Difference[];
}

/** Names of the fields whose values differ between two records. */
export function differingFields(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>, same: (x: unknown, y: unknown) => boolean): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().filter((k) => !same(a[k], b[k]));
}

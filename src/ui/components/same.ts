// Prop comparisons for React.memo: the model is rebuilt on every step, so a pane's props are
// new arrays even when it shows the same lines; comparing the (few, visible) lines lets an
// unchanged pane skip rendering, and Ink keep its laid-out text.

/** Arrays of flat records equal field by field (the lines a pane shows). */
export function sameRecords<T extends object>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (!sameRecord(a[i], b[i])) return false;
  }
  return true;
}

/** Flat records with the same values under the same keys (undefined values count as absent). */
export function sameRecord<T extends object>(a: T, b: T): boolean {
  if (a === b) return true;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key in ra) if (ra[key] !== rb[key]) return false;
  for (const key in rb) if (ra[key] !== rb[key]) return false;
  return true;
}

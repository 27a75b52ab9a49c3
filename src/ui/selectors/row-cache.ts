// Formatted rows kept from one step to the next. The replay's report is new JSON on every
// step, but a long table (the NAT history grows with the capture: thousands of rows) changes
// in a few rows per step: a row whose entry equals the one it was formatted from (in the
// fields the formatting reads) is reused instead of formatted again. Comparing costs a
// fraction of formatting and allocates nothing. Entries the report reuses unchanged (a
// retired NAT connection's, napt-history.ts) are the same object: no comparing at all.

export class RowCache<E, T> {
  private readonly rows: { entry: E; value: T }[] = [];

  /** `same(a, b)`: the entries give the same row (compare every field the row is made of). */
  constructor(private readonly same: (a: E, b: E) => boolean) {}

  /** The row for the entry at `index`, if it was built from an entry the same as this one. */
  get(index: number, entry: E): T | undefined {
    const cached = this.rows[index];
    return cached !== undefined && (cached.entry === entry || this.same(cached.entry, entry)) ? cached.value : undefined;
  }

  set(index: number, entry: E, value: T): T {
    this.rows[index] = { entry, value };
    return value;
  }

  /** Forgets rows from `length` on (the table got shorter). */
  truncate(length: number): void {
    if (this.rows.length > length) this.rows.length = length;
  }
}

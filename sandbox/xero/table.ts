/**
 * One entity's records in memory, indexed by id and kept ordered by update time, so that an
 * `If-Modified-Since` page at 100,000+ records is a binary search and a slice, never a scan of
 * everything for every page.
 */
export interface Row<T> {
  id: string;
  updatedMs: number;
  json: T;
}

export class Table<T> {
  private readonly byId = new Map<string, Row<T>>();
  /** Sorted by (updatedMs, id). */
  private ordered: Row<T>[] = [];
  /** Bumped on every change: list caches key on it. */
  version = 0;

  /** Loads rows in any order (seeding): one sort at the end. */
  load(rows: Row<T>[]): void {
    for (const row of rows) this.byId.set(row.id, row);
    this.ordered = [...this.byId.values()].sort(compareRows);
    this.version++;
  }

  get(id: string): Row<T> | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Inserts a new row (an id already present is replaced). */
  put(row: Row<T>): void {
    const old = this.byId.get(row.id);
    if (old) this.ordered.splice(this.indexOf(old), 1);
    this.byId.set(row.id, row);
    this.ordered.splice(this.insertionPoint(row), 0, row);
    this.version++;
  }

  /** Moves a row to a new update time (its JSON is the caller's to change). */
  touch(row: Row<T>, updatedMs: number): void {
    this.ordered.splice(this.indexOf(row), 1);
    row.updatedMs = updatedMs;
    this.ordered.splice(this.insertionPoint(row), 0, row);
    this.version++;
  }

  /** Rows updated at or after `sinceMs` (all when null), oldest first. */
  since(sinceMs: number | null): Row<T>[] {
    if (sinceMs === null) return this.ordered;
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ordered[mid]!.updatedMs < sinceMs) lo = mid + 1;
      else hi = mid;
    }
    return this.ordered.slice(lo);
  }

  private indexOf(row: Row<T>): number {
    const i = this.insertionPoint(row);
    // insertionPoint lands on the row itself when it is present (same key).
    if (this.ordered[i] === row) return i;
    return this.ordered.indexOf(row);
  }

  private insertionPoint(row: Row<T>): number {
    let lo = 0;
    let hi = this.ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareRows(this.ordered[mid]!, row) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function compareRows<T>(a: Row<T>, b: Row<T>): number {
  if (a.updatedMs !== b.updatedMs) return a.updatedMs - b.updatedMs;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

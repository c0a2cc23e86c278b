/**
 * Walking a "modified since" search whose provider caps how many results one query may page through
 * (HubSpot: 10,000). The time window `[from, to]` is cut in halves until a window fits under the cap;
 * each window is paged through in ascending modified order. The checkpoint after every page is the
 * last modified instant reached plus the ids already read at that instant, so a resumed walk skips
 * nothing and repeats nothing, whatever order the provider gives records that share an instant.
 * Provider-neutral: the connector supplies the search call and how to read a record's id and instant.
 */
import { InvalidInput } from '../errors.ts';

export interface WindowCheckpoint {
  /** Inclusive lower bound (epoch ms) of what is left to read. */
  from: number;
  /** Ids already read whose modified instant is exactly `from`. */
  seen: string[];
}

export interface WindowQuery {
  /** Inclusive bounds, epoch ms. */
  from: number;
  to: number;
  /** The provider's paging token inside this window; null for the first page. */
  after: string | null;
}

export interface WindowAnswer<R> {
  /** How many records the whole window holds (the provider's `total`). */
  total: number;
  records: R[];
  next: string | null;
}

export interface WindowedSearch<R> {
  /** One page of the window, sorted by modified instant ascending. */
  search(query: WindowQuery): Promise<WindowAnswer<R>>;
  idOf(record: R): string;
  modifiedOf(record: R): number;
  /** The most results one query may page through. */
  cap: number;
}

export interface WindowPage<R> {
  records: R[];
  checkpoint: WindowCheckpoint;
}

/**
 * Reads every record modified in `[start.from, to]` once, page by page. A window whose `total`
 * changes between its pages (a record moved out of it while we paged by offset) is restarted from
 * the last checkpoint, so an offset shift can never skip a record.
 */
export async function* walkModifiedWindows<R>(spec: WindowedSearch<R>, start: WindowCheckpoint, to: number): AsyncGenerator<WindowPage<R>> {
  let state: WindowCheckpoint = { from: start.from, seen: [...start.seen] };
  while (state.from <= to) {
    const { hi, first } = await fitWindow(spec, state.from, to);
    const outcome = yield* pageWindow(spec, state, hi, to, first);
    state = outcome.state;
    if (outcome.done && hi >= to) return;
  }
}

/** The widest window from `from` whose total fits under the cap, and its first page. */
async function fitWindow<R>(spec: WindowedSearch<R>, from: number, to: number): Promise<{ hi: number; first: WindowAnswer<R> }> {
  let hi = to;
  let first = await spec.search({ from, to: hi, after: null });
  while (first.total > spec.cap) {
    // Nothing in the window is older than its first (oldest) record: halve what lies above it.
    const oldest = first.records.length ? spec.modifiedOf(first.records[0]!) : from;
    const lo = Math.max(from, Math.min(oldest, hi));
    if (hi <= lo) {
      throw new InvalidInput(`search: more than ${spec.cap} records share the modified instant ${new Date(lo).toISOString()}; no window is narrow enough`, { field: 'cursor' });
    }
    hi = lo + Math.floor((hi - lo) / 2);
    first = await spec.search({ from, to: hi, after: null });
  }
  return { hi, first };
}

async function* pageWindow<R>(
  spec: WindowedSearch<R>,
  start: WindowCheckpoint,
  hi: number,
  to: number,
  first: WindowAnswer<R>,
): AsyncGenerator<WindowPage<R>, { state: WindowCheckpoint; done: boolean }> {
  const seenAtStart = new Set(start.seen);
  let state = start;
  let page = first;
  for (;;) {
    const records = page.records.filter((r) => !(spec.modifiedOf(r) === start.from && seenAtStart.has(spec.idOf(r))));
    const windowDone = page.next === null;
    state = windowDone && hi < to ? { from: hi + 1, seen: [] } : advance(spec, state, page.records);
    yield { records, checkpoint: state };
    if (windowDone) return { state, done: true };
    const next = await spec.search({ from: start.from, to: hi, after: page.next });
    // Records only leave a past window (their new instant is later than `hi`); offsets after the
    // leaver shift down by one. Start again from the checkpoint rather than risk a skipped record.
    if (next.total !== first.total) return { state, done: false };
    page = next;
  }
}

/** The checkpoint after `records` (ascending): their last instant and the ids read at it. */
function advance<R>(spec: WindowedSearch<R>, state: WindowCheckpoint, records: readonly R[]): WindowCheckpoint {
  const last = records.at(-1);
  if (last === undefined) return state;
  const at = spec.modifiedOf(last);
  const ids = records.filter((r) => spec.modifiedOf(r) === at).map((r) => spec.idOf(r));
  const seen = at === state.from ? [...new Set([...state.seen, ...ids])] : ids;
  return { from: at, seen };
}

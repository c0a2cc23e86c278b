/**
 * The sync engine, written once for every connector: per connection and stream, a cursor; a full
 * pull when there is none, incremental after. Each page is mapped, then upserted, its rejects and
 * deletions recorded and its cursor saved in ONE transaction, so a sync killed at any point resumes
 * from the last committed page with no duplicate (upserts are keyed) and no gap (the cursor never
 * runs ahead of the rows).
 *
 * Speed (issue 16.3): pages are fetched and mapped ahead of the writes — across stream boundaries,
 * up to `readAhead` pages — so the provider's window is spent while PostgreSQL writes; and up to
 * `writers` pages of a stream are written at once, each in its own transaction on its own
 * connection. Their commits stay in page order: a page's transaction does all its work, then waits
 * for the page before it to commit (and for that page's onCommitted), and only then saves its cursor
 * and commits. A crash therefore
 * leaves a prefix of the pages committed, and the saved cursor is the last page of that prefix.
 * Two pages that name the same record are never in flight together (the later one waits), and
 * streams are written one after another, in the connector's order.
 */
import type { MappingContext, MappingOverride } from '../mapping/index.ts';
import { InvalidInput } from '../errors.ts';
import {
  organizationOf, readCursor, saveRejected, storedNotRejected, upsertPage, writeCheckpoint,
  type Db, type JsonValue, type StoredEntity, type StoredIds,
} from '../store/index.ts';
import { mapPageInSlices, type MappedEntity } from './map-page.ts';
import { changesLedger } from './replan.ts';
import { absentFromListing, applyTombstones } from './tombstones.ts';
import type { PulledPage, StreamReport, StreamSpec, SyncReport, SyncSource } from './types.ts';

/** Pages written at once by default: the pool of a store has 10 connections, a replan needs one. */
export const DEFAULT_WRITERS = 3;
/**
 * Pages fetched ahead of the writes by default. Enough for a whole minute's allowance of Xero (60
 * calls) to be spent at its start rather than paced by the writes: the calls of the next minute
 * can then start as early as the window allows (the limiter frees a slot a window after its answer).
 */
export const DEFAULT_READ_AHEAD = 48;

export interface SyncOptions {
  db: Db;
  connectionId: string;
  source: SyncSource;
  /** The connection's organization when the caller has read it already (else one query reads it). */
  organizationId?: string;
  /** Forget the cursors: pull everything again. */
  full?: boolean;
  /** Only these streams (a webhook names some); all of them by default. */
  streams?: readonly string[];
  overrides?: Record<string, MappingOverride>;
  context?: MappingContext;
  /** After each committed page: progress for the CLI and logs. */
  onPage?: (stream: string, page: { records: number; mode: string }) => void;
  /** After each committed page, awaited, in page order: the external ids it wrote or voided, by entity (re-planning, 16.2). */
  onCommitted?: (changes: ReadonlyMap<StoredEntity, readonly string[]>) => Promise<void>;
  /** Pages of one stream written at once, each in its own transaction (default DEFAULT_WRITERS). */
  writers?: number;
  /** Pages fetched and mapped ahead of the writes (default DEFAULT_READ_AHEAD). */
  readAhead?: number;
}

function emptyReport(): StreamReport {
  return { mode: 'none', pages: 0, pulled: 0, written: {}, skippedOlder: 0, rejected: 0, voided: 0, waitSeconds: 0, writeSeconds: 0 };
}

function pickStreams(source: SyncSource, names: readonly string[] | undefined): StreamSpec[] {
  if (!names) return [...source.streams];
  for (const name of names) {
    if (!source.streams.some((s) => s.name === name)) {
      throw new InvalidInput(`stream "${name}" is not one of ${source.provider}'s (${source.streams.map((s) => s.name).join(', ')})`, { field: 'stream' });
    }
  }
  // In the connector's order, whatever order they were asked in — but for a sync that names its
  // streams (a webhook's), the documents first: a payment's invoice page re-plans its customer
  // (16.2) without waiting for the customer's own page, and a document that arrives before its new
  // customer is linked when the customer's page commits (linksOf in the store).
  const named = source.streams.filter((s) => names.includes(s.name));
  const ledger = (s: StreamSpec) => s.produces.some((p) => changesLedger(p.entity));
  return [...named.filter(ledger), ...named.filter((s) => !ledger(s))];
}

interface Fetched {
  page: PulledPage;
  mapped: MappedEntity[];
}

type Item = { stream: string; fetched: Fetched } | { stream: string; end: true } | { error: unknown };

/**
 * Pulls the streams one after another, each page mapped as it arrives, into a queue the writer
 * takes from in order; at most `depth` pages wait in it. A pull that fails is queued as its error,
 * after the pages that came before it, so those are still written.
 */
class ReadAhead {
  private items: Item[] = [];
  private waiter: (() => void) | null = null;
  private space: (() => void) | null = null;
  private stopped = false;
  readonly done: Promise<void>;

  constructor(
    private readonly depth: number,
    streams: readonly StreamSpec[],
    open: (stream: StreamSpec) => Promise<AsyncIterator<PulledPage>>,
    map: (stream: StreamSpec, page: PulledPage) => Promise<MappedEntity[]>,
  ) {
    this.done = this.run(streams, open, map);
  }

  private async run(streams: readonly StreamSpec[], open: (stream: StreamSpec) => Promise<AsyncIterator<PulledPage>>, map: (stream: StreamSpec, page: PulledPage) => Promise<MappedEntity[]>): Promise<void> {
    try {
      for (const stream of streams) {
        const pages = await open(stream);
        let finished = false;
        try {
          let next = pages.next();
          for (;;) {
            const result = await next;
            if (result.done) {
              finished = true;
              break;
            }
            while (!this.stopped && this.pagesQueued() >= this.depth) await new Promise<void>((resolve) => (this.space = resolve));
            if (this.stopped) return;
            // The next page is asked for before this one is mapped: its request is under way meanwhile.
            next = pages.next();
            next.catch(() => {});
            this.push({ stream: stream.name, fetched: { page: result.value, mapped: await map(stream, result.value) } });
          }
        } finally {
          // A pull left early (the writer failed, or a page could not be mapped) lets its generator
          // clean up, once a request still under way has settled.
          if (!finished) await pages.return?.(undefined).catch(() => {});
        }
        this.push({ stream: stream.name, end: true });
      }
    } catch (error) {
      this.push({ error });
    }
  }

  private pagesQueued(): number {
    let n = 0;
    for (const item of this.items) if ('fetched' in item) n += 1;
    return n;
  }

  private push(item: Item): void {
    this.items.push(item);
    this.waiter?.();
    this.waiter = null;
  }

  async take(): Promise<Item> {
    while (this.items.length === 0) await new Promise<void>((resolve) => (this.waiter = resolve));
    const item = this.items.shift()!;
    this.space?.();
    this.space = null;
    return item;
  }

  /** Stops fetching and waits for a fetch under way to settle: nothing keeps running behind the caller. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.space?.();
    await this.done;
  }
}

/** Runs one sync of a connection; the report counts what each stream pulled and wrote. */
export async function syncConnection(options: SyncOptions): Promise<SyncReport> {
  const started = performance.now();
  const { db, connectionId, source } = options;
  const report: SyncReport = { connectionId, provider: source.provider, streams: {}, seconds: 0 };
  // A connection never changes organization: read it once, not in every page's transaction.
  const organizationId = options.organizationId ?? (await organizationOf(db, connectionId));
  const streams = pickStreams(source, options.streams);
  const mapping = { provider: source.provider, overrides: options.overrides ?? {}, context: options.context ?? {} };
  const reader = new ReadAhead(
    Math.max(1, options.readAhead ?? DEFAULT_READ_AHEAD),
    streams,
    async (stream) => {
      const cursor: JsonValue = options.full ? null : await readCursor(db, connectionId, stream.name);
      return source.pull(stream.name, cursor)[Symbol.asyncIterator]();
    },
    (stream, page) => mapPageInSlices(stream, page.records, mapping),
  );
  try {
    for (const stream of streams) {
      report.streams[stream.name] = await writeStream(options, stream, organizationId, reader);
    }
  } finally {
    await reader.stop();
  }
  report.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  return report;
}

/** One page being written: the ids it names (no other page naming one may be in flight with it) and its end. */
interface InFlight {
  ids: Set<string>;
  wholeRange: boolean;
  settled: Promise<void>;
}

function idsOf(fetched: Fetched): Set<string> {
  const ids = new Set<string>();
  for (const { entity, records, rejected } of fetched.mapped) {
    for (const r of records) ids.add(`${entity}:${String((r as { externalId?: unknown }).externalId)}`);
    for (const r of rejected) ids.add(`${entity}:${r.externalId}`);
    for (const d of fetched.page.deleted) ids.add(`${entity}:${d.externalId}`);
  }
  return ids;
}

function overlaps(a: InFlight, ids: Set<string>, wholeRange: boolean): boolean {
  if (a.wholeRange || wholeRange) return true;
  const [small, large] = a.ids.size < ids.size ? [a.ids, ids] : [ids, a.ids];
  for (const id of small) if (large.has(id)) return true;
  return false;
}

/** Writes the pages of one stream as the reader hands them over, up to `writers` at once, committed in order. */
async function writeStream(options: SyncOptions, stream: StreamSpec, organizationId: string, reader: ReadAhead): Promise<StreamReport> {
  const { db, connectionId } = options;
  const writers = Math.max(1, options.writers ?? DEFAULT_WRITERS);
  const report = emptyReport();
  let waitMs = 0;
  const began = performance.now();
  const inFlight: InFlight[] = [];
  // The end of the page before: committed, counted, onCommitted done.
  let lastSettled: Promise<void> = Promise.resolve();
  // The first failed page, seen by the loop at its next step (set from a callback).
  const state: { failure: { error: unknown } | null } = { failure: null };
  try {
    for (;;) {
      const waiting = performance.now();
      const item = await reader.take();
      waitMs += performance.now() - waiting;
      if (state.failure) throw state.failure.error;
      if ('error' in item) throw item.error;
      if ('end' in item) break;
      const { fetched } = item;
      const ids = idsOf(fetched);
      const wholeRange = fetched.page.listing !== undefined;
      // A free writer, and no page in flight that names one of this page's records.
      while (inFlight.length >= writers) await inFlight[0]!.settled;
      for (const other of [...inFlight]) if (overlaps(other, ids, wholeRange)) await other.settled;
      // This page commits once the page before is committed and its after-commit work is done (so
      // onCommitted sees each page's commit in turn); a page whose predecessor failed rolls back.
      const previousSettled = lastSettled;
      const committed = commitPage(db, { connectionId, organizationId }, stream, fetched, () => previousSettled);
      const settled = committed.then(async ({ absent, tally }) => {
        // Counted only once committed, in page order: a rolled-back page counts for nothing.
        for (const [entity, n] of tally.written) report.written[entity] = (report.written[entity] ?? 0) + n;
        report.skippedOlder += tally.skippedOlder;
        report.rejected += tally.rejected;
        report.voided += tally.voided;
        const { page, mapped } = fetched;
        if (options.onCommitted) await options.onCommitted(pageChanges(page, mapped, absent));
        report.mode = report.mode === 'none' ? page.mode : report.mode;
        report.pages += 1;
        report.pulled += page.records.length + page.deleted.length;
        options.onPage?.(stream.name, { records: page.records.length + page.deleted.length, mode: page.mode });
      });
      const entry: InFlight = { ids, wholeRange, settled };
      inFlight.push(entry);
      // Never left unhandled: the loop sees the failure at its next step, and the catch below awaits every page.
      settled.then(
        () => void inFlight.splice(inFlight.indexOf(entry), 1),
        (error: unknown) => void (state.failure ??= { error }),
      );
      lastSettled = settled;
    }
    await lastSettled;
  } catch (error) {
    // Every transaction still open rolls back (its predecessor failed) before the error goes up.
    await Promise.allSettled(inFlight.map((f) => f.settled));
    throw state.failure ? state.failure.error : error;
  }
  report.waitSeconds = Number((waitMs / 1000).toFixed(3));
  report.writeSeconds = Number(((performance.now() - began - waitMs) / 1000).toFixed(3));
  return report;
}

/** The external ids a committed page wrote (stored, not rejected) or voided, by entity. */
function pageChanges(page: PulledPage, mapped: MappedEntity[], absent: ReadonlyMap<StoredEntity, readonly string[]>): Map<StoredEntity, string[]> {
  const changes = new Map<StoredEntity, string[]>();
  const deleted = page.deleted.map((d) => d.externalId);
  for (const { entity, records, rejected } of mapped) {
    changes.set(entity, [...storedNotRejected(records, rejected), ...deleted, ...(absent.get(entity) ?? [])]);
  }
  return changes;
}

interface Tally {
  written: Map<StoredEntity, number>;
  skippedOlder: number;
  rejected: number;
  voided: number;
}

/**
 * The checkpoint: everything a page changes, and the cursor after it, or nothing at all. The cursor
 * is saved last, once `previous` (the page before: committed and settled) resolved: rows of this page
 * may be written while that one commits, but its cursor is never saved before that page's rows are in.
 * Returns the ids a whole-range listing found gone (voided here), so the customers they belong to
 * are re-planned, and what the page wrote, to be counted once committed.
 */
async function commitPage(
  db: Db,
  target: { connectionId: string; organizationId: string },
  stream: StreamSpec,
  { page, mapped }: Fetched,
  previous: () => Promise<void>,
): Promise<{ absent: Map<StoredEntity, string[]>; tally: Tally }> {
  const absentIds = new Map<StoredEntity, string[]>();
  const { connectionId, organizationId } = target;
  const tally: Tally = { written: new Map(), skippedOlder: 0, rejected: 0, voided: 0 };
  await db.transaction(async (tx) => {
    const stored: StoredIds[] = [];
    for (const { entity, records, rejected } of mapped) {
      // mapPage parsed every record with the store's schema: no second parse.
      const result = await upsertPage(tx, connectionId, entity, records, { organizationId, parsed: true });
      tally.written.set(entity, result.written);
      tally.skippedOlder += result.skippedOlder;
      await saveRejected(tx, connectionId, entity, rejected);
      stored.push({ entity, externalIds: storedNotRejected(records, rejected) });
      tally.rejected += rejected.length;
      // A page that lists a key range whole also says what was deleted in it (PulledPage.listing).
      const absent = page.listing ? await absentFromListing(tx, connectionId, entity, page.listing) : [];
      absentIds.set(entity, absent.map((d) => d.externalId));
      tally.voided += await applyTombstones(tx, connectionId, entity, [...page.deleted, ...absent]);
    }
    await previous();
    // Rejections of what was stored are cleared and the cursor saved in one round trip.
    await writeCheckpoint(tx, connectionId, stored, { key: stream.name, value: page.cursor });
  });
  return { absent: absentIds, tally };
}

/**
 * The sync engine, written once for every connector: per connection and stream, a cursor; a full
 * pull when there is none, incremental after. Each page is mapped, then upserted, its rejects and
 * deletions recorded and its cursor saved in ONE transaction, so a sync killed at any point resumes
 * from the last committed page with no duplicate (upserts are keyed) and no gap (the cursor never
 * runs ahead of the rows).
 */
import type { MappingContext, MappingOverride } from '../mapping/index.ts';
import { InvalidInput } from '../errors.ts';
import {
  organizationOf, readCursor, saveRejected, storedNotRejected, upsertPage, writeCheckpoint,
  type Db, type JsonValue, type StoredEntity, type StoredIds,
} from '../store/index.ts';
import { mapPage, type MappedEntity } from './map-page.ts';
import { changesLedger } from './replan.ts';
import { absentFromListing, applyTombstones } from './tombstones.ts';
import type { PulledPage, StreamReport, StreamSpec, SyncReport, SyncSource } from './types.ts';

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
  /** After each committed page, awaited: the external ids it wrote or voided, by entity (re-planning, 16.2). */
  onCommitted?: (changes: ReadonlyMap<StoredEntity, readonly string[]>) => Promise<void>;
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

/** Runs one sync of a connection; the report counts what each stream pulled and wrote. */
export async function syncConnection(options: SyncOptions): Promise<SyncReport> {
  const started = performance.now();
  const report: SyncReport = { connectionId: options.connectionId, provider: options.source.provider, streams: {}, seconds: 0 };
  // A connection never changes organization: read it once, not in every page's transaction.
  const organizationId = options.organizationId ?? (await organizationOf(options.db, options.connectionId));
  for (const stream of pickStreams(options.source, options.streams)) {
    report.streams[stream.name] = await syncStream(options, stream, organizationId);
  }
  report.seconds = Number(((performance.now() - started) / 1000).toFixed(3));
  return report;
}

async function syncStream(options: SyncOptions, stream: StreamSpec, organizationId: string): Promise<StreamReport> {
  const { db, connectionId, source } = options;
  const report = emptyReport();
  const cursor: JsonValue = options.full ? null : await readCursor(db, connectionId, stream.name);
  const pages = source.pull(stream.name, cursor)[Symbol.asyncIterator]();
  const mapping = { provider: source.provider, overrides: options.overrides ?? {}, context: options.context ?? {} };
  // The next page is fetched and mapped while this one is written: its mapping runs as soon as it
  // arrives, in the gaps of this page's round trips to PostgreSQL, not after them.
  const fetchMapped = () => {
    const next = pages.next().then((r) => (r.done ? null : { page: r.value, mapped: mapPage(stream, r.value.records, mapping) }));
    next.catch(() => {});
    return next;
  };
  let pending = fetchMapped();
  let waitMs = 0;
  let writeMs = 0;
  const waited = async () => {
    const started = performance.now();
    const result = await pending;
    waitMs += performance.now() - started;
    return result;
  };
  try {
    for (let result = await waited(); result !== null; result = await waited()) {
      const { page, mapped } = result;
      // Its cursor is saved only with its own commit, so a crash still loses nothing.
      pending = fetchMapped();
      const writing = performance.now();
      const absent = await commitPage(db, { connectionId, organizationId }, stream, page, mapped, report);
      if (options.onCommitted) await options.onCommitted(pageChanges(page, mapped, absent));
      writeMs += performance.now() - writing;
      report.mode = report.mode === 'none' ? page.mode : report.mode;
      report.pages += 1;
      report.pulled += page.records.length + page.deleted.length;
      options.onPage?.(stream.name, { records: page.records.length + page.deleted.length, mode: page.mode });
    }
  } catch (error) {
    // Let a fetch already under way settle before the error goes up: nothing keeps running behind us.
    await pending.catch(() => {});
    throw error;
  }
  report.waitSeconds = Number((waitMs / 1000).toFixed(3));
  report.writeSeconds = Number((writeMs / 1000).toFixed(3));
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

/**
 * The checkpoint: everything a page changes, and the cursor after it, or nothing at all. Returns the
 * ids a whole-range listing found gone (voided here), so the customers they belong to are re-planned.
 */
async function commitPage(
  db: Db,
  target: { connectionId: string; organizationId: string },
  stream: StreamSpec,
  page: PulledPage,
  mapped: MappedEntity[],
  report: StreamReport,
): Promise<Map<StoredEntity, string[]>> {
  const absentIds = new Map<StoredEntity, string[]>();
  const { connectionId, organizationId } = target;
  const tally = { written: new Map<StoredEntity, number>(), skippedOlder: 0, rejected: 0, voided: 0 };
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
    // Rejections of what was stored are cleared and the cursor saved in one round trip.
    await writeCheckpoint(tx, connectionId, stored, { key: stream.name, value: page.cursor });
  });
  // Counted only once committed: a rolled-back page counts for nothing.
  for (const [entity, n] of tally.written) report.written[entity] = (report.written[entity] ?? 0) + n;
  report.skippedOlder += tally.skippedOlder;
  report.rejected += tally.rejected;
  report.voided += tally.voided;
  return absentIds;
}

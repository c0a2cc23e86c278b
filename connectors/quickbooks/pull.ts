/**
 * Pulling one QuickBooks entity: a full listing by query pages of 1000 keyed by Id (`WHERE Id > last
 * ORDERBY Id`, through core/http's `paginate`), or the changes since the last pull by change data
 * capture — falling back to a full listing past CDC's 30-day window. The cursor records where to
 * resume either. A full listing ends with CDC from the instant it began, so whatever changed or was
 * deleted while it ran is seen — by the next sync, or, for a listing resumed after a kill, by a CDC
 * pass at the end of the resumed one (test/reliability/sync-kills.test.ts); keyset pages skip
 * nothing when rows vanish behind them.
 */
import { z } from 'zod';
import { InvalidInput } from '../../core/errors.ts';
import { paginate, systemClock, type Clock, type PageRequest } from '../../core/http/index.ts';
import type { JsonValue } from '../../core/store/index.ts';
import type { PulledPage } from '../contract.ts';
import type { QuickBooksClient } from './client.ts';
import { CDC_LOOKBACK_MARGIN_MS, CDC_LOOKBACK_MS, CDC_MAX_PER_ENTITY, quickbooksProfile } from './profile.ts';
import { cdcResponseSchema, queryResponseSchema } from './schemas.ts';
import type { QuickBooksEntitySync } from './syncs/index.ts';

const cursorSchema = z.union([
  // A full listing under way: the last Id listed, and when it began (where CDC takes over).
  // `reconcile`: the listing stands in for a CDC window Relance could not read whole (capped, or
  // past the 30 days), so what it does not list was deleted in that window.
  z.object({ mode: z.literal('full'), afterId: z.string().regex(/^\d+$/), since: z.string().nullable(), reconcile: z.literal(true).optional() }),
  // The offset cursor of earlier versions: offsets are not stable, so the listing starts again.
  z.object({ mode: z.literal('full'), position: z.string(), since: z.string().nullable() }),
  z.object({ mode: z.literal('incremental'), since: z.iso.datetime({ offset: true }) }),
]);
type Cursor = z.infer<typeof cursorSchema>;

function parseCursor(entity: string, cursor: JsonValue): Cursor | null {
  if (cursor === null) return null;
  const parsed = cursorSchema.safeParse(cursor);
  if (!parsed.success) {
    throw new InvalidInput(`quickbooks ${entity} cursor: ${parsed.error.issues[0]?.path.join('.') || 'cursor'} is unreadable; run a full sync (--full)`, { field: 'cursor' });
  }
  return parsed.data;
}

/** QuickBooks' own clock, from an answer's `time`, as a UTC instant (no '+' to mis-encode in a URL). */
function serverTime(time: string | undefined): string | null {
  const ms = time === undefined ? NaN : Date.parse(time);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function badAnswer(what: string, error: z.ZodError): InvalidInput {
  const issue = error.issues[0]!;
  const field = issue.path.join('.') || '(body)';
  return new InvalidInput(`quickbooks ${what}: unexpected answer: ${field}: ${issue.message}`, { field });
}

export class QuickBooksPull {
  constructor(
    private readonly client: QuickBooksClient,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Full when `cursor` is null (or CDC's window has passed), incremental otherwise. */
  async *pull(sync: QuickBooksEntitySync, cursor: JsonValue): AsyncGenerator<PulledPage> {
    const state = parseCursor(sync.entity, cursor);
    if (state === null) return yield* this.full(sync, null, null, false);
    // A listing resumed after a kill is closed at once by the change feed from its first start: what
    // changed or was deleted on pages read before the kill is in the store when this sync returns.
    if (state.mode === 'full') {
      const resumed = 'afterId' in state;
      return yield* this.full(sync, resumed ? state.afterId : null, resumed ? state.since : null, 'reconcile' in state && state.reconcile === true, resumed);
    }
    const age = this.clock.now() - Date.parse(state.since);
    // Past CDC's look-back, deletions since the cursor can no longer be asked for: the listing says them.
    if (age > CDC_LOOKBACK_MS - CDC_LOOKBACK_MARGIN_MS) return yield* this.full(sync, null, null, true);
    yield* this.incremental(sync, state.since);
  }

  /**
   * `reconcile`: each page also states the key range it lists whole (`listing`), so the engine voids
   * what it holds in that range and the page lacks — deletions QuickBooks only reports through CDC.
   * `close`: the listing ends with a change-feed pass from its first start (a resumed listing).
   */
  private async *full(sync: QuickBooksEntitySync, from: string | null, since: string | null, reconcile: boolean, close = false): AsyncGenerator<PulledPage> {
    // The first answer's time: changes from then on are CDC's, so nothing falls between the two.
    let startedAt = since;
    const fetchPage = async (request: Readonly<PageRequest>) => {
      if (request.style !== 'cursor') throw new Error('quickbooks lists by key');
      const records = await this.queryPage(sync, request.after, request.limit, (time) => {
        startedAt ??= time ?? new Date(this.clock.now()).toISOString();
      });
      // A short page is the last; a full one names the key the next starts after (the highest Id
      // it holds: a record without one is the mapping's to reject, not a reason to stop listing).
      const last = highestId(records);
      return { records, next: records.length < request.limit || last === null ? null : last };
    };
    let after = from;
    for await (const page of paginate(quickbooksProfile.paging, fetchPage, { from })) {
      const cursor: Cursor = page.nextCursor === null
        ? { mode: 'incremental', since: startedAt! }
        : { mode: 'full', afterId: page.nextCursor, since: startedAt, ...(reconcile ? { reconcile: true as const } : {}) };
      const listing = reconcile ? { afterKey: after, throughKey: page.nextCursor, keys: idsOf(page.records) } : undefined;
      yield { records: page.records, deleted: [], cursor, mode: 'full', ...(listing ? { listing } : {}) };
      after = page.nextCursor;
    }
    if (close && startedAt !== null) yield* this.incremental(sync, startedAt);
  }

  // https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
  // Id is filterable and sortable on every entity Relance reads (the entities' reference pages).
  private async queryPage(sync: QuickBooksEntitySync, afterId: string | null, maxResults: number, onTime: (time: string | null) => void): Promise<unknown[]> {
    if (afterId !== null && !/^\d+$/.test(afterId)) throw new InvalidInput(`quickbooks ${sync.entity} cursor: "${afterId}" is not an Id`, { field: 'cursor' });
    const criteria = [
      ...(sync.filter ?? []),
      ...(afterId === null ? [] : [{ field: 'Id', value: afterId, operator: '>' }]),
      { field: 'asc', value: 'Id' },
      { field: 'limit', value: maxResults },
    ];
    const body = await this.client.invoke(`query ${sync.entity}`, sync.finder, [criteria]);
    const parsed = queryResponseSchema(sync.entity).safeParse(body);
    if (!parsed.success) throw badAnswer(`${sync.entity} query ${afterId === null ? 'from the start' : `after Id ${afterId}`}`, parsed.error);
    onTime(serverTime(parsed.data.time));
    return (parsed.data.QueryResponse[sync.entity] as unknown[] | undefined) ?? [];
  }

  // https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
  private async *incremental(sync: QuickBooksEntitySync, since: string): AsyncGenerator<PulledPage> {
    for (let from = since; ;) {
      const body = await this.client.invoke(`cdc ${sync.entity}`, 'changeDataCapture', [[sync.entity], from]);
      const parsed = cdcResponseSchema.safeParse(body);
      if (!parsed.success) throw badAnswer(`${sync.entity} change data capture`, parsed.error);
      const objects = (parsed.data.CDCResponse[0]!.QueryResponse ?? []).flatMap((r) => (Array.isArray(r[sync.entity]) ? (r[sync.entity] as Record<string, unknown>[]) : []));
      // A deletion notice without an Id names nothing to void: it goes to the mapping, which rejects it.
      const deleted = objects.filter((o) => o.status === 'Deleted' && hasId(o)).map((o) => ({ externalId: String(o.Id), raw: o }));
      const records = objects.filter((o) => o.status !== 'Deleted' || !hasId(o));
      if (objects.length < CDC_MAX_PER_ENTITY) {
        yield { records, deleted, cursor: { mode: 'incremental', since: serverTime(parsed.data.time) ?? from }, mode: 'incremental' };
        return;
      }
      // No paging and a cap of 1000, in Intuit's order: every active object first (oldest first),
      // then the deleted ones. With deletions in a capped answer, every active one came and the
      // deletions were cut: the window moves to the newest deletion seen. Without any, deletions
      // may sit anywhere in the window and none came: moving to the newest active time would lose
      // them for good, so the entity is listed again by key and CDC resumes from that listing.
      const next = deleted.length > 0 ? newestChange(deleted.map((d) => d.raw as Record<string, unknown>)) : null;
      if (next === null || Date.parse(next) <= Date.parse(from)) {
        // The deletions of the window never came: the listing names what is still there, and the
        // engine voids what it holds that the listing lacks (see `full`).
        return yield* this.full(sync, null, null, true);
      }
      yield { records, deleted, cursor: { mode: 'incremental', since: next }, mode: 'incremental' };
      from = next;
    }
  }
}

function hasId(o: Record<string, unknown>): boolean {
  return (typeof o.Id === 'string' && o.Id !== '') || typeof o.Id === 'number';
}

function idsOf(records: readonly unknown[]): string[] {
  return records.flatMap((r) => (r !== null && typeof r === 'object' && hasId(r as Record<string, unknown>) ? [String((r as Record<string, unknown>).Id)] : []));
}

/** The highest numeric Id of a page (pages come in Id order, so it is normally the last one's). */
function highestId(records: readonly unknown[]): string | null {
  let best: bigint | null = null;
  for (const id of idsOf(records)) {
    if (!/^\d+$/.test(id)) continue;
    const n = BigInt(id);
    if (best === null || n > best) best = n;
  }
  return best === null ? null : best.toString();
}

function newestChange(objects: readonly Record<string, unknown>[]): string | null {
  let newest: number | null = null;
  for (const o of objects) {
    const t = Date.parse(String((o.MetaData as { LastUpdatedTime?: unknown } | undefined)?.LastUpdatedTime ?? ''));
    if (!Number.isNaN(t) && (newest === null || t > newest)) newest = t;
  }
  return newest === null ? null : new Date(newest).toISOString();
}

/**
 * Pulling one QuickBooks entity: a full listing by query pages of 1000 (offset paging through
 * core/http's `paginate`), or the changes since the last pull by change data capture — falling back
 * to a full listing past CDC's 30-day window. The cursor records where to resume either.
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

const cursorSchema = z.discriminatedUnion('mode', [
  // A full listing under way: the next STARTPOSITION, and when it began (where CDC takes over).
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
    if (state === null) return yield* this.full(sync, null, null);
    if (state.mode === 'full') return yield* this.full(sync, state.position, state.since);
    const age = this.clock.now() - Date.parse(state.since);
    if (age > CDC_LOOKBACK_MS - CDC_LOOKBACK_MARGIN_MS) return yield* this.full(sync, null, null);
    yield* this.incremental(sync, state.since);
  }

  private async *full(sync: QuickBooksEntitySync, from: string | null, since: string | null): AsyncGenerator<PulledPage> {
    // The first answer's time: changes from then on are CDC's, so nothing falls between the two.
    let startedAt = since;
    const fetchPage = async (request: Readonly<PageRequest>) => {
      if (request.style !== 'offset') throw new Error('quickbooks pages by offset');
      const records = await this.queryPage(sync, request.startPosition, request.maxResults, (time) => {
        startedAt ??= time ?? new Date(this.clock.now()).toISOString();
      });
      return { records };
    };
    for await (const page of paginate(quickbooksProfile.paging, fetchPage, { from })) {
      const cursor: Cursor = page.nextCursor === null
        ? { mode: 'incremental', since: startedAt! }
        : { mode: 'full', position: page.nextCursor, since: startedAt };
      yield { records: page.records, deleted: [], cursor, mode: 'full' };
    }
  }

  // https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
  private async queryPage(sync: QuickBooksEntitySync, startPosition: number, maxResults: number, onTime: (time: string | null) => void): Promise<unknown[]> {
    const criteria = [
      ...(sync.filter ?? []),
      // A stable order, so that offset pages neither skip nor repeat while nothing moves.
      { field: 'asc', value: 'Id' },
      { field: 'limit', value: maxResults },
      { field: 'offset', value: startPosition },
    ];
    const body = await this.client.invoke(`query ${sync.entity}`, sync.finder, [criteria]);
    const parsed = queryResponseSchema(sync.entity).safeParse(body);
    if (!parsed.success) throw badAnswer(`${sync.entity} query at ${startPosition}`, parsed.error);
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
      const deleted = objects.filter((o) => o.status === 'Deleted').map((o) => ({ externalId: String(o.Id), raw: o }));
      const records = objects.filter((o) => o.status !== 'Deleted');
      if (objects.length < CDC_MAX_PER_ENTITY) {
        yield { records, deleted, cursor: { mode: 'incremental', since: serverTime(parsed.data.time) ?? from }, mode: 'incremental' };
        return;
      }
      // No paging and a cap of 1000: the answer holds the oldest changes, so the window moves up to
      // the newest of them (inclusive: the boundary records come again, harmlessly).
      const newest = newestChange(objects);
      if (newest === null || Date.parse(newest) <= Date.parse(from)) {
        // 1000 changes in one instant: no window is narrow enough. List everything instead.
        return yield* this.full(sync, null, null);
      }
      yield { records, deleted, cursor: { mode: 'incremental', since: newest }, mode: 'incremental' };
      from = newest;
    }
  }
}

function newestChange(objects: readonly Record<string, unknown>[]): string | null {
  let newest: number | null = null;
  for (const o of objects) {
    const t = Date.parse(String((o.MetaData as { LastUpdatedTime?: unknown } | undefined)?.LastUpdatedTime ?? ''));
    if (!Number.isNaN(t) && (newest === null || t > newest)) newest = t;
  }
  return newest === null ? null : new Date(newest).toISOString();
}

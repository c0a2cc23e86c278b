/**
 * Pulling one HubSpot object: a search on its last-modified property, ascending, 200 a page, walked
 * by core/sync's `walkModifiedWindows` so that HubSpot's 10,000-results-per-query cap is met by
 * narrowing the time window. Full when there is no cursor (the window starts at the epoch),
 * incremental otherwise (it starts at the cursor's instant). The cursor is that instant plus the
 * ids already read at it.
 * https://developers.hubspot.com/docs/api/crm/search
 */
import { z } from 'zod';
import { ConfigError, InvalidInput, NotFound } from '../../core/errors.ts';
import { systemClock, type Clock } from '../../core/http/index.ts';
import type { JsonValue } from '../../core/store/index.ts';
import { walkModifiedWindows, type WindowAnswer, type WindowQuery } from '../../core/sync/windowed-search.ts';
import type { PulledPage } from '../contract.ts';
import type { HubSpotClient } from './client.ts';
import { SEARCH_PAGE_SIZE, SEARCH_RESULT_CAP } from './profile.ts';
import { searchPageSchema, type CrmObject } from './schemas.ts';
import type { HubSpotObjectSync } from './syncs/index.ts';

const cursorSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.enum(['full', 'incremental']), from: z.number().int().min(0), seen: z.array(z.string()) }),
  // The portal refused the (optional) object: kept so the reason is visible; the next pull tries again.
  z.object({ mode: z.literal('unavailable'), reason: z.string() }),
]);
type Cursor = z.infer<typeof cursorSchema>;

function parseCursor(stream: string, cursor: JsonValue): Cursor | null {
  if (cursor === null) return null;
  const parsed = cursorSchema.safeParse(cursor);
  if (!parsed.success) {
    throw new InvalidInput(`hubspot ${stream} cursor: ${parsed.error.issues[0]?.path.join('.') || 'cursor'} is unreadable; run a full sync (--full)`, { field: 'cursor' });
  }
  return parsed.data;
}

/** A record's modified instant in ms; an `InvalidInput` naming the record when it has none. */
export function modifiedMs(sync: HubSpotObjectSync, record: CrmObject): number {
  const raw = record.properties[sync.modifiedProperty] ?? record.updatedAt;
  const ms = raw ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) {
    throw new InvalidInput(`hubspot ${sync.objectType} ${record.id}: ${sync.modifiedProperty} is missing or not an instant`, { field: sync.modifiedProperty });
  }
  return ms;
}

export class HubSpotPull {
  constructor(
    private readonly client: HubSpotClient,
    private readonly clock: Clock = systemClock,
  ) {}

  async *pull(sync: HubSpotObjectSync, cursor: JsonValue): AsyncGenerator<PulledPage> {
    const state = parseCursor(sync.stream.name, cursor);
    const resumable = state !== null && state.mode !== 'unavailable' ? state : null;
    const mode = resumable?.mode ?? 'full';
    const start = resumable ? { from: resumable.from, seen: resumable.seen } : { from: 0, seen: [] };
    // The upper bound is fixed for the run: records changed while it runs come next time.
    const to = this.clock.now();
    // An explicit link: the company property naming the accounting customer, when the portal has one.
    const linkProperty = sync.stream.name === 'company' ? this.client.context.settings.extra?.customerIdProperty : undefined;
    const properties = linkProperty ? [...sync.properties, linkProperty] : [...sync.properties];
    const walk = walkModifiedWindows<CrmObject>(
      { search: (q) => this.search(sync, properties, q), idOf: (r) => r.id, modifiedOf: (r) => modifiedMs(sync, r), cap: SEARCH_RESULT_CAP },
      start,
      to,
    );
    let last = start;
    try {
      for await (const page of walk) {
        last = page.checkpoint;
        yield { records: page.records, deleted: [], cursor: { mode, ...page.checkpoint }, mode };
      }
    } catch (error) {
      if (!sync.optional || !(error instanceof NotFound || error instanceof ConfigError || error instanceof InvalidInput) || last !== start) throw error;
      yield { records: [], deleted: [], cursor: { mode: 'unavailable', reason: error.message }, mode };
      return;
    }
    // A full listing is over: from now on the cursor means "changes since".
    if (mode === 'full') yield { records: [], deleted: [], cursor: { mode: 'incremental', ...last }, mode };
  }

  // https://developers.hubspot.com/docs/api/crm/search#filter-search-results
  private async search(sync: HubSpotObjectSync, properties: string[], query: WindowQuery): Promise<WindowAnswer<CrmObject>> {
    const body = {
      filterGroups: [
        {
          filters: [
            { propertyName: sync.modifiedProperty, operator: 'GTE', value: String(query.from) },
            { propertyName: sync.modifiedProperty, operator: 'LTE', value: String(query.to) },
          ],
        },
      ],
      sorts: [{ propertyName: sync.modifiedProperty, direction: 'ASCENDING' }],
      properties,
      limit: SEARCH_PAGE_SIZE,
      ...(query.after !== null ? { after: query.after } : {}),
    };
    const answer = await this.client.request(`search ${sync.objectType}`, { method: 'POST', path: `/crm/v3/objects/${sync.objectType}/search`, body }, searchPageSchema, { search: true });
    return { total: answer.data.total, records: answer.data.results, next: answer.data.paging?.next?.after ?? null };
  }
}

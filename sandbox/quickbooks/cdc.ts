/**
 * Change data capture: every object of the listed entities changed since an instant, deleted ones
 * as `{"status": "Deleted"}` stubs after the active ones, at most 1000 per entity and no paging,
 * within a 30-day look-back.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
 */
import { CDC_LOOKBACK_MS, CDC_MAX_PER_ENTITY } from './limits.ts';
import { requestValidationFault } from './fault-shapes.ts';
import { entityNamed, type CompanyStore, type EntityName } from './store.ts';
import { formatQboInstant, parseQboInstant } from './time-format.ts';

type CdcObject = Record<string, unknown>;

/**
 * Intuit's order: the entity's active objects changed since the instant, oldest first, then its
 * deleted ones, oldest first — cut at 1000 in all, so a window of 1000 active changes shows no
 * deletion at all.
 */
function changedIn(store: CompanyStore, entity: EntityName, sinceMs: number): CdcObject[] {
  const table = store.table(entity);
  const out: CdcObject[] = [];
  for (let i = table.firstUpdatedAfter(sinceMs, true); i < table.byUpdate.length && out.length < CDC_MAX_PER_ENTITY; i++) {
    out.push(table.byUpdate[i]!.body);
  }
  if (out.length >= CDC_MAX_PER_ENTITY) return out;
  const deleted = table.deleted
    .filter((t) => t.updatedMs >= sinceMs)
    .sort((x, y) => x.updatedMs - y.updatedMs || Number(x.id) - Number(y.id))
    .slice(0, CDC_MAX_PER_ENTITY - out.length);
  for (const t of deleted) out.push({ domain: 'QBO', status: 'Deleted', Id: t.id, MetaData: { LastUpdatedTime: formatQboInstant(t.updatedMs) } });
  return out;
}

/** The `CDCResponse` array of an answer, or a validation fault for a bad request. */
export function changeDataCapture(store: CompanyStore, query: Record<string, unknown>, nowMs: number): unknown[] {
  const entitiesText = typeof query.entities === 'string' ? query.entities : '';
  const sinceText = typeof query.changedSince === 'string' ? query.changedSince : '';
  if (!entitiesText) throw requestValidationFault('2020', 'Required param missing, need to supply the required value for the API', 'Required parameter entities is missing in the request', 'entities');
  if (!sinceText) throw requestValidationFault('2020', 'Required param missing, need to supply the required value for the API', 'Required parameter changedSince is missing in the request', 'changedSince');
  // An unencoded '+' of a zone offset arrives as a space (node-quickbooks does not encode it).
  const sinceMs = parseQboInstant(sinceText.replace(' ', '+'));
  if (Number.isNaN(sinceMs)) throw requestValidationFault('2010', 'Request has invalid or unsupported property', `changedSince ${sinceText} is not a date-time`, 'changedSince');
  if (nowMs - sinceMs > CDC_LOOKBACK_MS) {
    throw requestValidationFault('2010', 'Request has invalid or unsupported property', 'changedSince must be within the last 30 days', 'changedSince');
  }
  const entities = entitiesText.split(',').map((e) => e.trim()).filter(Boolean);
  const responses = entities.map((name) => {
    const entity = entityNamed(name);
    if (!entity || entity === 'CompanyInfo' || entity === 'Preferences') {
      throw requestValidationFault('2010', 'Request has invalid or unsupported property', `Entity ${name} is not supported by change data capture`, 'entities');
    }
    const objects = changedIn(store, entity, sinceMs);
    return objects.length ? { [entity]: objects, startPosition: 1, maxResults: objects.length, totalCount: objects.length } : {};
  });
  return [{ QueryResponse: responses }];
}

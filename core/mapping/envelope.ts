/**
 * Finds the raw records in what a user or a connector hands over: a provider response body
 * (QuickBooks `{"QueryResponse":{"Invoice":[…]}}` or a CDC body, Xero `{"Invoices":[…]}`, HubSpot
 * `{"results":[…]}`), a JSON array of records, or one record, bare or wrapped (`{"Invoice":{…}}`).
 */
import type { Mapping } from './schema.ts';
import { parsePath, resolveAll } from './path.ts';

export function extractRecords(body: unknown, mapping: Mapping): unknown[] {
  if (Array.isArray(body)) return body;
  if (body === null || typeof body !== 'object') return [body];
  for (const text of mapping.envelope) {
    const path = parsePath(text);
    const container = path.segments[0]?.name;
    // A body that has the envelope's outer key is that envelope, even when it holds no records
    // (QuickBooks answers an empty query with `{"QueryResponse": {}}`).
    if (container === undefined || !Object.hasOwn(body, container)) continue;
    const found = resolveAll({ item: body, root: body, index: null }, path);
    return found.flatMap((v) => (Array.isArray(v) ? v : [v]));
  }
  return [body];
}

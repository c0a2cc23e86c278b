/**
 * Issue 13.7: what the mapping kept as written rather than refused, shown on the connection page —
 * today the countries that resolve to no ISO 3166 code: a ledger customer's own country, or the
 * postal address a CRM company gave a linked customer. Read from the store (the customer keeps the
 * raw text), so the list is what is true now, not what one sync once said.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../core/store/index.ts';

export interface MappingWarnings {
  count: number;
  /** The first ones, in words: `customer C000058: country: "Narnia" is no ISO 3166 country; kept as written`. */
  items: string[];
}

const SHOWN = 20;

export async function mappingWarnings(db: Db, connectionId: string, assignedOnly: boolean): Promise<MappingWarnings> {
  // A member who sees only assigned customers sees no other customer's records here either.
  if (assignedOnly) return { count: 0, items: [] };
  const { rows } = await db.execute<{ external_id: string; raw: string; total: string }>(sql`
    WITH w AS (
      SELECT c.external_id, c.country_raw AS raw FROM customers c
       WHERE c.connection_id = ${connectionId}::uuid AND c.country IS NULL AND c.country_raw IS NOT NULL
      UNION ALL
      SELECT r.external_id, c.postal_address->>'countryRaw' FROM customer_external_refs r JOIN customers c ON c.id = r.customer_id
       WHERE r.connection_id = ${connectionId}::uuid AND r.kind = 'company'
         AND c.postal_address ? 'countryRaw' AND NOT (c.postal_address ? 'country'))
    SELECT external_id, raw, (SELECT count(*) FROM w)::text AS total FROM w ORDER BY external_id LIMIT ${SHOWN}`);
  return {
    count: Number(rows[0]?.total ?? 0),
    items: rows.map((r) => `${r.external_id}: country: "${r.raw}" is no ISO 3166 country; kept as written`),
  };
}

/**
 * Issue 13.7: a CRM company's address (HubSpot `address`, `address2`, `city`, `state`, `zip`,
 * `country`, mapped by `mappings/hubspot/company.json` through the mapping engine) becomes the
 * postal address of the customer it is linked to when the ledger gave that customer none — the
 * ledger's billing address, when there is one, is where letters go. The country resolves to ISO
 * 3166-1 alpha-2 where it can and is kept as written either way; one it cannot resolve is a
 * warning, never a refused customer.
 */
import { sql } from 'drizzle-orm';
import { mapRecords, type MappingOverride } from '../mapping/index.ts';
import type { PostalAddress } from '../store/schema/columns.ts';
import type { Db } from '../store/index.ts';

export interface AddressFill {
  filled: number;
  /** `company 42: country: "Narnia" is no ISO 3166 country; kept as written`. */
  warnings: string[];
}

/** Fills the linked customers' missing postal addresses from their companies (of one CRM connection). */
export async function fillAddressesFromCompanies(db: Db, connectionId: string, options: { provider?: string; override?: MappingOverride | null } = {}): Promise<AddressFill> {
  const { rows } = await db.execute<{ customer_id: string; raw: unknown }>(sql`
    SELECT r.customer_id, cr.raw
      FROM customer_external_refs r
      JOIN customers c ON c.id = r.customer_id
      JOIN crm_records cr ON cr.connection_id = r.connection_id AND cr.object_type = 'company' AND cr.external_id = r.external_id
     WHERE r.connection_id = ${connectionId}::uuid AND r.kind = 'company' AND c.postal_address IS NULL AND cr.raw IS NOT NULL
     ORDER BY r.external_id`);
  if (rows.length === 0) return { filled: 0, warnings: [] };
  const mapped = mapRecords(options.provider ?? 'hubspot', 'company', rows.map((r) => r.raw), { overrides: options.override ?? null });
  const byCompany = new Map(mapped.records.map((rec) => [String(rec.externalId), rec['address'] as PostalAddress | null | undefined]));
  const warnings: string[] = [];
  let filled = 0;
  for (const row of rows) {
    const id = String((row.raw as { id?: unknown }).id);
    const address = byCompany.get(id);
    if (!address) continue;
    if (address.countryRaw && !address.country) warnings.push(`company ${id}: country: "${address.countryRaw}" is no ISO 3166 country; kept as written`);
    const updated = await db.execute(sql`
      UPDATE customers SET postal_address = ${JSON.stringify(address)}::jsonb,
             country = COALESCE(country, ${address.country ?? null}),
             country_raw = COALESCE(country_raw, ${address.country ? null : (address.countryRaw ?? null)}),
             updated_at = now()
       WHERE id = ${row.customer_id}::uuid AND postal_address IS NULL`);
    filled += updated.rowCount ?? 0;
  }
  return { filled, warnings };
}

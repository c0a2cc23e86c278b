/**
 * CRM records on the store: one statement per page (arrays unnested), keyed on (connection, object
 * type, external id), an older copy never overwriting a newer one. Returns the paused/disputed
 * flags that changed, for `applyFlagChanges`.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '../store/index.ts';
import type { FlagChange } from './flags.ts';

export interface CrmRow {
  externalId: string;
  name: string | null;
  domain: string | null;
  ownerExternalId: string | null;
  linkedCustomerExternalId: string | null;
  /** Null when the object has no such flag (deals, invoices). */
  paused: boolean | null;
  disputed: boolean | null;
  sourceUpdatedAt: string | null;
  raw: unknown;
}

export interface UpsertCrmInput {
  organizationId: string;
  connectionId: string;
  objectType: string;
  rows: readonly CrmRow[];
  via: FlagChange['via'];
}

const col = <T>(rows: readonly CrmRow[], f: (r: CrmRow) => T) => sql.param(rows.map(f));

export async function upsertCrmRecords(tx: Tx, input: UpsertCrmInput): Promise<{ written: number; flagChanges: FlagChange[] }> {
  const { rows, connectionId, objectType } = input;
  if (rows.length === 0) return { written: 0, flagChanges: [] };
  const before = await tx.execute<{ external_id: string; paused: boolean | null; disputed: boolean | null }>(sql`
    SELECT external_id, paused, disputed FROM crm_records
    WHERE connection_id = ${connectionId}::uuid AND object_type = ${objectType} AND external_id = ANY(${col(rows, (r) => r.externalId)}::text[]) FOR UPDATE`);
  const previous = new Map(before.rows.map((r) => [r.external_id, r]));
  const written = await tx.execute<{ external_id: string }>(sql`
    INSERT INTO crm_records (organization_id, connection_id, object_type, external_id, name, domain, owner_external_id, linked_customer_external_id, paused, disputed, source_updated_at, raw)
    SELECT ${input.organizationId}::uuid, ${connectionId}::uuid, ${objectType}, d.external_id, d.name, d.domain, d.owner, d.linked, d.paused, d.disputed, d.updated, d.raw::jsonb
    FROM unnest(${col(rows, (r) => r.externalId)}::text[], ${col(rows, (r) => r.name)}::text[], ${col(rows, (r) => r.domain)}::text[], ${col(rows, (r) => r.ownerExternalId)}::text[],
                ${col(rows, (r) => r.linkedCustomerExternalId)}::text[], ${col(rows, (r) => r.paused)}::bool[], ${col(rows, (r) => r.disputed)}::bool[],
                ${col(rows, (r) => r.sourceUpdatedAt)}::timestamptz[], ${col(rows, (r) => JSON.stringify(r.raw ?? null))}::text[])
      AS d(external_id, name, domain, owner, linked, paused, disputed, updated, raw)
    ON CONFLICT (connection_id, object_type, external_id) DO UPDATE SET
      name = EXCLUDED.name, domain = EXCLUDED.domain, owner_external_id = EXCLUDED.owner_external_id,
      linked_customer_external_id = EXCLUDED.linked_customer_external_id, paused = EXCLUDED.paused, disputed = EXCLUDED.disputed,
      source_updated_at = EXCLUDED.source_updated_at, raw = EXCLUDED.raw, updated_at = now()
    WHERE crm_records.source_updated_at IS NULL OR EXCLUDED.source_updated_at IS NULL OR EXCLUDED.source_updated_at >= crm_records.source_updated_at
    RETURNING external_id`);
  const flagChanges: FlagChange[] = [];
  const byId = new Map(rows.map((r) => [r.externalId, r]));
  for (const { external_id: id } of written.rows) {
    const row = byId.get(id)!;
    const old = previous.get(id);
    for (const flag of ['paused', 'disputed'] as const) {
      if (row[flag] === null) continue;
      // An unset checkbox is "no": a first sync of an unchecked company changes nothing.
      if ((old?.[flag] ?? false) !== row[flag]) flagChanges.push({ companyExternalId: id, flag, value: row[flag]!, via: input.via, at: new Date(row.sourceUpdatedAt ?? Date.now()) });
    }
  }
  return { written: written.rows.length, flagChanges };
}

/**
 * One flag as a webhook announced it: stored on the record when the event is not older than what
 * the record holds. Returns the change to apply, or null (unknown company, stale event, same value).
 */
export async function recordFlagEvent(tx: Tx, connectionId: string, change: FlagChange): Promise<FlagChange | null> {
  const column = change.flag === 'paused' ? sql`paused` : sql`disputed`;
  const { rows } = await tx.execute<{ old: boolean | null }>(sql`
    UPDATE crm_records r SET ${column} = ${change.value}, source_updated_at = GREATEST(r.source_updated_at, ${change.at.toISOString()}::timestamptz), updated_at = now()
    FROM (SELECT id, ${column} AS old FROM crm_records WHERE connection_id = ${connectionId}::uuid AND object_type = 'company' AND external_id = ${change.companyExternalId} FOR UPDATE) o
    WHERE r.id = o.id AND (r.source_updated_at IS NULL OR r.source_updated_at <= ${change.at.toISOString()}::timestamptz)
    RETURNING o.old`);
  const row = rows[0];
  if (!row || (row.old ?? false) === change.value) return null;
  return change;
}

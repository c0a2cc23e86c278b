/**
 * Two-way CRM control: a salesperson checks "Reminders paused" or "Disputed" on a company in the
 * CRM, and every customer that company stands for stops being dunned — `paused` on the customer;
 * for a dispute, a customer-level hold (it also covers invoices that arrive later) and a dispute on
 * its open invoices (./disputes.ts) — with an activity on the customer's timeline. Clearing the box
 * resumes. Applying the same value twice changes nothing (so a webhook and the next sync agree).
 *
 * Each flag keeps its own last-event time (`crm_flag_times`): events arrive out of order, and an
 * older `relance_paused` event must not be dropped because a newer `relance_disputed` one came
 * first (one time per record did that). `repairFlagDrift` makes customers agree with the CRM
 * records a pull wrote, whatever was missed before.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '../store/index.ts';
import { hasOtherOpenDispute, openCrmDispute, resolveCrmDisputes, type CrmCustomer } from './disputes.ts';

export interface FlagChange {
  companyExternalId: string;
  flag: 'paused' | 'disputed';
  value: boolean;
  /** Where the change was seen: `webhook` or `sync`. */
  via: 'webhook' | 'sync';
  at: Date;
}

/** The hold reason a CRM dispute places: released only by clearing the flag in the CRM. */
export const CRM_DISPUTE_HOLD = 'crm:disputed';

async function customersOf(tx: Tx, connectionId: string, companyExternalId: string): Promise<CrmCustomer[]> {
  const { rows } = await tx.execute<CrmCustomer>(sql`
    SELECT c.id, c.organization_id FROM customer_external_refs r JOIN customers c ON c.id = r.customer_id
    WHERE r.connection_id = ${connectionId}::uuid AND r.kind = 'company' AND r.external_id = ${companyExternalId}`);
  return rows;
}

async function setPaused(tx: Tx, customerId: string, value: boolean): Promise<boolean> {
  const result = await tx.execute(sql`UPDATE customers SET paused = ${value}, updated_at = now() WHERE id = ${customerId}::uuid AND paused <> ${value}`);
  return (result.rowCount ?? 0) > 0;
}

async function setDisputeHold(tx: Tx, customer: CrmCustomer, value: boolean): Promise<boolean> {
  if (!value) {
    const released = await tx.execute(sql`UPDATE dunning_holds SET released_at = now() WHERE customer_id = ${customer.id}::uuid AND invoice_id IS NULL AND reason = ${CRM_DISPUTE_HOLD} AND released_at IS NULL`);
    return (released.rowCount ?? 0) > 0;
  }
  const placed = await tx.execute(sql`
    INSERT INTO dunning_holds (organization_id, customer_id, reason, created_by)
    SELECT ${customer.organization_id}::uuid, ${customer.id}::uuid, ${CRM_DISPUTE_HOLD}, 'connector:hubspot'
    WHERE NOT EXISTS (SELECT 1 FROM dunning_holds WHERE customer_id = ${customer.id}::uuid AND invoice_id IS NULL AND reason = ${CRM_DISPUTE_HOLD} AND released_at IS NULL)`);
  return (placed.rowCount ?? 0) > 0;
}

/** The hold and the CRM's dispute together; a box that mirrors an admin or portal dispute changes nothing. */
async function setDisputed(tx: Tx, connectionId: string, change: FlagChange, customer: CrmCustomer): Promise<boolean> {
  if (!change.value) {
    const released = await setDisputeHold(tx, customer, false);
    return (await resolveCrmDisputes(tx, customer.id)) > 0 || released;
  }
  if (await hasOtherOpenDispute(tx, customer.id)) return false;
  const placed = await setDisputeHold(tx, customer, true);
  return (await openCrmDispute(tx, connectionId, change.companyExternalId, customer)) || placed;
}

const KIND = { paused: ['crm.paused', 'crm.resumed'], disputed: ['crm.disputed', 'crm.dispute_cleared'] } as const;

/** Applies flag changes to the customers their companies stand for; returns the customers that changed. */
export async function applyFlagChanges(tx: Tx, connectionId: string, changes: readonly FlagChange[]): Promise<string[]> {
  const changed = new Set<string>();
  for (const change of changes) {
    for (const customer of await customersOf(tx, connectionId, change.companyExternalId)) {
      const did = change.flag === 'paused' ? await setPaused(tx, customer.id, change.value) : await setDisputed(tx, connectionId, change, customer);
      if (!did) continue;
      changed.add(customer.id);
      const kind = KIND[change.flag][change.value ? 0 : 1];
      await tx.execute(sql`
        INSERT INTO activities (organization_id, customer_id, actor, kind, payload, occurred_at)
        VALUES (${customer.organization_id}::uuid, ${customer.id}::uuid, 'connector:hubspot', ${kind},
                ${JSON.stringify({ companyExternalId: change.companyExternalId, flag: change.flag, value: change.value, via: change.via })}::jsonb, ${change.at.toISOString()}::timestamptz)`);
    }
  }
  return [...changed];
}

/**
 * One flag as a webhook announced it, judged against that flag's own last event: an event older
 * than the flag's last one changes nothing; otherwise the record takes the value. Returns the change
 * to apply, or null (stale for this flag, unknown company, same value).
 */
export async function recordFlagByProperty(tx: Tx, connectionId: string, change: FlagChange): Promise<FlagChange | null> {
  const at = change.at.toISOString();
  const column = change.flag === 'paused' ? sql`paused` : sql`disputed`;
  // The record as the last pull wrote it: an event older than that pull is already in its values.
  const { rows: found } = await tx.execute<{ id: string; old: boolean | null; pulled_newer: boolean }>(sql`
    SELECT id, ${column} AS old, COALESCE(source_updated_at > ${at}::timestamptz, false) AS pulled_newer FROM crm_records
    WHERE connection_id = ${connectionId}::uuid AND object_type = 'company' AND external_id = ${change.companyExternalId} FOR UPDATE`);
  const record = found[0];
  if (!record || record.pulled_newer) return null;
  const newer = await tx.execute(sql`
    INSERT INTO crm_flag_times (connection_id, company_external_id, flag, value, occurred_at)
    VALUES (${connectionId}::uuid, ${change.companyExternalId}, ${change.flag}, ${change.value}, ${at}::timestamptz)
    ON CONFLICT (connection_id, company_external_id, flag) DO UPDATE SET value = EXCLUDED.value, occurred_at = EXCLUDED.occurred_at
    WHERE crm_flag_times.occurred_at <= EXCLUDED.occurred_at
    RETURNING 1`);
  if (newer.rows.length === 0) return null; // older than this flag's last event
  // The record's own time stays the pull's: another flag's event must not make this one look old.
  await tx.execute(sql`UPDATE crm_records SET ${column} = ${change.value}, updated_at = now() WHERE id = ${record.id}::uuid`);
  if ((record.old ?? false) === change.value) return null;
  return change;
}

/**
 * A CRM pull repairs drift: for these companies (all of the connection's when omitted), every flag
 * the record holds is applied to its customers (idempotent: only what differs changes, with its
 * activity). Returns the customers that changed.
 */
export async function repairFlagDrift(tx: Tx, connectionId: string, companyExternalIds?: readonly string[]): Promise<string[]> {
  const { rows } = await tx.execute<{ external_id: string; paused: boolean | null; disputed: boolean | null; source_updated_at: Date | null }>(sql`
    SELECT external_id, paused, disputed, source_updated_at FROM crm_records
    WHERE connection_id = ${connectionId}::uuid AND object_type = 'company'
      AND (${companyExternalIds ? sql.param([...companyExternalIds]) : null}::text[] IS NULL OR external_id = ANY(${companyExternalIds ? sql.param([...companyExternalIds]) : null}::text[]))`);
  const changes: FlagChange[] = [];
  for (const r of rows) {
    const at = r.source_updated_at ? new Date(r.source_updated_at) : new Date();
    for (const flag of ['paused', 'disputed'] as const) {
      if (r[flag] === null) continue;
      changes.push({ companyExternalId: r.external_id, flag, value: r[flag]!, via: 'sync', at });
    }
  }
  return applyFlagChanges(tx, connectionId, changes);
}

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

/** One flag change applied to one customer, with its activity; true when something changed. */
async function applyToCustomer(tx: Tx, connectionId: string, change: FlagChange, customer: CrmCustomer): Promise<boolean> {
  const did = change.flag === 'paused' ? await setPaused(tx, customer.id, change.value) : await setDisputed(tx, connectionId, change, customer);
  if (!did) return false;
  const kind = KIND[change.flag][change.value ? 0 : 1];
  await tx.execute(sql`
    INSERT INTO activities (organization_id, customer_id, actor, kind, payload, occurred_at)
    VALUES (${customer.organization_id}::uuid, ${customer.id}::uuid, 'connector:hubspot', ${kind},
            ${JSON.stringify({ companyExternalId: change.companyExternalId, flag: change.flag, value: change.value, via: change.via })}::jsonb, ${change.at.toISOString()}::timestamptz)`);
  return true;
}

/** Applies flag changes to the customers their companies stand for; returns the customers that changed. */
export async function applyFlagChanges(tx: Tx, connectionId: string, changes: readonly FlagChange[]): Promise<string[]> {
  const changed = new Set<string>();
  for (const change of changes) {
    for (const customer of await customersOf(tx, connectionId, change.companyExternalId)) {
      if (await applyToCustomer(tx, connectionId, change, customer)) changed.add(customer.id);
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
 * A CRM pull repairs drift (issue 14 item 6): customers that disagree with the company records the
 * pulls wrote — a webhook lost, a flag change whose application failed, a customer linked to the
 * company after its box was ticked — are made to agree, in one set-based query over the links, so a
 * pull pays one statement when nothing drifted. Only what the CRM owns is undone: a record's
 * "paused" box ticked pauses the customer, but an unticked box unpauses only a customer the CRM
 * paused (its last CRM pause activity is `crm.paused`), never one a collector paused in Relance
 * (an answer's "pause" outcome); a "disputed" box places the CRM hold (unless the customer's open
 * dispute came from elsewhere: the box mirrors it), an unticked one releases only the CRM's hold and
 * disputes. For these companies (all of the connection's when omitted); returns the customers
 * that changed.
 */
export async function repairFlagDrift(tx: Tx, connectionId: string, companyExternalIds?: readonly string[]): Promise<string[]> {
  const only = companyExternalIds ? sql.param([...companyExternalIds]) : null;
  const { rows } = await tx.execute<{ company: string; customer_id: string; organization_id: string; flag: 'paused' | 'disputed'; value: boolean; at: Date | null }>(sql`
    WITH linked AS (
      SELECT r.external_id AS company, r.paused, r.disputed, r.source_updated_at AS at, c.id AS customer_id, c.organization_id, c.paused AS customer_paused,
             EXISTS (SELECT 1 FROM dunning_holds h WHERE h.customer_id = c.id AND h.invoice_id IS NULL AND h.reason = ${CRM_DISPUTE_HOLD} AND h.released_at IS NULL) AS crm_hold,
             EXISTS (SELECT 1 FROM disputes d WHERE d.customer_id = c.id AND d.status = 'open' AND d.opened_via = 'crm') AS crm_dispute,
             EXISTS (SELECT 1 FROM disputes d WHERE d.customer_id = c.id AND d.status = 'open' AND d.opened_via <> 'crm') AS other_dispute
        FROM crm_records r
        JOIN customer_external_refs x ON x.connection_id = r.connection_id AND x.kind = 'company' AND x.external_id = r.external_id
        JOIN customers c ON c.id = x.customer_id
       WHERE r.connection_id = ${connectionId}::uuid AND r.object_type = 'company'
         AND (${only}::text[] IS NULL OR r.external_id = ANY(${only}::text[])))
    SELECT company, customer_id, organization_id, 'paused' AS flag, paused AS value, at FROM linked
     WHERE paused IS NOT NULL AND customer_paused <> paused
       AND (paused OR (SELECT a.kind FROM activities a WHERE a.customer_id = linked.customer_id AND a.kind IN ('crm.paused', 'crm.resumed')
                        ORDER BY a.occurred_at DESC LIMIT 1) = 'crm.paused')
    UNION ALL
    SELECT company, customer_id, organization_id, 'disputed', disputed, at FROM linked
     WHERE disputed IS NOT NULL
       AND ((disputed AND NOT crm_hold AND NOT other_dispute) OR (NOT disputed AND (crm_hold OR crm_dispute)))
     ORDER BY 2, 4`);
  const changed = new Set<string>();
  for (const r of rows) {
    const change: FlagChange = { companyExternalId: r.company, flag: r.flag, value: r.value, via: 'sync', at: r.at ? new Date(r.at) : new Date() };
    if (await applyToCustomer(tx, connectionId, change, { id: r.customer_id, organization_id: r.organization_id })) changed.add(r.customer_id);
  }
  return [...changed];
}

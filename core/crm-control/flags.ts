/**
 * Two-way CRM control: a salesperson checks "Reminders paused" or "Disputed" on a company in the
 * CRM, and every customer that company stands for stops being dunned — `paused` on the customer;
 * for a dispute, a customer-level hold (it also covers invoices that arrive later) and a dispute on
 * its open invoices (./disputes.ts) — with an activity on the customer's timeline. Clearing the box
 * resumes. Applying the same value twice changes nothing (so a webhook and the next sync agree).
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

/**
 * "Disputed" ticked on a CRM company opens a real dispute (core/disputes, `openedVia: 'crm'`) on
 * each of its customers' open, undisputed invoices, so that the ledgers get the dispute written
 * back on each invoice's own connection; clearing the box resolves the disputes the CRM opened.
 * Disputes opened in the admin or the portal are never touched from the CRM.
 *
 * The CRM's box is also where Relance writes "this customer has an open dispute": a company that
 * turns disputed while its customer already has an admin or portal dispute is that write-back
 * coming back, not a new dispute, and opens nothing.
 */
import { sql } from 'drizzle-orm';
import { closeDispute, openDispute } from '../disputes/index.ts';
import type { Tx } from '../store/index.ts';

/** HubSpot has no reason property in the Relance group: the reason says where the dispute came from. */
export const CRM_DISPUTE_REASON = 'Disputed in HubSpot';
export const CRM_DISPUTE_CLEARED = 'Cleared in HubSpot';

export interface CrmCustomer extends Record<string, unknown> {
  id: string;
  organization_id: string;
}

/** True when the customer's open disputes came from elsewhere than the CRM (the box mirrors them). */
export async function hasOtherOpenDispute(tx: Tx, customerId: string): Promise<boolean> {
  const { rows } = await tx.execute<{ other: boolean }>(sql`
    SELECT EXISTS (SELECT 1 FROM disputes WHERE customer_id = ${customerId}::uuid AND status = 'open' AND opened_via <> 'crm') AS other`);
  return rows[0]!.other;
}

/**
 * Opens one CRM dispute on the customer's open, undisputed invoices with a balance, owned by the
 * company's owner when the CRM names one. Nothing when a CRM dispute is already open (the same
 * value applied twice) or when no invoice is open (the customer's hold covers later ones).
 */
export async function openCrmDispute(tx: Tx, connectionId: string, companyExternalId: string, customer: CrmCustomer): Promise<boolean> {
  const { rows: open } = await tx.execute<{ id: string }>(sql`
    SELECT id FROM disputes WHERE customer_id = ${customer.id}::uuid AND status = 'open' AND opened_via = 'crm' LIMIT 1`);
  if (open.length) return false;
  const { rows: invoices } = await tx.execute<{ id: string }>(sql`
    SELECT id FROM invoices WHERE customer_id = ${customer.id}::uuid AND status = 'open' AND balance_minor > 0 AND NOT disputed
    ORDER BY due_date, id`);
  if (invoices.length === 0) return false;
  const { rows: company } = await tx.execute<{ owner: string | null }>(sql`
    SELECT owner_external_id AS owner FROM crm_records
    WHERE connection_id = ${connectionId}::uuid AND object_type = 'company' AND external_id = ${companyExternalId}`);
  const owner = company[0]?.owner ?? null;
  await openDispute(tx, {
    organizationId: customer.organization_id,
    invoiceIds: invoices.map((i) => i.id),
    reason: CRM_DISPUTE_REASON,
    // A CRM owner id, named as such: it is not a Relance user.
    owner: owner ? `hubspot-owner:${owner}` : null,
    openedVia: 'crm',
    actor: 'connector:hubspot',
  });
  return true;
}

/** Resolves the customer's open disputes that the CRM opened; returns how many. */
export async function resolveCrmDisputes(tx: Tx, customerId: string): Promise<number> {
  const { rows } = await tx.execute<{ id: string }>(sql`
    SELECT id FROM disputes WHERE customer_id = ${customerId}::uuid AND status = 'open' AND opened_via = 'crm' ORDER BY opened_at, id`);
  for (const d of rows) await closeDispute(tx, d.id, 'resolved', CRM_DISPUTE_CLEARED);
  return rows.length;
}

/**
 * What credit decisions write to the CRM: the limit, the credit hold (flag, reason, amount over
 * the limit) as properties of each HubSpot company linked to the customer, so a salesperson sees
 * them before quoting, and a task for the company's owner when a hold is placed. Keys are given
 * by the caller, one per decision, so a retried decision queues nothing new.
 */
import { sql } from 'drizzle-orm';
import { enqueuePushChange } from '../outbox/index.ts';
import type { Tx } from '../store/index.ts';

export interface CompanyCreditProperties {
  creditLimit?: string | null;
  creditHold?: boolean;
  creditHoldReason?: string | null;
  amountOverLimit?: string | null;
  stage?: string | null;
}

interface CompanyRef extends Record<string, unknown> {
  id: string;
  connection_id: string;
  external_id: string;
  owner: string | null;
  name: string | null;
}

async function companiesOf(tx: Tx, customerId: string): Promise<CompanyRef[]> {
  const { rows } = await tx.execute<CompanyRef>(sql`
    SELECT ref.id, ref.connection_id, ref.external_id, cr.owner_external_id AS owner, cr.name
      FROM customer_external_refs ref
      LEFT JOIN crm_records cr ON cr.connection_id = ref.connection_id AND cr.object_type = 'company' AND cr.external_id = ref.external_id
     WHERE ref.customer_id = ${customerId}::uuid AND ref.kind = 'company' ORDER BY ref.external_id`);
  return rows;
}

/** Queues the properties on every company of the customer; returns how many rows were new. */
export async function queueCompanyCredit(tx: Tx, organizationId: string, customerId: string, key: string, properties: CompanyCreditProperties): Promise<number> {
  let created = 0;
  for (const ref of await companiesOf(tx, customerId)) {
    const result = await enqueuePushChange(tx, {
      organizationId, connectionId: ref.connection_id, idempotencyKey: `${key}:company:${ref.id}`,
      change: { kind: 'set_company_properties', companyExternalId: ref.external_id, properties },
    });
    if (result.created) created += 1;
  }
  return created;
}

/** A task for each linked company's owner (unassigned where the company has none). */
export async function queueOwnerTask(tx: Tx, organizationId: string, customerId: string, key: string, task: { subject: string; body: string; dueDate: string }): Promise<number> {
  let created = 0;
  for (const ref of await companiesOf(tx, customerId)) {
    const result = await enqueuePushChange(tx, {
      organizationId, connectionId: ref.connection_id, idempotencyKey: `${key}:task:${ref.id}`,
      change: { kind: 'create_owner_task', companyExternalId: ref.external_id, subject: task.subject, body: task.body, dueDate: task.dueDate, ownerExternalId: ref.owner },
    });
    if (result.created) created += 1;
  }
  return created;
}

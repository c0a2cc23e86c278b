/**
 * Disputes: opened on one or several invoices (admin API, portal or CRM), which leave the scenarios
 * (`invoices.disputed`) but stay in the reports; written back through the outbox in the same
 * transaction; resolved or rejected with a reason, the time to resolution kept by opened/resolved.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';
import { enqueuePushChange } from '../outbox/index.ts';
import type { Tx } from '../store/index.ts';

const openSchema = z.object({
  organizationId: z.uuid(),
  invoiceIds: z.array(z.uuid()).min(1),
  reason: z.string().trim().min(1),
  owner: z.string().trim().min(1).nullish(),
  openedVia: z.enum(['admin', 'portal', 'crm']),
  /** Who opened it, on the timeline; default the owner as a user, or `system`. */
  actor: z.string().trim().min(1).optional(),
});
export type OpenDisputeInput = z.input<typeof openSchema>;

interface InvoiceRow extends Record<string, unknown> {
  id: string; customer_id: string | null; connection_id: string; external_id: string; status: string; balance_minor: string;
}

/** Opens a dispute; a paid, void or unknown invoice is refused with an error naming it. */
export async function openDispute(tx: Tx, input: OpenDisputeInput): Promise<{ id: string }> {
  const parsed = openSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInput(`dispute.${issue.path.join('.')}: ${issue.message}`, { field: issue.path.join('.') });
  }
  const d = parsed.data;
  const { rows } = await tx.execute<InvoiceRow>(sql`
    SELECT id, customer_id, connection_id, external_id, status::text, balance_minor::text FROM invoices
    WHERE organization_id = ${d.organizationId}::uuid AND id = ANY(${sql.param(d.invoiceIds)}::uuid[]) FOR UPDATE`);
  for (const id of d.invoiceIds) {
    const inv = rows.find((r) => r.id === id);
    if (!inv) throw new NotFound(`dispute.invoiceIds: invoice ${id} does not exist`, { field: 'invoiceIds' });
    if (inv.status !== 'open' || BigInt(inv.balance_minor) <= 0n) {
      throw new InvalidInput(`dispute.invoiceIds: invoice ${inv.external_id} is ${inv.status}, nothing to dispute`, { field: 'invoiceIds' });
    }
  }
  const customers = new Set(rows.map((r) => r.customer_id));
  if (customers.size !== 1 || rows[0]!.customer_id === null) {
    throw new InvalidInput('dispute.invoiceIds: the invoices must belong to one known customer', { field: 'invoiceIds' });
  }
  const inserted = await tx.execute<{ id: string }>(sql`
    INSERT INTO disputes (organization_id, customer_id, reason, owner, opened_via)
    VALUES (${d.organizationId}::uuid, ${rows[0]!.customer_id}::uuid, ${d.reason}, ${d.owner ?? null}, ${d.openedVia}) RETURNING id`);
  const disputeId = inserted.rows[0]!.id;
  await tx.execute(sql`INSERT INTO dispute_invoices (dispute_id, invoice_id) SELECT ${disputeId}::uuid, unnest(${sql.param(d.invoiceIds)}::uuid[])`);
  await tx.execute(sql`UPDATE invoices SET disputed = true, updated_at = now() WHERE id = ANY(${sql.param(d.invoiceIds)}::uuid[])`);
  await tx.execute(sql`INSERT INTO activities (organization_id, customer_id, actor, kind, payload)
    VALUES (${d.organizationId}::uuid, ${rows[0]!.customer_id}::uuid, ${d.actor ?? (d.owner ? `user:${d.owner}` : 'system')}, 'dispute.opened',
            ${JSON.stringify({ disputeId, reason: d.reason, openedVia: d.openedVia })}::jsonb)`);
  for (const inv of rows) await writeBack(tx, d.organizationId, inv, disputeId, { disputed: true, reason: d.reason });
  await writeBackCompanies(tx, d.organizationId, rows[0]!.customer_id, disputeId, 'opened');
  return { id: disputeId };
}

/**
 * One `set_disputed` per invoice (QuickBooks: custom field and memo line; Xero: a history note), and
 * the CRM company's `disputed` property, true while any dispute of the customer is open.
 */
async function writeBack(tx: Tx, organizationId: string, inv: InvoiceRow, disputeId: string, state: { disputed: boolean; reason: string }): Promise<void> {
  const phase = state.disputed ? 'opened' : 'closed';
  await enqueuePushChange(tx, {
    organizationId, connectionId: inv.connection_id, idempotencyKey: `dispute:${disputeId}:${inv.id}:${phase}:flag`,
    change: { kind: 'set_disputed', invoiceExternalId: inv.external_id, disputed: state.disputed, note: `Dispute ${phase}: ${state.reason}` },
  });
}

async function writeBackCompanies(tx: Tx, organizationId: string, customerId: string, disputeId: string, phase: 'opened' | 'closed'): Promise<void> {
  const { rows } = await tx.execute<{ id: string; connection_id: string; external_id: string; disputed: boolean }>(sql`
    SELECT r.id, r.connection_id, r.external_id,
           EXISTS (SELECT 1 FROM disputes d WHERE d.customer_id = r.customer_id AND d.status = 'open') AS disputed
      FROM customer_external_refs r WHERE r.customer_id = ${customerId}::uuid AND r.kind = 'company'`);
  for (const ref of rows) {
    await enqueuePushChange(tx, {
      organizationId, connectionId: ref.connection_id, idempotencyKey: `dispute:${disputeId}:company:${ref.id}:${phase}`,
      change: { kind: 'set_company_properties', companyExternalId: ref.external_id, properties: { disputed: ref.disputed } },
    });
  }
}

/** Resolves or rejects an open dispute with a reason; its invoices return to the scenarios. */
export async function closeDispute(tx: Tx, disputeId: string, outcome: 'resolved' | 'rejected', resolution: string): Promise<void> {
  if (!resolution.trim()) throw new InvalidInput('dispute.resolution: a reason is required', { field: 'resolution' });
  const { rows } = await tx.execute<{ organization_id: string; status: string }>(
    sql`SELECT organization_id, status::text FROM disputes WHERE id = ${disputeId}::uuid FOR UPDATE`,
  );
  if (!rows[0]) throw new NotFound(`dispute ${disputeId} does not exist`, { field: 'disputeId' });
  if (rows[0].status !== 'open') throw new Conflict(`dispute ${disputeId} is already ${rows[0].status}`, { field: 'status' });
  await tx.execute(sql`UPDATE disputes SET status = ${outcome}::dispute_status, resolution = ${resolution}, resolved_at = now(), updated_at = now()
    WHERE id = ${disputeId}::uuid`);
  const invoices = await tx.execute<InvoiceRow>(sql`
    UPDATE invoices i SET disputed = EXISTS (SELECT 1 FROM dispute_invoices x JOIN disputes d ON d.id = x.dispute_id
                                             WHERE x.invoice_id = i.id AND d.status = 'open'), updated_at = now()
    FROM dispute_invoices di WHERE di.dispute_id = ${disputeId}::uuid AND di.invoice_id = i.id
    RETURNING i.id, i.customer_id, i.connection_id, i.external_id, i.status::text, i.balance_minor::text`);
  for (const inv of invoices.rows) await writeBack(tx, rows[0].organization_id, inv, disputeId, { disputed: false, reason: `${outcome}: ${resolution}` });
  const customer = await tx.execute<{ customer_id: string }>(sql`SELECT customer_id FROM disputes WHERE id = ${disputeId}::uuid`);
  await writeBackCompanies(tx, rows[0].organization_id, customer.rows[0]!.customer_id, disputeId, 'closed');
}

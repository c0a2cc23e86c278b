/**
 * Reads an organization's receivables from the store as the `CustomerLedger`s the pure reports
 * take: every issued invoice (paid ones too: DSO and CEI need the period's sales) with its dated
 * allocations, and pending promises.
 */
import { sql } from 'drizzle-orm';
import { NotFound } from '../../errors.ts';
import type { IsoDate } from '../../calendar/index.ts';
import type { CustomerLedger, Invoice, InvoiceAllocation, Organization, PromiseToPay } from '../../ledger/index.ts';
import type { Executor } from '../../store/index.ts';

interface InvoiceRow extends Record<string, unknown> {
  id: string; customer_external_id: string; external_id: string; number: string | null; issue_date: string | null;
  due_date: string | null; currency: string; total_minor: string; balance_minor: string; status: string;
  disputed: boolean; source_day: string;
}

export interface StoreOrganization extends Organization {
  readonly id: string;
}

/** The organization as the reports describe it. */
export async function loadOrganization(db: Executor, organizationId: string): Promise<StoreOrganization> {
  const { rows } = await db.execute<{ id: string; name: string; country: string; base_currency: string; timezone: string; locale: string; late_payment_policy: Organization['latePayment']; business_days_only: boolean }>(
    sql`SELECT * FROM organizations WHERE id = ${organizationId}::uuid`,
  );
  const r = rows[0];
  if (!r) throw new NotFound(`organization ${organizationId} does not exist`, { field: 'organization' });
  return {
    id: r.id, name: r.name, country: r.country, currency: r.base_currency, timezone: r.timezone, language: r.locale,
    latePayment: r.late_payment_policy, businessDaysOnly: r.business_days_only,
  };
}

/**
 * The store keeps the source's open balance as well as the allocations it listed; when they
 * disagree (a divergence reconciliation lists), the report follows the source: the unexplained part
 * is taken as paid on the day the source last changed the invoice.
 */
function toInvoice(r: InvoiceRow, allocations: InvoiceAllocation[]): Invoice {
  const total = BigInt(r.total_minor);
  const applied = allocations.reduce((s, a) => s + a.amount, 0n);
  const unexplained = total - applied - BigInt(r.balance_minor);
  const all = unexplained > 0n ? [...allocations, { date: r.source_day, amount: unexplained }] : allocations;
  all.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const issueDate = r.issue_date ?? r.source_day;
  return {
    externalId: r.external_id, number: r.number ?? r.external_id, customerExternalId: r.customer_external_id,
    issueDate, dueDate: r.due_date ?? issueDate, currency: r.currency, total, disputed: r.disputed,
    void: r.status === 'void' || r.status === 'written_off', allocations: all, doneSteps: [],
  };
}

/** Every customer of the organization with its invoices, allocations and pending promises. */
export async function loadOrganizationLedgers(db: Executor, organizationId: string): Promise<CustomerLedger[]> {
  const customers = await db.execute<{ id: string; external_id: string; name: string; email: string | null; phone: string | null; language: string | null; country: string | null; tags: string[]; paused: boolean }>(
    sql`SELECT id, external_id, name, email, phone, language, country, tags, paused FROM customers
        WHERE organization_id = ${organizationId}::uuid ORDER BY external_id`,
  );
  const invoices = await db.execute<InvoiceRow & { customer_id: string }>(sql`
    SELECT i.id, i.customer_id, i.customer_external_id, i.external_id, i.number, i.issue_date, i.due_date, i.currency,
           i.total_minor::text, i.balance_minor::text, i.status::text,
           (i.disputed OR EXISTS (SELECT 1 FROM dispute_invoices di JOIN disputes d ON d.id = di.dispute_id
                                   WHERE di.invoice_id = i.id AND d.status = 'open')) AS disputed,
           coalesce(i.source_updated_at, i.updated_at)::date::text AS source_day
    FROM invoices i WHERE i.organization_id = ${organizationId}::uuid AND i.status <> 'draft' AND i.customer_id IS NOT NULL`);
  const allocations = await db.execute<{ invoice_id: string; date: string | null; amount: string; created_day: string }>(sql`
    SELECT a.invoice_id, a.date, a.amount_minor::text AS amount, a.created_at::date::text AS created_day
    FROM allocations a JOIN invoices i ON i.id = a.invoice_id AND i.currency = a.currency
    WHERE a.organization_id = ${organizationId}::uuid`);
  const promises = await db.execute<{ customer_id: string; customer_external_id: string; promised_date: string; amount_minor: string; currency: string }>(sql`
    SELECT p.customer_id, c.external_id AS customer_external_id, p.promised_date, p.amount_minor::text, p.currency
    FROM promises_to_pay p JOIN customers c ON c.id = p.customer_id
    WHERE p.organization_id = ${organizationId}::uuid AND p.status = 'pending'`);
  const allocsByInvoice = new Map<string, InvoiceAllocation[]>();
  for (const a of allocations.rows) {
    const list = allocsByInvoice.get(a.invoice_id) ?? [];
    list.push({ date: (a.date ?? a.created_day) as IsoDate, amount: BigInt(a.amount) });
    allocsByInvoice.set(a.invoice_id, list);
  }
  const invByCustomer = new Map<string, Invoice[]>();
  for (const r of invoices.rows) {
    const list = invByCustomer.get(r.customer_id) ?? [];
    list.push(toInvoice(r, allocsByInvoice.get(r.id) ?? []));
    invByCustomer.set(r.customer_id, list);
  }
  const promByCustomer = new Map<string, PromiseToPay[]>();
  for (const p of promises.rows) {
    const list = promByCustomer.get(p.customer_id) ?? [];
    list.push({ customerExternalId: p.customer_external_id, date: p.promised_date, amount: BigInt(p.amount_minor), currency: p.currency });
    promByCustomer.set(p.customer_id, list);
  }
  return customers.rows.map((c) => ({
    customer: { externalId: c.external_id, name: c.name, email: c.email, phone: c.phone, language: c.language, country: c.country, tags: c.tags, paused: c.paused },
    invoices: invByCustomer.get(c.id) ?? [],
    promises: promByCustomer.get(c.id) ?? [],
  }));
}

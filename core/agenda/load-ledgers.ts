/**
 * Loads a batch of customers of one organization from the store as the planner's `CustomerLedger`s:
 * open invoices with their dated allocations, done steps (from sent actions), pending promises,
 * disputes, holds and paused flags. Five queries per batch, whatever its size.
 * In these ledgers `externalId`s are the store's uuids: actions are written against store rows.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import type { IsoDate } from '../calendar/index.ts';
import type { CustomerLedger, Invoice, InvoiceAllocation, PromiseToPay } from '../ledger/index.ts';

interface CustomerRow extends Record<string, unknown> {
  id: string; name: string; email: string | null; phone: string | null; language: string | null;
  country: string | null; tags: string[]; paused: boolean; custom_fields: Record<string, unknown>;
  risk_class: string | null; pinned: string | null; held: boolean;
}
interface InvoiceRow extends Record<string, unknown> {
  id: string; customer_id: string; number: string | null; issue_date: string | null; due_date: string;
  currency: string; total_minor: string; balance_minor: string; disputed: boolean; held: boolean;
}

function uuidArray(ids: readonly string[]) {
  return sql`ARRAY[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::uuid[]`;
}

/** The next batch of customer ids (after `after`, by id) that have at least one open invoice. */
export async function nextCustomerIds(db: Db, organizationId: string, after: string | null, limit: number): Promise<string[]> {
  const { rows } = await db.execute<{ id: string }>(sql`
    SELECT c.id FROM customers c
     WHERE c.organization_id = ${organizationId} AND c.active
       AND c.id > ${after ?? '00000000-0000-0000-0000-000000000000'}::uuid
       AND EXISTS (SELECT 1 FROM invoices i WHERE i.customer_id = c.id AND i.status = 'open')
     ORDER BY c.id LIMIT ${limit}`);
  return rows.map((r) => r.id);
}

async function loadCustomers(db: Db, ids: readonly string[], asOf: IsoDate): Promise<CustomerRow[]> {
  const { rows } = await db.execute<CustomerRow>(sql`
    SELECT c.id, c.name, c.phone, c.language, c.country, c.tags, c.paused, c.custom_fields,
      -- The customer's own address, else a billing contact's, else any contact's.
      COALESCE(c.email, (SELECT k.email FROM contacts k WHERE k.customer_id = c.id AND k.email IS NOT NULL
                          ORDER BY (k.role = 'billing') DESC, k.created_at LIMIT 1)) AS email,
      dp.risk_class, s.name AS pinned,
      EXISTS (SELECT 1 FROM dunning_holds h WHERE h.customer_id = c.id AND h.invoice_id IS NULL
                AND h.released_at IS NULL AND (h.until IS NULL OR h.until >= ${asOf}::date)) AS held
    FROM customers c
    LEFT JOIN customer_dunning_profiles dp ON dp.customer_id = c.id
    LEFT JOIN scenarios s ON s.id = dp.pinned_scenario_id
    WHERE c.id = ANY(${uuidArray(ids)})`);
  return rows;
}

async function loadInvoices(db: Db, ids: readonly string[], asOf: IsoDate): Promise<InvoiceRow[]> {
  const { rows } = await db.execute<InvoiceRow>(sql`
    SELECT i.id, i.customer_id, i.number, i.issue_date, i.due_date, i.currency,
      i.total_minor::text AS total_minor, i.balance_minor::text AS balance_minor,
      (i.disputed OR EXISTS (SELECT 1 FROM dispute_invoices di JOIN disputes d ON d.id = di.dispute_id
                              WHERE di.invoice_id = i.id AND d.status = 'open')) AS disputed,
      EXISTS (SELECT 1 FROM dunning_holds h WHERE h.invoice_id = i.id AND h.released_at IS NULL
                AND (h.until IS NULL OR h.until >= ${asOf}::date)) AS held
    FROM invoices i
    WHERE i.customer_id = ANY(${uuidArray(ids)}) AND i.status = 'open' AND i.due_date IS NOT NULL`);
  return rows;
}

async function loadAllocations(db: Db, ids: readonly string[], asOf: IsoDate): Promise<Map<string, InvoiceAllocation[]>> {
  const { rows } = await db.execute<{ invoice_id: string; date: string; amount: string }>(sql`
    SELECT a.invoice_id, COALESCE(a.date, ${asOf}::date)::text AS date, a.amount_minor::text AS amount
      FROM allocations a JOIN invoices i ON i.id = a.invoice_id
     WHERE i.customer_id = ANY(${uuidArray(ids)}) AND i.status = 'open'
     ORDER BY a.date`);
  const byInvoice = new Map<string, InvoiceAllocation[]>();
  for (const r of rows) {
    const list = byInvoice.get(r.invoice_id) ?? [];
    list.push({ date: r.date, amount: BigInt(r.amount) });
    byInvoice.set(r.invoice_id, list);
  }
  return byInvoice;
}

async function loadDoneSteps(db: Db, ids: readonly string[]): Promise<Map<string, number[]>> {
  // A step being sent counts as done: the next run must not plan it again behind the sender's back.
  const { rows } = await db.execute<{ invoice_id: string; level: number }>(sql`
    SELECT ai.invoice_id, ai.level FROM action_invoices ai JOIN actions a ON a.id = ai.action_id
     WHERE a.customer_id = ANY(${uuidArray(ids)}) AND a.status IN ('sent', 'sending')`);
  const done = new Map<string, number[]>();
  for (const r of rows) done.set(r.invoice_id, [...(done.get(r.invoice_id) ?? []), r.level]);
  return done;
}

async function loadPromises(db: Db, ids: readonly string[]): Promise<Map<string, PromiseToPay[]>> {
  const { rows } = await db.execute<{ customer_id: string; date: string; amount: string; currency: string }>(sql`
    SELECT customer_id, promised_date AS date, amount_minor::text AS amount, currency
      FROM promises_to_pay WHERE customer_id = ANY(${uuidArray(ids)}) AND status = 'pending'`);
  const byCustomer = new Map<string, PromiseToPay[]>();
  for (const r of rows) {
    const p = { customerExternalId: r.customer_id, date: r.date, amount: BigInt(r.amount), currency: r.currency };
    byCustomer.set(r.customer_id, [...(byCustomer.get(r.customer_id) ?? []), p]);
  }
  return byCustomer;
}

/**
 * The provider's balance is the truth about what is still owed; allocations the sync has not seen
 * (or that carry no date) would leave the planner's balance too high. The difference is applied as
 * one allocation dated `asOf`: today's balance is right, interest for past days is left as dated.
 */
function toInvoice(r: InvoiceRow, allocations: InvoiceAllocation[], doneSteps: number[], asOf: IsoDate): Invoice {
  const total = BigInt(r.total_minor);
  const allocated = allocations.reduce((s, a) => s + a.amount, 0n);
  const missing = total - allocated - BigInt(r.balance_minor);
  const all = missing > 0n ? [...allocations, { date: asOf, amount: missing }] : allocations;
  return {
    externalId: r.id,
    number: r.number ?? '',
    customerExternalId: r.customer_id,
    issueDate: r.issue_date ?? r.due_date,
    dueDate: r.due_date,
    currency: r.currency,
    total,
    disputed: r.disputed,
    held: r.held,
    void: false,
    allocations: all,
    doneSteps,
  };
}

/** The ledgers of the given customers on `asOf`, in the order of `ids`. */
export async function loadCustomerLedgers(db: Db, ids: readonly string[], asOf: IsoDate): Promise<CustomerLedger[]> {
  if (ids.length === 0) return [];
  const [customers, invoices, allocations, done, promises] = await Promise.all([
    loadCustomers(db, ids, asOf),
    loadInvoices(db, ids, asOf),
    loadAllocations(db, ids, asOf),
    loadDoneSteps(db, ids),
    loadPromises(db, ids),
  ]);
  const invoicesByCustomer = new Map<string, Invoice[]>();
  for (const r of invoices) {
    const inv = toInvoice(r, allocations.get(r.id) ?? [], done.get(r.id) ?? [], asOf);
    invoicesByCustomer.set(r.customer_id, [...(invoicesByCustomer.get(r.customer_id) ?? []), inv]);
  }
  const byId = new Map(customers.map((c) => [c.id, c]));
  return ids.flatMap((id) => {
    const c = byId.get(id);
    if (!c) return [];
    return [{
      customer: {
        externalId: c.id, name: c.name, email: c.email, phone: c.phone, language: c.language,
        country: c.country?.trim() ?? null, tags: c.tags, paused: c.paused, riskClass: c.risk_class,
        customFields: c.custom_fields, held: c.held, pinnedScenario: c.pinned,
      },
      invoices: invoicesByCustomer.get(id) ?? [],
      promises: promises.get(id) ?? [],
    }];
  });
}

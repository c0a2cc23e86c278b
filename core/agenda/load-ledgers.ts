/**
 * Loads customers of one organization from the store as the planner's `CustomerLedger`s: open
 * invoices with their dated allocations and done steps (from sent actions), pending promises,
 * disputes, holds and paused flags, and the customers' pending actions (so that the writer sends
 * only what is new and cancels by id). Two queries whatever the number of customers: one for the
 * customers (promises, pending actions and done steps folded in), one for their invoices
 * (allocations folded in), as text the loader splits, which is cheaper to read than JSON.
 * A scope is either a list of customer ids (the per-customer run) or a range of ids (a part of the
 * daily run), so both runs read the store through the same queries.
 * In these ledgers `externalId`s are the store's uuids: actions are written against store rows.
 */
import pg from 'pg';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Db } from '../store/db.ts';
import type { IsoDate } from '../calendar/index.ts';
import type { CustomerLedger, Invoice, InvoiceAllocation, PromiseToPay } from '../ledger/index.ts';

/** Customers by id, or the range `from` ≤ id < `to` (`to` null: no upper bound). */
export type CustomerScope =
  | { readonly ids: readonly string[] }
  | { readonly from: string; readonly to: string | null };

/** Anything that runs a query: the store or a transaction on it. */
export type Queryable = Pick<Db, 'execute'>;

interface CustomerRow extends Record<string, unknown> {
  id: string; name: string; email: string | null; phone: string | null; language: string | null;
  country: string | null; tags: string[]; paused: boolean; custom_fields: Record<string, unknown>;
  risk_class: string | null; pinned: string | null; held: boolean; promises: string | null;
  /** The pending actions' ids and idempotency keys, parallel; null when none. */
  pending_ids: string[] | null; pending_keys: string[] | null;
  /** The invoice ids and levels of the sent (or being sent) actions, parallel comma lists; null when none. */
  done_ids: string | null; done_levels: string | null;
}
interface InvoiceRow extends Record<string, unknown> {
  // due_date is null only for an open invoice with no due date: it makes its customer one to plan, and is not planned.
  id: string; customer_id: string; number: string | null; issue_date: string | null; due_date: string;
  currency: string; total_minor: string; balance_minor: string; disputed: boolean; held: boolean;
  allocations: string | null;
}

function uuidArray(ids: readonly string[]) {
  return sql`ARRAY[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::uuid[]`;
}

/** The scope as a condition on a customer id column. */
function inScope(column: SQL, scope: CustomerScope): SQL {
  if ('ids' in scope) return sql`${column} = ANY(${uuidArray(scope.ids)})`;
  return scope.to === null
    ? sql`${column} >= ${scope.from}::uuid`
    : sql`${column} >= ${scope.from}::uuid AND ${column} < ${scope.to}::uuid`;
}

/**
 * The scope's customers, by id: a range (the daily run) takes the active ones, a list of ids (a
 * change to those customers) takes them as they are. Which of a range's customers have an open
 * invoice is learnt from the invoice query (loadLedgers), not by reading their invoices twice.
 */
async function loadCustomers(db: Queryable, organizationId: string, scope: CustomerScope, asOf: IsoDate): Promise<CustomerRow[]> {
  // Holds, promises and open invoices are read as sets for the whole scope (hashed or joined), not
  // probed once per customer: at 100,000 customers the per-row probes cost more than the rest.
  const { rows } = await db.execute<CustomerRow>(sql`
    SELECT c.id, c.name, c.phone, c.language, c.country, c.tags, c.paused, c.custom_fields,
      -- The customer's own address, else a billing contact's, else any contact's.
      COALESCE(c.email, (SELECT k.email FROM contacts k WHERE k.customer_id = c.id AND k.email IS NOT NULL
                          ORDER BY (k.role = 'billing') DESC, k.created_at LIMIT 1)) AS email,
      dp.risk_class, s.name AS pinned,
      c.id IN (SELECT h.customer_id FROM dunning_holds h WHERE ${inScope(sql`h.customer_id`, scope)} AND h.invoice_id IS NULL
                 AND h.released_at IS NULL AND (h.until IS NULL OR h.until >= ${asOf}::date)) AS held,
      p.promises, ak.pending_ids, ak.pending_keys, ak.done_ids, ak.done_levels
    FROM customers c
    LEFT JOIN customer_dunning_profiles dp ON dp.customer_id = c.id
    LEFT JOIN scenarios s ON s.id = dp.pinned_scenario_id
    LEFT JOIN (SELECT customer_id, string_agg(promised_date::text || ' ' || amount_minor::text || ' ' || currency, ',') AS promises
                 FROM promises_to_pay WHERE ${inScope(sql`customer_id`, scope)} AND status = 'pending'
                GROUP BY customer_id) p ON p.customer_id = c.id
    -- The actions that matter to the plan: pending ones (kept, or cancelled when the plan no longer
    -- has them) and the steps done (a step being sent counts as done: the next run must not plan
    -- it again behind the sender's back). Cancelled and failed ones are history.
    LEFT JOIN (SELECT a.customer_id,
                      array_agg(a.id::text) FILTER (WHERE a.status IN ('planned', 'awaiting_approval')) AS pending_ids,
                      array_agg(a.idempotency_key) FILTER (WHERE a.status IN ('planned', 'awaiting_approval')) AS pending_keys,
                      string_agg(array_to_string(a.invoice_ids, ','), ',')
                        FILTER (WHERE a.status IN ('sent', 'sending') AND cardinality(a.invoice_ids) > 0) AS done_ids,
                      string_agg(array_to_string(a.invoice_levels, ','), ',')
                        FILTER (WHERE a.status IN ('sent', 'sending') AND cardinality(a.invoice_ids) > 0) AS done_levels
                 FROM actions a
                WHERE a.organization_id = ${organizationId} AND ${inScope(sql`a.customer_id`, scope)}
                  AND a.status IN ('planned', 'awaiting_approval', 'sent', 'sending')
                GROUP BY a.customer_id) ak ON ak.customer_id = c.id
    WHERE c.organization_id = ${organizationId} AND ${inScope(sql`c.id`, scope)}
      ${'ids' in scope ? sql`` : sql`AND c.active`}
    ORDER BY c.id`);
  return rows;
}

/**
 * An invoice row streamed as an array, in the order the query selects its columns, as an object of
 * one fixed shape (filled by a loop over column names, they were dictionaries, slower to build and
 * to read).
 */
function invoiceRowOf(v: unknown[]): InvoiceRow {
  return {
    id: v[0] as string, customer_id: v[1] as string, number: v[2] as string | null, issue_date: v[3] as string | null,
    due_date: v[4] as string, currency: v[5] as string, total_minor: v[6] as string, balance_minor: v[7] as string,
    disputed: v[8] as boolean, held: v[9] as boolean, allocations: v[10] as string | null,
  };
}

function invoicesQuery(organizationId: string, scope: CustomerScope, asOf: IsoDate): SQL {
  // Disputes and holds are few: one hashed set each. Allocations are joined for the scope's
  // invoices, so the planner picks a hash join or index probes by their size.
  return sql`
    SELECT i.id, i.customer_id, i.number, i.issue_date, i.due_date, i.currency,
      i.total_minor::text AS total_minor, i.balance_minor::text AS balance_minor,
      (i.disputed OR i.id IN (SELECT di.invoice_id FROM dispute_invoices di JOIN disputes d ON d.id = di.dispute_id
                               WHERE d.status = 'open')) AS disputed,
      i.id IN (SELECT h.invoice_id FROM dunning_holds h WHERE ${inScope(sql`h.customer_id`, scope)} AND h.invoice_id IS NOT NULL
                 AND h.released_at IS NULL AND (h.until IS NULL OR h.until >= ${asOf}::date)) AS held,
      al.allocations
    FROM invoices i
    LEFT JOIN (SELECT a.invoice_id,
                      string_agg(COALESCE(a.date, ${asOf}::date)::text || ' ' || a.amount_minor::text, ',' ORDER BY a.date) AS allocations
                 FROM allocations a JOIN invoices ai ON ai.id = a.invoice_id
                WHERE ai.organization_id = ${organizationId} AND ${inScope(sql`ai.customer_id`, scope)} AND ai.status = 'open'
                GROUP BY a.invoice_id) al ON al.invoice_id = i.id
    WHERE i.organization_id = ${organizationId} AND ${inScope(sql`i.customer_id`, scope)}
      AND i.status = 'open'`;
}

const dialect = new PgDialect();

/** The pg client a transaction runs on (a pool has none of its own): rows can be streamed from it. */
function transactionClient(db: Queryable): pg.ClientBase | null {
  const client = (db as { session?: { client?: unknown } }).session?.client;
  if (!client || client instanceof pg.Pool || typeof (client as pg.ClientBase).query !== 'function') return null;
  return client as pg.ClientBase;
}

/**
 * Each invoice of the scope, handed to `onInvoice` as its row arrives. Inside a transaction (a
 * part of the daily run) the rows are streamed as arrays and turned into invoices one by one, so
 * no row outlives its conversion: materialising a part's 20,000 rows first kept them all alive
 * into the old generation, and the garbage collector was a third of the run's Node CPU.
 */
async function forEachInvoice(db: Queryable, query: SQL, onInvoice: (row: InvoiceRow) => void): Promise<void> {
  const client = transactionClient(db);
  if (!client) {
    const { rows } = await db.execute<InvoiceRow>(query);
    for (const r of rows) onInvoice(r);
    return;
  }
  const { sql: text, params } = dialect.sqlToQuery(query);
  await new Promise<void>((resolve, reject) => {
    let failed: unknown = null;
    // rowMode is a Query option the types leave out (they know it on client.query only).
    const q = new pg.Query({ text, values: params as unknown[], rowMode: 'array' } as pg.QueryConfig);
    q.on('row', (values: unknown[]) => {
      if (failed !== null) return;
      const row = invoiceRowOf(values);
      try {
        onInvoice(row);
      } catch (e) {
        failed = e;
      }
    });
    q.on('error', reject);
    q.on('end', () => (failed === null ? resolve() : reject(failed)));
    void client.query(q);
  });
}

function splitAllocations(text: string | null): InvoiceAllocation[] {
  if (text === null) return [];
  return text.split(',').map((entry) => {
    const [date, amount] = entry.split(' ') as [string, string];
    return { date, amount: BigInt(amount) };
  });
}

function splitPromises(customerId: string, text: string | null): PromiseToPay[] {
  if (text === null) return [];
  return text.split(',').map((entry) => {
    const [date, amount, currency] = entry.split(' ') as [string, string, string];
    return { customerExternalId: customerId, date, amount: BigInt(amount), currency };
  });
}

/**
 * The provider's balance is the truth about what is still owed; allocations the sync has not seen
 * (or that carry no date) would leave the planner's balance too high. The difference is applied as
 * one allocation dated `asOf`: today's balance is right, interest for past days is left as dated.
 */
function toInvoice(r: InvoiceRow, asOf: IsoDate, doneSteps: readonly number[]): Invoice {
  const allocations = splitAllocations(r.allocations);
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

/** Ledgers as the planner takes them, with what the writer needs to know of the actions already there. */
export interface LoadedLedgers {
  readonly ledgers: CustomerLedger[];
  /** The ledgers' customers' pending (planned or awaiting approval) actions: idempotency key → action id. */
  readonly pending: Map<string, string>;
}

const NO_STEPS: readonly number[] = [];

/** The done steps of the customers' invoices, by invoice id, from the customers' rows. */
function doneStepsOf(customers: readonly CustomerRow[]): Map<string, number[]> {
  const done = new Map<string, number[]>();
  for (const c of customers) {
    if (c.done_ids === null || c.done_levels === null) continue;
    const ids = c.done_ids.split(',');
    const levels = c.done_levels.split(',');
    for (let k = 0; k < ids.length; k++) {
      const steps = done.get(ids[k]!);
      if (steps) steps.push(Number(levels[k]));
      else done.set(ids[k]!, [Number(levels[k])]);
    }
  }
  return done;
}

/**
 * The ledgers of the scope's customers on `asOf`, by customer id, and their pending actions. A
 * range takes the customers with an open invoice (one without a due date counts, though it is not
 * planned): a customer whose last invoice was paid is not planned again, its pending action is
 * cancelled by the change that paid it (runCustomer, or reconciliation).
 */
export async function loadLedgers(db: Queryable, organizationId: string, scope: CustomerScope, asOf: IsoDate): Promise<LoadedLedgers> {
  const pending = new Map<string, string>();
  if ('ids' in scope && scope.ids.length === 0) return { ledgers: [], pending };
  const customers = await loadCustomers(db, organizationId, scope, asOf);
  if (customers.length === 0) return { ledgers: [], pending };
  const done = doneStepsOf(customers);
  const invoicesByCustomer = new Map<string, Invoice[]>();
  await forEachInvoice(db, invoicesQuery(organizationId, scope, asOf), (r) => {
    let list = invoicesByCustomer.get(r.customer_id);
    if (!list) invoicesByCustomer.set(r.customer_id, (list = []));
    if (r.due_date !== null) list.push(toInvoice(r, asOf, done.get(r.id) ?? NO_STEPS));
  });
  const planned = 'ids' in scope ? customers : customers.filter((c) => invoicesByCustomer.has(c.id));
  for (const c of planned) {
    if (c.pending_ids === null || c.pending_keys === null) continue;
    for (let k = 0; k < c.pending_ids.length; k++) pending.set(c.pending_keys[k]!, c.pending_ids[k]!);
  }
  const ledgers = planned.map((c) => ({
    customer: {
      externalId: c.id, name: c.name, email: c.email, phone: c.phone, language: c.language,
      country: c.country?.trim() ?? null, tags: c.tags, paused: c.paused, riskClass: c.risk_class,
      customFields: c.custom_fields, held: c.held, pinnedScenario: c.pinned,
    },
    invoices: invoicesByCustomer.get(c.id) ?? [],
    promises: splitPromises(c.id, c.promises),
  }));
  return { ledgers, pending };
}

/** The ledgers of the given customers on `asOf`, in id order. */
export async function loadCustomerLedgers(db: Queryable, organizationId: string, ids: readonly string[], asOf: IsoDate): Promise<CustomerLedger[]> {
  return (await loadLedgers(db, organizationId, { ids }, asOf)).ledgers;
}

/**
 * Change to stop (issue 16.2): once a sync page that touched invoices, payments or credit notes is
 * committed, the customers it touched are re-planned at once (`runCustomer`, the same loader,
 * planner and keys as the daily run), so a payment that arrives by webhook cancels the customer's
 * pending reminder within the sync itself rather than at the next send pass or daily run. The send
 * path's own final check (core/sending/stop-check.ts) stays: this narrows the window, it does not
 * replace that guard.
 *
 * Only customers with a pending action (planned or awaiting approval) are re-planned: those are the
 * ones a change can stop. A customer with nothing pending gets new actions from the daily run, as
 * before — so the first full sync of a connection (no actions yet) costs no re-planning at all.
 */
import { sql } from 'drizzle-orm';
import { prepareRun, runCustomer, type RunContext } from '../agenda/index.ts';
import { todayIn } from '../calendar/index.ts';
import { rescoreCustomers, scoringRulesOf, type ScoringRules } from '../scoring/index.ts';
import type { Db, StoredEntity } from '../store/index.ts';

/** The entities whose change can change what a customer owes. */
const TABLES: Partial<Record<StoredEntity, { table: string; allocationColumn: string | null }>> = {
  invoice: { table: 'invoices', allocationColumn: null },
  payment: { table: 'payments', allocationColumn: 'payment_id' },
  creditNote: { table: 'credit_notes', allocationColumn: 'credit_note_id' },
};

/** What one committed page changed, by entity: the external ids it wrote or voided. */
export type PageChanges = ReadonlyMap<StoredEntity, readonly string[]>;

/** Whether a page of these entities can change what a customer owes (and so needs re-planning). */
export function changesLedger(entity: StoredEntity): boolean {
  return TABLES[entity] !== undefined;
}

/**
 * The customers (ids) with a pending action whose invoices, payments or credit notes the page
 * wrote: the document's own customer, and for a payment or credit note the customers of the
 * invoices it is allocated to.
 */
export async function customersToReplan(db: Db, connectionId: string, changes: PageChanges): Promise<string[]> {
  const parts = [];
  for (const [entity, ids] of changes) {
    const spec = TABLES[entity];
    if (!spec || ids.length === 0) continue;
    const list = sql`${sql.param([...ids])}::text[]`;
    parts.push(sql`SELECT d.customer_id FROM ${sql.raw(spec.table)} d
                    WHERE d.connection_id = ${connectionId}::uuid AND d.external_id = ANY(${list}) AND d.customer_id IS NOT NULL`);
    if (spec.allocationColumn) {
      parts.push(sql`SELECT i.customer_id FROM ${sql.raw(spec.table)} d
                       JOIN allocations a ON a.${sql.raw(spec.allocationColumn)} = d.id
                       JOIN invoices i ON i.id = a.invoice_id
                      WHERE d.connection_id = ${connectionId}::uuid AND d.external_id = ANY(${list}) AND i.customer_id IS NOT NULL`);
    }
  }
  if (parts.length === 0) return [];
  const { rows } = await db.execute<{ customer_id: string }>(sql`
    SELECT DISTINCT t.customer_id FROM (${sql.join(parts, sql` UNION ALL `)}) t
     WHERE EXISTS (SELECT 1 FROM actions a WHERE a.customer_id = t.customer_id AND a.status IN ('planned', 'awaiting_approval'))
     ORDER BY t.customer_id`);
  return rows.map((r) => r.customer_id);
}

export interface ReplanOutcome {
  customers: number;
  superseded: number;
  inserted: number;
}

/** What re-planning an organization's customers reads before any customer: the organization, its scenarios, its scoring rules. */
export interface ReplanContext {
  run: RunContext;
  rules: ScoringRules;
}

/**
 * Loads the organization's re-planning context. A sync loads it once, while its first provider call
 * is under way (core/sync/run.ts), so a page's re-plan costs only the customer's own queries: the
 * context is as old as the sync (seconds), and a scenario edited meanwhile reaches the customer at
 * the next sync's re-plan or the daily run.
 */
export async function prepareReplan(db: Db, organizationId: string): Promise<ReplanContext> {
  const [run, rules] = await Promise.all([prepareRun(db, { organizationId }), scoringRulesOf(db, organizationId)]);
  return { run, rules };
}

/**
 * Rescores and re-plans each customer, as the `dunning.runCustomer` job does; one customer's failure
 * does not stop the others (the daily run and the send path's check remain behind it).
 */
export async function replanCustomers(
  db: Db,
  organizationId: string,
  customerIds: readonly string[],
  onError: (customerId: string, error: unknown) => void = () => {},
  /** The organization's context already loaded (or loading) for this sync: see `prepareReplan`. */
  prepared?: ReplanContext | Promise<ReplanContext>,
): Promise<ReplanOutcome> {
  const outcome: ReplanOutcome = { customers: 0, superseded: 0, inserted: 0 };
  if (customerIds.length === 0) return outcome;
  // A context that failed to load is loaded again here: its failure is not this page's.
  const context = prepared ? await Promise.resolve(prepared).catch(() => prepareReplan(db, organizationId)) : await prepareReplan(db, organizationId);
  // Today where the organization is, as of this page (a sync may run across midnight).
  const asOf = todayIn(context.run.org.timezone);
  await rescoreCustomers(db, organizationId, customerIds, asOf, context.rules).catch((error: unknown) => onError(customerIds[0]!, error));
  for (const customerId of customerIds) {
    try {
      const counts = await runCustomer(db, { organizationId, customerId, asOf }, context.run);
      outcome.customers += 1;
      outcome.superseded += counts.superseded;
      outcome.inserted += counts.inserted;
    } catch (error) {
      onError(customerId, error);
    }
  }
  return outcome;
}

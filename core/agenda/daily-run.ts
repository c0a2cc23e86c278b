/**
 * The dunning run on the store: every customer of an organization with open invoices, streamed in
 * batches by id (memory bounded by the batch, not the organization), planned by the same
 * `planCustomer` as `relance simulate`, written with unique idempotency keys.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { scenarios as scenariosTable } from '../store/schema/index.ts';
import { todayIn, type IsoDate } from '../calendar/index.ts';
import { planCustomer, type PlannedAction } from '../dunning/index.ts';
import { loadScenarios } from '../scenarios/index.ts';
import type { Scenario } from '../ledger/index.ts';
import { loadCustomerLedgers, nextCustomerIds } from './load-ledgers.ts';
import { loadOrganization, type RunOrganization } from './organization.ts';
import { writeBatch } from './write-actions.ts';

export interface RunCounts {
  customers: number;
  actions: number;
  inserted: number;
  superseded: number;
  skipped: number;
  skippedByRule: Record<string, number>;
}

export interface RunOptions {
  readonly organizationId: string;
  /** The run's date; default today in the organization's time zone. */
  readonly asOf?: IsoDate;
  readonly batchSize?: number;
  readonly now?: Date;
}

interface RunContext {
  readonly org: RunOrganization;
  readonly asOf: IsoDate;
  readonly scenarios: readonly Scenario[];
  readonly scenarioIds: ReadonlyMap<string, string>;
}

async function prepare(db: Db, options: RunOptions): Promise<RunContext> {
  const org = await loadOrganization(db, options.organizationId);
  const asOf = options.asOf ?? todayIn(org.timezone, options.now ?? new Date());
  const scenarios = await loadScenarios(db, org.id, org.planner.currency);
  const rows = await db
    .select({ id: scenariosTable.id, name: scenariosTable.name })
    .from(scenariosTable)
    .where(eq(scenariosTable.organizationId, org.id));
  return { org, asOf, scenarios, scenarioIds: new Map(rows.map((r) => [r.name, r.id])) };
}

function emptyCounts(): RunCounts {
  return { customers: 0, actions: 0, inserted: 0, superseded: 0, skipped: 0, skippedByRule: {} };
}

/** Plans and writes one batch of customers; adds to `counts`. */
async function runBatch(db: Db, ctx: RunContext, ids: readonly string[], counts: RunCounts): Promise<void> {
  const ledgers = await loadCustomerLedgers(db, ids, ctx.asOf);
  const planCtx = { asOf: ctx.asOf, organization: ctx.org.planner, scenarios: ctx.scenarios };
  const actions: PlannedAction[] = [];
  for (const ledger of ledgers) {
    const plan = planCustomer(ledger, planCtx);
    actions.push(...plan.actions);
    for (const s of plan.skipped) counts.skippedByRule[s.rule] = (counts.skippedByRule[s.rule] ?? 0) + 1;
    counts.skipped += plan.skipped.length;
  }
  const outcome = await writeBatch(db, {
    organizationId: ctx.org.id, asOf: ctx.asOf, customerIds: ids, actions, scenarioIds: ctx.scenarioIds,
  });
  counts.customers += ids.length;
  counts.actions += actions.length;
  counts.inserted += outcome.inserted;
  counts.superseded += outcome.superseded;
}

/** The daily run of one organization. Safe to repeat and to race: actions are keyed. */
export async function runOrganization(db: Db, options: RunOptions): Promise<RunCounts & { asOf: IsoDate }> {
  const ctx = await prepare(db, options);
  const counts = emptyCounts();
  const batchSize = options.batchSize ?? 1000;
  let after: string | null = null;
  for (;;) {
    const ids = await nextCustomerIds(db, ctx.org.id, after, batchSize);
    if (ids.length === 0) break;
    await runBatch(db, ctx, ids, counts);
    after = ids[ids.length - 1]!;
  }
  await db.execute(sql`
    INSERT INTO dunning_runs (organization_id, as_of, finished_at, counts)
    VALUES (${ctx.org.id}, ${ctx.asOf}::date, now(), ${JSON.stringify(counts)}::jsonb)
    ON CONFLICT (organization_id, as_of) DO UPDATE SET finished_at = now(), counts = EXCLUDED.counts`);
  return { ...counts, asOf: ctx.asOf };
}

/**
 * The run for one customer, when its invoices, payments, disputes, promises or CRM flags change:
 * same planner, same keys, so it agrees with the daily run and cannot duplicate its actions.
 */
export async function runCustomer(db: Db, options: RunOptions & { customerId: string }): Promise<RunCounts & { asOf: IsoDate }> {
  const ctx = await prepare(db, options);
  const counts = emptyCounts();
  await runBatch(db, ctx, [options.customerId], counts);
  return { ...counts, asOf: ctx.asOf };
}

/**
 * The dunning run on the store. The daily run of an organization is split into parts (ranges of
 * customer ids, core/agenda/parts.ts) that lanes claim one at a time: several lanes per worker
 * overlap one part's planning in Node with another's reading and writing in PostgreSQL, and the
 * lanes of several workers share the parts, so two workers finish sooner than one. Each part is
 * read in two queries, planned by the same `planCustomer` as `relance simulate`, and written with
 * unique idempotency keys in the transaction that claims it (only what changed: the actions
 * already pending were read with the ledgers); memory is bounded by the part.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { scenarios as scenariosTable } from '../store/schema/index.ts';
import { todayIn, type IsoDate } from '../calendar/index.ts';
import { forecastNextAction, planCustomer, type ForecastAction, type PlannedAction } from '../dunning/index.ts';
import { loadScenarios } from '../scenarios/index.ts';
import type { CustomerLedger, Scenario } from '../ledger/index.ts';
import { loadLedgers, type Queryable } from './load-ledgers.ts';
import { loadOrganization, type RunOrganization } from './organization.ts';
import { claimPart, finishPart, finishRun, openRun } from './parts.ts';
import { writeActions, writeBatch } from './write-actions.ts';

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
  /** Customers per part of the daily run (default DEFAULT_PART_SIZE). */
  readonly batchSize?: number;
  /** Parts this worker works on at once (default 2): one plans while another reads or writes. */
  readonly lanes?: number;
  readonly now?: Date;
  /** Called once the run is opened, before this worker starts on it: e.g. to ask other workers to join. */
  readonly onOpened?: (run: { runId: string; asOf: IsoDate }) => Promise<void>;
  /** Called after each part this worker committed, with its counts (progress). */
  readonly onPart?: (part: { part: number; counts: RunCounts }) => Promise<void> | void;
}

/** What a run needs of its organization, loaded once: reusable for many `runCustomer` calls. */
export interface RunContext {
  readonly org: RunOrganization;
  readonly asOf: IsoDate;
  readonly scenarios: readonly Scenario[];
  readonly scenarioIds: ReadonlyMap<string, string>;
}

/** Names this process in `dunning_run_parts.finished_by`: which worker did which part. */
const WORKER = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
// 1000 customers (about 10,000 invoices) a part: at 10,000 the run wrote a fifth fewer pages in
// PostgreSQL but peaked at 1 GB in Node with two lanes; at 2000 one worker peaked near 500 MB over a
// million invoices, and 1000 took slightly less Node CPU than 2000 at 100,000 (1.44 s against 1.52).
export const DEFAULT_PART_SIZE = 1000;
const DEFAULT_LANES = 2;

export async function prepareRun(db: Db, options: RunOptions): Promise<RunContext> {
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

function addCounts(into: RunCounts, more: RunCounts): RunCounts {
  into.customers += more.customers;
  into.actions += more.actions;
  into.inserted += more.inserted;
  into.superseded += more.superseded;
  into.skipped += more.skipped;
  for (const [rule, n] of Object.entries(more.skippedByRule)) into.skippedByRule[rule] = (into.skippedByRule[rule] ?? 0) + n;
  return into;
}

/** Plans the ledgers; the actions to write and the skips counted into `counts`. */
function planLedgers(ctx: RunContext, ledgers: readonly CustomerLedger[], counts: RunCounts): PlannedAction[] {
  const planCtx = { asOf: ctx.asOf, organization: ctx.org.planner, scenarios: ctx.scenarios };
  const actions: PlannedAction[] = [];
  for (const ledger of ledgers) {
    const plan = planCustomer(ledger, planCtx);
    for (const a of plan.actions) actions.push(a);
    for (const s of plan.skipped) counts.skippedByRule[s.rule] = (counts.skippedByRule[s.rule] ?? 0) + 1;
    counts.skipped += plan.skipped.length;
  }
  counts.actions += actions.length;
  return actions;
}

/**
 * A part's ledgers, planned: only the actions and the customer ids leave this function, so the
 * ledgers (some 20,000 invoices) are garbage before the part is written, not held through the
 * write as well (a lower peak, and less for the garbage collector to mark).
 */
async function loadAndPlan(
  tx: Queryable, ctx: RunContext, part: { from: string; to: string | null }, counts: RunCounts,
): Promise<{ actions: PlannedAction[]; customerIds: string[]; pending: Map<string, string> }> {
  const { ledgers, pending } = await loadLedgers(tx, ctx.org.id, { from: part.from, to: part.to }, ctx.asOf);
  return { actions: planLedgers(ctx, ledgers, counts), customerIds: ledgers.map((l) => l.customer.externalId), pending };
}

/** Claims, plans and writes parts of the run one after another until none is left; its counts. */
async function lane(db: Db, ctx: RunContext, runId: string, onPart: RunOptions['onPart']): Promise<RunCounts> {
  const counts = emptyCounts();
  for (;;) {
    const done = await db.transaction(async (tx) => {
      const part = await claimPart(tx, runId);
      if (!part) return null;
      // A part's queries are estimated costly enough to be JIT-compiled, which takes longer (about
      // 1.7 s a query, measured) than running them: the run's queries are simple scans and joins.
      // And a backend whose worker died while it waited on a lock notices within a second and
      // rolls the part back, releasing its claim, instead of holding it until the lock is freed.
      await tx.execute(sql`SET LOCAL jit = off`);
      await tx.execute(sql`SET LOCAL client_connection_check_interval = '1s'`);
      const partCounts = emptyCounts();
      const { actions, customerIds, pending } = await loadAndPlan(tx, ctx, part, partCounts);
      const outcome = await writeActions(tx, {
        organizationId: ctx.org.id, asOf: ctx.asOf, customerIds, actions, scenarioIds: ctx.scenarioIds, pending,
      });
      partCounts.customers = customerIds.length;
      partCounts.inserted = outcome.inserted;
      partCounts.superseded = outcome.superseded;
      await finishPart(tx, part, WORKER, partCounts);
      return { part: part.part, counts: partCounts };
    });
    if (!done) return counts;
    addCounts(counts, done.counts);
    await onPart?.(done);
  }
}

/**
 * The daily run of one organization, or this worker's share of it when other workers run it too.
 * Safe to repeat, to race and to resume after a crash: parts are claimed, actions are keyed.
 * Returns what this worker did.
 */
export async function runOrganization(db: Db, options: RunOptions): Promise<RunCounts & { asOf: IsoDate }> {
  const ctx = await prepareRun(db, options);
  const runId = await openRun(db, ctx.org.id, ctx.asOf, options.batchSize ?? DEFAULT_PART_SIZE);
  await options.onOpened?.({ runId, asOf: ctx.asOf });
  return { ...(await workRun(db, ctx, runId, options)), asOf: ctx.asOf };
}

/**
 * Joins a run another worker opened (`dunning.joinRun`): claims what parts are left, and returns
 * at once when none is. Never starts the run over, so a helper that comes late does nothing.
 */
export async function joinRun(db: Db, options: RunOptions & { runId: string }): Promise<RunCounts & { asOf: IsoDate }> {
  const ctx = await prepareRun(db, options);
  return { ...(await workRun(db, ctx, options.runId, options)), asOf: ctx.asOf };
}

async function workRun(db: Db, ctx: RunContext, runId: string, options: RunOptions): Promise<RunCounts> {
  const lanes = Math.max(1, options.lanes ?? DEFAULT_LANES);
  const results = await Promise.allSettled(Array.from({ length: lanes }, () => lane(db, ctx, runId, options.onPart)));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const counts = results.reduce((sum, r) => addCounts(sum, (r as PromiseFulfilledResult<RunCounts>).value), emptyCounts());
  await finishRun(db, runId, (parts) => parts.reduce<RunCounts>((sum, c) => addCounts(sum, { ...emptyCounts(), ...c }), emptyCounts()));
  return counts;
}

/**
 * The run for one customer, when its invoices, payments, disputes, promises or CRM flags change:
 * same loader, planner and keys, so it agrees with the daily run and cannot duplicate its actions.
 */
export async function runCustomer(
  db: Db,
  options: RunOptions & { customerId: string },
  /** A context already loaded for this organization (`prepareRun`): saves its queries per customer. */
  prepared?: RunContext,
): Promise<RunCounts & { asOf: IsoDate }> {
  const ctx = prepared && prepared.org.id === options.organizationId ? { ...prepared, asOf: options.asOf ?? prepared.asOf } : await prepareRun(db, options);
  const counts = emptyCounts();
  // The loader keeps the customer only if it belongs to the organization: only then is it planned
  // and its stale actions superseded.
  const { ledgers, pending } = await loadLedgers(db as Queryable, ctx.org.id, { ids: [options.customerId] }, ctx.asOf);
  const ids = ledgers.map((l) => l.customer.externalId);
  const actions = planLedgers(ctx, ledgers, counts);
  const outcome = await writeBatch(db, { organizationId: ctx.org.id, asOf: ctx.asOf, customerIds: ids, actions, scenarioIds: ctx.scenarioIds, pending });
  counts.customers += ids.length;
  counts.inserted += outcome.inserted;
  counts.superseded += outcome.superseded;
  return { ...counts, asOf: ctx.asOf };
}

/**
 * For each of the given customers (ids of one organization), the next action its plan holds after
 * today with the ledger as it stands (core/dunning/forecast.ts), or none; what the worklist shows
 * where nothing is planned yet. Read-only.
 */
export async function forecastCustomers(db: Db, options: RunOptions & { customerIds: readonly string[] }): Promise<Map<string, ForecastAction>> {
  const out = new Map<string, ForecastAction>();
  if (options.customerIds.length === 0) return out;
  const ctx = await prepareRun(db, options);
  const { ledgers } = await loadLedgers(db as Queryable, ctx.org.id, { ids: options.customerIds }, ctx.asOf);
  const planCtx = { asOf: ctx.asOf, organization: ctx.org.planner, scenarios: ctx.scenarios };
  for (const ledger of ledgers) {
    const next = forecastNextAction(ledger, planCtx);
    // The loader gives each ledger's customer the store id as its external id (as runCustomer writes it).
    if (next) out.set(ledger.customer.externalId, next);
  }
  return out;
}

/** Scenarios in the store: save (validated), install the defaults, load for a run, pin one to a customer. */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../store/db.ts';
import { customerDunningProfiles, customers, scenarios } from '../store/schema/index.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import type { Scenario } from '../ledger/index.ts';
import { defaultScenarios } from './defaults.ts';
import { parseScenario, toPlannerScenario, type ScenarioInput } from './schema.ts';

function toRow(organizationId: string, input: ScenarioInput) {
  return {
    organizationId,
    name: input.name,
    priority: input.priority ?? 100,
    segment: (input.segment ?? {}) as Record<string, unknown>,
    steps: input.steps,
    stopRules: input.stopRules ?? ['paid', 'disputed', 'promise', 'paused', 'hold'],
    active: input.active ?? true,
  };
}

/** Validates and saves a scenario (by name: a second save replaces it); returns its id. */
export async function saveScenario(db: Db, organizationId: string, json: unknown): Promise<string> {
  const row = toRow(organizationId, parseScenario(json));
  const [saved] = await db
    .insert(scenarios)
    .values(row)
    .onConflictDoUpdate({
      target: [scenarios.organizationId, scenarios.name],
      set: { ...row, updatedAt: sql`now()` },
    })
    .returning({ id: scenarios.id });
  return saved!.id;
}

/** Adds the shipped scenarios to an organization; existing ones of the same name are kept as they are. */
export async function installDefaultScenarios(db: Db, organizationId: string): Promise<void> {
  const rows = defaultScenarios().map((s) => toRow(organizationId, s));
  await db.insert(scenarios).values(rows).onConflictDoNothing();
}

/** The active scenarios of an organization in priority order, as the planner takes them. */
export async function loadScenarios(db: Db, organizationId: string, baseCurrency: string): Promise<Scenario[]> {
  const rows = await db
    .select()
    .from(scenarios)
    .where(and(eq(scenarios.organizationId, organizationId), eq(scenarios.active, true)))
    .orderBy(asc(scenarios.priority), asc(scenarios.name));
  // Re-validated on load: a row written by hand (or by an older version) fails here, named.
  return rows.map((r) =>
    toPlannerScenario(
      parseScenario({ name: r.name, priority: r.priority, segment: r.segment, steps: r.steps, stopRules: r.stopRules }),
      baseCurrency,
    ),
  );
}

/** Pins a scenario to a customer (an admin's choice over the segments); `null` removes the pin. */
export async function pinScenario(
  db: Db,
  organizationId: string,
  customerId: string,
  scenarioName: string | null,
): Promise<void> {
  let scenarioId: string | null = null;
  if (scenarioName !== null) {
    const [row] = await db
      .select({ id: scenarios.id })
      .from(scenarios)
      .where(and(eq(scenarios.organizationId, organizationId), eq(scenarios.name, scenarioName)));
    if (!row) throw new InvalidInput(`scenario: no scenario named "${scenarioName}"`, { field: 'scenario' });
    scenarioId = row.id;
  }
  const [owner] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.id, customerId), eq(customers.organizationId, organizationId)));
  if (!owner) throw new NotFound(`customer ${customerId} not found`, { field: 'customerId' });
  await db
    .insert(customerDunningProfiles)
    .values({ customerId, organizationId, pinnedScenarioId: scenarioId })
    .onConflictDoUpdate({
      target: customerDunningProfiles.customerId,
      set: { pinnedScenarioId: scenarioId, updatedAt: sql`now()` },
    });
}

/**
 * `credit.review` (every hour, at a quarter past): the credit review of every organization on its
 * own today — holds placed and lifted, limits to review, insured debts to declare. The review
 * writes only what changed and raises each alert once, so running it hourly costs little and an
 * outage is caught up on the next pass. Holds are also reviewed after each reconciliation
 * (jobs/reconcile.ts), so a payment lifts a hold without waiting for the hour. Thin: core/credit.
 * `credit.registry_refresh` (nightly): the company registry's answer for every customer with a
 * company number (core/credit/registry); off when no registry key is configured.
 */
import type { Agenda } from 'agenda';
import { sql } from 'drizzle-orm';
import { organizationToday, reviewCredit } from '../core/credit/index.ts';
import { companiesHouseFromEnv, refreshRegistry, type CompanyRegistryProvider } from '../core/credit/registry/index.ts';
import type { Logger } from '../core/logging.ts';
import type { Db } from '../core/store/index.ts';

export const CREDIT_REVIEW = 'credit.review';
/** Nightly: every customer with a company number checked at the registry (an insolvency holds dunning). */
export const CREDIT_REGISTRY_REFRESH = 'credit.registry_refresh';

/** Reviews every organization; one failing organization does not stop the others. */
export async function reviewAllOrganizations(db: Db, logger: Logger): Promise<number> {
  const { rows } = await db.execute<{ id: string }>(sql`SELECT id FROM organizations ORDER BY id`);
  let reviewed = 0;
  for (const { id } of rows) {
    try {
      const result = await reviewCredit(db, id, await organizationToday(db, id));
      reviewed += 1;
      const changed = result.holds.placed.length + result.holds.lifted.length + result.holds.changed.length;
      if (changed > 0 || result.alertsRaised > 0) logger.info('credit review', { organizationId: id, placed: result.holds.placed.length, lifted: result.holds.lifted.length, alerts: result.alertsRaised });
    } catch (e) {
      logger.error('credit review failed', { organizationId: id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return reviewed;
}

/** Refreshes every organization's customers at the registry; returns the checks made. */
export async function refreshAllRegistries(db: Db, logger: Logger, provider: CompanyRegistryProvider | null = companiesHouseFromEnv()): Promise<number> {
  if (!provider) return 0;
  // Every organization: a company number may also come from the provider's record (refresh.ts).
  const { rows } = await db.execute<{ id: string }>(sql`SELECT id FROM organizations ORDER BY id`);
  let checked = 0;
  for (const { id } of rows) {
    try {
      const checks = await refreshRegistry(db, provider, id);
      checked += checks.length;
      const events = checks.filter((c) => c.insolvencyEvent).length;
      const refused = checks.filter((c) => c.outcome === 'refused' || c.outcome === 'failed').length;
      if (events > 0 || refused > 0) logger.info('registry refresh', { organizationId: id, checked: checks.length, insolvencyEvents: events, refusedOrFailed: refused });
    } catch (e) {
      logger.error('registry refresh failed', { organizationId: id, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return checked;
}

export function defineCreditJobs(agenda: Agenda, deps: { db: Db; logger: Logger }): void {
  agenda.define(CREDIT_REVIEW, async () => {
    await reviewAllOrganizations(deps.db, deps.logger);
  }, { concurrency: 1 });
  agenda.define(CREDIT_REGISTRY_REFRESH, async () => {
    await refreshAllRegistries(deps.db, deps.logger);
  }, { concurrency: 1 });
}

export async function scheduleCredit(agenda: Agenda): Promise<void> {
  await agenda.every('15 * * * *', CREDIT_REVIEW);
  // 02:40 UTC: Companies House's register is updated through the day; a quiet hour for its limit.
  await agenda.every('40 2 * * *', CREDIT_REGISTRY_REFRESH);
}

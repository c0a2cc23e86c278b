/**
 * `credit.review` (every hour, at a quarter past): the credit review of every organization on its
 * own today — holds placed and lifted, limits to review, insured debts to declare. The review
 * writes only what changed and raises each alert once, so running it hourly costs little and an
 * outage is caught up on the next pass. Holds are also reviewed after each reconciliation
 * (jobs/reconcile.ts), so a payment lifts a hold without waiting for the hour. Thin: core/credit.
 */
import type { Agenda } from 'agenda';
import { sql } from 'drizzle-orm';
import { organizationToday, reviewCredit } from '../core/credit/index.ts';
import type { Logger } from '../core/logging.ts';
import type { Db } from '../core/store/index.ts';

export const CREDIT_REVIEW = 'credit.review';

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

export function defineCreditJobs(agenda: Agenda, deps: { db: Db; logger: Logger }): void {
  agenda.define(CREDIT_REVIEW, async () => {
    await reviewAllOrganizations(deps.db, deps.logger);
  }, { concurrency: 1 });
}

export async function scheduleCredit(agenda: Agenda): Promise<void> {
  await agenda.every('15 * * * *', CREDIT_REVIEW);
}

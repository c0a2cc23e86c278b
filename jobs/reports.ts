/**
 * `reports.sendWeekly` (every hour, on the hour): sends each organization's weekly report once its
 * weekday and hour have come in its time zone, once per week. Thin: due weeks, claims, content and
 * retries are core/reports/weekly. The email channel is the dunning jobs' own (jobs/dunning.ts).
 */
import type { Agenda } from 'agenda';
import type { Logger } from '../core/logging.ts';
import { sendDueWeeklyReports } from '../core/reports/weekly/index.ts';
import type { DunningJobDeps } from './dunning.ts';

export const REPORTS_SEND_WEEKLY = 'reports.sendWeekly';

export function defineReportJobs(agenda: Agenda, deps: DunningJobDeps, logger: Logger): void {
  agenda.define(REPORTS_SEND_WEEKLY, async () => {
    const result = await sendDueWeeklyReports(deps.db, { email: deps.send.channels.email, workerId: deps.send.workerId });
    if (result.claimed > 0) logger.info('weekly reports', { ...result });
    // Released claims carry their error on their row; said here too, so an operator sees it in the logs.
    if (result.retry > 0 || result.failed > 0) logger.warn('weekly reports not delivered', { retry: result.retry, failed: result.failed });
  }, { concurrency: 1 });
}

/** A cron on the hour, so a report set for 8:00 leaves at 8:00; after downtime the next pass catches up (due until the week ends). */
export async function scheduleReports(agenda: Agenda): Promise<void> {
  await agenda.every('0 * * * *', REPORTS_SEND_WEEKLY);
}

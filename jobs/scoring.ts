/**
 * The daily rescoring (issue 19.1). Thin: the rule is core/scoring/schedule.ts's.
 * - `scoring.schedule` (every 15 minutes): claims each organization's rescoring once its local
 *   RESCORE_HOUR has come (an hour before the dunning run) and enqueues it.
 * - `scoring.rescore` `{ organizationId, asOf? }`: scores every customer of the organization (the
 *   profiles the worklist and the segments read, and the month's score history).
 */
import type { Agenda, Job } from 'agenda';
import { loadOrganization } from '../core/agenda/organization.ts';
import { todayIn } from '../core/calendar/index.ts';
import type { Logger } from '../core/logging.ts';
import { dueRescores, runRescore } from '../core/scoring/index.ts';
import type { Db } from '../core/store/index.ts';

export const SCORING_SCHEDULE = 'scoring.schedule';
export const SCORING_RESCORE = 'scoring.rescore';

export interface RescoreJobData { organizationId: string; asOf?: string }

export function defineScoringJobs(agenda: Agenda, deps: { db: Db }, logger: Logger): void {
  agenda.define(SCORING_SCHEDULE, async () => {
    for (const due of await dueRescores(deps.db, new Date())) await agenda.now(SCORING_RESCORE, due satisfies RescoreJobData);
  });
  agenda.define(SCORING_RESCORE, async (job: Job<RescoreJobData>) => {
    const { organizationId } = job.attrs.data;
    const asOf = job.attrs.data.asOf ?? todayIn((await loadOrganization(deps.db, organizationId)).timezone);
    const scored = await runRescore(deps.db, organizationId, asOf, async () => { await job.touch(); });
    logger.info('payers rescored', { organizationId, asOf, scored });
  });
}

export async function scheduleScoring(agenda: Agenda): Promise<void> {
  await agenda.every('15 minutes', SCORING_SCHEDULE, {}, { skipImmediate: false });
}

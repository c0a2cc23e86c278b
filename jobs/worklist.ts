/**
 * `worklist.refresh` (recurring, every 5 minutes): recomputes the worklist summaries of the customers
 * written since the last read or whose figures moved with the calendar (core/worklist/summary.ts), so
 * the collector's first page after a sync or a daily run is read, not recomputed. Thin: the rule is
 * core/worklist's; the read path still refreshes whatever this job has not reached yet.
 */
import type { Agenda } from 'agenda';
import type { Logger } from '../core/logging.ts';
import type { Db } from '../core/store/index.ts';
import { refreshAllWorklists } from '../core/worklist/index.ts';

export const WORKLIST_REFRESH = 'worklist.refresh';

export function defineWorklistJobs(agenda: Agenda, deps: { db: Db }, logger: Logger): void {
  agenda.define(WORKLIST_REFRESH, async () => {
    const refreshed = await refreshAllWorklists(deps.db);
    if (Object.keys(refreshed).length) logger.info('worklist summaries refreshed', { organizations: refreshed });
  });
}

export async function scheduleWorklist(agenda: Agenda): Promise<void> {
  await agenda.every('5 minutes', WORKLIST_REFRESH, {}, { skipImmediate: false });
}

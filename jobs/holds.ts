/**
 * `holds.expire` (recurring, hourly): releases the holds whose last day has passed in their
 * organization's time zone, with the timeline row and the CRM's "paused" property written back
 * (core/holds). Thin: the rule is core/holds's.
 */
import type { Agenda } from 'agenda';
import { expireHolds } from '../core/holds/index.ts';
import type { Logger } from '../core/logging.ts';
import type { Db } from '../core/store/index.ts';

export const HOLDS_EXPIRE = 'holds.expire';

export function defineHoldJobs(agenda: Agenda, deps: { db: Db }, logger: Logger): void {
  agenda.define(HOLDS_EXPIRE, async () => {
    const released = await expireHolds(deps.db);
    if (released) logger.info('holds expired', { released });
  });
}

/** Hourly: a hold "until the 12th" resumes within the hour after the 12th ends. */
export async function scheduleHolds(agenda: Agenda): Promise<void> {
  await agenda.every('1 hour', HOLDS_EXPIRE, {}, { skipImmediate: false });
}

/** The weekly report schedule of an organization (one at most): read, saved and removed by the admin API. */
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { Executor } from '../../store/index.ts';
import { reportSchedules, reportSends } from '../../store/schema/index.ts';
import type { ReportLanguage } from './labels.ts';

export interface ReportScheduleInput {
  readonly recipients: readonly string[];
  readonly weekday: number;
  readonly hour: number;
  readonly language: ReportLanguage;
}

export interface ReportSchedule extends ReportScheduleInput {
  readonly updatedAt: string;
  /** When the last weekly report went out, null before the first. */
  readonly lastSentAt: string | null;
}

export async function getReportSchedule(db: Executor, organizationId: string): Promise<ReportSchedule | null> {
  const [row] = await db.select().from(reportSchedules).where(eq(reportSchedules.organizationId, organizationId));
  if (!row) return null;
  const [last] = await db
    .select({ sentAt: reportSends.sentAt })
    .from(reportSends)
    .where(and(eq(reportSends.scheduleId, row.id), isNotNull(reportSends.sentAt)))
    .orderBy(desc(reportSends.sentAt))
    .limit(1);
  return {
    recipients: row.recipients, weekday: row.weekday, hour: row.hour, language: row.language as ReportLanguage,
    updatedAt: row.updatedAt.toISOString(), lastSentAt: last?.sentAt?.toISOString() ?? null,
  };
}

/** Creates or replaces the organization's schedule; `updatedBy` is the actor (`user:…`). */
export async function saveReportSchedule(db: Executor, organizationId: string, input: ReportScheduleInput, updatedBy: string): Promise<ReportSchedule> {
  const values = { recipients: [...input.recipients], weekday: input.weekday, hour: input.hour, language: input.language, updatedBy };
  await db
    .insert(reportSchedules)
    .values({ organizationId, ...values })
    .onConflictDoUpdate({ target: reportSchedules.organizationId, set: { ...values, updatedAt: new Date() } });
  return (await getReportSchedule(db, organizationId))!;
}

/** Removes the schedule (and its send history); false when there was none. */
export async function deleteReportSchedule(db: Executor, organizationId: string): Promise<boolean> {
  const deleted = await db.delete(reportSchedules).where(eq(reportSchedules.organizationId, organizationId)).returning({ id: reportSchedules.id });
  return deleted.length > 0;
}

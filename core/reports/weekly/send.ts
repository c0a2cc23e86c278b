/**
 * Sending the weekly reports. Each due (schedule, week) is claimed first, in `report_sends` (unique
 * per schedule and week: whatever the number of workers, one claim wins), then sent to each
 * recipient, then marked. Like core/sending:
 * - a claim whose worker died before marking it (still `sending` past the lease) is taken over and
 *   sent again, with the same Message-ID per recipient: at least once, never lost in silence;
 * - when nobody got the report and the failure may pass (server down, no channel or credentials
 *   yet), the claim is released with its error and the next hourly pass tries again, until the week
 *   ends; a refusal by the mail server is final: `failed`, with the server's answer;
 * - once one recipient has it, the week is `sent`; recipients it did not reach are named in `error`.
 */
import { sql } from 'drizzle-orm';
import { todayIn, type IsoDate } from '../../calendar/index.ts';
import { DeliveryRejected, type Channel, type EmailMessage } from '../../channels/index.ts';
import { ConfigError } from '../../errors.ts';
import type { Db } from '../../store/index.ts';
import { loadOrganization, loadOrganizationLedgers } from '../store/load-ledgers.ts';
import { composeWeeklyReport } from './content.ts';
import { dueWeek } from './due.ts';
import type { ReportLanguage } from './labels.ts';

/** A `sending` claim older than this belongs to a dead worker and is taken over. */
export const WEEKLY_REPORT_LEASE_MS = 15 * 60_000;

export interface WeeklyReportDeps {
  /** The configured email channel; absent: due reports wait, with the error on their row. */
  readonly email: Channel<EmailMessage> | undefined;
  /** Identifies this worker's claims. */
  readonly workerId: string;
  readonly leaseMs?: number;
}

export interface Delivery {
  readonly delivered: { to: string; messageId: string }[];
  readonly failures: { to: string; error: unknown }[];
}

/**
 * Composes one organization's report on `asOf` and sends it to each recipient. `key` makes the
 * Message-IDs: the same key and recipient always give the same id, so a resent copy is recognisable.
 */
export async function deliverWeeklyReport(
  db: Db,
  email: Channel<EmailMessage> | undefined,
  report: { organizationId: string; recipients: readonly string[]; language: ReportLanguage; asOf: IsoDate; key: string },
): Promise<Delivery> {
  const organization = await loadOrganization(db, report.organizationId);
  const content = composeWeeklyReport(organization, await loadOrganizationLedgers(db, report.organizationId), report.asOf, report.language);
  const delivery: Delivery = { delivered: [], failures: [] };
  for (const to of report.recipients) {
    try {
      if (!email) throw new ConfigError('no email channel configured (set RELANCE_SMTP_URL and RELANCE_MAIL_FROM)', { field: 'RELANCE_SMTP_URL' });
      const sent = await email.send({ channel: 'email', idempotencyKey: `${report.key}:${to}`, to: { address: to }, ...content });
      delivery.delivered.push({ to, messageId: sent.providerMessageId });
    } catch (error) {
      delivery.failures.push({ to, error });
    }
  }
  return delivery;
}

interface DueSchedule extends Record<string, unknown> {
  id: string;
  organization_id: string;
  recipients: string[];
  weekday: number;
  hour: number;
  language: ReportLanguage;
  timezone: string;
}

/** Claims (schedule, week) for this worker: a new week, a released claim, or one whose lease ran out. */
async function claimWeek(db: Db, deps: WeeklyReportDeps, scheduleId: string, week: IsoDate, now: Date): Promise<boolean> {
  const staleBefore = new Date(now.getTime() - (deps.leaseMs ?? WEEKLY_REPORT_LEASE_MS));
  const { rows } = await db.execute(sql`
    INSERT INTO report_sends (schedule_id, week, status, claimed_by, claimed_at)
    VALUES (${scheduleId}::uuid, ${week}::date, 'sending', ${deps.workerId}, ${now.toISOString()}::timestamptz)
    ON CONFLICT (schedule_id, week) DO UPDATE SET claimed_by = EXCLUDED.claimed_by, claimed_at = EXCLUDED.claimed_at
     WHERE report_sends.status = 'sending'
       AND (report_sends.claimed_by IS NULL OR report_sends.claimed_at < ${staleBefore.toISOString()}::timestamptz)
    RETURNING id`);
  return rows.length === 1;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** `lost`: another worker took the claim over meanwhile (our lease ran out); its attempt decides. */
type Outcome = 'sent' | 'retry' | 'failed' | 'lost';

/** Marks the claimed week from what the delivery did, only while the claim is still this worker's. */
async function markWeek(db: Db, deps: WeeklyReportDeps, scheduleId: string, week: IsoDate, delivery: Delivery): Promise<Outcome> {
  const error = delivery.failures.map((f) => `${f.to}: ${messageOf(f.error)}`).join('; ') || null;
  const outcome: Outcome = delivery.delivered.length > 0
    ? 'sent'
    : delivery.failures.every((f) => f.error instanceof DeliveryRejected) ? 'failed' : 'retry';
  const messageIds = delivery.delivered.map((d) => d.messageId).join(' ') || null;
  const marked = await db.execute(sql`
    UPDATE report_sends SET error = ${error}, message_id = ${messageIds},
           status = ${outcome === 'retry' ? 'sending' : outcome},
           claimed_by = ${outcome === 'retry' ? null : deps.workerId},
           sent_at = ${outcome === 'sent' ? sql`now()` : sql`NULL`}
     WHERE schedule_id = ${scheduleId}::uuid AND week = ${week}::date AND status = 'sending' AND claimed_by = ${deps.workerId}`);
  return (marked.rowCount ?? 0) > 0 ? outcome : 'lost';
}

export interface WeeklyPassResult {
  /** Schedules whose week this pass claimed. */
  claimed: number;
  sent: number;
  retry: number;
  failed: number;
  lost: number;
}

/** One pass: every schedule due at `now` whose week is not sent yet is claimed, sent and marked. */
export async function sendDueWeeklyReports(db: Db, deps: WeeklyReportDeps, now: Date = new Date()): Promise<WeeklyPassResult> {
  const { rows } = await db.execute<DueSchedule>(sql`
    SELECT s.id, s.organization_id, s.recipients, s.weekday, s.hour, s.language, o.timezone
      FROM report_schedules s JOIN organizations o ON o.id = s.organization_id ORDER BY s.id`);
  const result: WeeklyPassResult = { claimed: 0, sent: 0, retry: 0, failed: 0, lost: 0 };
  for (const s of rows) {
    const week = dueWeek(s, s.timezone, now);
    if (week === null || !(await claimWeek(db, deps, s.id, week, now))) continue;
    result.claimed++;
    const delivery = await deliverWeeklyReport(db, deps.email, {
      organizationId: s.organization_id, recipients: s.recipients, language: s.language,
      asOf: todayIn(s.timezone, now), key: `report:${s.id}:${week}`,
    }).catch((error: unknown) => ({ delivered: [], failures: [{ to: '*', error }] }));
    result[await markWeek(db, deps, s.id, week, delivery)]++;
  }
  return result;
}

/**
 * What admins set in the console beyond mappings and scenarios: the weekly report each organization
 * emails to chosen recipients, and the organization's own versions of the shipped message templates.
 */
import { sql } from 'drizzle-orm';
import { check, date, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, instant, updatedAt } from './columns.ts';
import { organizations } from './organizations.ts';

/** The weekly report (aged balance, DSO, forecast) of an organization: one schedule each. */
export const reportSchedules = pgTable(
  'report_schedules',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    recipients: text('recipients').array().notNull(),
    // ISO weekday, 1 = Monday; the hour is in the organization's time zone.
    weekday: integer('weekday').notNull(),
    hour: integer('hour').notNull(),
    language: text('language').notNull().default('en'),
    updatedBy: text('updated_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('report_schedules_organization_uq').on(t.organizationId),
    check('report_schedules_weekday_ck', sql`${t.weekday} BETWEEN 1 AND 7`),
    check('report_schedules_hour_ck', sql`${t.hour} BETWEEN 0 AND 23`),
    check('report_schedules_recipients_ck', sql`cardinality(${t.recipients}) > 0`),
  ],
);

/**
 * One row per schedule and week, claimed before the email goes: the unique key is what keeps a
 * week's report from being sent twice, whatever the number of workers.
 */
export const reportSends = pgTable(
  'report_sends',
  {
    id: id(),
    scheduleId: uuid('schedule_id')
      .notNull()
      .references(() => reportSchedules.id, { onDelete: 'cascade' }),
    // The Monday of the week sent for, in the organization's time zone.
    week: date('week', { mode: 'string' }).notNull(),
    status: text('status').notNull().default('sending'),
    claimedBy: text('claimed_by'),
    claimedAt: instant('claimed_at').notNull().defaultNow(),
    sentAt: instant('sent_at'),
    messageId: text('message_id'),
    error: text('error'),
  },
  (t) => [
    uniqueIndex('report_sends_schedule_week_uq').on(t.scheduleId, t.week),
    check('report_sends_status_ck', sql`${t.status} IN ('sending', 'sent', 'failed')`),
  ],
);

/** An organization's edit of a shipped template (core/messages), used instead of the file. */
export const templateOverrides = pgTable(
  'template_overrides',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    name: text('name').notNull(),
    language: text('language').notNull(),
    source: text('source').notNull(),
    updatedBy: text('updated_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('template_overrides_uq').on(t.organizationId, t.channel, t.name, t.language),
    check('template_overrides_channel_ck', sql`${t.channel} IN ('email', 'sms', 'letter')`),
  ],
);

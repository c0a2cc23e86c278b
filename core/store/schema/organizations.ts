/** Organizations (one legal entity each) and the groups that consolidate them. */
import { sql } from 'drizzle-orm';
import { boolean, check, char, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, currency, id, updatedAt, type PostalAddress } from './columns.ts';

/** The late-payment policy as FORMATS.md's ledger states it (`policy`, reference rates, custom terms). */
export interface LatePaymentPolicy {
  policy: 'NONE' | 'FR_B2B' | 'EU_DIRECTIVE' | 'UK_LPCDA' | 'CUSTOM';
  referenceRates?: { from: string; rate: string }[];
  annualRate?: string;
  fixedAmount?: string;
  /** Set when an admin chose the policy; absent, the policy follows the country (core/fees defaults.ts). */
  chosen?: boolean;
}

/** When reminders may leave, in the organization's time zone ("09:00"–"18:00", ISO weekdays 1–7). */
export interface SendingHours {
  from: string;
  to: string;
  days: number[];
}

export const organizations = pgTable(
  'organizations',
  {
    id: id(),
    name: text('name').notNull(),
    baseCurrency: currency('base_currency').notNull(),
    locale: text('locale').notNull().default('en'),
    timezone: text('timezone').notNull().default('UTC'),
    // ISO 3166-1 alpha-2: decides which late-payment law applies.
    country: char('country', { length: 2 }).notNull(),
    latePaymentPolicy: jsonb('late_payment_policy').$type<LatePaymentPolicy>().notNull().default({ policy: 'NONE' }),
    // The sender block of letters: from the provider's company info, editable in settings.
    senderAddress: jsonb('sender_address').$type<PostalAddress>(),
    businessDaysOnly: boolean('business_days_only').notNull().default(false),
    sendingHours: jsonb('sending_hours')
      .$type<SendingHours>()
      .notNull()
      .default({ from: '09:00', to: '18:00', days: [1, 2, 3, 4, 5] }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('organizations_base_currency_iso', sql`${t.baseCurrency} ~ '^[A-Z]{3}$'`),
    check('organizations_country_iso', sql`${t.country} ~ '^[A-Z]{2}$'`),
  ],
);

export const groups = pgTable('groups', {
  id: id(),
  name: text('name').notNull().unique(),
  // Consolidated reports are converted into this currency.
  reportingCurrency: currency('reporting_currency'),
  createdAt: createdAt(),
});

export const groupMemberships = pgTable(
  'group_memberships',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.organizationId] })],
);

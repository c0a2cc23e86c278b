/**
 * Column builders shared by every table, so that ids, money and instants are typed the same way
 * everywhere.
 */
import { bigint, char, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Surrogate keys are random UUIDs: they can be made by any process without a round trip. */
export const id = () => uuid('id').primaryKey().defaultRandom();

/**
 * Money is stored as bigint minor units of the row's currency, not numeric(20,6): it is the same
 * representation as core/money.ts (no conversion, no rounding at the boundary), sums stay exact
 * integers in SQL, and every provider we read (QuickBooks, Xero, HubSpot) states amounts in the
 * currency's minor unit or coarser. The exponent comes from the `currency` column next to it.
 */
export const minor = (name: string) => bigint(name, { mode: 'bigint' });

/** ISO 4217 code; the CHECK on each table keeps it three upper-case letters. */
export const currency = (name = 'currency') => char(name, { length: 3 });

/** Every instant is `timestamptz`: the organization's time zone is applied when reading, never stored. */
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const createdAt = () => instant('created_at').notNull().defaultNow();
export const updatedAt = () => instant('updated_at').notNull().defaultNow();

/**
 * A postal address as a letter needs it: the street lines as written, then the parts a window
 * envelope and the post office read. `country` is ISO 3166-1 alpha-2 when it resolved; the
 * provider's own text is kept in `countryRaw` either way.
 */
export interface PostalAddress {
  lines: string[];
  city?: string;
  postalCode?: string;
  region?: string;
  country?: string;
  countryRaw?: string;
}

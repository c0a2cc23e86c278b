/**
 * Customers (the debtors), their contacts, and the links of one customer to records in other
 * connections (the same company in HubSpot as in QuickBooks).
 */
import { sql } from 'drizzle-orm';
import { boolean, check, char, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, currency, id, instant, minor, updatedAt, type PostalAddress } from './columns.ts';
import { contactRoleEnum } from './enums.ts';
import { connections } from './connections.ts';
import { organizations } from './organizations.ts';

/**
 * Hard bounces (core/sending): when and which address was refused for good. The address is kept
 * with the date so that a sync bringing a new email or phone makes the record reachable again
 * without anyone clearing the flag: an address is invalid only while it equals the bounced one.
 */
function deliverability() {
  return {
    emailInvalidAt: instant('email_invalid_at'),
    emailInvalidAddress: text('email_invalid_address'),
    phoneInvalidAt: instant('phone_invalid_at'),
    phoneInvalidAddress: text('phone_invalid_address'),
  };
}

/**
 * A customer is synced from one connection (its accounting system): `(connection_id, external_id)`
 * is that record. Other connections' records of the same customer are `customer_external_refs`.
 */
export const customers = pgTable(
  'customers',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    currency: currency(),
    balanceMinor: minor('balance_minor'),
    country: char('country', { length: 2 }),
    // The country exactly as the provider wrote it ("USA", "United Kingdom"), kept when it did not
    // resolve to an ISO code so nothing the source said is lost.
    countryRaw: text('country_raw'),
    // Where letters go: synced from the provider's billing address, editable per customer.
    postalAddress: jsonb('postal_address').$type<PostalAddress>(),
    // An admin's edit (the console, the API): wins over the synced address and survives the next sync.
    postalAddressOverride: jsonb('postal_address_override').$type<PostalAddress>(),
    postalAddressEditedBy: text('postal_address_edited_by'),
    postalAddressEditedAt: instant('postal_address_edited_at'),
    language: text('language'),
    // Set by an admin: wins over the synced language and the one derived from the country.
    languageOverride: text('language_override'),
    taxId: text('tax_id'),
    // The company's number at its public registry (UK Companies House, …): set by an admin or mapped
    // from the provider (Xero CompanyNumber); core/credit/registry checks it nightly.
    companyNumber: text('company_number'),
    active: boolean('active').notNull().default(true),
    // Set from the CRM ("paused" property) or the console: a stop rule of every scenario.
    paused: boolean('paused').notNull().default(false),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    sourceUpdatedAt: instant('source_updated_at'),
    raw: jsonb('raw'),
    customFields: jsonb('custom_fields').$type<Record<string, unknown>>().notNull().default({}),
    ...deliverability(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('customers_connection_external_uq').on(t.connectionId, t.externalId),
    index('customers_organization_idx').on(t.organizationId),
    check('customers_currency_iso', sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check('customers_balance_has_currency', sql`${t.balanceMinor} IS NULL OR ${t.currency} IS NOT NULL`),
  ],
);

/**
 * Contacts are synced records too. `customer_external_id` is kept as the source said it, and
 * `customer_id` is filled when that customer is in the store (now or when it syncs later).
 */
export const contacts = pgTable(
  'contacts',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    customerExternalId: text('customer_external_id'),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    name: text('name'),
    email: text('email'),
    phone: text('phone'),
    language: text('language'),
    role: contactRoleEnum('role').notNull().default('main'),
    ...deliverability(),
    sourceUpdatedAt: instant('source_updated_at'),
    raw: jsonb('raw'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('contacts_connection_external_uq').on(t.connectionId, t.externalId),
    index('contacts_customer_idx').on(t.customerId),
  ],
);

/** The same customer as a record of another connection (e.g. a HubSpot company id). */
export const customerExternalRefs = pgTable(
  'customer_external_refs',
  {
    id: id(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    // The provider's object type: "company" for HubSpot, "contact" for a Xero contact, ...
    kind: text('kind').notNull(),
    externalId: text('external_id').notNull(),
    // How the link was made: "domain", "email", "tax_id", "manual".
    matchedBy: text('matched_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    // HubSpot numbers companies and contacts separately: the kind is part of the identity.
    uniqueIndex('customer_external_refs_connection_kind_external_uq').on(t.connectionId, t.kind, t.externalId),
    index('customer_external_refs_customer_idx').on(t.customerId),
  ],
);

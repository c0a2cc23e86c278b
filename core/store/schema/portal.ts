/** The customer portal: the revocable rows behind portal links, and each organization's branding. */
import { check, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, id, instant, updatedAt } from './columns.ts';
import { customers } from './customers.ts';
import { organizations } from './organizations.ts';

/**
 * The stored half of a portal link: the link is signed (core/portal/token.ts) and names this row,
 * so revoking the row kills the link even before it expires.
 */
export const portalTokens = pgTable(
  'portal_tokens',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    // "user:<id>", "job:dunning.send", ...
    createdBy: text('created_by').notNull(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
    lastUsedAt: instant('last_used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('portal_tokens_customer_idx').on(t.customerId)],
);

/** What the portal shows of the organization: its logo and colour (one row per organization). */
export const organizationBranding = pgTable(
  'organization_branding',
  {
    organizationId: uuid('organization_id')
      .primaryKey()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    logoUrl: text('logo_url'),
    // "#RRGGBB": put in a style attribute, so the CHECK keeps anything else out.
    primaryColor: text('primary_color').notNull().default('#1f4e79'),
    updatedAt: updatedAt(),
  },
  (t) => [check('organization_branding_color_hex', sql`${t.primaryColor} ~ '^#[0-9a-fA-F]{6}$'`)],
);

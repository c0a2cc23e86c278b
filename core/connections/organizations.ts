/** The organization a connection belongs to: found by name, or created on first connect. */
import type { Queryable } from './repository.ts';

export interface OrganizationInput {
  name: string;
  baseCurrency: string;
  country: string;
}

/** The id of the organization named `name`, created with these settings when there is none. */
export async function ensureOrganization(db: Queryable, input: OrganizationInput): Promise<string> {
  const found = await db.query<{ id: string }>('SELECT id FROM organizations WHERE name = $1 ORDER BY created_at LIMIT 1', [input.name]);
  if (found.rows[0]) return found.rows[0].id;
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO organizations (name, base_currency, country) VALUES ($1, $2, $3) RETURNING id',
    [input.name, input.baseCurrency, input.country],
  );
  return rows[0]!.id;
}

/**
 * Fills the organization's sender address and time zone from what connect read of the source,
 * only where the organization has none yet (no address; the default `UTC`): an admin's value stays.
 */
export async function fillOrganizationFacts(db: Queryable, organizationId: string, facts: { senderAddress?: unknown; timezone?: string | null }): Promise<void> {
  const address = facts.senderAddress ? JSON.stringify(facts.senderAddress) : null;
  const timezone = facts.timezone ?? null;
  if (address === null && timezone === null) return;
  await db.query(
    `UPDATE organizations SET sender_address = COALESCE(sender_address, $2::jsonb),
            timezone = CASE WHEN timezone = 'UTC' AND $3::text IS NOT NULL THEN $3::text ELSE timezone END,
            updated_at = now()
      WHERE id = $1`,
    [organizationId, address, timezone],
  );
}

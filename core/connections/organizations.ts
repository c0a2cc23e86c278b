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

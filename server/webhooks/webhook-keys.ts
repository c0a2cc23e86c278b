/**
 * The webhook keys of the connections a delivery names, and nothing more. A delivery says which
 * accounts it is about (a QuickBooks realm, a Xero tenant, a HubSpot portal); only the active
 * connections of those accounts have their credentials opened, and each opened key is kept for the
 * life of the process (until the connection row changes), so a stream of forged deliveries costs no
 * decryption at all — before, every delivery decrypted every connection of the provider to try it.
 */
import type pg from 'pg';
import { loadCredentials, type Provider } from '../../core/connections/index.ts';
import type { KeyRing } from '../../core/crypto.ts';

export interface KeyedConnection {
  id: string;
  organizationId: string;
  accountId: string;
  key: string;
}

/** A base64 HMAC-SHA256 exactly as a header carries it: 44 characters, nothing before, after or inside. */
export function strictSignature(headers: Record<string, string | string[] | undefined>, name: string): string | null {
  const value = headers[name];
  return typeof value === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(value) ? value : null;
}

const opened = new Map<string, { version: string; webhookKey: string | null; clientSecret: string | null }>();

/**
 * The active connections of `provider` for `accountIds` (all of the provider's when null: a
 * delivery that names no account, like Xero's intent-to-receive check), each with its webhook key
 * (`orClientSecret`: HubSpot signs with the app's client secret when no webhook key is set).
 */
export async function webhookKeys(
  deps: { pool: pg.Pool; keys: KeyRing },
  provider: Provider,
  accountIds: readonly string[] | null,
  options: { orClientSecret?: boolean } = {},
): Promise<KeyedConnection[]> {
  if (accountIds !== null && accountIds.length === 0) return [];
  const { rows } = await deps.pool.query<{ id: string; organization_id: string; external_account_id: string; version: string }>(
    `SELECT id, organization_id, external_account_id, updated_at::text AS version FROM connections
      WHERE provider = $1 AND status = 'active' AND token_ciphertext IS NOT NULL
        AND ($2::text[] IS NULL OR external_account_id = ANY($2::text[]))
      ORDER BY created_at`,
    [provider, accountIds === null ? null : [...new Set(accountIds)]],
  );
  const out: KeyedConnection[] = [];
  for (const row of rows) {
    let entry = opened.get(row.id);
    if (!entry || entry.version !== row.version) {
      const { settings } = await loadCredentials(deps.pool, deps.keys, row.id);
      entry = { version: row.version, webhookKey: settings.webhookKey ?? null, clientSecret: settings.clientSecret ?? null };
      opened.set(row.id, entry);
    }
    const key = entry.webhookKey ?? (options.orClientSecret ? entry.clientSecret : null);
    if (key) out.push({ id: row.id, organizationId: row.organization_id, accountId: row.external_account_id, key });
  }
  return out;
}

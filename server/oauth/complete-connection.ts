/**
 * Finishing a connection once tokens are in hand (after the code exchange, or given directly for a
 * sandbox): read the account's name and home currency once, find or create the organization (or
 * take the one the console named), and store the connection with its credentials encrypted.
 */
import type pg from 'pg';
import { connectorFor } from '../../connectors/index.ts';
import { createConnection, ensureOrganization, fillOrganizationFacts, type ConnectionRecord, type ConnectionSettings, type Provider } from '../../core/connections/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import { AuthExpired } from '../../core/errors.ts';
import { AccountLimiter, accountKey, defaultRetryPolicy, type TokenSet } from '../../core/http/index.ts';

export interface CompleteConnectionInput {
  provider: Provider;
  settings: ConnectionSettings;
  tokens: TokenSet;
  /** The organization's name; the account's own name when absent. */
  organization: string | null;
  /** An existing organization (a connect from the console): used as it is, never looked up by name. */
  organizationId?: string;
}

export async function completeConnection(deps: { pool: pg.Pool; keys: KeyRing }, input: CompleteConnectionInput): Promise<ConnectionRecord> {
  const connector = connectorFor(input.provider);
  const profile = connector.describe().profile;
  const limiter = new AccountLimiter(accountKey(input.provider, input.settings.accountId), profile);
  const session = connector.connect({
    connectionId: 'connecting',
    settings: input.settings,
    // Fresh from the exchange: a rejection now means the grant itself is wrong.
    tokens: {
      accessToken: async () => input.tokens.accessToken,
      refreshAfterRejection: async () => {
        throw new AuthExpired(`${input.provider}: the new access token was refused`, { provider: input.provider });
      },
    },
    limiter,
    policy: defaultRetryPolicy(),
  });
  try {
    const info = session.accountInfo ? await session.accountInfo() : { displayName: null, homeCurrency: null, country: null };
    const homeCurrency = input.settings.homeCurrency ?? info.homeCurrency ?? null;
    const organizationId = input.organizationId ?? await ensureOrganization(deps.pool, {
      name: input.organization ?? info.displayName ?? `${input.provider} ${input.settings.accountId}`,
      baseCurrency: homeCurrency ?? 'USD',
      country: info.country ?? 'US',
    });
    // The source's own address (the letters' sender block) and time zone, where the organization has none.
    await fillOrganizationFacts(deps.pool, organizationId, { senderAddress: info.senderAddress ?? null, timezone: info.timezone ?? null });
    if (input.organizationId) await adoptAccountFacts(deps.pool, input.organizationId, input.provider, { homeCurrency, country: info.country });
    return await createConnection(deps.pool, deps.keys, {
      organizationId,
      provider: input.provider,
      displayName: info.displayName,
      settings: { ...input.settings, homeCurrency },
      tokens: input.tokens,
    });
  } finally {
    await limiter.stop();
  }
}

/**
 * Issue 13.6, a connect from the console into an organization: the organization's base currency and
 * country are the accounting source's (Xero's Organisation, QuickBooks' CompanyInfo) when this is its
 * first accounting connection, so a GBP tenant makes a GBP / GB organization, never USD / US. Once
 * it has a ledger the organization keeps its facts (an admin corrects them); HubSpot says nothing.
 */
async function adoptAccountFacts(pool: pg.Pool, organizationId: string, provider: Provider, facts: { homeCurrency: string | null; country: string | null }): Promise<void> {
  if (provider === 'hubspot' || (!facts.homeCurrency && !facts.country)) return;
  await pool.query(
    `UPDATE organizations o SET base_currency = COALESCE($2, o.base_currency), country = COALESCE($3, o.country)
      WHERE o.id = $1
        AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.organization_id = o.id AND c.provider IN ('quickbooks', 'xero') AND c.status <> 'disconnected')`,
    [organizationId, facts.homeCurrency, facts.country],
  );
}

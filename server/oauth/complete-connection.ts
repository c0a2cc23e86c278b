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

/** Shared set-up of the sync tests: a key ring, an organization with one QuickBooks connection. */
import { generateKeySpec, parseKeyRing, type KeyRing } from '../../core/crypto.ts';
import { createConnection, ensureOrganization, type ConnectionSettings } from '../../core/connections/index.ts';
import type { Store } from '../../core/store/index.ts';

/** The key specification, for child processes (`RELANCE_SECRET_KEY`). */
export const keySpec = generateKeySpec();
export const ring: KeyRing = parseKeyRing(keySpec);

export function qboSettings(overrides: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return {
    accountId: '9341000000000001',
    clientId: 'client-id',
    clientSecret: 'client-secret',
    baseUrl: 'https://quickbooks.example.test',
    tokenUrl: 'https://quickbooks.example.test/oauth2/v1/tokens/bearer',
    webhookKey: 'verifier-token',
    homeCurrency: 'USD',
    ...overrides,
  };
}

export async function seedQuickBooksConnection(store: Pick<Store, 'pool'>, settings = qboSettings(), expiresInMs = 3_600_000): Promise<string> {
  const organizationId = await ensureOrganization(store.pool, { name: `Org ${settings.accountId}`, baseCurrency: 'USD', country: 'US' });
  const connection = await createConnection(store.pool, ring, {
    organizationId,
    provider: 'quickbooks',
    settings,
    tokens: { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: new Date(Date.now() + expiresInMs) },
  });
  return connection.id;
}

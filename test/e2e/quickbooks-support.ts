/** A QuickBooks connection to a running sandbox, in a test database. */
import type { RunningSandbox } from '../../sandbox/index.ts';
import { createConnection, ensureOrganization } from '../../core/connections/index.ts';
import type { KeyRing } from '../../core/crypto.ts';
import type { Store } from '../../core/store/index.ts';

export async function connectSandbox(store: Pick<Store, 'pool'>, ring: KeyRing, sandbox: RunningSandbox, name = 'Sandbox QuickBooks'): Promise<string> {
  const qb = sandbox.quickbooks;
  const organizationId = await ensureOrganization(store.pool, { name, baseCurrency: sandbox.world.quickbooks.homeCurrency, country: 'US' });
  const connection = await createConnection(store.pool, ring, {
    organizationId,
    provider: 'quickbooks',
    displayName: sandbox.world.quickbooks.organizationName,
    settings: {
      accountId: qb.realmId!,
      clientId: qb.clientId!,
      clientSecret: qb.clientSecret!,
      baseUrl: qb.baseUrl,
      tokenUrl: `${qb.baseUrl}/oauth2/v1/tokens/bearer`,
      webhookKey: qb.webhookVerifierToken!,
      homeCurrency: sandbox.world.quickbooks.homeCurrency,
      extra: { stageFieldId: '1', disputeFieldId: '2' },
    },
    tokens: { accessToken: qb.accessToken!, refreshToken: qb.refreshToken!, expiresAt: new Date(Date.now() + 3_000_000) },
  });
  return connection.id;
}

/** How many records of `entity` the sandbox serves, by its own `select count(*)`. */
export async function sandboxCount(sandbox: RunningSandbox, entity: string, where = ''): Promise<number> {
  const qb = sandbox.quickbooks;
  const url = new URL(`${qb.baseUrl}/v3/company/${qb.realmId}/query`);
  url.searchParams.set('query', `select count(*) from ${entity}${where}`);
  url.searchParams.set('minorversion', '75');
  const response = await fetch(url, { headers: { authorization: `Bearer ${qb.accessToken}`, accept: 'application/json' } });
  const body = (await response.json()) as { QueryResponse: { totalCount: number } };
  return body.QueryResponse.totalCount;
}

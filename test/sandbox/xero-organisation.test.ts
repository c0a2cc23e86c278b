/** Issue 13.6: the Xero simulator serves GET /Organisation, and connect reads a GBP / GB organisation from it. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { xeroConnector } from '../../connectors/xero/index.ts';
import { AccountLimiter, defaultRetryPolicy } from '../../core/http/index.ts';
import { xeroProfile } from '../../connectors/xero/profile.ts';
import { startSandbox, type RunningSandbox } from '../../sandbox/index.ts';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ seed: 51, invoices: 20, asOf: '2026-03-01', port: 0, limits: false });
}, 60_000);
afterAll(async () => sandbox?.close());

it('a GBP organisation in the United Kingdom is read as GBP / GB, not USD / US', async () => {
  const x = sandbox.xero;
  const limiter = new AccountLimiter('xero:organisation-test', xeroProfile);
  try {
    const session = xeroConnector.connect({
      connectionId: 'connecting',
      settings: { accountId: x.tenantId!, clientId: x.clientId!, clientSecret: x.clientSecret!, baseUrl: `${x.baseUrl}/api.xro/2.0`, tokenUrl: `${x.baseUrl}/connect/token` },
      tokens: { accessToken: async () => x.accessToken!, refreshAfterRejection: async () => x.accessToken! },
      limiter,
      policy: defaultRetryPolicy(),
    });
    expect(await session.accountInfo!()).toEqual({
      displayName: sandbox.world.xero.organizationName, homeCurrency: 'GBP', country: 'GB',
      // The organisation's own postal address, the letters' sender block.
      senderAddress: expect.objectContaining({ lines: [expect.stringMatching(/Market Street$/)], country: 'GB' }),
      // Xero's GMTSTANDARDTIME for a GB organisation.
      timezone: 'Europe/London',
    });
  } finally {
    await limiter.stop();
  }
});

/** The tenant's name, base currency and country at connect time, with nock. */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { xeroConnector } from '../../../connectors/xero/index.ts';
import { API, TENANT, stopLimiters, testContext } from './support.ts';

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await stopLimiters();
});

describe('xero account info', () => {
  it('reads the Organisation endpoint', async () => {
    nock(API)
      .get('/api.xro/2.0/Organisation')
      .matchHeader('xero-tenant-id', TENANT)
      .reply(200, { Organisations: [{ Name: 'Fenwick Print Co', BaseCurrency: 'GBP', CountryCode: 'GB', OrganisationType: 'COMPANY' }] });
    await expect(xeroConnector.connect(testContext()).accountInfo!()).resolves.toEqual({ displayName: 'Fenwick Print Co', homeCurrency: 'GBP', country: 'GB' });
  });

  it('falls back to the tenant list for the name when the Organisation endpoint is not there', async () => {
    nock(API)
      .get('/api.xro/2.0/Organisation').reply(404, "The resource you're looking for cannot be found", { 'Content-Type': 'text/plain' })
      .get('/connections').matchHeader('authorization', 'Bearer access-1')
      .reply(200, [{ id: 'c', tenantId: TENANT, tenantType: 'ORGANISATION', tenantName: 'Fenwick Print Co' }]);
    await expect(xeroConnector.connect(testContext()).accountInfo!()).resolves.toEqual({ displayName: 'Fenwick Print Co', homeCurrency: null, country: null });
  });

  it('does not hide other failures', async () => {
    nock(API).get('/api.xro/2.0/Organisation').reply(403, { Title: 'Forbidden', Detail: 'AuthenticationUnsuccessful' });
    await expect(xeroConnector.connect(testContext()).accountInfo!()).rejects.toThrow(/xero answered 403/);
  });
});

/** Xero's online invoice of a sales invoice as the connector's payment link, against nock. */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { xeroConnector } from '../../../connectors/xero/index.ts';
import { API, TENANT, stopLimiters, testContext } from './support.ts';

const INVOICE = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const ONLINE = `/api.xro/2.0/Invoices/${INVOICE}/OnlineInvoice`;
const draftRefusal = {
  ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred',
  Elements: [{ ValidationErrors: [{ Message: 'An online invoice can only be retrieved for an approved sales invoice.' }] }],
};

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});
afterAll(async () => {
  nock.enableNetConnect();
  await stopLimiters();
});

const paymentLink = (id = INVOICE) => xeroConnector.connect(testContext()).paymentLink!(id);

describe('Xero paymentLink', () => {
  it('GETs the online invoice for the tenant and returns OnlineInvoices[0].OnlineInvoiceUrl', async () => {
    let tenant: unknown;
    nock(API).get(ONLINE).reply(function () {
      tenant = this.req.headers['xero-tenant-id'];
      return [200, { Id: 'x', Status: 'OK', OnlineInvoices: [{ OnlineInvoiceUrl: 'https://in.xero.com/bCWCCfytGdTXoJam9HENWlQt07G6zcDaj4gQojHu' }] }];
    });
    expect(await paymentLink()).toBe('https://in.xero.com/bCWCCfytGdTXoJam9HENWlQt07G6zcDaj4gQojHu');
    expect(tenant).toBe(TENANT);
  });

  it('is null for a draft (400 ValidationException), an unknown invoice (404) and an empty answer', async () => {
    nock(API).get(ONLINE).reply(400, draftRefusal);
    expect(await paymentLink()).toBeNull();
    nock(API).get(ONLINE).reply(404, 'The resource you\'re looking for cannot be found');
    expect(await paymentLink()).toBeNull();
    nock(API).get(ONLINE).reply(200, { OnlineInvoices: [] });
    expect(await paymentLink()).toBeNull();
  });

  it('lets an expired authorization through, for the caller to decide', async () => {
    nock(API).get(ONLINE).times(2).reply(401, { Title: 'Unauthorized', Status: 401, Detail: 'TokenExpired' });
    await expect(paymentLink()).rejects.toMatchObject({ code: 'auth_expired' });
  });
});

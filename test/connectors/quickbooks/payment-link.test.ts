/** QuickBooks' payment link of an invoice: a read with include=invoiceLink at our minor version, against nock. */
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { quickbooksConnector } from '../../../connectors/quickbooks/index.ts';
import { MINOR_VERSION } from '../../../connectors/quickbooks/profile.ts';
import { API, BASE, context, strictNock } from './context.ts';

const notFound = { Fault: { Error: [{ Message: 'Object Not Found', Detail: 'Object Not Found : Something you are trying to use has been made inactive or deleted', code: '610' }], type: 'ValidationFault' } };

strictNock();

const paymentLink = (id: string) => quickbooksConnector.connect(context()).paymentLink!(id);

describe('QuickBooks paymentLink', () => {
  it('reads the invoice with include=invoiceLink at the minor version and returns its InvoiceLink', async () => {
    let query: Record<string, unknown> = {};
    nock(BASE).get(`${API}/invoice/130`).query((q) => ((query = q), true)).reply(200, {
      Invoice: { Id: '130', SyncToken: '2', InvoiceLink: 'https://connect.intuit.com/t/scs-v1-abc' },
    });
    expect(await paymentLink('130')).toBe('https://connect.intuit.com/t/scs-v1-abc');
    expect(query).toMatchObject({ include: 'invoiceLink', minorversion: MINOR_VERSION });
    expect(Number(query.minorversion)).toBeGreaterThanOrEqual(36);
  });

  it('is null when the invoice allows no online payment (no InvoiceLink) or is gone', async () => {
    nock(BASE).get(`${API}/invoice/131`).query({ include: 'invoiceLink', minorversion: MINOR_VERSION, format: 'json' }).reply(200, { Invoice: { Id: '131', SyncToken: '0' } });
    nock(BASE).get(`${API}/invoice/999`).query(true).reply(400, notFound);
    expect(await paymentLink('131')).toBeNull();
    expect(await paymentLink('999')).toBeNull();
  });

  it('keeps the id inside its path segment', async () => {
    nock(BASE).get(`${API}/invoice/1%2F2%3Fx%3D1`).query((q) => q.include === 'invoiceLink' && !('x' in q)).reply(200, { Invoice: { Id: '1/2?x=1', SyncToken: '0' } });
    expect(await paymentLink('1/2?x=1')).toBeNull();
  });

  it('lets any other failure through, for the caller to decide', async () => {
    nock(BASE).get(`${API}/invoice/130`).query(true).times(4).reply(503, 'down');
    await expect(paymentLink('130')).rejects.toMatchObject({ code: 'transient' });
  });
});

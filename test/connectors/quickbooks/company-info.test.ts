/**
 * Issue 13.6 for QuickBooks: connect reads CompanyInfo (name, country, the addresses) and
 * Preferences (home currency) as Intuit documents them (test/fixtures/quickbooks/companyinfo.json);
 * the country becomes ISO alpha-2 whatever form it takes, and the address the letters' sender block.
 * The requests are the documented ones: GET /companyinfo/{realmId} and GET /preferences.
 */
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { quickbooksConnector } from '../../../connectors/quickbooks/index.ts';
import { API, BASE, context, REALM, strictNock } from './context.ts';

const sample = JSON.parse(readFileSync(new URL('../../fixtures/quickbooks/companyinfo.json', import.meta.url), 'utf8')) as { CompanyInfo: Record<string, unknown> };
const preferences = { Preferences: { CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: 'USD' } } }, time: '2015-07-10T09:38:58.155-07:00' };

strictNock();

describe('accountInfo', () => {
  it("reads Intuit's CompanyInfo sample: name, US, the customer-facing address as the sender block", async () => {
    nock(BASE).get(`${API}/companyinfo/${REALM}`).query((q) => q.minorversion === '75').reply(200, sample);
    nock(BASE).get(`${API}/preferences`).query((q) => q.minorversion === '75').reply(200, preferences);
    const info = await quickbooksConnector.connect(context()).accountInfo!();
    expect(info).toEqual({
      displayName: "Larry's Bakery", homeCurrency: 'USD', country: 'US', timezone: null,
      senderAddress: { lines: ['2500 Garcia Ave'], city: 'Mountain View', postalCode: '94043', region: 'CA', country: 'US' },
    });
  });

  it('reads a country written as a name or alpha-3 (kept raw on the address), and falls back to CompanyAddr', async () => {
    const { CustomerCommunicationAddr: _none, ...rest } = sample.CompanyInfo;
    const body = { CompanyInfo: { ...rest, Country: 'GBR', CompanyAddr: { Id: '1', Line1: '1 Fleet Street', Line2: 'Floor 3', City: 'London', PostalCode: 'EC4Y 1AA', Country: 'United Kingdom' } } };
    nock(BASE).get(`${API}/companyinfo/${REALM}`).query(true).reply(200, body);
    nock(BASE).get(`${API}/preferences`).query(true).reply(200, { Preferences: { CurrencyPrefs: { HomeCurrency: { value: 'GBP' } } } });
    const info = await quickbooksConnector.connect(context()).accountInfo!();
    expect(info).toMatchObject({ homeCurrency: 'GBP', country: 'GB', senderAddress: { lines: ['1 Fleet Street', 'Floor 3'], city: 'London', postalCode: 'EC4Y 1AA', country: 'GB', countryRaw: 'United Kingdom' } });
  });

  it('an unknown country is null (never USA by default), and an address without a street line is none', async () => {
    nock(BASE).get(`${API}/companyinfo/${REALM}`).query(true).reply(200, { CompanyInfo: { CompanyName: 'X', Country: 'Atlantis', CompanyAddr: { Id: '1', City: 'Nowhere' } } });
    nock(BASE).get(`${API}/preferences`).query(true).reply(200, { Preferences: {} });
    const info = await quickbooksConnector.connect(context()).accountInfo!();
    expect(info).toEqual({ displayName: 'X', homeCurrency: null, country: null, senderAddress: null, timezone: null });
  });
});

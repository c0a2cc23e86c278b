/** The tenant's name, base currency, country and postal address at connect time, with nock. */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { xeroConnector } from '../../../connectors/xero/index.ts';
import { ianaTimeZoneOf } from '../../../connectors/xero/organisation.ts';
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
    await expect(xeroConnector.connect(testContext()).accountInfo!()).resolves.toEqual({ displayName: 'Fenwick Print Co', homeCurrency: 'GBP', country: 'GB', senderAddress: null, timezone: null });
  });

  it('takes the postal (POBOX) address as the sender address, else the street one, with the country as ISO', async () => {
    const street = { AddressType: 'STREET', AddressLine1: '1 Quay Street', City: 'Bristol', PostalCode: 'BS1 4DJ', Country: 'United Kingdom' };
    const pobox = { AddressType: 'POBOX', AddressLine1: 'Unit 4', AddressLine2: ' 22 Mill Lane ', AddressLine3: '', City: 'Leeds', Region: 'West Yorkshire', PostalCode: 'LS1 1AA', Country: 'United Kingdom' };
    nock(API).get('/api.xro/2.0/Organisation')
      .reply(200, { Organisations: [{ Name: 'Fenwick Print Co', BaseCurrency: 'GBP', CountryCode: 'GB', Addresses: [street, pobox] }] });
    const info = await xeroConnector.connect(testContext()).accountInfo!();
    expect(info.senderAddress).toEqual({ lines: ['Unit 4', '22 Mill Lane'], city: 'Leeds', postalCode: 'LS1 1AA', region: 'West Yorkshire', country: 'GB', countryRaw: 'United Kingdom' });

    // No street line in the postal one: the street address; no address at all: none (the settings ask for it).
    nock(API).get('/api.xro/2.0/Organisation')
      .reply(200, { Organisations: [{ Name: 'F', CountryCode: 'GB', Addresses: [{ AddressType: 'POBOX', City: 'Leeds' }, { ...street, Country: undefined }] }] });
    expect((await xeroConnector.connect(testContext()).accountInfo!()).senderAddress).toEqual({ lines: ['1 Quay Street'], city: 'Bristol', postalCode: 'BS1 4DJ', country: 'GB' });
    nock(API).get('/api.xro/2.0/Organisation').reply(200, { Organisations: [{ Name: 'F', CountryCode: 'GB', Addresses: [] }] });
    expect((await xeroConnector.connect(testContext()).accountInfo!()).senderAddress).toBeNull();
  });

  it('falls back to the tenant list for the name when the Organisation endpoint is not there', async () => {
    nock(API)
      .get('/api.xro/2.0/Organisation').reply(404, "The resource you're looking for cannot be found", { 'Content-Type': 'text/plain' })
      .get('/connections').matchHeader('authorization', 'Bearer access-1')
      .reply(200, [{ id: 'c', tenantId: TENANT, tenantType: 'ORGANISATION', tenantName: 'Fenwick Print Co' }]);
    await expect(xeroConnector.connect(testContext()).accountInfo!()).resolves.toEqual({ displayName: 'Fenwick Print Co', homeCurrency: null, country: null, senderAddress: null, timezone: null });
  });

  it('reads the time zone from Xero\'s spelling of Windows names, for the organisation\'s country', () => {
    expect(ianaTimeZoneOf('NEWZEALANDSTANDARDTIME', 'NZ')).toBe('Pacific/Auckland');
    expect(ianaTimeZoneOf('GMTSTANDARDTIME', 'GB')).toBe('Europe/London');
    expect(ianaTimeZoneOf('GMTSTANDARDTIME', 'IE')).toBe('Europe/Dublin');
    expect(ianaTimeZoneOf('ROMANCESTANDARDTIME', 'FR')).toBe('Europe/Paris');
    expect(ianaTimeZoneOf('MOUNTAINSTANDARDTIME(MEXICO)', 'MX')).toMatch(/^America\//);
    // A country the zone does not cover: the zone's own default city.
    expect(ianaTimeZoneOf('EASTERNSTANDARDTIME', null)).toBe('America/New_York');
    expect(ianaTimeZoneOf('NOSUCHSTANDARDTIME', 'GB')).toBeNull();
    expect(ianaTimeZoneOf(undefined, 'GB')).toBeNull();
  });

  it('does not hide other failures', async () => {
    nock(API).get('/api.xro/2.0/Organisation').reply(403, { Title: 'Forbidden', Detail: 'AuthenticationUnsuccessful' });
    await expect(xeroConnector.connect(testContext()).accountInfo!()).rejects.toThrow(/xero answered 403/);
  });
});

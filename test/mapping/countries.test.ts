/** Countries as ISO 3166-1 alpha-2 from whatever the providers write, the raw text kept, languages from the country. */
import { describe, expect, it } from 'vitest';
import { mapRecords, parseOverride } from '../../core/mapping/index.ts';
import { toCountryCode, toLanguageCode } from '../../core/mapping/countries.ts';
import { mapPage } from '../../core/sync/index.ts';

const qbCustomer = (id: string, country: string | undefined, extra: Record<string, unknown> = {}) => ({
  Id: id,
  DisplayName: `Customer ${id}`,
  Active: true,
  CurrencyRef: { value: 'USD' },
  ...(country === undefined ? {} : { BillAddr: { Id: '9', Line1: '12 Market Street', City: 'Springfield', PostalCode: '62701', CountrySubDivisionCode: 'IL', Country: country } }),
  MetaData: { LastUpdatedTime: '2026-01-12T09:14:02-08:00' },
  ...extra,
});

describe('country text to ISO alpha-2', () => {
  it.each([
    ['USA', 'US'], ['US', 'US'], ['us', 'US'], ['United States', 'US'], ['United Kingdom', 'GB'], ['UK', 'GB'],
    ['France', 'FR'], ['Allemagne', 'DE'], ['Deutschland', 'DE'], ['GBR', 'GB'], ['250', 'FR'], [' france ', 'FR'],
  ])('%s → %s', (text, code) => expect(toCountryCode(text)).toBe(code));

  it.each(['Narnia', 'XX', 'ZZZ', ''])('%j names no country', (text) => expect(toCountryCode(text)).toBeNull());

  it.each([['fr-CA', 'fr'], ['pt_BR', 'pt'], ['EN', 'en'], ['French', 'fr'], ['klingon', null]])('language %s → %s', (text, code) =>
    expect(toLanguageCode(text)).toBe(code));
});

describe('QuickBooks customers', () => {
  it('stores "USA" as US with the raw text, the billing address and a language from the country', () => {
    const { records, rejected, warnings } = mapRecords('quickbooks', 'customer', [qbCustomer('1', 'USA'), qbCustomer('2', 'France')]);
    expect(rejected).toEqual([]);
    expect(warnings).toEqual([]);
    expect(records.map((r) => [r.country, r.countryRaw, r.language])).toEqual([['US', 'USA', 'en'], ['FR', 'France', 'fr']]);
    expect(records[0]!.address).toEqual({ lines: ['12 Market Street'], city: 'Springfield', postalCode: '62701', region: 'IL', country: 'US', countryRaw: 'USA' });
  });

  it('keeps an unknown country raw with a warning, never rejecting the customer', () => {
    const { records, rejected, warnings } = mapRecords('quickbooks', 'customer', [qbCustomer('3', 'Narnia')]);
    expect(rejected).toEqual([]);
    expect(records[0]).toMatchObject({ externalId: '3', country: null, countryRaw: 'Narnia', language: null });
    expect(warnings).toEqual(['customer 3: country: "Narnia" is no ISO 3166 country; kept as written']);
  });

  it('a customer without any address has none, and no country', () => {
    const { records } = mapRecords('quickbooks', 'customer', [qbCustomer('4', undefined)]);
    expect(records[0]).toMatchObject({ country: null, countryRaw: null, address: null, language: null });
  });

  it('takes the language from a configured custom field before the country', () => {
    const overrides = parseOverride({ fields: { language: { path: 'CustomField[Name=Language].StringValue' } } }, 'test');
    const raw = qbCustomer('5', 'USA', { CustomField: [{ DefinitionId: '1', Name: 'Language', Type: 'StringType', StringValue: 'fr-CA' }] });
    const { records } = mapRecords('quickbooks', 'customer', [raw, qbCustomer('6', 'USA')], { overrides });
    expect(records.map((r) => r.language)).toEqual(['fr', 'en']);
  });

  it('passes the store schema through the sync page mapping (the sync no longer rejects "USA")', () => {
    const stream = { name: 'customer', produces: [{ entity: 'customer' as const, mapping: 'customer' }] };
    const [mapped] = mapPage(stream, [qbCustomer('7', 'USA'), qbCustomer('8', 'Narnia')], { provider: 'quickbooks', overrides: {}, context: {} });
    expect(mapped!.rejected).toEqual([]);
    expect(mapped!.records.map((r) => [r.externalId, r.country, r.countryRaw])).toEqual([['7', 'US', 'USA'], ['8', null, 'Narnia']]);
  });
});

describe('Xero contacts and HubSpot contacts', () => {
  it('reads a Xero POBOX address, else the STREET one', () => {
    const contact = (id: string, addresses: unknown[]) => ({ ContactID: id, Name: `C ${id}`, ContactStatus: 'ACTIVE', Addresses: addresses, UpdatedDateUTC: '/Date(1771027200000+0000)/' });
    const { records } = mapRecords('xero', 'customer', [
      contact('a', [{ AddressType: 'POBOX', AddressLine1: 'PO Box 77', City: 'Leeds', PostalCode: 'LS1 4AP', Country: 'United Kingdom' }, { AddressType: 'STREET', City: 'York' }]),
      contact('b', [{ AddressType: 'POBOX', AddressLine1: '', City: '', Country: '' }, { AddressType: 'STREET', AddressLine1: '3 rue de la Paix', City: 'Paris', PostalCode: '75002', Country: 'France' }]),
    ], { context: { homeCurrency: 'GBP' } });
    expect(records[0]).toMatchObject({ country: 'GB', language: 'en', address: { lines: ['PO Box 77'], city: 'Leeds', postalCode: 'LS1 4AP', country: 'GB' } });
    expect(records[1]).toMatchObject({ country: 'FR', countryRaw: 'France', language: 'fr', address: { lines: ['3 rue de la Paix'], city: 'Paris', country: 'FR', countryRaw: 'France' } });
  });

  it('takes a HubSpot contact language from hs_language', () => {
    const { records } = mapRecords('hubspot', 'contact', [{ id: '51', properties: { firstname: 'Maya', email: 'maya@example.com', hs_language: 'fr' } }]);
    expect(records[0]).toMatchObject({ externalId: '51', language: 'fr' });
  });
});

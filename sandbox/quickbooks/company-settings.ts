/**
 * The company-wide records: CompanyInfo (name, country) and Preferences (home currency,
 * multicurrency, the sales-form custom fields Relance writes to).
 */
import { streetAddress } from '../shared/addresses.ts';
import type { World } from '../shared/contract.ts';
import { CUSTOM_FIELDS, currencyRef, metaData } from './seed.ts';
import type { CompanyStore, QboBody, Row } from './store.ts';

// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo
// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/preferences
// Both are singletons with Id "1".
/**
 * A `PhysicalAddress` as Intuit's CompanyInfo sample shows it (Line1, City, CountrySubDivisionCode,
 * PostalCode, Country); the US city of sandbox/shared/addresses.ts is Portland, Oregon.
 */
function companyAddress(country: string): Record<string, string> {
  const street = streetAddress('company-1', country);
  return { Id: '1', Line1: street.line1, City: street.city, ...(country === 'US' ? { CountrySubDivisionCode: 'OR' } : {}), PostalCode: street.postalCode, Country: country };
}

export function seedSettings(store: CompanyStore, world: World): void {
  const ledger = world.quickbooks;
  const ms = Date.parse(`${world.asOf}T00:00:00Z`) - 400 * 86_400_000;
  const multi = ledger.customers.some((c) => c.currency !== ledger.homeCurrency);
  const info: QboBody = {
    Id: '1',
    SyncToken: '0',
    domain: 'QBO',
    sparse: false,
    CompanyName: ledger.organizationName,
    LegalName: ledger.organizationName,
    // Intuit's sample writes the company's country as a two-letter code here and in its addresses;
    // CompanyInfo has no time-zone field (the company's zone is not in the Accounting API).
    Country: ledger.country,
    CompanyAddr: companyAddress(ledger.country),
    LegalAddr: companyAddress(ledger.country),
    CustomerCommunicationAddr: companyAddress(ledger.country),
    SupportedLanguages: 'en',
    FiscalYearStartMonth: 'January',
    MetaData: metaData(ms, ms),
  };
  const preferences: QboBody = {
    Id: '1',
    SyncToken: '0',
    domain: 'QBO',
    sparse: false,
    CurrencyPrefs: { MultiCurrencyEnabled: multi, HomeCurrency: { value: currencyRef(ledger.homeCurrency).value } },
    SalesFormsPrefs: {
      CustomField: [
        {
          CustomField: CUSTOM_FIELDS.map((f) => ({
            Name: `SalesFormsPrefs.UseSalesCustom${f.DefinitionId}`,
            Type: 'BooleanType',
            BooleanValue: true,
          })),
        },
        {
          CustomField: CUSTOM_FIELDS.map((f) => ({
            Name: `SalesFormsPrefs.SalesCustomName${f.DefinitionId}`,
            Type: 'StringType',
            StringValue: f.Name,
          })),
        },
      ],
      AllowOnlinePayment: true,
    },
    MetaData: metaData(ms, ms),
  };
  const single = (entity: Row['entity'], body: QboBody): Row => ({ entity, id: '1', numId: 1, createdMs: ms, updatedMs: ms, body });
  store.table('CompanyInfo').load([single('CompanyInfo', info)]);
  store.table('Preferences').load([single('Preferences', preferences)]);
}

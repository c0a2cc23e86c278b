/**
 * The company-wide records: CompanyInfo (name, country) and Preferences (home currency,
 * multicurrency, the sales-form custom fields Relance writes to).
 */
import type { World } from '../shared/contract.ts';
import { CUSTOM_FIELDS, currencyRef, metaData } from './seed.ts';
import type { CompanyStore, QboBody, Row } from './store.ts';

// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo
// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/preferences
// Both are singletons with Id "1".
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
    Country: ledger.country,
    CompanyAddr: { Id: '1', Country: ledger.country },
    SupportedLanguages: 'en',
    DefaultTimeZone: 'America/Los_Angeles',
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

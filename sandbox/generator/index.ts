/**
 * The sandbox's seeded data generator: `generateWorld({ seed, invoices, asOf })` makes the same world
 * byte for byte for the same options. Two ledgers — a US company on QuickBooks (USD, some CAD and EUR
 * customers) and a UK company on Xero (GBP, some EUR and USD) — and a HubSpot CRM whose companies
 * stand for most of the QuickBooks customers. Each part draws from its own stream, so changing how
 * one part is made does not reshuffle the others.
 */
import { InvalidInput } from '../../core/errors.ts';
import type { GenerateOptions, World } from '../shared/contract.ts';
import { SeededRandom } from '../shared/seeded-random.ts';
import { Calendar } from './calendar.ts';
import { generateCrm } from './crm.ts';
import type { LedgerSpec } from './customers.ts';
import { generateLedger, type LedgerNumbering } from './ledger.ts';

export const MIN_INVOICES = 10;
export const MAX_INVOICES = 1_000_000;

const QUICKBOOKS: LedgerSpec = {
  key: 'quickbooks',
  organizationName: 'Northwind Supply Co.',
  homeCurrency: 'USD',
  country: 'US',
  markets: [
    { currency: 'USD', weight: 80, countries: [{ country: 'US', languages: ['en'] }] },
    { currency: 'CAD', weight: 12, countries: [{ country: 'CA', languages: ['en', 'en', 'fr'] }] },
    {
      currency: 'EUR',
      weight: 8,
      countries: [
        { country: 'FR', languages: ['fr'] },
        { country: 'DE', languages: ['de'] },
        { country: 'ES', languages: ['es'] },
      ],
    },
  ],
};

const XERO: LedgerSpec = {
  key: 'xero',
  organizationName: 'Thames Components Ltd',
  homeCurrency: 'GBP',
  country: 'GB',
  markets: [
    { currency: 'GBP', weight: 75, countries: [{ country: 'GB', languages: ['en'] }] },
    {
      currency: 'EUR',
      weight: 15,
      countries: [
        { country: 'IE', languages: ['en'] },
        { country: 'FR', languages: ['fr'] },
        { country: 'DE', languages: ['de'] },
        { country: 'AT', languages: ['de'] },
        { country: 'ES', languages: ['es'] },
        { country: 'BE', languages: ['fr'] },
      ],
    },
    { currency: 'USD', weight: 10, countries: [{ country: 'US', languages: ['en'] }] },
  ],
};

// QuickBooks DocNumbers are plain sequences; Xero's default prefixes are INV- and CN-.
const QUICKBOOKS_NUMBERING: LedgerNumbering = {
  invoice: (n) => String(1000 + n),
  creditNote: (n) => `CM${1000 + n}`,
  allowDrafts: false,
};
const XERO_NUMBERING: LedgerNumbering = {
  invoice: (n) => `INV-${String(n).padStart(5, '0')}`,
  creditNote: (n) => `CN-${String(n).padStart(5, '0')}`,
  allowDrafts: true,
};

/** Makes the world for `options`; throws InvalidInput naming the bad option. */
export function generateWorld(options: GenerateOptions): World {
  const { seed, invoices, asOf } = options;
  if (!Number.isSafeInteger(seed)) throw new InvalidInput(`seed: ${String(seed)} is not an integer`, { field: 'seed' });
  if (!Number.isInteger(invoices) || invoices < MIN_INVOICES || invoices > MAX_INVOICES) {
    throw new InvalidInput(`invoices: ${String(invoices)} is outside ${MIN_INVOICES}..${MAX_INVOICES}`, { field: 'invoices' });
  }
  const cal = new Calendar(asOf);
  const qbo = generateLedger(SeededRandom.derive(seed, 'quickbooks'), cal, QUICKBOOKS, QUICKBOOKS_NUMBERING, invoices);
  const xero = generateLedger(SeededRandom.derive(seed, 'xero'), cal, XERO, XERO_NUMBERING, invoices);
  const hubspot = generateCrm(SeededRandom.derive(seed, 'hubspot'), cal, qbo.customers);
  return { seed, asOf, quickbooks: qbo.ledger, xero: xero.ledger, hubspot };
}

export { parseIsoDate } from './calendar.ts';

/** Every default mapping on provider-shaped records, against canonical records checked by hand. */
import { describe, expect, it } from 'vitest';
import type { MapResult } from '../../core/mapping/index.ts';
import { PROVIDERS, extractRecords, loadDefaultMapping, mapRecords, mappingNames } from '../../core/mapping/index.ts';
import { fixture } from './load-fixture.ts';

function map(provider: string, entity: string, file: string, homeCurrency?: string): MapResult {
  const raws = extractRecords(fixture(file), loadDefaultMapping(provider, entity));
  return mapRecords(provider, entity, raws, { context: { homeCurrency } });
}

const FENWICK = '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f';
const INV_0410 = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

it('every default mapping file loads and validates', () => {
  for (const provider of PROVIDERS) for (const name of mappingNames(provider)) expect(loadDefaultMapping(provider, name).version).toBe(1);
});

describe('QuickBooks', () => {
  it('maps the customer query sample', () => {
    expect(map('quickbooks', 'customer', 'quickbooks-customer-query.json')).toEqual({
      records: [
        {
          entity: 'customer', externalId: '58', name: 'Lindqvist Bakery AB', email: 'ekonomi@lindqvistbakery.se',
          phone: '+46 8 123 456 78', currency: 'EUR', balance: '4180.50', country: 'SE', language: 'sv', taxId: null,
          active: true, updatedAt: '2026-01-12T17:14:02.000Z', countryRaw: 'SE',
          address: { lines: ['Sveavägen 12'], city: 'Stockholm', postalCode: '111 57', country: 'SE', countryRaw: 'SE' },
        },
      ],
      rejected: [],
      warnings: [],
    });
  });

  it('derives a billing contact from the customer', () => {
    expect(map('quickbooks', 'contact', 'quickbooks-customer-query.json').records).toEqual([
      {
        entity: 'contact', externalId: '58', customerExternalId: '58', name: 'Elin Lindqvist',
        email: 'ekonomi@lindqvistbakery.se', phone: '+46 8 123 456 78', role: 'billing', language: null,
      },
    ]);
  });

  it('maps the invoice query sample', () => {
    expect(map('quickbooks', 'invoice', 'quickbooks-invoice-query.json')).toEqual({
      records: [
        {
          entity: 'invoice', externalId: '1877', number: '1877', customerExternalId: '12', issueDate: '2026-01-05',
          dueDate: '2026-02-04', currency: 'USD', total: '1320.00', balance: '1320.00', status: 'open',
          updatedAt: '2026-01-06T18:15:40.000Z',
        },
      ],
      rejected: [],
      warnings: [],
    });
  });

  it('maps the payment query sample with its allocation', () => {
    expect(map('quickbooks', 'payment', 'quickbooks-payment-query.json').records).toEqual([
      {
        entity: 'payment', externalId: '3301', customerExternalId: '12', date: '2026-02-06', currency: 'USD',
        amount: '800.00', unapplied: '0.00', reference: 'CHK 20931',
        allocations: [{ invoiceExternalId: '1877', amount: '800.00' }], updatedAt: '2026-02-06T20:00:00.000Z',
      },
    ]);
  });

  it('maps a CDC body: paid, voided and deleted invoices, in the home currency', () => {
    expect(map('quickbooks', 'invoice', 'quickbooks-cdc.json', 'USD')).toEqual({
      records: [
        {
          entity: 'invoice', externalId: '1880', number: '1880', customerExternalId: '12', issueDate: '2026-02-01',
          dueDate: '2026-03-03', currency: 'USD', total: '99.95', balance: '0.00', status: 'paid',
          updatedAt: '2026-02-10T17:00:00.000Z',
        },
        {
          entity: 'invoice', externalId: '1881', number: '1881', customerExternalId: '12', issueDate: '2026-02-02',
          dueDate: '2026-03-04', currency: 'USD', total: '0.00', balance: '0.00', status: 'void',
          updatedAt: '2026-02-11T17:00:00.000Z',
        },
        {
          entity: 'invoice', externalId: '1875', number: null, customerExternalId: null, issueDate: null, dueDate: null,
          currency: 'USD', total: null, balance: null, status: 'void', updatedAt: '2026-02-12T17:00:00.000Z',
        },
      ],
      rejected: [],
      warnings: [],
    });
  });

  // Issue 13.4: the CreditMemo line's 30 is credit note 901's part of the first invoice, not the
  // payment's money: its own allocations (120 + 80) and unapplied 50.50 make its 250.50.
  it('allocates a payment to invoices, adding lines on the same invoice, the credit memo line as the credit note\'s', () => {
    expect(map('quickbooks', 'payment', 'quickbooks-cdc.json', 'USD').records).toEqual([
      {
        entity: 'payment', externalId: '3310', customerExternalId: '12', date: '2026-02-11', currency: 'USD',
        amount: '250.50', unapplied: '50.50', reference: null,
        allocations: [
          { invoiceExternalId: '1880', amount: '120.00' },
          { invoiceExternalId: '1877', amount: '80.00' },
          { invoiceExternalId: '1880', amount: '30.00', creditNoteExternalId: '901' },
        ],
        updatedAt: '2026-02-11T18:00:00.000Z',
      },
    ]);
  });

  it('maps a credit memo to a credit note', () => {
    expect(map('quickbooks', 'creditNote', 'quickbooks-cdc.json', 'CAD').records).toEqual([
      {
        entity: 'creditNote', externalId: '901', customerExternalId: '12', number: 'CM-901', issueDate: '2026-02-05',
        currency: 'CAD', total: '150.00', remaining: '120.00', allocations: [], updatedAt: '2026-02-11T18:00:00.000Z',
      },
    ]);
  });
});

describe('Xero', () => {
  it('maps the invoice sample', () => {
    expect(map('xero', 'invoice', 'xero-invoice.json')).toEqual({
      records: [
        {
          entity: 'invoice', externalId: INV_0410, number: 'INV-0410', customerExternalId: FENWICK, issueDate: '2026-01-02',
          dueDate: '2026-02-01', currency: 'GBP', total: '1200.00', balance: '900.00', status: 'open',
          updatedAt: '2026-02-01T13:22:03.000Z',
        },
      ],
      rejected: [],
      warnings: [],
    });
  });

  it('maps payments to one allocation each; a deleted payment allocates nothing', () => {
    expect(map('xero', 'payment', 'xero-payments.json')).toEqual({
      records: [
        {
          entity: 'payment', externalId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e', customerExternalId: FENWICK, date: '2026-02-01',
          currency: 'GBP', amount: '300.00', unapplied: '0.00', reference: 'BACS 4471',
          allocations: [{ invoiceExternalId: INV_0410, amount: '300.00' }], updatedAt: '2026-02-01T13:20:00.000Z',
        },
        {
          entity: 'payment', externalId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f', customerExternalId: FENWICK, date: '2026-02-02',
          currency: 'GBP', amount: '75.25', unapplied: '0.00', reference: null, allocations: [],
          updatedAt: '2026-02-02T02:40:00.000Z',
        },
      ],
      rejected: [],
      warnings: [],
    });
  });

  it('maps a customer overpayment to an unapplied payment and rejects a supplier one', () => {
    const result = map('xero', 'overpayment', 'xero-overpayments.json');
    expect(result.records).toEqual([
      {
        entity: 'payment', externalId: 'aa11bb22-cc33-4d44-8e55-ff6677889900', customerExternalId: FENWICK, date: '2026-02-04',
        currency: 'GBP', amount: '500.00', unapplied: '200.00', reference: null,
        allocations: [{ invoiceExternalId: INV_0410, amount: '300.00' }], updatedAt: '2026-02-05T00:00:00.000Z',
      },
    ]);
    expect(result.rejected.map((r) => r.message)).toEqual([
      'payment bb22cc33-dd44-4e55-8f66-007788990011: Type: "SPEND-OVERPAYMENT", expected RECEIVE-OVERPAYMENT',
    ]);
  });

  it('maps a credit note with its allocations', () => {
    expect(map('xero', 'creditNote', 'xero-credit-notes.json').records).toEqual([
      {
        entity: 'creditNote', externalId: 'cc33dd44-ee55-4f66-8a77-bb8899001122', customerExternalId: FENWICK, number: 'CN-0021',
        issueDate: '2026-02-03', currency: 'GBP', total: '120.00', remaining: '0.00',
        allocations: [
          { invoiceExternalId: INV_0410, amount: '70.00' },
          { invoiceExternalId: '1f2e3d4c-0000-4000-8000-000000000002', amount: '50.00' },
        ],
        updatedAt: '2026-02-03T01:00:00.000Z',
      },
    ]);
  });

  it('maps contacts to customers', () => {
    expect(map('xero', 'customer', 'xero-contacts.json', 'GBP')).toEqual({
      records: [
        {
          entity: 'customer', externalId: FENWICK, name: 'Fenwick Print Co', email: 'accounts@fenwickprint.co.uk',
          phone: '44 113 496 0000', currency: 'GBP', balance: null, country: 'GB', language: 'en',
          taxId: 'GB 123 4567 89', active: true, updatedAt: '2026-01-21T12:53:20.000Z', countryRaw: 'United Kingdom',
          address: { lines: ['PO Box 77'], city: 'Leeds', country: 'GB', countryRaw: 'United Kingdom' },
        },
        {
          entity: 'customer', externalId: '77aa66bb-1111-4222-8333-444455556666', name: 'Old Mill Bakery', email: null,
          phone: null, currency: 'GBP', balance: null, country: null, language: null, taxId: null, active: false,
          updatedAt: '2025-10-09T08:53:20.000Z', countryRaw: null, address: null,
        },
      ],
      rejected: [],
      warnings: [],
    });
  });

  it('maps contact persons to contacts of their customer', () => {
    expect(map('xero', 'contact', 'xero-contacts.json').records).toEqual([
      {
        entity: 'contact', externalId: `${FENWICK}:person:0`, customerExternalId: FENWICK, name: 'Tom Ridley',
        email: 'tom@fenwickprint.co.uk', phone: null, role: 'billing', language: null,
      },
      {
        entity: 'contact', externalId: `${FENWICK}:person:1`, customerExternalId: FENWICK, name: 'Ana Costa',
        email: 'ana@fenwickprint.co.uk', phone: null, role: 'main', language: null,
      },
    ]);
  });
});

describe('HubSpot', () => {
  it('maps the companies search sample with the Relance properties read back', () => {
    const { records, rejected } = map('hubspot', 'company', 'hubspot-companies-search.json');
    expect(rejected).toEqual([]);
    expect(records).toEqual([
      {
        entity: 'company', externalId: '9931200111', name: 'Hollis Garden Supply', domain: 'hollisgarden.com',
        ownerExternalId: '70011', updatedAt: '2026-02-09T12:30:00.000Z', relanceStage: 'reminder-1', relancePaused: false,
        relanceDisputed: null, relanceOverdueAmount: null, relanceNextAction: null, relancePromiseDate: null, companyNumber: '08123456', address: null,
      },
      {
        entity: 'company', externalId: '9931200112', name: 'Fenwick Print Co', domain: 'fenwickprint.co.uk',
        ownerExternalId: null, updatedAt: '2026-02-09T12:31:00.000Z', relanceStage: null, relancePaused: null,
        relanceDisputed: null, relanceOverdueAmount: null, relanceNextAction: null, relancePromiseDate: null, companyNumber: null, address: null,
      },
    ]);
  });

  it('maps contacts with the company of their primary association', () => {
    expect(map('hubspot', 'contact', 'hubspot-contacts.json').records).toEqual([
      {
        entity: 'contact', externalId: '51', customerExternalId: '9931200111', name: 'Maya Hollis',
        email: 'maya@hollisgarden.com', phone: '+1 503 555 0101', role: 'main', language: null,
      },
      { entity: 'contact', externalId: '52', customerExternalId: null, name: 'Lone', email: 'lone@example.org', phone: null, role: 'main', language: null },
    ]);
  });
});

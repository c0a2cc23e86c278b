/** The engine's rejections, context, overrides, schema errors and input envelopes. */
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../core/errors.ts';
import {
  compileMapping,
  extractRecords,
  loadDefaultMapping,
  mapRecords,
  parseMapping,
  parseOverride,
} from '../../core/mapping/index.ts';

const invoice = {
  Id: '1877', DocNumber: '1877', TxnDate: '2026-01-05', DueDate: '2026-02-04', TotalAmt: 1320.0, Balance: 1320.0,
  CurrencyRef: { value: 'USD' }, CustomerRef: { value: '12' }, MetaData: { LastUpdatedTime: '2026-01-06T10:15:40-08:00' },
  CustomField: [{ DefinitionId: '2', Name: 'Language', Type: 'StringType', StringValue: 'fr' }],
};

describe('rejections', () => {
  it('rejects what cannot be read, naming the record and field, and maps the rest', () => {
    const raws = [
      { ...invoice, Id: 'A', DueDate: undefined },
      { ...invoice, Id: 'B', CurrencyRef: { value: 'XYZ' } },
      { ...invoice, Id: 'C', TotalAmt: 'about 1300' },
      { ...invoice, Id: 'D', TxnDate: '2026-13-01' },
      { ...invoice, Id: 'E', CurrencyRef: undefined },
      { ...invoice, Id: undefined },
      'not a record',
      { ...invoice, Id: 'F', Balance: 12.345 },
      invoice,
    ];
    const { records, rejected } = mapRecords('quickbooks', 'invoice', raws);
    expect(records.map((r) => r.externalId)).toEqual(['1877']);
    expect(rejected.map((r) => [r.index, r.externalId, r.field])).toEqual([
      [0, 'A', 'dueDate'],
      [1, 'B', 'currency'],
      [2, 'C', 'total'],
      [3, 'D', 'issueDate'],
      [4, 'E', 'currency'],
      [5, null, 'externalId'],
      [6, null, '(record)'],
      [7, 'F', 'balance'],
    ]);
    expect(rejected.map((r) => r.message)).toEqual([
      'invoice A: dueDate: missing (DueDate)',
      'invoice B: currency: unknown currency "XYZ"',
      'invoice C: total: "about 1300" is not a decimal amount',
      'invoice D: issueDate: "2026-13-01" is not a date',
      'invoice E: currency: missing (CurrencyRef.value) and no home currency given',
      'invoice #6 (no id): externalId: missing (Id)',
      'invoice #7 (no id): (record): is not a JSON object',
      'invoice F: balance: "12.345" has more decimals than USD allows (2)',
    ]);
  });

  it('takes the home currency from the context when the record has none, and refuses an unknown one', () => {
    const single = { ...invoice, CurrencyRef: undefined };
    expect(mapRecords('quickbooks', 'invoice', [single], { context: { homeCurrency: 'EUR' } }).records[0]).toMatchObject({
      currency: 'EUR', total: '1320.00',
    });
    expect(() => mapRecords('quickbooks', 'invoice', [single], { context: { homeCurrency: 'EURO' } })).toThrow(
      /homeCurrency: unknown currency "EURO"/,
    );
  });

  it('rejects a QuickBooks payment line that links two invoices to one amount', () => {
    const payment = {
      Id: '9', TxnDate: '2026-02-01', TotalAmt: 10, CurrencyRef: { value: 'USD' }, CustomerRef: { value: '1' },
      Line: [{ Amount: 10, LinkedTxn: [{ TxnId: '1', TxnType: 'Invoice' }, { TxnId: '2', TxnType: 'Invoice' }] }],
    };
    expect(mapRecords('quickbooks', 'payment', [payment]).rejected[0]!.message).toBe(
      'payment 9: allocations: Line[0] links 2 invoices to one amount',
    );
  });

  it('rejects a Xero bill as not a receivable', () => {
    const { rejected } = mapRecords('xero', 'invoice', [{ Type: 'ACCPAY', InvoiceID: 'b-1' }]);
    expect(rejected[0]!.message).toBe('invoice b-1: Type: "ACCPAY", expected ACCREC');
  });
});

describe('status', () => {
  const xero = (Status: string, AmountDue: number) => ({
    Type: 'ACCREC', InvoiceID: `x-${Status}`, Contact: { ContactID: 'c' }, DueDate: '/Date(1769904000000+0000)/',
    CurrencyCode: 'GBP', Total: 100, AmountDue, Status,
  });
  it.each([
    ['DRAFT', 100, 'draft'],
    ['SUBMITTED', 100, 'draft'],
    ['AUTHORISED', 100, 'open'],
    ['AUTHORISED', 0, 'paid'],
    ['PAID', 0, 'paid'],
    ['VOIDED', 0, 'void'],
    ['DELETED', 100, 'void'],
  ])('Xero %s with %d due is %s', (status, due, expected) => {
    expect(mapRecords('xero', 'invoice', [xero(status, due)]).records[0]!.status).toBe(expected);
  });

  it('rejects a status the enum map does not know', () => {
    expect(mapRecords('xero', 'invoice', [xero('ARCHIVED', 1)]).rejected[0]!.message).toMatch(/status: "ARCHIVED" is not one of/);
  });
});

describe('overrides', () => {
  it('reads the language from a custom field and another email field', () => {
    const overrides = parseOverride(
      { fields: { language: { path: 'CustomField[Name=Language].StringValue' }, email: { firstOf: ['Notes', 'PrimaryEmailAddr.Address'] } } },
      'connection 7',
    );
    const customer = { Id: '5', DisplayName: 'X', Notes: 'billing@x.fr', CurrencyRef: { value: 'EUR' }, ...{ CustomField: invoice.CustomField } };
    expect(mapRecords('quickbooks', 'customer', [customer], { overrides }).records[0]).toMatchObject({
      language: 'fr', email: 'billing@x.fr',
    });
  });

  it('keeps the default source when an override changes only a transform', () => {
    const overrides = parseOverride(
      { fields: { status: { transform: { type: 'enum', map: { DRAFT: 'draft', AUTHORISED: 'written_off' } } } } },
      'o',
    );
    const mapping = compileMapping('xero', 'invoice', { overrides });
    expect(mapping.fields['status']).toMatchObject({ path: 'Status', derive: 'documentStatus' });
  });

  it('validates the merged mapping and names the override and the field', () => {
    const bad = (fields: unknown) => () =>
      compileMapping('quickbooks', 'invoice', { overrides: parseOverride({ fields }, 'conn.json'), overridesSource: 'conn.json' });
    expect(bad({ colour: { path: 'Colour' } })).toThrow('conn.json: fields.colour: not a field of invoice');
    expect(bad({ email: { path: 'X' } })).toThrow('conn.json: fields.email: not a field of invoice');
    expect(bad({ dueDate: { transform: 'money', path: 'Due[' } })).toThrow(/conn\.json: fields\.dueDate\.path: unclosed/);
    expect(() => parseOverride({ fields: { total: { path: 'A', firstOf: ['B'] } } }, 'o.json')).not.toThrow();
    expect(bad({ total: { path: 'A', firstOf: ['B'] } })).toThrow('conn.json: fields.total: give one source, not path and firstOf');
    expect(() => compileMapping('quickbooks', 'invoice', { overrides: { provider: 'xero', fields: {} } })).toThrow(
      'overrides: provider: "xero" does not match the mapping\'s "quickbooks"',
    );
  });
});

describe('mapping schema', () => {
  const good = loadDefaultMapping('quickbooks', 'invoice');
  it.each([
    [{ ...good, version: 0 }, 'x.json: version: '],
    [{ ...good, fields: { ...good.fields, dueDate: undefined } }, 'x.json: fields.dueDate: '],
    [{ ...good, fields: { ...good.fields, total: { path: 'TotalAmt', transform: 'euros' } } }, 'x.json: fields.total.transform: '],
    [{ ...good, fields: { ...good.fields, status: { path: 'S', derive: 'guess' } } }, 'x.json: fields.status.derive: '],
    [{ ...good, entity: 'bill' }, 'x.json: entity: '],
    [{ ...good, extra: 1 }, 'x.json: (top level): '],
  ])('names the file and the field (%#)', (json, prefix) => {
    let error: unknown;
    try {
      parseMapping(json, 'x.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as Error).message.startsWith(prefix)).toBe(true);
  });

  it('refuses an unknown provider or entity by name', () => {
    expect(() => loadDefaultMapping('sage', 'invoice')).toThrow('unknown provider "sage" (one of quickbooks, xero, hubspot)');
    expect(() => loadDefaultMapping('hubspot', 'invoice')).toThrow(/unknown entity "invoice" for hubspot/);
    expect(loadDefaultMapping('xero', 'credit-note').entity).toBe('creditNote');
  });
});

describe('input envelopes', () => {
  const m = loadDefaultMapping('quickbooks', 'invoice');
  it.each([
    ['a query body', { QueryResponse: { Invoice: [invoice, invoice] }, time: 't' }, 2],
    ['an empty query body', { QueryResponse: {} }, 0],
    ['a CDC body', { CDCResponse: [{ QueryResponse: [{ Invoice: [invoice] }, { Payment: [{}] }] }] }, 1],
    ['an array', [invoice, invoice, invoice], 3],
    ['a wrapped record', { Invoice: invoice, time: 't' }, 1],
    ['a bare record', invoice, 1],
  ])('finds the records in %s', (_, body, count) => {
    expect(extractRecords(body, m)).toHaveLength(count);
  });
});

describe('derived records and deletions', () => {
  it('derives a QuickBooks billing contact only from a customer with an email or a phone', () => {
    const raws = [
      { Id: '1', DisplayName: 'No Means' },
      { Id: '2', DisplayName: 'Phone Only', PrimaryPhone: { FreeFormNumber: '+33 1 23 45 67 89' } },
    ];
    expect(mapRecords('quickbooks', 'contact', raws).records).toEqual([
      { entity: 'contact', externalId: '2', customerExternalId: '2', name: null, email: null, phone: '+33 1 23 45 67 89', role: 'billing', language: null },
    ]);
  });

  it('maps a deleted QuickBooks customer from CDC as inactive, without rejecting its absent fields', () => {
    const { records, rejected } = mapRecords('quickbooks', 'customer', [
      { status: 'Deleted', Id: '58', MetaData: { LastUpdatedTime: '2026-02-12T09:00:00-08:00' } },
    ]);
    expect(rejected).toEqual([]);
    expect(records[0]).toMatchObject({ externalId: '58', name: null, active: false, balance: null, updatedAt: '2026-02-12T17:00:00.000Z' });
  });
});

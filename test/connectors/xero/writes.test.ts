/**
 * Write-back as invoice history notes, with nock: the PUT body, the idempotency key, a validation
 * refusal, and the note texts for each event Relance writes.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../core/errors.ts';
import { addInvoiceNote, noteForChange, xeroConnector, XeroClient } from '../../../connectors/xero/index.ts';
import type { PushChange } from '../../../connectors/contract.ts';
import { MAX_NOTE_LENGTH } from '../../../connectors/xero/writes/history-notes.ts';
import { API, TENANT, stopLimiters, testContext } from './support.ts';

const INVOICE = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const HISTORY = `/api.xro/2.0/Invoices/${INVOICE}/History`;
const answer = (details: string) => ({ HistoryRecords: [{ Changes: 'Note', DateUTCString: '2026-03-02T10:00:00', DateUTC: '/Date(1772445600000+0000)/', User: 'Relance (via API)', Details: details }] });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(async () => {
  nock.enableNetConnect();
  await stopLimiters();
});

describe('xero history notes', () => {
  it('PUTs one history record with the tenant and the idempotency key', async () => {
    let sent: unknown;
    let headers: Record<string, unknown> = {};
    nock(API)
      .put(HISTORY)
      .reply(function (_uri, body) {
        sent = body;
        headers = this.req.headers;
        return [200, answer('x')];
      });
    const written = await addInvoiceNote(new XeroClient(testContext()), INVOICE, 'Relance: reminder "reminder-1" sent by email on 2026-03-02.', 'outbox-42');
    expect(sent).toEqual({ HistoryRecords: [{ Details: 'Relance: reminder "reminder-1" sent by email on 2026-03-02.' }] });
    expect(headers['xero-tenant-id']).toBe(TENANT);
    expect(headers['idempotency-key']).toBe('outbox-42');
    expect(written.invoiceExternalId).toBe(INVOICE);
  });

  it('writes a contract change as a note and counts its attempts', async () => {
    let details: string | undefined;
    nock(API)
      .put(HISTORY).reply(503, 'Service Unavailable')
      .put(HISTORY).reply((_uri, body) => {
        details = (body as { HistoryRecords: { Details: string }[] }).HistoryRecords[0]!.Details;
        return [200, answer(details)];
      });
    const result = await xeroConnector.connect(testContext()).push({ kind: 'set_disputed', invoiceExternalId: INVOICE, disputed: true, note: 'Goods damaged' });
    expect(details).toBe('Relance: dispute opened; reminders paused for this invoice. Reason: Goods damaged');
    expect(result).toEqual({ externalId: INVOICE, version: null, attempts: 2 });
  });

  it('surfaces Xero\'s validation refusal with its message', async () => {
    nock(API).put(HISTORY).reply(400, { ErrorNumber: 10, Type: 'ValidationException', Message: 'A validation exception occurred', Elements: [{ ValidationErrors: [{ Message: 'The Details field is mandatory.' }] }] });
    await expect(addInvoiceNote(new XeroClient(testContext()), INVOICE, 'x')).rejects.toThrow('xero answered 400: The Details field is mandatory.');
  });

  it('refuses an empty note before calling Xero', async () => {
    await expect(addInvoiceNote(new XeroClient(testContext()), INVOICE, '  ')).rejects.toThrow(/Details is empty/);
  });
});

describe('xero note texts', () => {
  it.each([
    [{ kind: 'reminder_sent', invoiceExternalId: INVOICE, step: 'standard#2 reminder-2', channel: 'email', date: '2026-03-02' }, 'Relance: reminder "standard#2 reminder-2" sent by email on 2026-03-02.'],
    [{ kind: 'set_disputed', invoiceExternalId: INVOICE, disputed: true, note: 'Wrong quantity' }, 'Relance: dispute opened; reminders paused for this invoice. Reason: Wrong quantity'],
    [{ kind: 'set_disputed', invoiceExternalId: INVOICE, disputed: false, note: null }, 'Relance: dispute closed; reminders resume.'],
    [{ kind: 'promise_recorded', invoiceExternalId: INVOICE, amount: '1200.00', currency: 'GBP', date: '2026-03-15' }, 'Relance: the customer promised to pay 1200.00 GBP by 2026-03-15.'],
    [{ kind: 'set_dunning_stage', invoiceExternalId: INVOICE, stage: 'Step 2 reminder-1' }, 'Relance: dunning stage is now "Step 2 reminder-1".'],
  ] as [PushChange, string][])('%j', (change, text) => {
    expect(noteForChange(change)).toEqual({ invoiceExternalId: INVOICE, text });
  });

  it('cuts a long free text to what Xero keeps', () => {
    const { text } = noteForChange({ kind: 'set_disputed', invoiceExternalId: INVOICE, disputed: true, note: 'x'.repeat(5000) });
    expect(text).toHaveLength(MAX_NOTE_LENGTH);
    expect(text.endsWith('…')).toBe(true);
  });

  it('refuses a change Xero is not written with, naming its kind', () => {
    const change: PushChange = { kind: 'set_company_properties', companyExternalId: '1', properties: { stage: 'x' } };
    expect(() => noteForChange(change)).toThrow(InvalidInput);
    expect(() => noteForChange(change)).toThrow('kind: the xero connector does not write "set_company_properties" changes');
  });
});

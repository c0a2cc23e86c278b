/**
 * Writes to an invoice as the Accounting API takes them: a sparse (or full) update guarded by
 * `SyncToken`, and a void. Every accepted write is recorded for `SimControl.writtenBack()`.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#sparse-update-an-invoice
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#void-an-invoice
 */
import { z } from 'zod';
import { announce, type SimContext } from './context.ts';
import { objectNotFoundFault, requestValidationFault, staleObjectFault, type QboFault } from './fault-shapes.ts';
import { amountOf, setCustomerBalance } from './seed.ts';
import type { QboBody, Row } from './store.ts';

// Fields an update may change, and fields QuickBooks computes (sent back by clients that echo a
// whole invoice, and silently ignored). Any other name is refused as QuickBooks refuses it (2010).
const WRITABLE = new Set(['PrivateNote', 'CustomField', 'DueDate', 'TxnDate', 'DocNumber', 'BillEmail', 'CustomerMemo', 'EmailStatus', 'PrintStatus', 'SalesTermRef', 'AllowOnlineCreditCardPayment', 'AllowOnlineACHPayment']);
const COMPUTED = new Set(['Id', 'SyncToken', 'sparse', 'domain', 'MetaData', 'TotalAmt', 'Balance', 'LinkedTxn', 'Line', 'CustomerRef', 'CurrencyRef', 'InvoiceLink']);
// Custom field values hold at most 31 characters; the private note (memo) 4000.
const CUSTOM_FIELD_MAX = 31;
const PRIVATE_NOTE_MAX = 4000;

const identity = z.looseObject({ Id: z.union([z.string(), z.number()]), SyncToken: z.union([z.string(), z.number()]) });
const customField = z.looseObject({ DefinitionId: z.string(), StringValue: z.string().optional() });

function lengthFault(field: string, max: number, length: number): QboFault {
  return requestValidationFault('2500', 'Invalid String Length', `String length is either shorter or longer than supported by specification. Min:0 Max:${max} supported. Supplied length:${length}`, field);
}

/** Finds the invoice named by a write body and checks its SyncToken. */
function target(ctx: SimContext, raw: unknown): { row: Row; body: Record<string, unknown> } {
  const parsed = identity.safeParse(raw);
  if (!parsed.success) {
    const field = String(parsed.error.issues[0]?.path[0] ?? 'Id');
    throw requestValidationFault('2020', 'Required param missing, need to supply the required value for the API', `Required parameter ${field} is missing in the request`, field);
  }
  const id = String(parsed.data.Id);
  const row = ctx.store.get('Invoice', id);
  if (!row) throw objectNotFoundFault('Invoice', id);
  if (String(parsed.data.SyncToken) !== row.body.SyncToken) throw staleObjectFault(id);
  return { row, body: parsed.data };
}

function mergeCustomFields(row: Row, value: unknown): void {
  const parsed = z.array(customField).safeParse(value);
  if (!parsed.success) throw requestValidationFault('2010', 'Request has invalid or unsupported property', 'CustomField must be a list of {DefinitionId, StringValue}', 'CustomField');
  const current = row.body.CustomField as Record<string, unknown>[];
  for (const f of parsed.data) {
    const slot = current.find((c) => c.DefinitionId === f.DefinitionId);
    // A custom field the company does not define is dropped, as QuickBooks drops it.
    if (!slot) continue;
    const v = f.StringValue ?? '';
    if (v.length > CUSTOM_FIELD_MAX) throw lengthFault(`CustomField.${f.DefinitionId}`, CUSTOM_FIELD_MAX, v.length);
    if (v === '') delete slot.StringValue;
    else slot.StringValue = v;
  }
}

function applyFields(row: Row, body: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(body)) {
    if (COMPUTED.has(key)) continue;
    if (!WRITABLE.has(key)) throw requestValidationFault('2010', 'Request has invalid or unsupported property', `Property Name:${key} specified is unsupported or invalid`, key);
    if (key === 'CustomField') mergeCustomFields(row, value);
    else if (key === 'PrivateNote') {
      const note = String(value ?? '');
      if (note.length > PRIVATE_NOTE_MAX) throw lengthFault('PrivateNote', PRIVATE_NOTE_MAX, note.length);
      row.body.PrivateNote = note;
    } else row.body[key] = value;
  }
}

/** `POST /invoice` (operation=update): sparse merges the given fields; full requires the invoice's lines. */
export function updateInvoice(ctx: SimContext, raw: unknown): QboBody {
  const { row, body } = target(ctx, raw);
  const sparse = body.sparse === true || body.sparse === 'true';
  if (!sparse && (body.Line === undefined || body.CustomerRef === undefined)) {
    // A full update replaces the invoice: QuickBooks requires its lines and customer.
    const field = body.Line === undefined ? 'Line' : 'CustomerRef';
    throw requestValidationFault('2020', 'Required param missing, need to supply the required value for the API', `Required parameter ${field} is missing in the request`, field);
  }
  applyFields(row, body);
  ctx.store.table('Invoice').touch(row, ctx.now());
  ctx.written.push({ at: new Date(ctx.now()).toISOString(), entity: 'Invoice', id: row.id, what: sparse ? 'sparse-update' : 'update', body: raw });
  void announce(ctx, [{ row, operation: 'Update' }]);
  return row.body;
}

/** `POST /invoice?operation=void`: amounts drop to zero, the memo says so, the customer owes less. */
export function voidInvoice(ctx: SimContext, raw: unknown): QboBody {
  const { row } = target(ctx, raw);
  const money = row.money!;
  const customer = ctx.store.get('Customer', (row.body.CustomerRef as { value: string }).value);
  if (customer?.money) setCustomerBalance(customer, customer.money.balanceMinor - money.balanceMinor);
  money.totalMinor = 0;
  money.balanceMinor = 0;
  row.body.TotalAmt = amountOf(0, money.currency);
  row.body.Balance = amountOf(0, money.currency);
  for (const line of row.body.Line as Record<string, unknown>[]) {
    line.Amount = 0;
    const detail = line.SalesItemLineDetail as Record<string, unknown> | undefined;
    if (detail) detail.UnitPrice = 0;
  }
  row.body.PrivateNote = row.body.PrivateNote ? `Voided - ${String(row.body.PrivateNote)}` : 'Voided';
  ctx.store.table('Invoice').touch(row, ctx.now());
  ctx.written.push({ at: new Date(ctx.now()).toISOString(), entity: 'Invoice', id: row.id, what: 'void', body: raw });
  void announce(ctx, [{ row, operation: 'Void' }]);
  return row.body;
}

/**
 * `POST /invoice` without an Id: a new invoice, as the Accounting API creates one. QuickBooks
 * requires a `CustomerRef` naming an existing customer and at least one sales line with an
 * amount; the invoice's currency is the customer's (a different `CurrencyRef` is refused), its
 * number the next one, its balance its total. The customer owes the new total at once.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#create-an-invoice
 */
import { z } from 'zod';
import { toMinor } from '../../core/money.ts';
import { announce, type SimContext } from './context.ts';
import { requestValidationFault } from './fault-shapes.ts';
import { customerOfCreate, parseWriteBody } from './write-guards.ts';
import { amountOf, currencyRef, metaData, setCustomerBalance } from './seed.ts';
import type { QboBody, Row } from './store.ts';

const lineSchema = z.looseObject({
  DetailType: z.literal('SalesItemLineDetail'),
  Amount: z.number().nonnegative(),
  Description: z.string().max(4000).optional(),
  SalesItemLineDetail: z.looseObject({ ItemRef: z.looseObject({ value: z.string().min(1) }) }),
});
const createSchema = z.looseObject({
  CustomerRef: z.looseObject({ value: z.string().min(1) }),
  Line: z.array(lineSchema).min(1),
  CurrencyRef: z.looseObject({ value: z.string() }).optional(),
  TxnDate: z.string().optional(),
  DueDate: z.string().optional(),
  DocNumber: z.string().max(21).optional(),
  PrivateNote: z.string().max(4000).optional(),
  CustomerMemo: z.looseObject({ value: z.string().max(1000) }).optional(),
});

let nextDocNumber = 900_000;

export function createInvoice(ctx: SimContext, raw: unknown): QboBody {
  const b = parseWriteBody(createSchema, raw, 'Line');
  const { customer, currency } = customerOfCreate(ctx, b.CustomerRef, b.CurrencyRef);
  let totalMinor = 0;
  const lines: Record<string, unknown>[] = b.Line.map((l, i) => {
    let minor: bigint;
    try {
      minor = toMinor(l.Amount, currency, `Line.${i}.Amount`);
    } catch {
      throw requestValidationFault('2010', 'Request has invalid or unsupported property', `Amount ${l.Amount} has more decimals than ${currency} allows`, `Line.${i}.Amount`);
    }
    totalMinor += Number(minor);
    return { Id: String(i + 1), LineNum: i + 1, ...l };
  });
  lines.push({ Amount: amountOf(totalMinor, currency), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
  const at = ctx.now();
  const numId = ctx.store.allocateId();
  const today = new Date(at).toISOString().slice(0, 10);
  const body: QboBody = {
    Id: String(numId), SyncToken: '0', domain: 'QBO', sparse: false,
    DocNumber: b.DocNumber ?? String(nextDocNumber++), TxnDate: b.TxnDate ?? today, DueDate: b.DueDate ?? b.TxnDate ?? today,
    TotalAmt: amountOf(totalMinor, currency), Balance: amountOf(totalMinor, currency), CurrencyRef: currencyRef(currency),
    CustomerRef: { value: customer.id, name: customer.body.DisplayName },
    ...(b.PrivateNote ? { PrivateNote: b.PrivateNote } : {}), ...(b.CustomerMemo ? { CustomerMemo: b.CustomerMemo } : {}),
    EmailStatus: 'NotSet', PrintStatus: 'NotSet', CustomField: [], Line: lines, LinkedTxn: [], MetaData: metaData(at, at),
  };
  const row: Row = { entity: 'Invoice', id: body.Id, numId, createdMs: at, updatedMs: at, body, money: { currency, totalMinor, balanceMinor: totalMinor } };
  ctx.store.table('Invoice').insert(row);
  if (customer.money) setCustomerBalance(customer, customer.money.balanceMinor + totalMinor);
  ctx.written.push({ at: new Date(at).toISOString(), entity: 'Invoice', id: row.id, what: 'create', body: raw });
  void announce(ctx, [{ row, operation: 'Create' }]);
  return row.body;
}

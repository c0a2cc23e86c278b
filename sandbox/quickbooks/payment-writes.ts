/**
 * `POST /payment`: a new payment (below), or a sparse update of a payment's applications as the Accounting API takes it: the
 * `Line` list replaces the payment's lines, each `{Amount, LinkedTxn: [{TxnId, TxnType: "Invoice"}]}`;
 * guarded by `SyncToken` (5010 when stale); the invoices' balances move by the difference, and
 * `UnappliedAmt` is what the lines leave of `TotalAmt`. More than the payment, or more than an
 * invoice's balance, is refused (6000), as QuickBooks refuses it.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment#sparse-update-a-payment
 */
import { z } from 'zod';
import { toMinor } from '../../core/money.ts';
import { announce, type SimContext } from './context.ts';
import { businessValidationFault, objectNotFoundFault, requestValidationFault, staleObjectFault } from './fault-shapes.ts';
import { customerOfCreate, parseWriteBody } from './write-guards.ts';
import { amountOf, currencyRef, metaData, setCustomerBalance } from './seed.ts';
import type { QboBody, Row } from './store.ts';

const lineSchema = z.looseObject({
  Amount: z.number().nonnegative(),
  LinkedTxn: z.array(z.looseObject({ TxnId: z.union([z.string(), z.number()]).transform(String), TxnType: z.string() })).min(1),
});
const bodySchema = z.looseObject({
  Id: z.union([z.string(), z.number()]).transform(String),
  SyncToken: z.union([z.string(), z.number()]).transform(String),
  sparse: z.union([z.boolean(), z.literal('true')]).optional(),
  Line: z.array(lineSchema).optional(),
});

function businessFault(message: string, detail: string): never {
  throw businessValidationFault(message, detail, 'Line');
}

/** The amounts a payment's lines apply, per invoice, in minor units. */
function appliedByInvoice(lines: readonly { Amount: number; LinkedTxn: { TxnId: string; TxnType: string }[] }[], currency: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of lines) {
    const link = line.LinkedTxn.find((t) => t.TxnType === 'Invoice');
    if (!link) continue;
    out.set(link.TxnId, (out.get(link.TxnId) ?? 0) + Number(toMinor(line.Amount, currency)));
  }
  return out;
}

export function updatePayment(ctx: SimContext, raw: unknown): QboBody {
  const body = parseWriteBody(bodySchema, raw, 'Id');
  const row = ctx.store.get('Payment', body.Id);
  if (!row) throw objectNotFoundFault('Payment', body.Id);
  if (body.SyncToken !== row.body.SyncToken) throw staleObjectFault(body.Id);
  if (body.Line === undefined) return row.body;
  const money = row.money!;
  const before = appliedByInvoice((row.body.Line as z.infer<typeof lineSchema>[] | undefined) ?? [], money.currency);
  const after = appliedByInvoice(body.Line, money.currency);
  const applied = [...after.values()].reduce((s, v) => s + v, 0);
  if (applied > money.totalMinor) businessFault('Payment amount exceeded', `The lines apply ${amountOf(applied, money.currency)}, more than the payment's ${amountOf(money.totalMinor, money.currency)}`);
  const invoices: { row: Row; delta: number }[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const invoice = ctx.store.get('Invoice', id);
    if (!invoice) throw objectNotFoundFault('Invoice', id);
    if ((invoice.body.CustomerRef as { value: string }).value !== (row.body.CustomerRef as { value: string }).value) {
      businessFault('Invalid Reference Id', `Invoice ${id} belongs to another customer`);
    }
    const delta = (after.get(id) ?? 0) - (before.get(id) ?? 0);
    if (delta > invoice.money!.balanceMinor) businessFault('Amount exceeds the invoice balance', `Invoice ${id} has ${amountOf(invoice.money!.balanceMinor, money.currency)} open`);
    if (delta !== 0) invoices.push({ row: invoice, delta });
  }
  row.body.Line = body.Line.map((l) => ({ Amount: l.Amount, LinkedTxn: l.LinkedTxn.map((t) => ({ TxnId: t.TxnId, TxnType: t.TxnType })) }));
  money.balanceMinor = money.totalMinor - applied;
  row.body.UnappliedAmt = amountOf(money.balanceMinor, money.currency);
  const now = ctx.now();
  const customer = ctx.store.get('Customer', (row.body.CustomerRef as { value: string }).value);
  for (const { row: invoice, delta } of invoices) {
    invoice.money!.balanceMinor -= delta;
    invoice.body.Balance = amountOf(invoice.money!.balanceMinor, money.currency);
    ctx.store.table('Invoice').touch(invoice, now);
    if (customer?.money) setCustomerBalance(customer, customer.money.balanceMinor - delta);
  }
  ctx.store.table('Payment').touch(row, now);
  ctx.written.push({ at: new Date(now).toISOString(), entity: 'Payment', id: row.id, what: 'sparse-update', body: raw });
  void announce(ctx, [{ row, operation: 'Update' }, ...invoices.map(({ row: invoice }) => ({ row: invoice, operation: 'Update' as const }))]);
  return row.body;
}

const createLineSchema = z.looseObject({
  Amount: z.number().nonnegative(),
  LinkedTxn: z.array(z.looseObject({ TxnId: z.union([z.string(), z.number()]).transform(String), TxnType: z.string() })).min(1),
});
const createSchema = z.looseObject({
  CustomerRef: z.looseObject({ value: z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(1)) }),
  TotalAmt: z.number().nonnegative(),
  CurrencyRef: z.looseObject({ value: z.string() }).optional(),
  TxnDate: z.iso.date().optional(),
  PrivateNote: z.string().max(4000).optional(),
  PaymentRefNum: z.string().max(21).optional(),
  Line: z.array(createLineSchema).optional(),
});
type CreateLine = z.infer<typeof createLineSchema>;
const LINKABLE = ['Invoice', 'CreditMemo'];

/** A transaction a new payment's lines link to: the row, and how much the lines take from it. */
interface Linked {
  row: Row;
  minor: number;
}

function minorOf(amount: number, currency: string, field: string): number {
  try {
    return Number(toMinor(amount, currency, field));
  } catch {
    throw requestValidationFault('2010', 'Request has invalid or unsupported property', `Amount ${amount} has more decimals than ${currency} allows`, field);
  }
}

/**
 * The amounts a new payment's lines take from each invoice and each credit memo. A line linking an
 * invoice and a credit memo both (as some clients send) applies that credit to that invoice: its
 * amount counts for each.
 */
function linkedBy(ctx: SimContext, lines: readonly CreateLine[], customerId: string, currency: string): { invoices: Map<string, Linked>; memos: Map<string, Linked> } {
  const invoices = new Map<string, Linked>();
  const memos = new Map<string, Linked>();
  lines.forEach((line, i) => {
    const minor = minorOf(line.Amount, currency, `Line.${i}.Amount`);
    for (const link of line.LinkedTxn) {
      if (!LINKABLE.includes(link.TxnType)) {
        throw requestValidationFault('2010', 'Request has invalid or unsupported property', `LinkedTxn.TxnType ${link.TxnType} cannot be paid by a Payment`, `Line.${i}.LinkedTxn.TxnType`);
      }
      const entity = link.TxnType as 'Invoice' | 'CreditMemo';
      const into = entity === 'Invoice' ? invoices : memos;
      const known = into.get(link.TxnId);
      if (known) {
        known.minor += minor;
        continue;
      }
      const row = ctx.store.get(entity, link.TxnId);
      if (!row) throw objectNotFoundFault(entity, link.TxnId);
      if ((row.body.CustomerRef as { value: string }).value !== customerId) businessFault('Invalid Reference Id', `${entity} ${link.TxnId} belongs to another customer`);
      if (row.money!.currency !== currency) businessFault('A business validation error has occurred while processing your request', `${entity} ${link.TxnId} is in ${row.money!.currency}, the payment in ${currency}`);
      into.set(link.TxnId, { row, minor });
    }
  });
  return { invoices, memos };
}

/**
 * `POST /payment` without an Id: a new payment, as the Accounting API creates one. `CustomerRef`
 * and `TotalAmt` are required; `Line` links invoices (money applied to them) and credit memos
 * (credit used up on the invoices of the same payment). The invoice lines less the credit memo
 * lines are the cash applied: at most `TotalAmt`, never negative — so a $0 payment, QuickBooks' way
 * of applying a credit memo, has invoice lines equal to its credit memo lines. Each invoice's
 * `Balance` and each credit memo's `RemainingCredit` (and `Balance`) drop by what the lines take,
 * never below zero; the customer owes `TotalAmt` less. More than is open is refused (6000).
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment#create-a-payment
 */
export function createPayment(ctx: SimContext, raw: unknown): QboBody {
  const b = parseWriteBody(createSchema, raw, 'CustomerRef');
  const { customer, currency } = customerOfCreate(ctx, b.CustomerRef, b.CurrencyRef);
  const totalMinor = minorOf(b.TotalAmt, currency, 'TotalAmt');
  const lines = b.Line ?? [];
  const { invoices, memos } = linkedBy(ctx, lines, customer.id, currency);
  const invoiceMinor = [...invoices.values()].reduce((s, l) => s + l.minor, 0);
  const creditMinor = [...memos.values()].reduce((s, l) => s + l.minor, 0);
  if (creditMinor > invoiceMinor) businessFault('A business validation error has occurred while processing your request', `The credit memo lines (${amountOf(creditMinor, currency)}) apply more than the invoice lines (${amountOf(invoiceMinor, currency)})`);
  const cashMinor = invoiceMinor - creditMinor;
  if (cashMinor > totalMinor) businessFault('Payment amount exceeded', `The lines apply ${amountOf(cashMinor, currency)}, more than the payment's ${amountOf(totalMinor, currency)}`);
  for (const [id, { row, minor }] of invoices) {
    if (minor > row.money!.balanceMinor) businessFault('Amount exceeds the invoice balance', `Invoice ${id} has ${amountOf(row.money!.balanceMinor, currency)} open`);
  }
  for (const [id, { row, minor }] of memos) {
    if (minor > row.money!.balanceMinor) businessFault('Amount exceeds the credit remaining', `CreditMemo ${id} has ${amountOf(row.money!.balanceMinor, currency)} of credit remaining`);
  }

  const at = ctx.now();
  const numId = ctx.store.allocateId();
  const body = {
    Id: String(numId), SyncToken: '0', domain: 'QBO', sparse: false,
    TxnDate: b.TxnDate ?? new Date(at).toISOString().slice(0, 10),
    TotalAmt: amountOf(totalMinor, currency), UnappliedAmt: amountOf(totalMinor - cashMinor, currency), ProcessPayment: false,
    CurrencyRef: currencyRef(currency), CustomerRef: { value: customer.id, name: customer.body.DisplayName },
    ...(b.PrivateNote ? { PrivateNote: b.PrivateNote } : {}), ...(b.PaymentRefNum ? { PaymentRefNum: b.PaymentRefNum } : {}),
    Line: lines.map((l) => ({ Amount: l.Amount, LinkedTxn: l.LinkedTxn.map((t) => ({ TxnId: t.TxnId, TxnType: t.TxnType })) })),
    MetaData: metaData(at, at),
  } as QboBody;
  const row: Row = { entity: 'Payment', id: body.Id, numId, createdMs: at, updatedMs: at, body, money: { currency, totalMinor, balanceMinor: totalMinor - cashMinor } };
  ctx.store.table('Payment').insert(row);
  for (const { row: invoice, minor } of invoices.values()) {
    invoice.money!.balanceMinor -= minor;
    invoice.body.Balance = amountOf(invoice.money!.balanceMinor, currency);
    (invoice.body.LinkedTxn as unknown[]).push({ TxnId: row.id, TxnType: 'Payment' });
    ctx.store.table('Invoice').touch(invoice, at);
  }
  for (const { row: memo, minor } of memos.values()) {
    memo.money!.balanceMinor -= minor;
    memo.body.RemainingCredit = amountOf(memo.money!.balanceMinor, currency);
    memo.body.Balance = memo.body.RemainingCredit;
    ctx.store.table('CreditMemo').touch(memo, at);
  }
  // Invoices less credit less unapplied cash: the customer owes the payment's total less.
  const owesLess = totalMinor > 0 && customer.money !== undefined;
  if (owesLess) {
    setCustomerBalance(customer, customer.money!.balanceMinor - totalMinor);
    ctx.store.table('Customer').touch(customer, at);
  }
  ctx.written.push({ at: new Date(at).toISOString(), entity: 'Payment', id: row.id, what: 'create', body: raw });
  void announce(ctx, [
    { row, operation: 'Create' },
    ...[...invoices.values(), ...memos.values()].map(({ row: changed }) => ({ row: changed, operation: 'Update' as const })),
    ...(owesLess ? [{ row: customer, operation: 'Update' as const }] : []),
  ]);
  return row.body;
}

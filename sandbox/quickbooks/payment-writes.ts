/**
 * `POST /payment`, a sparse update of a payment's applications as the Accounting API takes it: the
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
import { amountOf, setCustomerBalance } from './seed.ts';
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
  const parsed = bodySchema.safeParse(raw);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'Id';
    throw requestValidationFault('2020', 'Required param missing, need to supply the required value for the API', `Required parameter ${field} is missing or invalid in the request`, field);
  }
  const body = parsed.data;
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

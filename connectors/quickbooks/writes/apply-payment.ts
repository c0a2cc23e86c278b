/**
 * Applies a payment's unapplied money to invoices: QuickBooks links a payment to an invoice by a
 * `Line` with `LinkedTxn [{TxnId, TxnType: "Invoice"}]`. On update `Line` replaces the payment's
 * applications and holds one line per invoice, so the lines sent are the current ones with the new
 * amounts added (a second line for an invoice already linked would replace its amount).
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment#sparse-update-a-payment
 * https://developer.intuit.com/app/developer/qbo/docs/workflows/manage-linked-transactions
 * A credit memo is applied through a new $0 payment that links it (apply-credit-memo.ts).
 */
import { z } from 'zod';
import { Conflict, InvalidInput } from '../../../core/errors.ts';
import { formatMinor, toMinor } from '../../../core/money.ts';
import type { PushChange, PushResult } from '../../contract.ts';
import type { QuickBooksClient } from '../client.ts';
import { unwrapEntity } from '../schemas.ts';
import { applyCreditMemo } from './apply-credit-memo.ts';
import { MAX_WRITE_ATTEMPTS, requestIdOf } from './sparse-update-invoice.ts';

type ApplyChange = Extract<PushChange, { kind: 'apply_payment' }>;

const lineSchema = z.looseObject({
  Amount: z.number(),
  LinkedTxn: z.array(z.looseObject({ TxnId: z.union([z.string(), z.number()]).transform(String), TxnType: z.string() })).optional(),
});
const paymentSchema = z.looseObject({
  Id: z.string(),
  SyncToken: z.string(),
  UnappliedAmt: z.number().optional(),
  CurrencyRef: z.looseObject({ value: z.string() }).optional(),
  Line: z.array(lineSchema).optional(),
});
type PaymentLine = z.infer<typeof lineSchema>;

/** QuickBooks amounts are JSON numbers; they become minor units before any arithmetic. */
const minorOf = (amount: number, currency: string): bigint => toMinor(amount, currency);

function linesAfter(lines: readonly PaymentLine[], change: ApplyChange, currency: string): { lines: Record<string, unknown>[]; added: bigint } {
  const byInvoice = new Map<string, bigint>();
  const others: Record<string, unknown>[] = [];
  for (const line of lines) {
    const invoice = line.LinkedTxn?.find((t) => t.TxnType === 'Invoice');
    if (!invoice || line.LinkedTxn!.length !== 1) others.push(line);
    else byInvoice.set(invoice.TxnId, (byInvoice.get(invoice.TxnId) ?? 0n) + minorOf(line.Amount, currency));
  }
  let added = 0n;
  for (const a of change.applications) {
    const amount = toMinor(a.amount, currency);
    added += amount;
    byInvoice.set(a.invoiceExternalId, (byInvoice.get(a.invoiceExternalId) ?? 0n) + amount);
  }
  const linked = [...byInvoice].map(([txnId, minor]) => ({
    // Back to a decimal number for the JSON body: exact because it comes from a decimal string.
    Amount: Number(formatDecimal(minor, currency)),
    LinkedTxn: [{ TxnId: txnId, TxnType: 'Invoice' }],
  }));
  return { lines: [...linked, ...others], added };
}

const formatDecimal = formatMinor;

export async function applyPayment(client: QuickBooksClient, change: ApplyChange, now: Date, requestKey?: string): Promise<PushResult> {
  if (change.source === 'credit_note') return applyCreditMemo(client, change, now, requestKey);
  if (change.source !== 'payment') {
    // Overpayments and prepayments are Xero's: QuickBooks keeps unapplied money on the payment itself.
    throw new InvalidInput(`quickbooks: apply_payment from a ${change.source} is not possible (QuickBooks has no ${change.source})`, { field: 'source' });
  }
  for (let attempt = 1; ; attempt++) {
    const read = paymentSchema.safeParse(unwrapEntity(await client.invoke('read Payment', 'getPayment', [change.sourceExternalId]), 'Payment'));
    if (!read.success) throw new InvalidInput(`quickbooks payment ${change.sourceExternalId}: unexpected answer: ${read.error.issues[0]?.path.join('.')}`, { field: 'Payment' });
    const current = read.data;
    const currency = current.CurrencyRef?.value ?? change.currency;
    if (currency !== change.currency) throw new InvalidInput(`quickbooks payment ${current.Id} is in ${currency}, not ${change.currency}`, { field: 'currency' });
    const { lines, added } = linesAfter(current.Line ?? [], change, currency);
    if (current.UnappliedAmt !== undefined && added > minorOf(current.UnappliedAmt, currency)) {
      throw new InvalidInput(`quickbooks payment ${current.Id}: only ${current.UnappliedAmt} is unapplied, cannot apply ${formatDecimal(added, currency)}`, { field: 'applications' });
    }
    try {
      const answer = await client.invoke('update Payment', 'updatePayment', [{ Id: current.Id, SyncToken: current.SyncToken, sparse: true, Line: lines, ...requestIdOf(requestKey, attempt) }], { retryConflicts: false });
      const written = paymentSchema.safeParse(unwrapEntity(answer, 'Payment'));
      return { externalId: current.Id, version: written.success ? written.data.SyncToken : null, attempts: attempt };
    } catch (error) {
      if (!(error instanceof Conflict) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
    }
  }
}

/**
 * Applies a credit memo's remaining credit to invoices. QuickBooks has no write on the credit memo
 * for it: a credit memo is applied by a Payment that links it. Intuit's Payment reference says a
 * payment "can be applied for a particular customer against multiple Invoices and Credit Memos",
 * and its update sample answers `TotalAmt: 0, UnappliedAmt: 0` with one `Line` linked to Invoice 67
 * and one linked to CreditMemo 68, $300 each — the $0 payment QuickBooks itself records when a
 * credit memo is applied in its Receive Payment screen. So: one `POST /payment` without an Id
 * (a create), `TotalAmt: 0`, a line per invoice and one line for the credit memo of their sum.
 * The pull side reads exactly that payment back as the credit note's allocations
 * (core/mapping/derivations.ts, `via_payment_id`).
 *
 * Checked first, from a read of the CreditMemo: same currency, and `RemainingCredit` covers the
 * amount. The outbox's request key goes as `requestid` (the same one on every push of the row), so
 * a push retried after a lost answer gets the payment created the first time — even when the read
 * now shows the credit already used by it: on a shortfall with a key, the create is sent anyway
 * and QuickBooks either replays the first answer or refuses it (6000), refused here as the
 * shortfall it is.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment#create-a-payment
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/creditmemo#read-a-credit-memo
 * https://blogs.intuit.com/2015/04/06/15346/ (requestid)
 */
import { z } from 'zod';
import { InvalidInput } from '../../../core/errors.ts';
import { formatMinor, toMinor } from '../../../core/money.ts';
import type { PushChange, PushResult } from '../../contract.ts';
import type { QuickBooksClient } from '../client.ts';
import { unwrapEntity } from '../schemas.ts';
import { requestIdOf } from './sparse-update-invoice.ts';

type ApplyChange = Extract<PushChange, { kind: 'apply_payment' }>;

const memoSchema = z.looseObject({
  Id: z.string(),
  RemainingCredit: z.number(),
  CustomerRef: z.looseObject({ value: z.union([z.string(), z.number()]).transform(String) }),
  CurrencyRef: z.looseObject({ value: z.string() }).optional(),
});
const createdSchema = z.looseObject({ Id: z.string(), SyncToken: z.string() });

/** The $0 payment's lines: one per invoice (amounts of the same invoice added), then the credit memo's. */
export function creditApplicationLines(change: ApplyChange): { lines: Record<string, unknown>[]; total: bigint } {
  const byInvoice = new Map<string, bigint>();
  for (const a of change.applications) {
    byInvoice.set(a.invoiceExternalId, (byInvoice.get(a.invoiceExternalId) ?? 0n) + toMinor(a.amount, change.currency, 'applications.amount'));
  }
  let total = 0n;
  const lines: Record<string, unknown>[] = [];
  for (const [invoice, minor] of byInvoice) {
    total += minor;
    // Back to QuickBooks' JSON number: exact, it comes from a decimal string of the currency's places.
    lines.push({ Amount: Number(formatMinor(minor, change.currency)), LinkedTxn: [{ TxnId: invoice, TxnType: 'Invoice' }] });
  }
  lines.push({ Amount: Number(formatMinor(total, change.currency)), LinkedTxn: [{ TxnId: change.sourceExternalId, TxnType: 'CreditMemo' }] });
  return { lines, total };
}

export async function applyCreditMemo(client: QuickBooksClient, change: ApplyChange, now: Date, requestKey?: string): Promise<PushResult> {
  const read = memoSchema.safeParse(unwrapEntity(await client.invoke('read CreditMemo', 'getCreditMemo', [change.sourceExternalId]), 'CreditMemo'));
  if (!read.success) throw new InvalidInput(`quickbooks credit memo ${change.sourceExternalId}: unexpected answer: ${read.error.issues[0]?.path.join('.')}`, { field: 'CreditMemo' });
  const memo = read.data;
  const currency = memo.CurrencyRef?.value ?? change.currency;
  if (currency !== change.currency) throw new InvalidInput(`quickbooks credit memo ${memo.Id} is in ${currency}, not ${change.currency}`, { field: 'currency' });
  const { lines, total } = creditApplicationLines(change);
  const remaining = toMinor(memo.RemainingCredit, currency, 'RemainingCredit');
  const shortfall = total > remaining;
  const refusal = () => new InvalidInput(
    `quickbooks credit memo ${memo.Id}: only ${formatMinor(remaining, currency)} of credit remains (RemainingCredit), cannot apply ${formatMinor(total, currency)}`,
    { field: 'applications' },
  );
  if (shortfall && !requestKey) throw refusal();
  const body = {
    TotalAmt: 0,
    CustomerRef: { value: memo.CustomerRef.value },
    CurrencyRef: { value: currency },
    TxnDate: now.toISOString().slice(0, 10),
    PrivateNote: `Relance: credit memo ${memo.Id} applied`,
    Line: lines,
    // One attempt number for every push of the row: the same requestid each time.
    ...requestIdOf(requestKey, 1),
  };
  let answer: unknown;
  try {
    answer = await client.invoke('create Payment', 'createPayment', [body], { retryConflicts: false });
  } catch (error) {
    // Sent only to learn whether the first push landed: QuickBooks' refusal is the shortfall.
    if (shortfall && error instanceof InvalidInput) throw refusal();
    throw error;
  }
  const created = createdSchema.safeParse(unwrapEntity(answer, 'Payment'));
  if (!created.success) throw new InvalidInput(`quickbooks: the credit application payment answer has no ${created.error.issues[0]?.path.join('.')}`, { field: 'Payment' });
  return { externalId: created.data.Id, version: created.data.SyncToken, attempts: 1 };
}

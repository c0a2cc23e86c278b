/**
 * `SimControl` for the QuickBooks simulator: what a user of QuickBooks' own screens would do to the
 * company (edit a record, receive a payment), plus faults, the write-back log and the webhook target.
 * Ids given here may be QuickBooks Ids or the world's ids the records were seeded from.
 */
import { NotFound } from '../../core/errors.ts';
import { toMinor } from '../../core/money.ts';
import type { FaultInjector } from '../shared/faults.ts';
import type { SimControl, WorldAllocation } from '../shared/contract.ts';
import { announce, type SimContext } from './context.ts';
import { amountOf, currencyRef, metaData, setCustomerBalance } from './seed.ts';
import { entityNamed, type QboBody, type Row } from './store.ts';

const KEPT = new Set(['Id', 'SyncToken', 'MetaData', 'domain']);

function rowOf(ctx: SimContext, entity: string, id: string): Row {
  const name = entityNamed(entity);
  const row = name ? ctx.store.find(name, id) : undefined;
  // NotFound lets the control API answer 404 rather than a refusal.
  if (!row) throw new NotFound(`quickbooks simulator: no ${entity} with id ${id}`, { field: 'id' });
  return row;
}

/** Keeps exact minor units in step with an amount edited as a JSON number. */
function syncMoney(row: Row, patch: Record<string, unknown>): void {
  if (!row.money) return;
  for (const [field, key] of [['Balance', 'balanceMinor'], ['TotalAmt', 'totalMinor']] as const) {
    const v = patch[field];
    if (typeof v === 'number') row.money[key] = Number(toMinor(v, row.money.currency, field));
  }
}

/**
 * QuickBooks' customer merge (done in its screens; the API has none): every transaction of the
 * merged-away customer moves to the one kept, its balance with them, and the merged-away customer
 * is deleted — gone from queries, a `status: "Deleted"` stub in CDC, and a webhook `Merge` on the
 * kept one naming it in `deletedID`.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/data-objects
 */
async function mergeCustomer(ctx: SimContext, merged: Row, keptId: string): Promise<unknown> {
  if (merged.entity !== 'Customer') throw new Error('quickbooks simulator: only customers merge');
  const kept = rowOf(ctx, 'Customer', keptId);
  if (kept === merged) throw new Error('quickbooks simulator: a customer cannot merge into itself');
  const now = ctx.now();
  const moved: Row[] = [];
  for (const entity of ['Invoice', 'Payment', 'CreditMemo'] as const) {
    const table = ctx.store.table(entity);
    for (const row of [...table.byId.values()]) {
      const ref = row.body.CustomerRef as { value?: string } | undefined;
      if (ref?.value !== merged.id) continue;
      row.body.CustomerRef = { value: kept.id, name: kept.body.DisplayName };
      table.touch(row, now);
      moved.push(row);
    }
  }
  setCustomerBalance(kept, kept.money!.balanceMinor + merged.money!.balanceMinor);
  ctx.store.table('Customer').touch(kept, now);
  ctx.store.table('Customer').remove(merged, now);
  await announce(ctx, [
    { row: kept, operation: 'Merge', deletedID: merged.id },
    ...moved.map((row) => ({ row, operation: 'Update' as const })),
  ]);
  return { kept: kept.body, deletedId: merged.id, moved: moved.map((r) => ({ entity: r.entity, id: r.id })) };
}

async function editRecord(ctx: SimContext, entity: string, id: string, patch: Record<string, unknown>): Promise<unknown> {
  const row = rowOf(ctx, entity, id);
  const table = ctx.store.table(row.entity);
  // `{mergeInto: "<customer id>"}` merges this customer into that one, as QuickBooks' screens do.
  if (typeof patch.mergeInto === 'string') return mergeCustomer(ctx, row, patch.mergeInto);
  // `{status: "Deleted"}` deletes the record: it leaves queries and shows up in CDC as a stub.
  if (patch.status === 'Deleted') {
    table.remove(row, ctx.now());
    const tomb = table.deleted[table.deleted.length - 1]!;
    await announce(ctx, [{ row: { entity: row.entity, id: row.id, updatedMs: tomb.updatedMs }, operation: 'Delete' }]);
    return { Id: row.id, status: 'Deleted' };
  }
  for (const [k, v] of Object.entries(patch)) if (!KEPT.has(k)) row.body[k] = v;
  syncMoney(row, patch);
  table.touch(row, ctx.now());
  await announce(ctx, [{ row, operation: 'Update' }]);
  return row.body;
}

async function recordPayment(ctx: SimContext, input: { customerId: string; amountMinor: number; date: string; allocations: WorldAllocation[] }): Promise<unknown> {
  const customer = rowOf(ctx, 'Customer', input.customerId);
  const currency = customer.money!.currency;
  const invoices = input.allocations.map((a) => ({ a, row: rowOf(ctx, 'Invoice', a.invoiceId) }));
  const applied = input.allocations.reduce((s, a) => s + a.amountMinor, 0);
  if (applied > input.amountMinor) throw new Error('quickbooks simulator: allocations exceed the payment');
  for (const { a, row } of invoices) {
    if (a.amountMinor > row.money!.balanceMinor) throw new Error(`quickbooks simulator: ${a.amountMinor} exceeds the balance of invoice ${row.id}`);
  }
  const now = ctx.now();
  const numId = ctx.store.allocateId();
  const body = {
    Id: String(numId),
    SyncToken: '0',
    domain: 'QBO',
    sparse: false,
    TxnDate: input.date,
    TotalAmt: amountOf(input.amountMinor, currency),
    UnappliedAmt: amountOf(input.amountMinor - applied, currency),
    ProcessPayment: false,
    CurrencyRef: currencyRef(currency),
    CustomerRef: { value: customer.id, name: customer.body.DisplayName },
    Line: invoices.map(({ a, row }) => ({ Amount: amountOf(a.amountMinor, currency), LinkedTxn: [{ TxnId: row.id, TxnType: 'Invoice' }] })),
    MetaData: metaData(now, now),
  } as unknown as QboBody;
  const payment: Row = { entity: 'Payment', id: body.Id, numId, createdMs: now, updatedMs: now, body, money: { currency, totalMinor: input.amountMinor, balanceMinor: input.amountMinor - applied } };
  ctx.store.table('Payment').insert(payment);
  const invoiceTable = ctx.store.table('Invoice');
  for (const { a, row } of invoices) {
    row.money!.balanceMinor -= a.amountMinor;
    row.body.Balance = amountOf(row.money!.balanceMinor, currency);
    (row.body.LinkedTxn as unknown[]).push({ TxnId: payment.id, TxnType: 'Payment' });
    invoiceTable.touch(row, now);
  }
  setCustomerBalance(customer, customer.money!.balanceMinor - input.amountMinor);
  ctx.store.table('Customer').touch(customer, now);
  await announce(ctx, [
    { row: payment, operation: 'Create' },
    ...invoices.map(({ row }) => ({ row, operation: 'Update' as const })),
    { row: customer, operation: 'Update' },
  ]);
  return payment.body;
}

export function createControl(ctx: SimContext, faults: FaultInjector): SimControl {
  return {
    editRecord: (entity, id, patch) => editRecord(ctx, entity, id, patch),
    recordPayment: (input) => recordPayment(ctx, input),
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    writtenBack: () => [...ctx.written],
    setWebhookTarget: (url) => {
      ctx.webhooks.target = url;
    },
  };
}

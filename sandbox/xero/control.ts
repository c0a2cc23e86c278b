/**
 * What a Xero user does in Xero's UI, for tests and the demo: edit a record, record a payment.
 * Each change bumps UpdatedDateUTC (so `If-Modified-Since` sees it) and sends the webhook Xero sends.
 */
import type { SimControl, WorldAllocation, WrittenBack } from '../shared/contract.ts';
import type { FaultInjector } from '../shared/faults.ts';
import { toMinor } from '../../core/money.ts';
import { amount, dayString, msDate, msDay } from './format.ts';
import { overpaymentFor, paymentFor } from './seed.ts';
import type { XeroStore } from './store.ts';
import type { Row, Table } from './table.ts';
import type { EventCategory, WebhookSender } from './webhooks.ts';
import type { XeroInvoice, XeroOverpayment, XeroPayment } from './types.ts';

export interface ControlDeps {
  store: XeroStore;
  faults: FaultInjector;
  webhooks: WebhookSender;
  written: WrittenBack[];
  now: () => number;
}

/** Fields a patch may not set: Xero derives them from the lines, payments and credits. */
const DERIVED = new Set(['AmountDue', 'AmountPaid', 'AmountCredited', 'Total', 'SubTotal', 'TotalTax', 'UpdatedDateUTC', 'Payments', 'CreditNotes']);

function tableOf(store: XeroStore, entity: string): { table: Table<object>; kind: string; category: EventCategory | null } {
  const e = entity.toLowerCase().replace(/s$/, '');
  if (e === 'invoice') return { table: store.invoices as Table<object>, kind: 'invoice', category: 'INVOICE' };
  if (e === 'contact' || e === 'customer') return { table: store.contacts as Table<object>, kind: 'contact', category: 'CONTACT' };
  if (e === 'creditnote') return { table: store.creditNotes as Table<object>, kind: 'creditNote', category: 'CREDITNOTE' };
  if (e === 'payment') return { table: store.payments as Table<object>, kind: 'payment', category: null };
  if (e === 'prepayment') return { table: store.prepayments as Table<object>, kind: 'prepayment', category: null };
  if (e === 'overpayment') return { table: store.overpayments as Table<object>, kind: 'overpayment', category: null };
  throw new Error(`unknown Xero entity: ${entity}`);
}

export function createControl(deps: ControlDeps): SimControl {
  const { store, now } = deps;
  /** A fresh update time, after the record's last one even when the test clock is behind the world. */
  const stamp = (row: Row<object>): number => Math.max(now(), row.updatedMs + 1);

  return {
    async editRecord(entity, id, patch) {
      const { table, kind, category } = tableOf(store, entity);
      const row = table.get(store.xeroId(kind, id)) ?? table.get(id.toLowerCase());
      if (!row) throw new Error(`no Xero ${entity} ${id}`);
      const json = row.json as Record<string, unknown>;
      for (const [field, value] of Object.entries(patch)) {
        if (DERIVED.has(field) || !(field in json || field === 'FullyPaidOnDate')) throw new Error(`cannot set ${field} on a Xero ${entity}`);
        // Dates come as YYYY-MM-DD and are stored as Xero prints them, with their DateString twin.
        if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && typeof json[field] === 'string' && String(json[field]).startsWith('/Date(')) {
          json[field] = msDay(value);
          if (`${field}String` in json) json[`${field}String`] = dayString(value);
        } else {
          json[field] = value;
        }
      }
      if (kind === 'invoice' && patch.Status === 'VOIDED') json.AmountDue = 0;
      const at = stamp(row);
      json.UpdatedDateUTC = msDate(at);
      table.touch(row, at);
      // A CREDITNOTE event carries the note's Type and Status (xero-webhooks.yaml, CreditNoteWebhookEvent).
      const data = category === 'CREDITNOTE' ? { data: { Type: String(json.Type), Status: String(json.Status) } } : {};
      if (category) await deps.webhooks.send([{ category, id: row.id, type: 'UPDATE', atMs: at, ...data }]);
      return json;
    },

    async recordPayment(input) {
      const invoices = input.allocations.map((a) => allocationTarget(store, a));
      const applied = input.allocations.reduce((s, a) => s + a.amountMinor, 0);
      if (applied > input.amountMinor) throw new Error('allocations exceed the payment amount');
      const payments: XeroPayment[] = [];
      const touched: { id: string; at: number }[] = [];
      input.allocations.forEach((a, i) => {
        const inv = invoices[i]!;
        const at = stamp(inv as Row<object>);
        const row = paymentFor(store, `run:${store.next()}`, inv, a.amountMinor, input.date, '', at);
        store.payments.put(row);
        payments.push(row.json);
        lowerBalance(inv, a.amountMinor, input.date, at);
        store.invoices.touch(inv, at);
        touched.push({ id: inv.id, at });
      });
      const overpayments: XeroOverpayment[] = [];
      const rest = input.amountMinor - applied;
      if (rest > 0) {
        const contactId = store.xeroId('contact', input.customerId);
        const currency = store.contacts.get(contactId)?.json.DefaultCurrency ?? invoices[0]?.json.CurrencyCode;
        if (!currency) throw new Error(`no Xero contact ${input.customerId}`);
        const row = overpaymentFor(store, `run:${store.next()}`, contactId, rest, currency, input.date, now());
        store.overpayments.put(row);
        overpayments.push(row.json);
      }
      await deps.webhooks.send(touched.map((t) => ({ category: 'INVOICE' as const, id: t.id, type: 'UPDATE' as const, atMs: t.at })));
      return { Payments: payments, Overpayments: overpayments };
    },

    injectFault: (fault) => deps.faults.inject(fault),
    clearFaults: () => deps.faults.clear(),
    writtenBack: () => [...deps.written],
    setWebhookTarget: (url) => {
      deps.webhooks.target = url;
    },
  };
}

function allocationTarget(store: XeroStore, a: WorldAllocation): Row<XeroInvoice> {
  const inv = store.invoices.get(store.xeroId('invoice', a.invoiceId)) ?? store.invoices.get(a.invoiceId.toLowerCase());
  if (!inv) throw new Error(`no Xero invoice ${a.invoiceId}`);
  if (inv.json.Status !== 'AUTHORISED') throw new Error(`invoice ${inv.json.InvoiceNumber} is ${inv.json.Status}: Xero takes payments on AUTHORISED invoices only`);
  const due = Number(toMinor(inv.json.AmountDue, inv.json.CurrencyCode));
  if (!Number.isInteger(a.amountMinor) || a.amountMinor <= 0 || a.amountMinor > due) {
    throw new Error(`payment of ${a.amountMinor} does not fit invoice ${inv.json.InvoiceNumber} (due ${due})`);
  }
  return inv;
}

/** AmountDue goes down by exactly the payment; at zero the invoice is PAID on the payment's date. */
function lowerBalance(inv: Row<XeroInvoice>, minor: number, date: string, at: number): void {
  const cur = inv.json.CurrencyCode;
  const due = Number(toMinor(inv.json.AmountDue, cur)) - minor;
  inv.json.AmountDue = amount(due, cur);
  if (due === 0) {
    inv.json.Status = 'PAID';
    inv.json.FullyPaidOnDate = msDay(date);
  }
  inv.json.UpdatedDateUTC = msDate(at);
}

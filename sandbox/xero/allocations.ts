/**
 * `PUT /{CreditNotes|Overpayments|Prepayments}/{id}/Allocations`: unapplied money applied to sales
 * invoices, as xero_accounting.yaml documents it (operationIds createCreditNoteAllocation,
 * createOverpaymentAllocations, createPrepaymentAllocations): the body `{Allocations: [{Amount, Date,
 * Invoice: {InvoiceID}}]}`, the answer the Allocations envelope with each allocation, its invoice
 * and its source, a refusal Xero's ValidationException (ErrorNumber 10) with the messages. Every
 * allocation of a request is checked before any is applied (Xero applies a request whole or not).
 * An accepted allocation lowers the invoice's AmountDue (raising AmountCredited; PAID at zero) and
 * the source's RemainingCredit (PAID at zero), bumps both UpdatedDateUTC, and fires the webhooks
 * Xero sends (INVOICE, and CREDITNOTE for a credit note; Xero has no overpayment or prepayment
 * event category). Xero has no such route under /Invoices or /Payments: those answer 404.
 * https://developer.xero.com/documentation/api/accounting/creditnotes#allocate-credit-notes
 * https://developer.xero.com/documentation/api/accounting/overpayments#allocate-overpayments
 * https://developer.xero.com/documentation/api/accounting/prepayments#allocate-prepayments
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { toMinor } from '../../core/money.ts';
import type { WrittenBack } from '../shared/contract.ts';
import { notFound } from './errors.ts';
import { amount, counterGuid, dayString, msDate, msDay, parseMsDate } from './format.ts';
import { invoiceRef } from './seed.ts';
import type { XeroStore } from './store.ts';
import type { Row, Table } from './table.ts';
import type { Allocation, XeroCreditNote, XeroInvoice, XeroOverpayment, XeroPrepayment } from './types.ts';
import type { WebhookSender } from './webhooks.ts';

type Source = XeroCreditNote | XeroOverpayment | XeroPrepayment;

interface SourceKind {
  /** The path segment and the answer's key for the source (`CreditNote`). */
  collection: 'CreditNotes' | 'Overpayments' | 'Prepayments';
  single: 'CreditNote' | 'Overpayment' | 'Prepayment';
  idField: 'CreditNoteID' | 'OverpaymentID' | 'PrepaymentID';
  /** The invoice type a source of this type may be allocated to. */
  invoiceType: (source: Source) => 'ACCREC' | 'ACCPAY';
  table: (store: XeroStore) => Table<Source>;
  /** Where the invoice lists what was applied to it. */
  invoiceList: 'CreditNotes' | 'Overpayments' | 'Prepayments';
  webhook: 'CREDITNOTE' | null;
}

const KINDS: SourceKind[] = [
  {
    collection: 'CreditNotes', single: 'CreditNote', idField: 'CreditNoteID', invoiceList: 'CreditNotes', webhook: 'CREDITNOTE',
    invoiceType: (s) => ((s as XeroCreditNote).Type === 'ACCPAYCREDIT' ? 'ACCPAY' : 'ACCREC'),
    table: (store) => store.creditNotes as Table<Source>,
  },
  {
    collection: 'Overpayments', single: 'Overpayment', idField: 'OverpaymentID', invoiceList: 'Overpayments', webhook: null,
    invoiceType: () => 'ACCREC',
    table: (store) => store.overpayments as Table<Source>,
  },
  {
    collection: 'Prepayments', single: 'Prepayment', idField: 'PrepaymentID', invoiceList: 'Prepayments', webhook: null,
    invoiceType: () => 'ACCREC',
    table: (store) => store.prepayments as Table<Source>,
  },
];

// The request body of the reference (components/schemas/Allocations; Allocation requires Amount,
// Invoice and Date). Unknown fields pass, as Xero ignores what it does not read.
const bodySchema = z.object({
  Allocations: z.array(z.object({
    Amount: z.union([z.number(), z.string()]).optional(),
    Date: z.string().optional(),
    Invoice: z.object({ InvoiceID: z.string().optional() }).passthrough().optional(),
  }).passthrough()),
}).passthrough();

export interface AllocationDeps {
  store: XeroStore;
  now: () => number;
  written: WrittenBack[];
  webhooks?: WebhookSender;
}

interface Planned {
  invoice: Row<XeroInvoice>;
  minor: number;
  day: string;
}

/** `YYYY-MM-DD` (what the reference asks) or a "/Date(…)/" Xero printed; null when neither. */
function allocationDay(value: string | undefined): string | null {
  if (!value) return null;
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(value)) {
    const day = value.slice(0, 10);
    return Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ? null : day;
  }
  const ms = parseMsDate(value);
  return ms === null ? null : new Date(ms).toISOString().slice(0, 10);
}

export function registerAllocations(api: FastifyInstance, deps: AllocationDeps): void {
  const { store, now } = deps;
  // A PUT repeated with the same Idempotency-Key gets the first answer and applies nothing more.
  // https://developer.xero.com/documentation/guides/idempotent-requests/idempotency
  const answered = new Map<string, { status: number; body: unknown }>();

  for (const kind of KINDS) {
    // https://developer.xero.com/documentation/api/accounting/creditnotes#get-creditnotes (and overpayments, prepayments): one record by id.
    api.get(`/${kind.collection}/:id`, async (request: FastifyRequest, reply: FastifyReply) => {
      const row = kind.table(store).get((request.params as { id: string }).id.toLowerCase());
      if (!row) return notFound(reply);
      return reply.send({ Id: randomUUID(), Status: 'OK', ProviderName: 'Relance Sandbox', DateTimeUTC: msDate(now()), [kind.collection]: [row.json] });
    });
    api.put(`/${kind.collection}/:id/Allocations`, async (request: FastifyRequest, reply: FastifyReply) => {
      const id = (request.params as { id: string }).id.toLowerCase();
      const row = kind.table(store).get(id);
      if (!row) return notFound(reply);
      const header = request.headers['idempotency-key'];
      const key = typeof header === 'string' ? `${kind.collection}:${row.id}:${header}` : null;
      if (key !== null) {
        const previous = answered.get(key);
        if (previous) return reply.code(previous.status).send(previous.body);
      }
      const outcome = allocate(kind, row, request.body);
      if (key !== null) answered.set(key, outcome);
      if (outcome.status !== 200) return reply.code(outcome.status).send(outcome.body);
      const changed = outcome.changed!;
      if (deps.webhooks) {
        const events: Parameters<WebhookSender['send']>[0] = changed.invoices.map((i) => ({ category: 'INVOICE' as const, id: i.id, type: 'UPDATE' as const, atMs: i.updatedMs }));
        if (kind.webhook === 'CREDITNOTE') {
          const cn = row.json as XeroCreditNote;
          events.push({ category: 'CREDITNOTE', id: row.id, type: 'UPDATE', atMs: row.updatedMs, data: { Type: cn.Type, Status: cn.Status } });
        }
        await deps.webhooks.send(events);
      }
      return reply.send(outcome.body);
    });
  }

  function allocate(kind: SourceKind, row: Row<Source>, body: unknown): { status: number; body: unknown; changed?: { invoices: Row<XeroInvoice>[] } } {
    const refuse = (messages: string[]) => ({ status: 400, body: validationBody(messages) });
    const parsed = bodySchema.safeParse(body);
    if (!parsed.success) return refuse(['Allocations must be a list of {"Amount": …, "Date": "YYYY-MM-DD", "Invoice": {"InvoiceID": "…"}}']);
    const source = row.json;
    const cur = source.CurrencyCode;
    if (parsed.data.Allocations.length === 0) return refuse(['At least one allocation is required.']);
    if (source.Status !== 'AUTHORISED') {
      return refuse([source.Status === 'PAID' ? `The ${kind.single} has been fully allocated.` : `The ${kind.single} must be AUTHORISED to be allocated.`]);
    }
    const messages: string[] = [];
    const planned: Planned[] = [];
    const dueLeft = new Map<string, number>();
    let remaining = Number(toMinor(source.RemainingCredit, cur));
    for (const [i, a] of parsed.data.Allocations.entries()) {
      const where = parsed.data.Allocations.length > 1 ? ` (allocation ${i + 1})` : '';
      const invoiceId = a.Invoice?.InvoiceID;
      if (a.Amount === undefined || a.Amount === '') { messages.push(`Amount is a required field${where}.`); continue; }
      if (!invoiceId) { messages.push(`Invoice is a required field${where}.`); continue; }
      const day = allocationDay(a.Date);
      if (day === null) { messages.push(`Date must be a valid date (YYYY-MM-DD)${where}.`); continue; }
      let minor: number;
      try {
        minor = Number(toMinor(a.Amount, cur, 'Amount'));
      } catch {
        messages.push(`Amount must be a number with at most 2 decimal places${where}.`);
        continue;
      }
      if (minor <= 0) { messages.push(`Amount must be greater than zero${where}.`); continue; }
      const invoice = store.invoices.get(invoiceId.toLowerCase());
      if (!invoice) { messages.push(`Invoice could not be found${where}.`); continue; }
      const inv = invoice.json;
      if (inv.Type !== kind.invoiceType(source)) { messages.push(`The ${kind.single} and the invoice must be of the same type (sales or purchases)${where}.`); continue; }
      if (inv.Contact.ContactID !== source.Contact.ContactID) { messages.push(`The ${kind.single} and the invoice must be for the same contact${where}.`); continue; }
      if (inv.CurrencyCode !== cur) { messages.push(`The ${kind.single} and the invoice must be in the same currency${where}.`); continue; }
      if (inv.Status === 'PAID') { messages.push(`The invoice you are trying to allocate to has already been paid off${where}.`); continue; }
      if (inv.Status !== 'AUTHORISED') { messages.push(`Invoice not of valid status for allocation${where}.`); continue; }
      const due = dueLeft.get(invoice.id) ?? Number(toMinor(inv.AmountDue, cur));
      if (minor > due) { messages.push(`The amount allocated exceeds the amount due on invoice ${inv.InvoiceNumber}${where}.`); continue; }
      if (minor > remaining) { messages.push(`${kind.single} cannot be allocated as amount is greater than amount outstanding${where}.`); continue; }
      dueLeft.set(invoice.id, due - minor);
      remaining -= minor;
      planned.push({ invoice, minor, day });
    }
    if (messages.length) return refuse(messages);

    const at = now();
    const created: Record<string, unknown>[] = [];
    const touched = new Map<string, Row<XeroInvoice>>();
    for (const p of planned) {
      const allocation: Allocation = {
        AllocationID: counterGuid('allocation', store.next()),
        Amount: amount(p.minor, cur),
        Date: msDay(p.day),
        Invoice: invoiceRef(p.invoice.json),
        IsDeleted: false,
      };
      source.Allocations.push(allocation);
      applyToInvoice(kind, source, p, at);
      touched.set(p.invoice.id, p.invoice);
      created.push({
        ...allocation,
        [kind.single]: { [kind.idField]: source[kind.idField as keyof Source], ID: source[kind.idField as keyof Source], LineItems: [] },
        ValidationErrors: [],
      });
    }
    source.RemainingCredit = amount(remaining, cur);
    if (remaining === 0) {
      source.Status = 'PAID';
      if (kind.collection === 'CreditNotes') (source as XeroCreditNote).FullyPaidOnDate = msDay(planned.at(-1)!.day);
    }
    const sourceAt = Math.max(at, row.updatedMs + 1);
    source.UpdatedDateUTC = msDate(sourceAt);
    kind.table(store).touch(row, sourceAt);
    for (const inv of touched.values()) {
      const invAt = Math.max(at, inv.updatedMs + 1);
      inv.json.UpdatedDateUTC = msDate(invAt);
      store.invoices.touch(inv, invAt);
    }
    deps.written.push({ at: new Date(at).toISOString(), entity: kind.single, id: row.id, what: 'allocations', body: parsed.data });
    return {
      status: 200,
      body: { Id: randomUUID(), Status: 'OK', ProviderName: 'Relance Sandbox', DateTimeUTC: msDate(at), Allocations: created },
      changed: { invoices: [...touched.values()] },
    };
  }

  function applyToInvoice(kind: SourceKind, source: Source, p: Planned, at: number): void {
    const inv = p.invoice.json;
    const cur = inv.CurrencyCode;
    const ledger = store.ledgers.get(p.invoice.id);
    if (ledger) ledger.creditedMinor += p.minor;
    // AmountCredited is the sum of the credit notes, overpayments and prepayments applied.
    inv.AmountCredited = amount(Number(toMinor(inv.AmountCredited, cur)) + p.minor, cur);
    const due = Number(toMinor(inv.AmountDue, cur)) - p.minor;
    inv.AmountDue = amount(due, cur);
    const applied = amount(p.minor, cur);
    const summary: Record<string, unknown> = {
      [kind.idField]: source[kind.idField as keyof Source],
      AppliedAmount: applied,
      Date: msDay(p.day),
      DateString: dayString(p.day),
      Total: source.Total,
    };
    if (kind.collection === 'CreditNotes') summary.CreditNoteNumber = (source as XeroCreditNote).CreditNoteNumber;
    // Seeded invoices share one frozen empty array for Overpayments and Prepayments: replace it.
    const list = inv[kind.invoiceList] as unknown[];
    (inv as unknown as Record<string, unknown[]>)[kind.invoiceList] = [...list, summary];
    if (due === 0) {
      inv.Status = 'PAID';
      inv.FullyPaidOnDate = msDate(at);
    }
  }
}

/** Xero's ValidationException body (the same as errors.ts's `validationError`, kept to replay it). */
function validationBody(messages: string[]): Record<string, unknown> {
  return {
    ErrorNumber: 10,
    Type: 'ValidationException',
    Message: 'A validation exception occurred',
    Elements: [{ ValidationErrors: messages.map((Message) => ({ Message })) }],
  };
}

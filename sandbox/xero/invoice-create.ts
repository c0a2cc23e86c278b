/**
 * `PUT /Invoices` (and `POST`, which Xero treats as create-or-update; here only create): new sales
 * invoices as Xero takes them. Each needs a `Type`, a `Contact` that exists and line items; an
 * AUTHORISED invoice's lines need an `AccountCode`. Amounts are JSON numbers in the invoice's
 * currency, the total is the lines' sum (no tax: `LineAmountTypes` NoTax). A request repeated with
 * the same `Idempotency-Key` gets the first answer and creates nothing.
 * https://developer.xero.com/documentation/api/accounting/invoices#post-invoices
 * https://developer.xero.com/documentation/guides/idempotent-requests/idempotency
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AccountingDeps } from './accounting.ts';
import { validationError } from './errors.ts';
import { amount, counterGuid, dayString, msDate, msDay } from './format.ts';
import type { XeroInvoice } from './types.ts';

const lineSchema = z.looseObject({
  Description: z.string().min(1).max(4000),
  Quantity: z.number().positive().default(1),
  UnitAmount: z.number().nonnegative(),
  AccountCode: z.string().min(1).optional(),
});
const invoiceSchema = z.looseObject({
  Type: z.enum(['ACCREC', 'ACCPAY']),
  Contact: z.looseObject({ ContactID: z.string().min(1) }),
  Date: z.iso.date().optional(),
  DueDate: z.iso.date().optional(),
  Reference: z.string().max(255).optional(),
  CurrencyCode: z.string().regex(/^[A-Z]{3}$/).optional(),
  Status: z.enum(['DRAFT', 'SUBMITTED', 'AUTHORISED']).default('DRAFT'),
  LineItems: z.array(lineSchema).min(1),
});
const bodySchema = z.looseObject({ Invoices: z.array(z.unknown()).min(1) });

export function registerInvoiceCreate(api: FastifyInstance, deps: AccountingDeps): void {
  const { store, now } = deps;
  const answered = new Map<string, unknown>();
  let number = 0;
  const create = async (request: FastifyRequest, reply: FastifyReply) => {
    const key = request.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? `invoices:${key}` : null;
    if (idempotencyKey !== null && answered.has(idempotencyKey)) return reply.send(answered.get(idempotencyKey));
    const body = bodySchema.safeParse(request.body);
    if (!body.success) return validationError(reply, ['Invoices must be a non-empty list']);
    const made: XeroInvoice[] = [];
    for (const raw of body.data.Invoices) {
      const parsed = invoiceSchema.safeParse(raw);
      if (!parsed.success) return validationError(reply, [`${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message}`]);
      const inv = parsed.data;
      const contact = store.contacts.get(inv.Contact.ContactID.toLowerCase())?.json ?? store.contacts.get(inv.Contact.ContactID)?.json;
      if (!contact) return validationError(reply, [`The contact ${inv.Contact.ContactID} does not exist.`]);
      if (inv.Status === 'AUTHORISED' && inv.LineItems.some((l) => !l.AccountCode)) return validationError(reply, ['Account code must be specified']);
      const currency = inv.CurrencyCode ?? store.organisation.baseCurrency;
      const at = now();
      const today = new Date(at).toISOString().slice(0, 10);
      const id = randomUUID();
      let totalMinor = 0;
      const lines = inv.LineItems.map((l, i) => {
        const minor = Math.round(l.UnitAmount * l.Quantity * 100);
        totalMinor += minor;
        return { LineItemID: counterGuid(`line-${id}`, i), Description: l.Description, Quantity: l.Quantity, UnitAmount: l.UnitAmount, LineAmount: amount(minor, currency), TaxAmount: 0, AccountCode: l.AccountCode ?? '', TaxType: 'NONE', Tracking: [] };
      });
      const date = inv.Date ?? today;
      const due = inv.DueDate ?? date;
      const json: XeroInvoice = {
        Type: inv.Type, InvoiceID: id, InvoiceNumber: `INV-S${String(++number).padStart(4, '0')}`, Reference: inv.Reference ?? '',
        Payments: [], CreditNotes: [], Prepayments: [], Overpayments: [],
        AmountDue: amount(totalMinor, currency), AmountPaid: 0, AmountCredited: 0, CurrencyRate: 1, IsDiscounted: false, HasAttachments: false, HasErrors: false,
        Contact: { ContactID: contact.ContactID, Name: contact.Name, Addresses: [], Phones: [], ContactGroups: [], ContactPersons: [], HasValidationErrors: false },
        DateString: dayString(date), Date: msDay(date), DueDateString: dayString(due), DueDate: msDay(due), Status: inv.Status, LineAmountTypes: 'NoTax',
        LineItems: lines, SubTotal: amount(totalMinor, currency), TotalTax: 0, Total: amount(totalMinor, currency), UpdatedDateUTC: msDate(at), CurrencyCode: currency,
      };
      store.invoices.put({ id, updatedMs: at, json });
      store.ledgers.set(id, { worldId: null, totalMinor, paidMinor: 0, creditedMinor: 0, history: [] });
      deps.written.push({ at: new Date(at).toISOString(), entity: 'Invoice', id, what: 'create', body: raw });
      made.push(json);
    }
    const answer = { Id: randomUUID(), Status: 'OK', ProviderName: 'Relance Sandbox', DateTimeUTC: msDate(now()), Invoices: made };
    if (idempotencyKey !== null) answered.set(idempotencyKey, answer);
    return reply.send(answer);
  };
  api.put('/Invoices', create);
  api.post('/Invoices', create);
}

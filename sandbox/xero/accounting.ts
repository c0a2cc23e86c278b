/**
 * The accounting endpoints Relance uses, under /api.xro/2.0, served as xero-node 20 calls them:
 * list queries (`where`, `order`, `page`, `pageSize`, `Statuses`, `IDs`, `ContactIDs`) and the
 * `If-Modified-Since` header, one invoice, its history notes and its online link.
 * https://developer.xero.com/documentation/api/accounting/invoices
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { WrittenBack } from '../shared/contract.ts';
import { notFound, queryParseError, validationError } from './errors.ts';
import { randomUUID } from 'node:crypto';
import { msDate } from './format.ts';
import { ListInputError, Lister, listFilter, type ListSpec } from './listing.ts';
import { streetAddress } from '../shared/addresses.ts';
import type { XeroStore } from './store.ts';
import { INVOICE_STATUSES, type HistoryRecord, type XeroInvoice } from './types.ts';
import type { Predicate } from './where.ts';
import { registerInvoiceCreate } from './invoice-create.ts';
import { registerAllocations } from './allocations.ts';
import type { WebhookSender } from './webhooks.ts';

const INVOICE_FIELDS = new Set([
  'Type', 'InvoiceID', 'InvoiceNumber', 'Reference', 'AmountDue', 'AmountPaid', 'AmountCredited', 'CurrencyRate',
  'IsDiscounted', 'HasAttachments', 'HasErrors', 'Contact', 'Date', 'DueDate', 'Status', 'LineAmountTypes',
  'SubTotal', 'TotalTax', 'Total', 'UpdatedDateUTC', 'CurrencyCode', 'FullyPaidOnDate', 'DateString', 'DueDateString',
]);
const CONTACT_FIELDS = new Set([
  'ContactID', 'ContactNumber', 'AccountNumber', 'ContactStatus', 'Name', 'FirstName', 'LastName', 'EmailAddress',
  'TaxNumber', 'UpdatedDateUTC', 'IsSupplier', 'IsCustomer', 'DefaultCurrency', 'HasAttachments',
]);
const PAYMENT_FIELDS = new Set([
  'PaymentID', 'Date', 'BankAmount', 'Amount', 'Reference', 'CurrencyRate', 'PaymentType', 'Status',
  'UpdatedDateUTC', 'HasAccount', 'IsReconciled', 'Account', 'Invoice',
]);
const CREDIT_FIELDS = new Set([
  'CreditNoteID', 'CreditNoteNumber', 'Type', 'Reference', 'Contact', 'Date', 'Status', 'SubTotal', 'TotalTax',
  'Total', 'UpdatedDateUTC', 'CurrencyCode', 'CurrencyRate', 'FullyPaidOnDate', 'RemainingCredit',
]);
const OVERPAYMENT_FIELDS = new Set([
  'OverpaymentID', 'Type', 'Reference', 'Contact', 'Date', 'Status', 'SubTotal', 'TotalTax', 'Total', 'UpdatedDateUTC',
  'CurrencyCode', 'CurrencyRate', 'RemainingCredit',
]);

// https://developer.xero.com/documentation/api/accounting/prepayments#get-prepayments
const PREPAYMENT_FIELDS = new Set([
  'PrepaymentID', 'Type', 'Reference', 'Contact', 'Date', 'Status', 'SubTotal', 'TotalTax', 'Total', 'UpdatedDateUTC',
  'CurrencyCode', 'CurrencyRate', 'RemainingCredit',
]);

type Query = Record<string, string | undefined>;

/** IDs=…,… and ContactIDs=…,… as xero-node joins them. */
function idFilter(raw: string | undefined, pick: (rec: Record<string, unknown>) => unknown): Predicate | null {
  if (!raw) return null;
  const wanted = new Set(raw.split(',').map((s) => s.trim().toLowerCase()));
  return (rec) => {
    const v = pick(rec as Record<string, unknown>);
    return typeof v === 'string' && wanted.has(v.toLowerCase());
  };
}

function all(...ps: (Predicate | null)[]): Predicate | null {
  const live = ps.filter((p): p is Predicate => p !== null);
  return live.length ? (rec) => live.every((p) => p(rec)) : null;
}

const historyBody = z.object({
  HistoryRecords: z.array(z.object({ Details: z.string().optional() }).passthrough()).min(1),
});

export interface AccountingDeps {
  store: XeroStore;
  now: () => number;
  written: WrittenBack[];
  /** Where the webhooks of changes made through the API go (allocations). */
  webhooks?: WebhookSender;
}

export function registerAccounting(api: FastifyInstance, deps: AccountingDeps): void {
  const { store, now } = deps;
  const serve = <T extends object>(path: string, spec: ListSpec<T>): void => {
    const lister = new Lister(spec);
    api.get(path, async (request, reply) => {
      const ims = request.headers['if-modified-since'];
      try {
        return reply.send(lister.list({ query: request.query as Query, ifModifiedSince: typeof ims === 'string' ? ims : undefined, now: now() }));
      } catch (e) {
        if (!(e instanceof ListInputError)) throw e;
        return e.kind === 'query' ? queryParseError(reply, e.message) : validationError(reply, [e.message]);
      }
    });
  };

  // https://developer.xero.com/documentation/api/accounting/contacts#get-contacts
  serve('/Contacts', {
    table: store.contacts, key: 'Contacts', typeName: 'Contact', fields: CONTACT_FIELDS, idField: 'ContactID',
    filter: (q) => idFilter(q.IDs, (r) => r.ContactID),
  });
  // https://developer.xero.com/documentation/api/accounting/invoices#get-invoices
  serve('/Invoices', {
    table: store.invoices, key: 'Invoices', typeName: 'Invoice', fields: INVOICE_FIELDS, idField: 'InvoiceID',
    filter: (q) =>
      all(
        listFilter(q.Statuses, 'Status', INVOICE_STATUSES),
        idFilter(q.IDs, (r) => r.InvoiceID),
        idFilter(q.InvoiceNumbers, (r) => r.InvoiceNumber),
        idFilter(q.ContactIDs, (r) => (r.Contact as { ContactID?: string } | undefined)?.ContactID),
      ),
    // Without `page`, Xero lists invoices without their line items.
    unpaged: (inv) => ({ ...inv, LineItems: [] }),
  });
  // https://developer.xero.com/documentation/api/accounting/payments#get-payments
  serve('/Payments', { table: store.payments, key: 'Payments', typeName: 'Payment', fields: PAYMENT_FIELDS, idField: 'PaymentID' });
  // https://developer.xero.com/documentation/api/accounting/creditnotes#get-creditnotes
  serve('/CreditNotes', { table: store.creditNotes, key: 'CreditNotes', typeName: 'CreditNote', fields: CREDIT_FIELDS, idField: 'CreditNoteID' });
  // https://developer.xero.com/documentation/api/accounting/overpayments#get-overpayments
  serve('/Overpayments', {
    table: store.overpayments, key: 'Overpayments', typeName: 'Overpayment', fields: OVERPAYMENT_FIELDS, idField: 'OverpaymentID',
  });

  // https://developer.xero.com/documentation/api/accounting/prepayments#get-prepayments — paged like
  // the other collections (page, pageSize up to 1000, If-Modified-Since, where, order).
  serve('/Prepayments', {
    table: store.prepayments, key: 'Prepayments', typeName: 'Prepayment', fields: PREPAYMENT_FIELDS, idField: 'PrepaymentID',
  });

  // https://developer.xero.com/documentation/api/accounting/organisation — the fields connect reads.
  api.get('/Organisation', async (_request, reply) => reply.send({
    Organisations: [{
      APIKey: '', Name: store.organisationName, LegalName: store.organisationName, PaysTax: true, Version: 'UK',
      OrganisationType: 'COMPANY', BaseCurrency: store.organisation.baseCurrency, CountryCode: store.organisation.countryCode,
      IsDemoCompany: false, OrganisationStatus: 'ACTIVE', Timezone: 'GMTSTANDARDTIME', OrganisationEntityType: 'COMPANY',
      ShortCode: '!sandbox', OrganisationID: store.tenantId, Addresses: organisationAddresses(store.organisation.countryCode), Phones: [], ExternalLinks: [], PaymentTerms: {},
    }],
  }));

  registerInvoiceRoutes(api, deps);
  // New invoices (late fees posted by Relance): sandbox/xero/invoice-create.ts.
  registerInvoiceCreate(api, deps);
  registerAllocations(api, deps);
}

/**
 * The organisation's own addresses as Xero lists them (`Addresses` of `AddressType` POBOX, the postal
 * one, and STREET): https://developer.xero.com/documentation/api/accounting/types#addresses
 */
function organisationAddresses(country: string): Record<string, string>[] {
  const street = streetAddress('organisation-1', country);
  const address = { AddressLine1: street.line1, City: street.city, PostalCode: street.postalCode, Country: country };
  return [{ AddressType: 'POBOX', ...address }, { AddressType: 'STREET', ...address }];
}

function registerInvoiceRoutes(api: FastifyInstance, deps: AccountingDeps): void {
  const { store, now } = deps;
  const byNumber = new Map<string, string>();
  const findInvoice = (key: string): XeroInvoice | null => {
    const direct = store.invoices.get(key.toLowerCase());
    if (direct) return direct.json;
    if (byNumber.size === 0) for (const r of store.invoices.since(null)) byNumber.set(r.json.InvoiceNumber, r.id);
    const id = byNumber.get(key);
    return id ? (store.invoices.get(id)?.json ?? null) : null;
  };
  const withInvoice = (handler: (inv: XeroInvoice, request: FastifyRequest, reply: FastifyReply) => unknown) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const inv = findInvoice((request.params as { id: string }).id);
      return inv ? handler(inv, request, reply) : notFound(reply);
    };

  // https://developer.xero.com/documentation/api/accounting/invoices#get-invoices (by InvoiceID or InvoiceNumber)
  api.get('/Invoices/:id', withInvoice((inv, _req, reply) =>
    reply.send({ Id: randomUUID(), Status: 'OK', ProviderName: 'Relance Sandbox', DateTimeUTC: msDate(now()), Invoices: [inv] }),
  ));

  // https://developer.xero.com/documentation/api/accounting/historyandnotes#get-history
  api.get('/Invoices/:id/History', withInvoice((inv, _req, reply) =>
    reply.send({ HistoryRecords: [...store.ledgers.get(inv.InvoiceID)!.history].reverse() }),
  ));

  // https://developer.xero.com/documentation/api/accounting/historyandnotes#put-history
  // A PUT repeated with the same Idempotency-Key gets the first answer and adds nothing.
  // https://developer.xero.com/documentation/guides/idempotent-requests/idempotency
  const answered = new Map<string, unknown>();
  api.put('/Invoices/:id/History', withInvoice((inv, request, reply) => {
    const key = request.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? `${inv.InvoiceID}:${key}` : null;
    if (idempotencyKey !== null && answered.has(idempotencyKey)) return reply.send(answered.get(idempotencyKey));
    const parsed = historyBody.safeParse(request.body);
    if (!parsed.success) return validationError(reply, ['HistoryRecords must be a non-empty list of {"Details": "…"}']);
    const missing = parsed.data.HistoryRecords.some((r) => !r.Details || !r.Details.trim());
    if (missing) return validationError(reply, ['The Details field is mandatory.']);
    const at = now();
    const stamp = new Date(at).toISOString().slice(0, 19);
    const created: HistoryRecord[] = parsed.data.HistoryRecords.map((r) => ({
      Changes: 'Note',
      DateUTCString: stamp,
      DateUTC: msDate(at),
      User: 'Relance (via API)',
      Details: r.Details!,
    }));
    // A note changes no field of the invoice: Xero leaves its UpdatedDateUTC alone.
    store.ledgers.get(inv.InvoiceID)!.history.push(...created);
    deps.written.push({ at: new Date(at).toISOString(), entity: 'Invoice', id: inv.InvoiceID, what: 'history', body: parsed.data });
    if (idempotencyKey !== null) answered.set(idempotencyKey, { HistoryRecords: created });
    return reply.send({ HistoryRecords: created });
  }));

  // https://developer.xero.com/documentation/api/accounting/invoices#get-online-invoice
  api.get('/Invoices/:id/OnlineInvoice', withInvoice((inv, req, reply) => {
    if (inv.Type !== 'ACCREC' || inv.Status === 'DRAFT' || inv.Status === 'SUBMITTED' || inv.Status === 'DELETED') {
      return validationError(reply, ['An online invoice can only be retrieved for an approved sales invoice.']);
    }
    // Xero's answer is https://in.xero.com/<id>; the sandbox serves its own stand-in page instead,
    // so the demo's "Pay online" opens something and never leaves this machine.
    const url = `http://${req.headers.host ?? '127.0.0.1'}/in.xero.com/${inv.InvoiceID.replace(/-/g, '')}`;
    return reply.send({ OnlineInvoices: [{ OnlineInvoiceUrl: url }] });
  }));
}

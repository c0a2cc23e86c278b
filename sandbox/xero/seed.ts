/**
 * Turns the provider-neutral world into a Xero organisation: contacts, sales invoices (ACCREC) and a
 * few supplier bills (ACCPAY, so that `Type=="ACCREC"` filters something), one Xero payment per
 * allocation (a Xero payment pays exactly one invoice), the unapplied rest as an overpayment, and
 * credit notes with their allocations.
 */
import type { World, WorldCreditNote, WorldCustomer, WorldInvoice, WorldPayment } from '../shared/contract.ts';
import { amount, dayString, guidFor, msDate, msDay } from './format.ts';
import { XeroStore } from './store.ts';
import { countryAsTyped, streetAddress } from '../shared/addresses.ts';
import type { Row } from './table.ts';
import type {
  Allocation,
  ContactRef,
  CreditSummary,
  InvoiceLedger,
  InvoiceStatus,
  LineItem,
  PaymentSummary,
  ReceivedCredit,
  XeroContact,
  XeroCreditNote,
  XeroInvoice,
  XeroOverpayment,
  XeroPayment,
  XeroPrepayment,
} from './types.ts';

/** One supplier bill per this many sales invoices. */
const BILLS_EVERY = 20;
const SUPPLIERS = 5;

export function seedStore(world: World): XeroStore {
  const ledger = world.xero;
  const tenantId = guidFor(world.seed, 'tenant', ledger.organizationName);
  const store = new XeroStore(world.seed, tenantId, ledger.organizationName);
  store.organisation = { baseCurrency: ledger.homeCurrency, countryCode: ledger.country };
  const contactRows = ledger.customers.map((c) => contactRow(store, c));
  const suppliers = supplierRows(store, world);
  store.contacts.load([...contactRows, ...suppliers]);

  const invoiceRows = ledger.invoices.map((inv) => invoiceRow(store, inv));
  store.invoices.load(invoiceRows);
  const paymentRows: Row<XeroPayment>[] = [];
  const overpaymentRows: Row<XeroOverpayment>[] = [];
  for (const p of ledger.payments) seedPayment(store, p, paymentRows, overpaymentRows);
  const creditRows = ledger.creditNotes.map((cn) => creditNoteRow(store, cn));
  for (const row of invoiceRows) {
    if (row.json.Status === 'PAID') row.json.FullyPaidOnDate = row.json.Payments.at(-1)?.Date ?? row.json.DueDate;
  }
  store.invoices.load(billRows(store, ledger.invoices, suppliers));
  store.payments.load(paymentRows);
  store.overpayments.load(overpaymentRows);
  store.creditNotes.load(creditRows);
  return store;
}

// Xero's contact addresses: the billing one is POBOX, the street one often left empty.
// https://developer.xero.com/documentation/api/accounting/types#addresses
function xeroAddress(id: string, country: string): XeroContact['Addresses'][number] {
  const street = streetAddress(id, country);
  return { AddressType: 'POBOX', AddressLine1: street.line1, City: street.city, PostalCode: street.postalCode, Country: countryAsTyped(country, 'xero') };
}

function contactRow(store: XeroStore, c: WorldCustomer): Row<XeroContact> {
  const id = guidFor(store.seed, 'contact', c.id);
  store.mapId('contact', c.id, id);
  const main = c.contacts[0];
  const json: XeroContact = {
    ContactID: id,
    ContactNumber: c.id,
    AccountNumber: c.id,
    ContactStatus: 'ACTIVE',
    Name: c.name,
    FirstName: main?.firstName ?? '',
    LastName: main?.lastName ?? '',
    EmailAddress: c.email ?? '',
    TaxNumber: c.taxId ?? '',
    Addresses: [xeroAddress(c.id, c.country), { AddressType: 'STREET' }],
    Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: c.phone ?? '', PhoneAreaCode: '', PhoneCountryCode: '' }],
    UpdatedDateUTC: msDate(Date.parse(c.updatedAt)),
    ContactGroups: [],
    IsSupplier: false,
    IsCustomer: true,
    DefaultCurrency: c.currency,
    ContactPersons: c.contacts.slice(1).map((p) => ({
      FirstName: p.firstName,
      LastName: p.lastName,
      EmailAddress: p.email ?? '',
      IncludeInEmails: p.role === 'billing',
    })),
    HasAttachments: false,
    HasValidationErrors: false,
  };
  return { id, updatedMs: Date.parse(c.updatedAt), json };
}

function supplierRows(store: XeroStore, world: World): Row<XeroContact>[] {
  const updatedMs = Date.parse(`${world.asOf}T00:00:00Z`) - 90 * 86_400_000;
  return Array.from({ length: SUPPLIERS }, (_, i) => {
    const id = guidFor(store.seed, 'supplier', String(i));
    const json: XeroContact = {
      ContactID: id,
      ContactNumber: `S${i + 1}`,
      AccountNumber: `S${i + 1}`,
      ContactStatus: 'ACTIVE',
      Name: `Supplier ${i + 1} Ltd`,
      FirstName: '',
      LastName: '',
      EmailAddress: `accounts@supplier${i + 1}.example`,
      TaxNumber: '',
      Addresses: [{ AddressType: 'POBOX', Country: world.xero.country }],
      Phones: [],
      UpdatedDateUTC: msDate(updatedMs),
      ContactGroups: [],
      IsSupplier: true,
      IsCustomer: false,
      DefaultCurrency: world.xero.homeCurrency,
      ContactPersons: [],
      HasAttachments: false,
      HasValidationErrors: false,
    };
    return { id, updatedMs, json };
  });
}

/**
 * Arrays no one ever changes in place, shared by every record that prints them, so that 100,000
 * invoices do not cost 100,000 × 7 empty arrays (the garbage collector's time dominated seeding).
 * Payments and CreditNotes stay per invoice: payments append to them.
 */
const NONE: never[] = Object.freeze([]) as unknown as never[];

const contactRefs = new WeakMap<XeroStore, Map<string, ContactRef>>();

/** The contact summary an invoice embeds: one shared object per contact (it is never changed in place). */
export function contactRef(id: string, name: string, store?: XeroStore): ContactRef {
  const cache = store ? (contactRefs.get(store) ?? contactRefs.set(store, new Map()).get(store)!) : null;
  const hit = cache?.get(id);
  if (hit) return hit;
  const ref: ContactRef = { ContactID: id, Name: name, Addresses: NONE, Phones: NONE, ContactGroups: NONE, ContactPersons: NONE, HasValidationErrors: false };
  cache?.set(id, ref);
  return ref;
}

const STATUS: Record<WorldInvoice['status'], InvoiceStatus> = {
  draft: 'DRAFT',
  open: 'AUTHORISED',
  paid: 'PAID',
  void: 'VOIDED',
};

function invoiceRow(store: XeroStore, inv: WorldInvoice): Row<XeroInvoice> {
  const id = guidFor(store.seed, 'invoice', inv.id);
  store.mapId('invoice', inv.id, id);
  const contactId = store.xeroId('contact', inv.customerId);
  const contact = store.contacts.get(contactId)?.json;
  const cur = inv.currency;
  const lines: LineItem[] = inv.lines.map((l, i) => lineItem(store, lineId(id, i), l.description, l.amountMinor, cur));
  const json: XeroInvoice = {
    Type: 'ACCREC',
    InvoiceID: id,
    InvoiceNumber: inv.number,
    Reference: '',
    Payments: [],
    CreditNotes: [],
    Prepayments: NONE,
    Overpayments: NONE,
    AmountDue: amount(inv.balanceMinor, cur),
    AmountPaid: 0,
    AmountCredited: 0,
    CurrencyRate: 1,
    IsDiscounted: false,
    HasAttachments: false,
    HasErrors: false,
    Contact: contactRef(contactId, contact?.Name ?? '', store),
    DateString: dayString(inv.issueDate),
    Date: msDay(inv.issueDate),
    DueDateString: dayString(inv.dueDate),
    DueDate: msDay(inv.dueDate),
    Status: STATUS[inv.status],
    LineAmountTypes: 'NoTax',
    LineItems: lines,
    SubTotal: amount(inv.totalMinor, cur),
    TotalTax: 0,
    Total: amount(inv.totalMinor, cur),
    UpdatedDateUTC: msDate(Date.parse(inv.updatedAt)),
    CurrencyCode: cur,
  };
  const ledger: InvoiceLedger = { worldId: inv.id, totalMinor: inv.totalMinor, paidMinor: 0, creditedMinor: 0, history: [] };
  store.ledgers.set(id, ledger);
  return { id, updatedMs: Date.parse(inv.updatedAt), json };
}

/** A line's id from its invoice's: hashing once per line cost more than the rest of seeding. */
function lineId(invoiceId: string, index: number): string {
  const tail = (parseInt(invoiceId.slice(24), 16) ^ (index + 1)).toString(16).padStart(12, '0');
  return `${invoiceId.slice(0, 24)}${tail}`;
}

/** A line item; `id` is a GUID, or a key to hash into one. */
export function lineItem(store: XeroStore, id: string, description: string, minor: number, cur: string): LineItem {
  const value = amount(minor, cur);
  return {
    LineItemID: id.length === 36 && id[8] === '-' ? id : guidFor(store.seed, 'line', id),
    Description: description,
    Quantity: 1,
    UnitAmount: value,
    LineAmount: value,
    TaxAmount: 0,
    AccountCode: '200',
    TaxType: 'NONE',
    Tracking: NONE,
  };
}

function billRows(store: XeroStore, invoices: WorldInvoice[], suppliers: Row<XeroContact>[]): Row<XeroInvoice>[] {
  const out: Row<XeroInvoice>[] = [];
  for (let i = 0; i < invoices.length; i += BILLS_EVERY) {
    const inv = invoices[i]!;
    const supplier = suppliers[(i / BILLS_EVERY) % suppliers.length]!.json;
    const sale = store.invoices.get(store.xeroId('invoice', inv.id));
    const base = sale?.json;
    if (!base) continue;
    const id = guidFor(store.seed, 'bill', inv.id);
    const json: XeroInvoice = {
      ...base,
      Type: 'ACCPAY',
      InvoiceID: id,
      InvoiceNumber: `BILL-${inv.number}`,
      Status: 'AUTHORISED',
      Payments: [],
      CreditNotes: [],
      AmountDue: base.Total,
      AmountPaid: 0,
      AmountCredited: 0,
      Contact: contactRef(supplier.ContactID, supplier.Name, store),
    };
    delete json.FullyPaidOnDate;
    store.ledgers.set(id, { worldId: null, totalMinor: inv.totalMinor, paidMinor: 0, creditedMinor: 0, history: [] });
    out.push({ id, updatedMs: Date.parse(inv.updatedAt), json });
  }
  return out;
}

/** The JSON reference to an invoice that payments and allocations carry. */
export function invoiceRef(inv: XeroInvoice): XeroPayment['Invoice'] {
  return {
    Type: inv.Type,
    InvoiceID: inv.InvoiceID,
    InvoiceNumber: inv.InvoiceNumber,
    Contact: { ContactID: inv.Contact.ContactID, Name: inv.Contact.Name },
    CurrencyCode: inv.CurrencyCode,
  };
}

/** Builds one Xero payment of `minor` against an invoice and records it on the invoice. */
export function paymentFor(
  store: XeroStore,
  key: string,
  inv: Row<XeroInvoice>,
  minor: number,
  date: string,
  reference: string,
  updatedMs: number,
): Row<XeroPayment> {
  const id = guidFor(store.seed, 'payment', key);
  const cur = inv.json.CurrencyCode;
  const json: XeroPayment = {
    PaymentID: id,
    Date: msDay(date),
    BankAmount: amount(minor, cur),
    Amount: amount(minor, cur),
    Reference: reference,
    CurrencyRate: 1,
    PaymentType: 'ACCRECPAYMENT',
    Status: 'AUTHORISED',
    UpdatedDateUTC: msDate(updatedMs),
    HasAccount: true,
    IsReconciled: false,
    Account: { AccountID: guidFor(store.seed, 'account', '090'), Code: '090' },
    Invoice: invoiceRef(inv.json),
    HasValidationErrors: false,
  };
  const summary: PaymentSummary = {
    PaymentID: id,
    Date: json.Date,
    Amount: json.Amount,
    Reference: reference,
    CurrencyRate: 1,
    HasAccount: true,
    HasValidationErrors: false,
  };
  inv.json.Payments.push(summary);
  const ledger = store.ledgers.get(inv.id)!;
  ledger.paidMinor += minor;
  inv.json.AmountPaid = amount(ledger.paidMinor, cur);
  return { id, updatedMs, json };
}

function seedPayment(store: XeroStore, p: WorldPayment, payments: Row<XeroPayment>[], overpayments: Row<XeroOverpayment>[]): void {
  const updatedMs = Date.parse(p.updatedAt);
  for (const a of p.allocations) {
    const inv = store.invoices.get(store.xeroId('invoice', a.invoiceId));
    if (!inv) continue;
    const row = paymentFor(store, `${p.id}:${a.invoiceId}`, inv, a.amountMinor, p.date, p.reference ?? '', updatedMs);
    store.mapId('payment', p.id, row.id);
    payments.push(row);
  }
  if (p.unappliedMinor > 0) {
    overpayments.push(overpaymentFor(store, p.id, store.xeroId('contact', p.customerId), p.unappliedMinor, p.currency, p.date, updatedMs));
  }
}

export function overpaymentFor(
  store: XeroStore,
  key: string,
  contactId: string,
  minor: number,
  cur: string,
  date: string,
  updatedMs: number,
): Row<XeroOverpayment> {
  const id = guidFor(store.seed, 'overpayment', key);
  const json: XeroOverpayment = {
    OverpaymentID: id, Type: 'RECEIVE-OVERPAYMENT', Status: 'AUTHORISED',
    ...receivedCredit(store, { id, line: `op:${key}`, description: 'Overpayment', contactId, minor, cur, date, reference: '', updatedMs }),
  };
  return { id, updatedMs, json };
}

/**
 * A customer prepayment (RECEIVE-PREPAYMENT) of `minor`, not yet allocated. The world has none: the
 * sandbox makes them at run time (`XeroSimulator.recordPrepayment`), as a Xero user receives money
 * before the invoice exists. https://developer.xero.com/documentation/api/accounting/prepayments
 */
export function prepaymentFor(
  store: XeroStore,
  key: string,
  contactId: string,
  minor: number,
  cur: string,
  date: string,
  reference: string,
  updatedMs: number,
): Row<XeroPrepayment> {
  const id = guidFor(store.seed, 'prepayment', key);
  const json: XeroPrepayment = {
    PrepaymentID: id, Type: 'RECEIVE-PREPAYMENT', Status: 'AUTHORISED',
    ...receivedCredit(store, { id, line: `pp:${key}`, description: 'Prepayment', contactId, minor, cur, date, reference, updatedMs }),
  };
  return { id, updatedMs, json };
}

/** The body an overpayment and a prepayment share: one line of `minor`, nothing allocated yet. */
function receivedCredit(
  store: XeroStore,
  r: { id: string; line: string; description: string; contactId: string; minor: number; cur: string; date: string; reference: string; updatedMs: number },
): ReceivedCredit {
  const value = amount(r.minor, r.cur);
  return {
    ID: r.id,
    Reference: r.reference,
    Contact: contactRef(r.contactId, store.contacts.get(r.contactId)?.json?.Name ?? '', store),
    Date: msDay(r.date),
    DateString: dayString(r.date),
    LineAmountTypes: 'NoTax',
    LineItems: [lineItem(store, r.line, r.description, r.minor, r.cur)],
    SubTotal: value,
    TotalTax: 0,
    Total: value,
    UpdatedDateUTC: msDate(r.updatedMs),
    CurrencyCode: r.cur,
    CurrencyRate: 1,
    RemainingCredit: value,
    Allocations: [],
    Payments: [],
    HasAttachments: false,
  };
}

function creditNoteRow(store: XeroStore, cn: WorldCreditNote): Row<XeroCreditNote> {
  const id = guidFor(store.seed, 'creditNote', cn.id);
  store.mapId('creditNote', cn.id, id);
  const cur = cn.currency;
  const contactId = store.xeroId('contact', cn.customerId);
  const contact = store.contacts.get(contactId)?.json;
  const updatedMs = Date.parse(cn.updatedAt);
  const allocations: Allocation[] = [];
  for (const a of cn.allocations) {
    const inv = store.invoices.get(store.xeroId('invoice', a.invoiceId));
    if (!inv) continue;
    allocations.push({
      AllocationID: guidFor(store.seed, 'allocation', `${cn.id}:${a.invoiceId}`),
      Amount: amount(a.amountMinor, cur),
      Date: msDay(cn.issueDate),
      Invoice: invoiceRef(inv.json),
      IsDeleted: false,
    });
    const summary: CreditSummary = {
      CreditNoteID: id,
      CreditNoteNumber: cn.number,
      AppliedAmount: amount(a.amountMinor, cur),
      Date: msDay(cn.issueDate),
      DateString: dayString(cn.issueDate),
      Total: amount(cn.totalMinor, cur),
      HasErrors: false,
    };
    inv.json.CreditNotes.push(summary);
    const ledger = store.ledgers.get(inv.id)!;
    ledger.creditedMinor += a.amountMinor;
    inv.json.AmountCredited = amount(ledger.creditedMinor, inv.json.CurrencyCode);
  }
  const json: XeroCreditNote = {
    CreditNoteID: id,
    ID: id,
    CreditNoteNumber: cn.number,
    Type: 'ACCRECCREDIT',
    Reference: '',
    Contact: contactRef(contactId, contact?.Name ?? '', store),
    Date: msDay(cn.issueDate),
    DateString: dayString(cn.issueDate),
    Status: cn.remainingMinor === 0 ? 'PAID' : 'AUTHORISED',
    LineAmountTypes: 'NoTax',
    LineItems: [lineItem(store, `cn:${cn.id}`, `Credit ${cn.number}`, cn.totalMinor, cur)],
    SubTotal: amount(cn.totalMinor, cur),
    TotalTax: 0,
    Total: amount(cn.totalMinor, cur),
    UpdatedDateUTC: msDate(updatedMs),
    CurrencyCode: cur,
    CurrencyRate: 1,
    RemainingCredit: amount(cn.remainingMinor, cur),
    Allocations: allocations,
    HasAttachments: false,
  };
  if (cn.remainingMinor === 0) json.FullyPaidOnDate = json.Date;
  return { id, updatedMs, json };
}

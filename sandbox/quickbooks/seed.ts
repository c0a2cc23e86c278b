/**
 * Turns the provider-neutral world into the records of one QuickBooks Online company, in the shapes
 * the Accounting API returns them (Customer, Invoice, Payment, CreditMemo, CompanyInfo, Preferences).
 */
import { formatMinor } from '../../core/money.ts';
import type { World, WorldCreditNote, WorldCustomer, WorldInvoice, WorldPayment } from '../shared/contract.ts';
import { CompanyStore, type QboBody, type Row } from './store.ts';
import { formatQboInstant } from './time-format.ts';
import { countryAsTyped, streetAddress } from '../shared/addresses.ts';
import { seedSettings } from './company-settings.ts';

// https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
// A company defines up to three string custom fields on sales forms; Relance writes its dunning
// state into them. DefinitionId is the field's position in the company's settings.
export const CUSTOM_FIELDS = [
  { DefinitionId: '1', Name: 'Dunning stage', Type: 'StringType' },
  { DefinitionId: '2', Name: 'Dunning status', Type: 'StringType' },
  { DefinitionId: '3', Name: 'Next action', Type: 'StringType' },
] as const;

const CURRENCY_NAMES: Record<string, string> = {
  USD: 'United States Dollar',
  EUR: 'Euro',
  GBP: 'British Pound Sterling',
  CAD: 'Canadian Dollar',
  AUD: 'Australian Dollar',
  CHF: 'Swiss Franc',
  SEK: 'Swedish Krona',
  JPY: 'Japanese Yen',
};

/** An amount as QuickBooks prints it: a JSON number in the transaction currency. */
export function amountOf(minor: number, currency: string): number {
  return Number(formatMinor(BigInt(minor), currency));
}

export function currencyRef(currency: string): { value: string; name: string } {
  return { value: currency, name: CURRENCY_NAMES[currency] ?? currency };
}

export function metaData(createdMs: number, updatedMs: number): Record<string, string> {
  return { CreateTime: formatQboInstant(createdMs), LastUpdatedTime: formatQboInstant(updatedMs) };
}

/** Gives a body built with `Id: ''` first (QuickBooks prints Id first) its Id and MetaData, in place. */
function txnRow(store: CompanyStore, entity: Row['entity'], body: Record<string, unknown>, times: { createdAt: string; updatedAt: string }, worldId?: string): Row {
  const numId = store.allocateId();
  const createdMs = Date.parse(times.createdAt);
  const updatedMs = Date.parse(times.updatedAt);
  body.Id = String(numId);
  body.MetaData = metaData(createdMs, updatedMs);
  const full = body as QboBody;
  const row: Row = { entity, id: full.Id, numId, createdMs, updatedMs, body: full };
  if (worldId) {
    row.worldId = worldId;
    store.byWorldId.set(worldId, row);
  }
  return row;
}

function billAddress(store: CompanyStore, c: WorldCustomer): Record<string, string> {
  const street = streetAddress(c.id, c.country);
  return { Id: store.allocateAddressId(), Line1: street.line1, City: street.city, Country: countryAsTyped(c.country, 'quickbooks'), PostalCode: street.postalCode };
}

function customerRow(store: CompanyStore, c: WorldCustomer): Row {
  const billing = c.contacts.find((k) => k.role === 'billing') ?? c.contacts[0];
  const body = {
    Id: '',
    SyncToken: '0',
    domain: 'QBO',
    sparse: false,
    Active: true,
    Taxable: false,
    Job: false,
    BillWithParent: false,
    DisplayName: c.name,
    CompanyName: c.name,
    ...(billing ? { GivenName: billing.firstName, FamilyName: billing.lastName } : {}),
    PrintOnCheckName: c.name,
    ...(c.email ? { PrimaryEmailAddr: { Address: c.email } } : {}),
    ...(c.phone ? { PrimaryPhone: { FreeFormNumber: c.phone } } : {}),
    BillAddr: billAddress(store, c),
    CurrencyRef: currencyRef(c.currency),
    Balance: 0,
    BalanceWithJobs: 0,
    PreferredDeliveryMethod: 'Email',
    SalesTermRef: { value: '3' },
  };
  const row = txnRow(store, 'Customer', body, c, c.id);
  row.money = { currency: c.currency, totalMinor: 0, balanceMinor: 0 };
  return row;
}

function salesLines(lines: { description: string; amountMinor: number }[], currency: string, voided: boolean): unknown[] {
  const out: unknown[] = lines.map((l, i) => {
    const amount = voided ? 0 : amountOf(l.amountMinor, currency);
    return {
      Id: String(i + 1),
      LineNum: i + 1,
      Description: l.description,
      Amount: amount,
      DetailType: 'SalesItemLineDetail',
      SalesItemLineDetail: { ItemRef: { value: '1', name: 'Services' }, Qty: 1, UnitPrice: amount },
    };
  });
  const subtotal = voided ? 0 : amountOf(lines.reduce((s, l) => s + l.amountMinor, 0), currency);
  out.push({ Amount: subtotal, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
  return out;
}

function invoiceRow(store: CompanyStore, inv: WorldInvoice, customer: Row): Row {
  // A voided QuickBooks invoice keeps its lines but all its amounts drop to zero.
  const voided = inv.status === 'void';
  const total = voided ? 0 : inv.totalMinor;
  const balance = voided ? 0 : inv.balanceMinor;
  const email = (customer.body.PrimaryEmailAddr as { Address: string } | undefined)?.Address;
  const body = {
    Id: '',
    SyncToken: '0',
    domain: 'QBO',
    sparse: false,
    DocNumber: inv.number,
    TxnDate: inv.issueDate,
    DueDate: inv.dueDate,
    TotalAmt: amountOf(total, inv.currency),
    Balance: amountOf(balance, inv.currency),
    CurrencyRef: currencyRef(inv.currency),
    CustomerRef: { value: customer.id, name: customer.body.DisplayName },
    ...(email ? { BillEmail: { Address: email } } : {}),
    // QuickBooks has no draft invoices: a world draft is an invoice that was never sent.
    EmailStatus: inv.status === 'draft' ? 'NotSet' : 'EmailSent',
    PrintStatus: 'NotSet',
    AllowOnlineCreditCardPayment: true,
    AllowOnlineACHPayment: true,
    SalesTermRef: { value: '3' },
    CustomField: CUSTOM_FIELDS.map((f) => ({ ...f })),
    Line: salesLines(inv.lines, inv.currency, voided),
    LinkedTxn: [],
    ...(voided ? { PrivateNote: 'Voided' } : {}),
  };
  const row = txnRow(store, 'Invoice', body, inv, inv.id);
  row.money = { currency: inv.currency, totalMinor: total, balanceMinor: balance };
  return row;
}

function paymentRow(store: CompanyStore, p: WorldPayment, customer: Row): Row {
  const lines = p.allocations.flatMap((a) => {
    const invoice = store.byWorldId.get(a.invoiceId);
    if (!invoice) return [];
    (invoice.body.LinkedTxn as unknown[]).push({ TxnId: '', TxnType: 'Payment' });
    return [{ Amount: amountOf(a.amountMinor, p.currency), LinkedTxn: [{ TxnId: invoice.id, TxnType: 'Invoice' }] }];
  });
  const body = {
    Id: '',
    SyncToken: '0',
    domain: 'QBO',
    sparse: false,
    TxnDate: p.date,
    TotalAmt: amountOf(p.amountMinor, p.currency),
    UnappliedAmt: amountOf(p.unappliedMinor, p.currency),
    ProcessPayment: false,
    CurrencyRef: currencyRef(p.currency),
    CustomerRef: { value: customer.id, name: customer.body.DisplayName },
    ...(p.reference ? { PaymentRefNum: p.reference } : {}),
    Line: lines,
  };
  const row = txnRow(store, 'Payment', body, p, p.id);
  linkBack(store, row, p.allocations.map((a) => a.invoiceId));
  row.money = { currency: p.currency, totalMinor: p.amountMinor, balanceMinor: p.unappliedMinor };
  return row;
}

/** Fills the invoices' `LinkedTxn` placeholders pushed above with the payment's Id, now known. */
function linkBack(store: CompanyStore, payment: Row, invoiceWorldIds: string[]): void {
  for (const wid of invoiceWorldIds) {
    const links = store.byWorldId.get(wid)?.body.LinkedTxn as { TxnId: string }[] | undefined;
    const blank = links?.find((l) => l.TxnId === '');
    if (blank) blank.TxnId = payment.id;
  }
}

/**
 * A credit memo, and — when it is applied — the zero-amount Payment through which QuickBooks applies
 * a credit memo to invoices (one line per invoice, one line for the credit memo).
 */
function creditMemoRows(store: CompanyStore, cn: WorldCreditNote, customer: Row): Row[] {
  const body = {
    Id: '',
    SyncToken: '0',
    domain: 'QBO',
    sparse: false,
    DocNumber: cn.number,
    TxnDate: cn.issueDate,
    TotalAmt: amountOf(cn.totalMinor, cn.currency),
    Balance: amountOf(cn.remainingMinor, cn.currency),
    RemainingCredit: amountOf(cn.remainingMinor, cn.currency),
    CurrencyRef: currencyRef(cn.currency),
    CustomerRef: { value: customer.id, name: customer.body.DisplayName },
    Line: salesLines([{ description: `Credit ${cn.number}`, amountMinor: cn.totalMinor }], cn.currency, false),
  };
  const memo = txnRow(store, 'CreditMemo', body, cn, cn.id);
  memo.money = { currency: cn.currency, totalMinor: cn.totalMinor, balanceMinor: cn.remainingMinor };
  const applied = cn.allocations.filter((a) => store.byWorldId.has(a.invoiceId));
  if (!applied.length) return [memo];
  const appliedMinor = applied.reduce((s, a) => s + a.amountMinor, 0);
  const application: WorldPayment = {
    id: `${cn.id}-application`,
    customerId: cn.customerId,
    date: cn.issueDate,
    currency: cn.currency,
    amountMinor: 0,
    unappliedMinor: 0,
    reference: null,
    allocations: applied,
    createdAt: cn.createdAt,
    updatedAt: cn.updatedAt,
  };
  const payment = paymentRow(store, application, customer);
  (payment.body.Line as unknown[]).push({
    Amount: amountOf(appliedMinor, cn.currency),
    LinkedTxn: [{ TxnId: memo.id, TxnType: 'CreditMemo' }],
  });
  return [memo, payment];
}

/** Builds the company of `world.quickbooks`; `realmId` names it. */
export function seedCompany(world: World, realmId: string): CompanyStore {
  const ledger = world.quickbooks;
  const store = new CompanyStore(realmId, ledger.homeCurrency);
  const customers = ledger.customers.map((c) => customerRow(store, c));
  const customerOf = (id: string): Row => {
    const row = store.byWorldId.get(id);
    if (!row) throw new Error(`world: unknown customer ${id}`);
    return row;
  };
  const invoices = ledger.invoices.map((inv) => invoiceRow(store, inv, customerOf(inv.customerId)));
  const memos: Row[] = [];
  const payments: Row[] = [];
  for (const cn of ledger.creditNotes) {
    const [memo, application] = creditMemoRows(store, cn, customerOf(cn.customerId));
    memos.push(memo!);
    if (application) payments.push(application);
  }
  for (const p of ledger.payments) payments.push(paymentRow(store, p, customerOf(p.customerId)));
  computeCustomerBalances(customers, invoices, memos, payments);
  store.table('Customer').load(customers);
  store.table('Invoice').load(invoices);
  store.table('CreditMemo').load(memos);
  store.table('Payment').load(payments);
  seedSettings(store, world);
  return store;
}

/**
 * A customer's `Balance` is what it owes: its invoices' open balances less its unapplied credit
 * (credit memos' remaining credit, payments' unapplied amounts), in the customer's currency.
 */
export function computeCustomerBalances(customers: Row[], invoices: Row[], memos: Row[], payments: Row[]): void {
  const owed = new Map<string, number>();
  const add = (row: Row, sign: 1 | -1): void => {
    const id = (row.body.CustomerRef as { value: string }).value;
    owed.set(id, (owed.get(id) ?? 0) + sign * (row.money?.balanceMinor ?? 0));
  };
  for (const r of invoices) add(r, 1);
  for (const r of memos) add(r, -1);
  for (const r of payments) add(r, -1);
  for (const c of customers) setCustomerBalance(c, owed.get(c.id) ?? 0);
}

export function setCustomerBalance(customer: Row, minor: number): void {
  const money = customer.money!;
  money.balanceMinor = minor;
  customer.body.Balance = amountOf(minor, money.currency);
  customer.body.BalanceWithJobs = customer.body.Balance;
}

/**
 * The structural cases that do not fit a path and a transform, each small and named; a mapping file
 * names the one a field uses (`"derive": "documentStatus"`).
 */
import { formatMinor, toMinor } from '../money.ts';
import type { Allocation, InvoiceStatus, Lifecycle } from './canonical.ts';
import { LIFECYCLES } from './canonical.ts';
import type { DerivationName } from './schema.ts';
import { FieldProblem, toMoney, toText } from './transforms.ts';
import { languageOfCountry, toLanguageCode } from './countries.ts';

export interface DerivationInput {
  /** The raw record (not the expanded element). */
  raw: Record<string, unknown>;
  /** The field's own mapped value, when its spec also has a source (the lifecycle, for a status). */
  value: unknown;
  /** Fields mapped so far, canonical (amounts as decimal strings). */
  record: Record<string, unknown>;
  currency: string | null;
  tombstone: boolean;
}

type Derivation = (input: DerivationInput) => unknown;

/**
 * FORMATS.md's status rule, the same for every provider: `void` for a voided, deleted or cancelled
 * document, `draft` for one not yet issued, `paid` when the open balance is zero, else `open`.
 */
function documentStatus({ value, record, tombstone }: DerivationInput): InvoiceStatus {
  if (tombstone) return 'void';
  const lifecycle = value === null ? 'issued' : toText(value);
  if (!(LIFECYCLES as readonly string[]).includes(lifecycle)) {
    throw new FieldProblem(`lifecycle "${lifecycle}" is not one of ${LIFECYCLES.join(', ')}`);
  }
  if (lifecycle !== 'issued') return lifecycle as Exclude<Lifecycle, 'issued'>;
  const balance = record['balance'];
  if (typeof balance !== 'string') throw new FieldProblem('needs the balance, which is absent');
  return /^-?0(\.0+)?$/.test(balance) ? 'paid' : 'open';
}

/**
 * A QuickBooks document's status: `status` is only ever "Deleted" (a CDC deletion notice) — any
 * other value breaks the documented shape and rejects the record, naming it; a voided document
 * keeps its record with "Voided" prepended to `PrivateNote`; else the balance decides (documentStatus).
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#void-an-invoice
 */
function quickbooksDocumentStatus(input: DerivationInput): InvoiceStatus {
  const status = input.raw['status'];
  if (status !== undefined && status !== null && status !== 'Deleted') {
    throw new FieldProblem(`status "${toText(status)}" is not one QuickBooks documents (only "Deleted")`);
  }
  const note = input.raw['PrivateNote'];
  const voided = status === 'Deleted' || (typeof note === 'string' && note.startsWith('Voided'));
  return documentStatus({ ...input, value: voided ? 'void' : 'issued' });
}

/**
 * QuickBooks applies a payment through its lines: each `Line[]` carries an `Amount` and the
 * transactions it links in `LinkedTxn[]`. An Invoice line is money applied to that invoice; a
 * CreditMemo line is a credit memo used up in the same payment — Intuit's sample applies a credit
 * memo with a $0 payment holding an Invoice line and a CreditMemo line of the same amount. That part
 * of the invoice is paid by the credit note, not by the payment: it is listed with
 * `creditNoteExternalId` (the credit note's allocation, carried by the payment), so the payment's own
 * allocations plus its unapplied amount make its total. A line linking both an invoice and a credit
 * memo applies that credit to that invoice; credit lines on their own go to the invoice lines in
 * line order. Several lines on one invoice add up.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment
 */
function quickbooksPaymentAllocations({ raw, currency }: DerivationInput): Allocation[] {
  const lines = Array.isArray(raw['Line']) ? (raw['Line'] as unknown[]) : [];
  const invoices = new Map<string, bigint>();
  const credits: { credit: string; invoice: string | null; amount: bigint }[] = [];
  lines.forEach((line, i) => {
    if (line === null || typeof line !== 'object') return;
    const links = (line as Record<string, unknown>)['LinkedTxn'];
    const typed = (type: string) => (Array.isArray(links) ? links : [])
      .filter((l): l is Record<string, unknown> => l !== null && typeof l === 'object' && l['TxnType'] === type)
      .map((l) => toText(l['TxnId']));
    const invoiceIds = typed('Invoice');
    const creditIds = typed('CreditMemo');
    if (invoiceIds.length === 0 && creditIds.length === 0) return;
    // The docs allow one linked transaction of a kind per line: a line's amount cannot be split.
    if (invoiceIds.length > 1) throw new FieldProblem(`Line[${i}] links ${invoiceIds.length} invoices to one amount`);
    if (creditIds.length > 1) throw new FieldProblem(`Line[${i}] links ${creditIds.length} credit memos to one amount`);
    const amount = lineAmount((line as Record<string, unknown>)['Amount'], currency, `Line[${i}].Amount`);
    if (creditIds.length === 1) credits.push({ credit: creditIds[0]!, invoice: invoiceIds[0] ?? null, amount });
    else invoices.set(invoiceIds[0]!, (invoices.get(invoiceIds[0]!) ?? 0n) + amount);
  });
  // Credit on one line with its invoice: already the credit's part of that invoice.
  const applied = new Map<string, bigint>();
  const add = (invoice: string, credit: string, amount: bigint) => {
    const key = `${invoice}\u0000${credit}`;
    applied.set(key, (applied.get(key) ?? 0n) + amount);
  };
  for (const c of credits) if (c.invoice !== null) add(c.invoice, c.credit, c.amount);
  const loose = credits.filter((c) => c.invoice === null).map((c) => ({ ...c }));
  const cash = new Map<string, bigint>();
  for (const [invoice, amount] of invoices) {
    let left = amount;
    for (const c of loose) {
      if (left === 0n) break;
      const take = c.amount < left ? c.amount : left;
      if (take === 0n) continue;
      add(invoice, c.credit, take);
      c.amount -= take;
      left -= take;
    }
    if (left > 0n) cash.set(invoice, left);
  }
  const unplaced = loose.find((c) => c.amount > 0n);
  if (unplaced) throw new FieldProblem(`CreditMemo ${unplaced.credit} lines apply more than the payment's invoice lines`);
  const out = toAllocations(cash, currency);
  for (const [key, minor] of applied) {
    const [invoiceExternalId, creditNoteExternalId] = key.split('\u0000') as [string, string];
    out.push({ invoiceExternalId, amount: formatMinor(minor, currency!), creditNoteExternalId });
  }
  return out;
}

/**
 * A Xero payment pays exactly one invoice, named in `Invoice.InvoiceID`.
 * https://developer.xero.com/documentation/api/accounting/payments
 */
function xeroPaymentAllocation({ raw, currency }: DerivationInput): Allocation[] {
  const invoice = raw['Invoice'];
  const id = invoice !== null && typeof invoice === 'object' ? (invoice as Record<string, unknown>)['InvoiceID'] : null;
  if (id === null || id === undefined || id === '') throw new FieldProblem('missing (Invoice.InvoiceID)');
  const amount = lineAmount(raw['Amount'], currency, 'Amount');
  return toAllocations(new Map([[toText(id), amount]]), currency);
}

/**
 * Xero credit notes, overpayments and prepayments list what they were applied to in `Allocations[]`,
 * each `{ Amount, Date, Invoice: { InvoiceID } }`.
 * https://developer.xero.com/documentation/api/accounting/creditnotes
 */
function xeroAllocations({ raw, currency }: DerivationInput): Allocation[] {
  const list = Array.isArray(raw['Allocations']) ? (raw['Allocations'] as unknown[]) : [];
  const byInvoice = new Map<string, bigint>();
  list.forEach((a, i) => {
    if (a === null || typeof a !== 'object') return;
    const invoice = (a as Record<string, unknown>)['Invoice'];
    const id = invoice !== null && typeof invoice === 'object' ? (invoice as Record<string, unknown>)['InvoiceID'] : null;
    if (typeof id !== 'string' || !id) throw new FieldProblem(`missing (Allocations[${i}].Invoice.InvoiceID)`);
    const amount = lineAmount((a as Record<string, unknown>)['Amount'], currency, `Allocations[${i}].Amount`);
    byInvoice.set(id, (byInvoice.get(id) ?? 0n) + amount);
  });
  return toAllocations(byInvoice, currency);
}

/** QuickBooks credit memos are applied through payments: the memo itself lists nothing. */
function noAllocations(): Allocation[] {
  return [];
}

/**
 * A customer's language: the one the source names (HubSpot `hs_language`, a custom field the
 * connection maps), else the main language of its country.
 */
function languageFromCountry({ value, record }: DerivationInput): string | null {
  const named = value === null ? null : toLanguageCode(toText(value));
  if (named !== null) return named;
  const country = record['country'];
  return languageOfCountry(typeof country === 'string' ? country : null);
}

const DERIVATION_TABLE: Record<DerivationName, Derivation> = {
  languageFromCountry,
  documentStatus,
  quickbooksDocumentStatus,
  quickbooksPaymentAllocations,
  xeroPaymentAllocation,
  xeroAllocations,
  noAllocations,
};

export function derive(name: DerivationName, input: DerivationInput): unknown {
  return DERIVATION_TABLE[name](input);
}

/** Minor units of an amount inside an allocation (bigint, so that several lines add up exactly). */
function lineAmount(value: unknown, currency: string | null, where: string): bigint {
  if (currency === null) throw new FieldProblem(`${where} needs a currency, which is absent`);
  if (value === null || value === undefined) throw new FieldProblem(`missing (${where})`);
  // toMoney validates and explains; the decimal string it returns then parses exactly.
  return toMinor(toMoney(value, currency), currency);
}

function toAllocations(byInvoice: Map<string, bigint>, currency: string | null): Allocation[] {
  if (byInvoice.size === 0) return [];
  if (currency === null) throw new FieldProblem('needs a currency, which is absent');
  return [...byInvoice].map(([invoiceExternalId, minor]) => ({ invoiceExternalId, amount: formatMinor(minor, currency) }));
}

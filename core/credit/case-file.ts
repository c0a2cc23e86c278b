/**
 * The case file a lawyer or a collection agency needs after a hand-over: who the parties are,
 * what is owed invoice by invoice (principal, interest and fixed compensation by law), the whole
 * history of reminders and letters with their dates and channels, the promises (broken ones
 * marked), the disputes, and what was recovered since. `buildCaseFile` gathers it from the store;
 * `caseFileZip` packs the PDF summary with the documents as one ZIP — for a French creditor, with
 * the data of a request for an "injonction de payer" (Code de procédure civile, art. 1405 ff.).
 */
import { sql } from 'drizzle-orm';
import { loadCustomerLedgers, loadOrganization } from '../agenda/index.ts';
import { daysBetween, todayIn, type IsoDate } from '../calendar/index.ts';
import { NotFound } from '../errors.ts';
import { toCsv, zip, type ExportTable } from '../exports/index.ts';
import { invoiceFees } from '../fees/index.ts';
import { openBalanceOn } from '../ledger/balance.ts';
import { formatMinor } from '../money.ts';
import type { Db } from '../store/index.ts';
import type { PostalAddress } from '../store/schema/columns.ts';
import { renderCaseFilePdf } from './case-file-pdf.ts';
import { getHandover, type Handover } from './handover.ts';
import { injonctionDePayer, type InjonctionRequest } from './injonction.ts';

export interface Party {
  name: string;
  address: string[];
  country: string | null;
  taxId: string | null;
  email?: string | null;
  phone?: string | null;
}

export interface CaseInvoice {
  number: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  total: string;
  balance: string;
  daysLate: number;
  interest: string;
  fixed: string;
}

export interface CaseReminder {
  date: string;
  step: number | null;
  channel: string;
  template: string | null;
  to: string | null;
  invoices: string[];
}

export interface CasePromise {
  recordedOn: string;
  promisedDate: string;
  amount: string;
  currency: string;
  status: string;
}

export interface CaseDispute {
  openedOn: string;
  reason: string;
  status: string;
  resolution: string | null;
  invoices: string[];
}

export interface CaseFile {
  asOf: IsoDate;
  handover: Handover;
  creditor: Party;
  debtor: Party;
  policy: string;
  invoices: CaseInvoice[];
  totals: Record<string, { principal: string; interest: string; fixed: string; total: string }>;
  reminders: CaseReminder[];
  promises: CasePromise[];
  disputes: CaseDispute[];
  recovered: Record<string, string>;
}

export function addressLines(a: PostalAddress | null | undefined): string[] {
  if (!a) return [];
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [...a.lines, cityLine, a.region ?? '', a.country ?? a.countryRaw ?? ''].map((l) => l.trim()).filter(Boolean);
}

/** Everything the case file says, read from the store on `asOf` (the organization's today by default). */
export async function buildCaseFile(db: Db, organizationId: string, handoverId: string, asOfGiven?: IsoDate): Promise<CaseFile> {
  const handover = await getHandover(db, organizationId, handoverId);
  if (!handover) throw new NotFound('hand-over not found', { field: 'handoverId' });
  const customerId = handover.customer.id;
  const { rows: [parties] } = await db.execute<{
    org_name: string; org_country: string; org_address: PostalAddress | null; timezone: string; policy: { policy: string };
    name: string; address: PostalAddress | null; country: string | null; tax_id: string | null; email: string | null; phone: string | null;
  }>(sql`
    SELECT o.name AS org_name, o.country AS org_country, o.sender_address AS org_address, o.timezone, o.late_payment_policy AS policy,
           c.name, COALESCE(c.postal_address_override, c.postal_address) AS address, c.country, c.tax_id, c.email, c.phone
      FROM customers c JOIN organizations o ON o.id = c.organization_id WHERE c.id = ${customerId}::uuid`);
  const p = parties!;
  const asOf = asOfGiven ?? todayIn(p.timezone, new Date());
  const org = await loadOrganization(db, organizationId);
  const [ledger] = await loadCustomerLedgers(db, organizationId, [customerId], asOf);
  const invoices: CaseInvoice[] = [];
  const totals = new Map<string, { principal: bigint; interest: bigint; fixed: bigint }>();
  for (const inv of [...(ledger?.invoices ?? [])].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number))) {
    const balance = openBalanceOn(inv, asOf);
    if (inv.void || balance <= 0n) continue;
    const fees = invoiceFees(inv, asOf, org.planner.latePayment);
    const money = (m: bigint) => formatMinor(m, inv.currency);
    invoices.push({
      number: inv.number, issueDate: inv.issueDate, dueDate: inv.dueDate, currency: inv.currency, total: money(inv.total), balance: money(balance),
      daysLate: Math.max(0, daysBetween(inv.dueDate, asOf)), interest: money(fees.interest), fixed: money(fees.fixed),
    });
    const t = totals.get(inv.currency) ?? { principal: 0n, interest: 0n, fixed: 0n };
    totals.set(inv.currency, { principal: t.principal + balance, interest: t.interest + fees.interest, fixed: t.fixed + fees.fixed });
  }
  const { rows: reminders } = await db.execute<{ occurred_at: Date; step: number | null; channel: string; template: string | null; to: string | null; invoices: string[] | null }>(sql`
    SELECT a.occurred_at, (a.payload->>'step')::int AS step, coalesce(a.payload->>'channel', x.channel::text) AS channel,
           coalesce(a.payload->>'template', x.template) AS template, a.payload->>'to' AS "to",
           ARRAY(SELECT jsonb_array_elements_text(coalesce(a.payload->'invoices', '[]'::jsonb))) AS invoices
      FROM activities a LEFT JOIN actions x ON x.id::text = a.payload->>'actionId'
     WHERE a.customer_id = ${customerId}::uuid AND a.kind IN ('reminder.sent', 'task.created')
     ORDER BY a.occurred_at, a.id`);
  const { rows: promises } = await db.execute<{ created_at: Date; promised_date: string; amount: string | null; currency: string; status: string }>(sql`
    SELECT created_at, promised_date::text, amount_minor::text AS amount, currency::text, status::text
      FROM promises_to_pay WHERE customer_id = ${customerId}::uuid ORDER BY created_at, id`);
  const { rows: disputes } = await db.execute<{ opened_at: Date; reason: string; status: string; resolution: string | null; invoices: string[] }>(sql`
    SELECT d.opened_at, d.reason, d.status::text, d.resolution,
           ARRAY(SELECT coalesce(i.number, i.external_id) FROM dispute_invoices di JOIN invoices i ON i.id = di.invoice_id
                  WHERE di.dispute_id = d.id ORDER BY 1) AS invoices
      FROM disputes d WHERE d.customer_id = ${customerId}::uuid ORDER BY d.opened_at, d.id`);
  const day = (d: Date) => todayIn(p.timezone, new Date(d));
  return {
    asOf,
    handover,
    creditor: { name: p.org_name, address: addressLines(p.org_address), country: p.org_country, taxId: null },
    debtor: { name: p.name, address: addressLines(p.address), country: p.country, taxId: p.tax_id, email: p.email, phone: p.phone },
    policy: p.policy.policy,
    invoices,
    totals: Object.fromEntries([...totals].sort(([a], [b]) => a.localeCompare(b)).map(([c, t]) => [c, {
      principal: formatMinor(t.principal, c), interest: formatMinor(t.interest, c), fixed: formatMinor(t.fixed, c), total: formatMinor(t.principal + t.interest + t.fixed, c),
    }])),
    reminders: reminders.map((r) => ({ date: day(r.occurred_at), step: r.step, channel: r.channel, template: r.template, to: r.to, invoices: r.invoices ?? [] })),
    promises: promises.map((r) => ({
      recordedOn: day(r.created_at), promisedDate: r.promised_date, currency: r.currency, status: r.status,
      amount: r.amount === null ? '' : formatMinor(BigInt(r.amount), r.currency),
    })),
    disputes: disputes.map((r) => ({ openedOn: day(r.opened_at), reason: r.reason, status: r.status, resolution: r.resolution, invoices: r.invoices })),
    recovered: handover.recovered,
  };
}

/** A CSV table of text cells, headed by the keys. */
function table(name: string, keys: string[], rows: string[][]): ExportTable {
  return {
    name,
    columns: keys.map((key) => ({ key, header: key, type: 'text' as const })),
    rows: rows.map((cells) => Object.fromEntries(keys.map((k, i) => [k, cells[i] ?? '']))),
  };
}

/** Extra documents a caller attaches (the letters as sent), by file name. */
export type CaseDocuments = { name: string; data: Buffer }[];

/**
 * The letters as they were printed and posted (`action_documents`, the PDFs sent to the
 * print-and-post provider), oldest first, named by date, step and action so each is found
 * beside its line in reminders.csv.
 */
export async function caseDocuments(db: Db, organizationId: string, customerId: string): Promise<CaseDocuments> {
  const { rows } = await db.execute<{ action_id: string; step: number; sent_on: string | null; content_type: string; content: Buffer }>(sql`
    SELECT d.action_id, a.step, to_char(coalesce(a.sent_at, d.created_at), 'YYYY-MM-DD') AS sent_on, d.content_type, d.content
      FROM action_documents d JOIN actions a ON a.id = d.action_id
     WHERE d.organization_id = ${organizationId}::uuid AND a.customer_id = ${customerId}::uuid
     ORDER BY coalesce(a.sent_at, d.created_at), d.action_id`);
  return rows.map((r) => ({
    name: `letter-${r.sent_on ?? 'unsent'}-step${r.step}-${r.action_id.slice(0, 8)}.${r.content_type === 'application/pdf' ? 'pdf' : 'bin'}`,
    data: Buffer.from(r.content),
  }));
}

/** The case file as one ZIP: the PDF summary, the tables as CSV, the documents, and for FR the injonction data. */
export async function caseFileZip(file: CaseFile, documents: CaseDocuments = []): Promise<Buffer> {
  const pdf = Buffer.from(await renderCaseFilePdf(file));
  const files = [
    { name: 'case-file.pdf', data: pdf },
    { name: 'invoices.csv', data: Buffer.from(toCsv(table('invoices', ['number', 'issueDate', 'dueDate', 'currency', 'total', 'balance', 'daysLate', 'interest', 'fixed'],
      file.invoices.map((i) => [i.number, i.issueDate, i.dueDate, i.currency, i.total, i.balance, String(i.daysLate), i.interest, i.fixed])))) },
    { name: 'reminders.csv', data: Buffer.from(toCsv(table('reminders', ['date', 'step', 'channel', 'template', 'to', 'invoices'],
      file.reminders.map((r) => [r.date, r.step === null ? '' : String(r.step), r.channel, r.template ?? '', r.to ?? '', r.invoices.join(' ')])))) },
    ...documents.map((d) => ({ name: `documents/${d.name.replace(/[^A-Za-z0-9._-]/g, '_')}`, data: d.data })),
  ];
  if (file.creditor.country === 'FR') {
    const request: InjonctionRequest = injonctionDePayer(file);
    files.push({ name: 'injonction-de-payer.json', data: Buffer.from(JSON.stringify(request, null, 2) + '\n') });
  }
  return zip(files);
}

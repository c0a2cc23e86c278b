/**
 * Unapplied money as a list to work from, and its application by hand. Every payment with an
 * unapplied part (a Xero overpayment or prepayment included) and every credit note with credit
 * left is listed with its age, whether or not a suggestion was ever computed for it — the demo's
 * 14 items stayed invisible because the page listed stored suggestions only, and the demo never
 * computes them — with its suggestions ranked beneath, computed now (weak ones marked).
 * A collector picks invoices and amounts; the allocations are recorded and the provider's
 * application queued through the same `apply_payment` change an accepted suggestion uses.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { Conflict, InvalidInput, NotFound } from '../errors.ts';
import { formatMinor, toMinor } from '../money.ts';
import type { Executor, Tx } from '../store/index.ts';
import { suggestApplications } from './match.ts';
import { applyToInvoices, lockMoney, type MoneyRow, type WriteBack } from './store.ts';

/** A suggestion below this score is shown as weak: a guess from amounts alone, to be checked. */
export const WEAK_SCORE = 700;

export interface UnappliedItem {
  source: 'payment' | 'credit_note';
  id: string;
  kind: 'payment' | 'credit_note' | 'overpayment' | 'prepayment';
  customer: { id: string; name: string };
  provider: string;
  providerReference: string;
  reference: string | null;
  date: string | null;
  ageDays: number | null;
  amount: string;
  currency: string;
  openInvoices: { id: string; number: string | null; dueDate: string | null; balance: string }[];
  suggestions: { rank: number; rule: string; score: number; weak: boolean; explanation: string; allocations: { invoiceId: string; number: string | null; amount: string }[] }[];
}

interface ListRow extends MoneyRow { customer_name: string; reference: string | null; date: string | null; age: number | null; total: number }

/** The organization's unapplied money the member sees, oldest first, with suggestions. */
export async function listUnapplied(db: Executor, q: { organizationId: string; visible: readonly string[] | null; today: string; limit: number; offset: number }): Promise<{ items: UnappliedItem[]; total: number }> {
  const scope = q.visible === null ? sql`` : sql`AND m.customer_id = ANY(${sql.param(q.visible)}::uuid[])`;
  const { rows } = await db.execute<ListRow>(sql`
    SELECT m.*, c.name AS customer_name, (${q.today}::date - m.date)::int AS age, count(*) OVER ()::int AS total FROM (
      SELECT 'payment' AS source, p.id, p.customer_id, p.connection_id, k.provider::text AS provider, p.external_id, p.currency::text AS currency,
             p.unapplied_minor::text AS amount, p.reference AS memo, p.reference, p.date,
             CASE WHEN p.raw ? 'OverpaymentID' THEN 'overpayment' WHEN p.raw ? 'PrepaymentID' THEN 'prepayment' END AS raw_kind
        FROM payments p JOIN connections k ON k.id = p.connection_id
       WHERE p.organization_id = ${q.organizationId}::uuid AND p.unapplied_minor > 0 AND p.customer_id IS NOT NULL
      UNION ALL
      SELECT 'credit_note', n.id, n.customer_id, n.connection_id, k.provider::text, n.external_id, n.currency::text,
             n.remaining_minor::text, n.number, n.number, n.issue_date, NULL
        FROM credit_notes n JOIN connections k ON k.id = n.connection_id
       WHERE n.organization_id = ${q.organizationId}::uuid AND n.remaining_minor > 0 AND n.customer_id IS NOT NULL
    ) m JOIN customers c ON c.id = m.customer_id
    WHERE true ${scope}
    ORDER BY m.date NULLS LAST, m.id LIMIT ${q.limit} OFFSET ${q.offset}`);
  const items: UnappliedItem[] = [];
  for (const m of rows) {
    const { rows: open } = await db.execute<{ id: string; number: string | null; due_date: string | null; balance: string }>(sql`
      SELECT id, number, due_date::text, balance_minor::text AS balance FROM invoices
       WHERE customer_id = ${m.customer_id}::uuid AND currency = ${m.currency} AND status = 'open' AND balance_minor > 0 AND NOT disputed
       ORDER BY due_date NULLS LAST, number LIMIT 100`);
    const openItems = open.map((i) => ({ id: i.id, number: i.number, dueDate: i.due_date, balance: BigInt(i.balance) }));
    const numberOf = new Map(open.map((i) => [i.id, i.number]));
    const suggestions = suggestApplications({ amount: BigInt(m.amount), currency: m.currency, memo: m.memo }, openItems, { limit: 5, includeWeak: true });
    items.push({
      source: m.source, id: m.id, kind: m.source === 'payment' ? ((m.raw_kind as 'overpayment' | 'prepayment' | null) ?? 'payment') : 'credit_note',
      customer: { id: m.customer_id, name: m.customer_name }, provider: m.provider, providerReference: m.external_id, reference: m.reference,
      date: m.date, ageDays: m.age, amount: formatMinor(BigInt(m.amount), m.currency), currency: m.currency,
      openInvoices: open.map((i) => ({ id: i.id, number: i.number, dueDate: i.due_date, balance: formatMinor(BigInt(i.balance), m.currency) })),
      suggestions: suggestions.map((s, k) => ({
        rank: k + 1, rule: s.rule, score: s.score, weak: s.score < WEAK_SCORE, explanation: s.explanation,
        allocations: s.invoiceIds.map((id, j) => ({ invoiceId: id, number: numberOf.get(id) ?? null, amount: formatMinor(s.amounts[j]!, m.currency) })),
      })),
    });
  }
  return { items, total: rows[0]?.total ?? 0 };
}

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "1250.00"');
export const allocationInputSchema = z.object({
  /** The currency the collector sees; when given it must be the money's. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code').optional(),
  allocations: z.array(z.object({ invoiceId: z.uuid(), amount: decimal })).min(1, 'pick at least one invoice').max(100),
  /** One per form shown: a retried request applies nothing twice. */
  requestId: z.uuid().optional(),
});
export type AllocationInput = z.input<typeof allocationInputSchema>;

function invalid(field: string, message: string): never {
  throw new InvalidInput(`allocation.${field}: ${message}`, { field });
}

/**
 * Applies unapplied money to invoices chosen by hand. Refused, with the field named and nothing
 * written: another currency, an invoice of another customer or not open, more than an invoice
 * owes, more in total than the money's unapplied amount.
 */
export async function allocateManually(tx: Tx, ctx: { organizationId: string; userId: string; today: string }, source: 'payment' | 'credit_note', moneyId: string, input: unknown): Promise<{ allocations: number; remaining: string; currency: string; writeBack: WriteBack }> {
  const parsed = allocationInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    invalid(issue.path.join('.') || 'allocations', issue.message);
  }
  const a = parsed.data;
  const m = await lockMoney(tx, ctx.organizationId, source, moneyId);
  if (!m) throw new NotFound(`${source} ${moneyId} has no unapplied money in this organization`, { field: 'moneyId' });
  if (a.currency && a.currency !== m.currency) invalid('currency', `the ${source.replace('_', ' ')} is in ${m.currency}, not ${a.currency}`);
  const ids = a.allocations.map((x) => x.invoiceId);
  if (new Set(ids).size !== ids.length) invalid('allocations', 'an invoice is picked twice');
  const { rows: invoices } = await tx.execute<{ id: string; customer_id: string | null; currency: string; status: string; balance_minor: string; number: string | null; external_id: string }>(sql`
    SELECT id, customer_id, currency::text, status::text, balance_minor::text, number, external_id FROM invoices
     WHERE organization_id = ${ctx.organizationId}::uuid AND id = ANY(${sql.param(ids)}::uuid[]) FOR UPDATE`);
  let total = 0n;
  const applications: { invoiceId: string; amount: bigint }[] = [];
  for (const [k, x] of a.allocations.entries()) {
    const inv = invoices.find((i) => i.id === x.invoiceId);
    if (!inv || inv.customer_id !== m.customer_id) invalid(`allocations.${k}.invoiceId`, 'not an invoice of this customer');
    if (inv.currency !== m.currency) invalid(`allocations.${k}.invoiceId`, `invoice ${inv.number ?? inv.external_id} is in ${inv.currency}, the money in ${m.currency}`);
    if (inv.status !== 'open') invalid(`allocations.${k}.invoiceId`, `invoice ${inv.number ?? inv.external_id} is ${inv.status}`);
    let amount: bigint;
    try {
      amount = toMinor(x.amount, m.currency, `allocations.${k}.amount`);
    } catch {
      invalid(`allocations.${k}.amount`, `"${x.amount}" is not an amount in ${m.currency}`);
    }
    if (amount <= 0n) invalid(`allocations.${k}.amount`, 'must be more than zero');
    if (amount > BigInt(inv.balance_minor)) invalid(`allocations.${k}.amount`, `invoice ${inv.number ?? inv.external_id} owes ${formatMinor(BigInt(inv.balance_minor), m.currency)}`);
    total += amount;
    applications.push({ invoiceId: inv.id, amount });
  }
  const unapplied = BigInt(m.amount);
  if (total > unapplied) invalid('allocations', `${formatMinor(total, m.currency)} is more than the ${formatMinor(unapplied, m.currency)} unapplied`);
  const key = `manual:${moneyId}:${a.requestId ?? `${unapplied}:${a.allocations.map((x) => `${x.invoiceId}=${x.amount}`).join(',')}`}`;
  const result = await applyToInvoices(tx, m, applications, { decidedBy: ctx.userId, today: ctx.today, idempotencyKey: key, payload: { manual: true } });
  if (!result.created) throw new Conflict('allocation.requestId: this allocation was already applied', { field: 'requestId' });
  return { allocations: applications.length, remaining: formatMinor(unapplied - total, m.currency), currency: m.currency, writeBack: result.writeBack };
}
